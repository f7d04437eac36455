// residency, residency purge: data a region holds of views whose residency no longer allows it
// (a view's policy changed after its rows arrived, or the deployment moved the region to another
// jurisdiction), and deleting it once an operator has seen what goes.

#include <cstdio>
#include <memory>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct ResidencyArgs {
    std::vector<std::string> views;
    bool countLog = false;
    bool confirm = false;
};

std::string regionLabel(const v1::ResidencyResponse& r) {
    return r.region() +
           (r.jurisdiction().empty() ? "" : " (jurisdiction " + r.jurisdiction() + ")");
}

void printFindings(const v1::ResidencyResponse& r, bool deleted) {
    TextTable t(
        {"FEATURE VIEW", "RESIDENCY", "ALLOWED IN", deleted ? "ONLINE DELETED" : "ONLINE ROWS",
         deleted ? "OFFLINE DELETED" : "OFFLINE ROWS", deleted ? "LOG DELETED" : "LOG ENTRIES"});
    for (size_t c = 3; c < 6; ++c)
        t.alignRight(c);
    for (const auto& f : r.findings())
        t.addRow({f.project() + "/" + f.feature_view(), f.residency(),
                  absl::StrJoin(f.allowed_regions(), ", "), formatCount(f.online_rows()),
                  formatCount(f.offline_rows()),
                  f.changelog_entries() < 0 ? "-" : formatCount(f.changelog_entries())});
    t.print();
}

v1::ResidencyRequest requestOf(const ResidencyArgs& args) {
    v1::ResidencyRequest request;
    for (const auto& v : args.views)
        request.add_views(v);
    request.set_count_changelog(args.countLog);
    request.set_confirm(args.confirm);
    return request;
}

std::string viewFlags(const ResidencyArgs& args) {
    std::string out;
    for (const auto& v : args.views)
        out += " --view " + v;
    return out;
}

absl::Status runResidency(CtlOptions& options, const ResidencyArgs& args) {
    auto found = options.client().checkResidency(requestOf(args));
    if (!found.ok())
        return found.status();
    if (options.json()) {
        printJson(*found);
        return absl::OkStatus();
    }
    if (found->findings().empty()) {
        std::printf("%s holds no data that residency forbids it.\n", regionLabel(*found).c_str());
        return absl::OkStatus();
    }
    std::printf("%s holds data of %d view%s that residency no longer allows here:\n\n",
                regionLabel(*found).c_str(), found->findings_size(),
                found->findings_size() == 1 ? "" : "s");
    printFindings(*found, false);
    std::printf(
        "\nThe data stays until purged; peers that may hold it keep their copies. Purge:\n"
        "  meridianctl residency purge%s --confirm\n",
        viewFlags(args).c_str());
    return absl::OkStatus();
}

absl::Status runPurge(CtlOptions& options, ResidencyArgs args) {
    if (!args.confirm) {
        args.countLog = true;
        auto found = options.client().checkResidency(requestOf(args));
        if (!found.ok())
            return found.status();
        if (found->findings().empty()) {
            std::printf("%s holds no data that residency forbids it: nothing to purge.\n",
                        regionLabel(*found).c_str());
            return absl::OkStatus();
        }
        std::printf("A purge would delete, from %s:\n\n", regionLabel(*found).c_str());
        printFindings(*found, false);
        std::printf("\n");
        return absl::FailedPreconditionError(
            "nothing deleted: a purge cannot be undone; run it again with --confirm");
    }
    auto purged = options.client().purgeResidency(requestOf(args));
    if (!purged.ok())
        return purged.status();
    if (options.json()) {
        printJson(*purged);
        return absl::OkStatus();
    }
    if (purged->findings().empty()) {
        std::printf("%s holds no data that residency forbids it: nothing to purge.\n",
                    regionLabel(*purged).c_str());
        return absl::OkStatus();
    }
    std::printf("Purged from %s:\n\n", regionLabel(*purged).c_str());
    printFindings(*purged, true);
    std::printf("\nFreed pages were zeroed; the write-ahead log %s.\n",
                purged->wal_truncated()
                    ? "was truncated"
                    : "is truncated at its next checkpoint (a reader held it just now)");
    return absl::OkStatus();
}

void addViewOption(CLI::App* command, ResidencyArgs& args) {
    command->add_option("--view", args.views,
                        "Only this feature view, as project/view (repeatable)");
}

}  // namespace

void registerResidencyCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<ResidencyArgs>();
    auto* residency = addCommand(
        app, "residency", "Show data the region holds that residency no longer allows",
        {"meridianctl residency --endpoint 127.0.0.1:7401",
         "meridianctl residency --count-log -o json"},
        "Residency is enforced on every way in, but a view's policy can change after its rows\n"
        "arrived, and so can the jurisdiction the deployment gives a region. Those rows stay in\n"
        "the region's files (and raise a residency_violation alert) until purged with\n"
        "'meridianctl residency purge --confirm'.");
    residency->group("Region");
    addViewOption(residency, *args);
    residency->add_flag("--count-log", args->countLog,
                        "Also count the views' changelog entries (reads the whole log)");

    auto purgeArgs = std::make_shared<ResidencyArgs>();
    auto* purge = addCommand(
        *residency, "purge", "Delete the data residency no longer allows in the region",
        {"meridianctl residency purge",
         "meridianctl residency purge --view shop/eu_profiles --confirm"},
        "Deletes every online row, offline row and changelog entry of the views residency no\n"
        "longer allows here, zeroing the freed pages and truncating the write-ahead log, and\n"
        "records the purge in the region's audit trail. Without --confirm it only shows what\n"
        "would go. Views that residency still allows here are refused.");
    addViewOption(purge, *purgeArgs);
    purge->add_flag("--confirm", purgeArgs->confirm, "Delete for good (without it: show only)");
    // CLI11 runs the parent's callback after its subcommand's, so the parent picks.
    options.setAction(residency, [&options, args, purgeArgs, purge] {
        return purge->parsed() ? runPurge(options, *purgeArgs) : runResidency(options, *args);
    });
}

}  // namespace meridian::ctl
