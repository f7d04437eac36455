// materialize: latest offline values of a time range loaded into the online store.

#include <cstdio>
#include <memory>

#include "commandgroups.h"
#include "ctlformat.h"
#include "progressline.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct MaterializeArgs {
    std::string view;
    std::string start;
    std::string end = "now";
};

absl::Status runMaterialize(CtlOptions& options, const MaterializeArgs& args) {
    const int64_t now = rows::nowMs();
    auto start = rows::parseTimeArgument(args.start, now);
    if (!start.ok())
        return absl::InvalidArgumentError("--start: " + std::string(start.status().message()));
    auto end = rows::parseTimeArgument(args.end, now);
    if (!end.ok())
        return absl::InvalidArgumentError("--end: " + std::string(end.status().message()));
    if (*end <= *start)
        return absl::InvalidArgumentError("--end (" + formatTime(*end) +
                                          ") must be after --start (" + formatTime(*start) + ")");
    auto project = options.resolveProject();
    if (!project.ok())
        return project.status();

    v1::MaterializeRequest request;
    request.set_project(*project);
    request.set_feature_view(args.view);
    request.set_start(*start);
    request.set_end(*end);
    ProgressLine progress;
    auto result = options.client().materialize(request, [&](const v1::MaterializeProgress& p) {
        progress.update("materialize " + p.feature_view() + ": " + formatCount(p.rows_scanned()) +
                            " / " + formatCount(p.rows_total()) + " keys (" +
                            formatFixed(p.percent(), 0) + "%), " + formatCount(p.rows_written()) +
                            " written",
                        p.done());
    });
    progress.finish();
    if (!result.ok())
        return result.status();
    if (options.json()) {
        std::string out = "{\n  \"views\": [";
        for (size_t i = 0; i < result->size(); ++i) {
            out += (i ? ",\n    " : "\n    ") + indented(jsonOf((*result)[i]), 4);
        }
        out += result->empty() ? "]\n}\n" : "\n  ]\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    if (result->empty()) {
        std::printf(
            "nothing to materialize: no feature view of project '%s' has both an online and "
            "an offline store in this region\n",
            project->c_str());
        return absl::OkStatus();
    }
    TextTable table({"FEATURE VIEW", "KEYS SCANNED", "WRITTEN ONLINE", "KEYS IN RANGE"});
    for (size_t c = 1; c < 4; ++c)
        table.alignRight(c);
    for (const auto& p : *result)
        table.addRow({p.feature_view(), formatCount(p.rows_scanned()),
                      formatCount(p.rows_written()), formatCount(p.rows_total())});
    std::printf("materialized %s to %s\n\n", formatTime(*start).c_str(), formatTime(*end).c_str());
    table.print();
    return absl::OkStatus();
}

}  // namespace

void registerMaterializeCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<MaterializeArgs>();
    auto* materialize = addCommand(
        app, "materialize", "Load offline values of a time range into the online store",
        {"meridianctl materialize --start -24h",
         "meridianctl materialize --view user_stats --start 2026-11-01 --end 2026-11-26T00:00:00Z"},
        "For each entity, the latest offline value with an event time in [start, end) replaces "
        "the\n"
        "online value when it is newer. TIME is ISO-8601 (2026-11-26T09:00:00Z, or a date for\n"
        "midnight UTC), epoch milliseconds, now, or relative to now (-24h, -15m, -7d).");
    materialize->group("Data");
    materialize->add_option("--view", args->view,
                            "Only this feature view (default: every view with both stores), e.g. "
                            "--view user_stats");
    materialize
        ->add_option("--start", args->start, "Start of the range (inclusive), e.g. --start -24h")
        ->type_name("TIME")
        ->required();
    materialize->add_option("--end", args->end, "End of the range (exclusive), e.g. --end now")
        ->type_name("TIME")
        ->capture_default_str();
    options.setAction(materialize, [&options, args] { return runMaterialize(options, *args); });
}

}  // namespace meridian::ctl
