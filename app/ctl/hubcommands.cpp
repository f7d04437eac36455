// promote: moves the hub of hub-and-spoke views to another region (failover), stating the
// loss window first; hubs: every region's view of who hubs what, in which epoch, and the
// changes old hubs acknowledged that never reached their successors.

#include <unistd.h>

#include <iostream>
#include <map>
#include <memory>

#include "absl/strings/str_join.h"
#include "client/hubsummary.h"
#include "commandgroups.h"
#include "multiregion.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct PromoteArgs {
    std::string view;
    std::string allOf;
    std::string to;
    bool yes = false;
    bool dryRun = false;
    std::string deployment;
};

struct HubsArgs {
    bool orphans = false;
    int limit = 1000;
    std::string deployment;
};

void printLossWindow(const v1::PromotionReport& plan) {
    TextTable table(
        {"VIEW", "HUB NOW", "EPOCH", "OLD HUB ANSWERS", "NOT APPLIED AT " + plan.to_region()});
    table.alignRight(4);
    for (const auto& v : plan.views())
        table.addRow({v.feature_view(), v.old_hub(),
                      std::to_string(v.old_epoch()) + " → " + std::to_string(v.new_epoch()),
                      v.old_hub_reachable() ? "yes" : "no",
                      (v.old_hub_reachable() ? "" : "≥ ") + formatCount(v.not_applied())});
    table.print();
    std::printf("\n");
    for (const auto& v : plan.views())
        std::printf("%s: %s\n", v.feature_view().c_str(), v.loss_window().c_str());
}

bool confirmed(const PromoteArgs& args, const v1::PromotionReport& plan) {
    if (args.yes)
        return true;
    if (!isatty(STDIN_FILENO))
        return false;
    int64_t lost = 0;
    for (const auto& v : plan.views())
        lost += v.not_applied();
    std::printf(
        "\nPromote '%s' to hub of %d view%s? Up to %s change%s of the old hub%s would be "
        "left behind.\nType 'promote' to confirm: ",
        plan.to_region().c_str(), plan.views_size(), plan.views_size() == 1 ? "" : "s",
        formatCount(lost).c_str(), lost == 1 ? "" : "s", plan.views_size() == 1 ? "" : "s");
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "promote";
}

absl::Status runPromote(CtlOptions& options, const PromoteArgs& args) {
    if (args.view.empty() == args.allOf.empty())
        return absl::InvalidArgumentError(
            "name a feature view (project/view) or --all-of REGION, not both and not neither");
    if (!args.view.empty() && args.view.find('/') == std::string::npos)
        return absl::InvalidArgumentError("feature view '" + args.view +
                                          "' must be project/view (e.g. commerce/" + args.view +
                                          ")");
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    if (auto st = (*regions)->checkRegion(args.to); !st.ok())
        return st;
    if (!args.allOf.empty()) {
        if (auto st = (*regions)->checkRegion(args.allOf); !st.ok())
            return st;
        if (args.allOf == args.to)
            return absl::InvalidArgumentError("--all-of and --to name the same region");
    }
    v1::PromoteRequest request;
    request.set_feature_view(args.view);
    request.set_all_of(args.allOf);
    request.set_to_region(args.to);
    request.set_dry_run(true);
    auto& client = (*regions)->client(args.to);
    auto plan = client.promote(request);
    if (!plan.ok())
        return plan.status();
    if (args.dryRun) {
        if (options.json())
            printJson(*plan);
        else
            printLossWindow(*plan);
        return absl::OkStatus();
    }
    if (!options.json())
        printLossWindow(*plan);
    if (!confirmed(args, *plan))
        return absl::FailedPreconditionError(
            "nothing promoted: confirm with --yes (or type 'promote' at the prompt)");

    request.set_dry_run(false);
    auto report = client.promote(request);
    if (!report.ok())
        return report.status();
    if (options.json())
        printJson(*report);
    int failed = 0;
    for (const auto& v : report->views()) {
        if (!v.committed())
            ++failed;
        if (options.json())
            continue;
        if (v.committed())
            std::printf(
                "\n%s: '%s' is the hub in epoch %llu (was '%s', epoch %llu); promised by "
                "%s of %d regions (%s)%s\n",
                v.feature_view().c_str(), report->to_region().c_str(),
                static_cast<unsigned long long>(v.new_epoch()), v.old_hub().c_str(),
                static_cast<unsigned long long>(v.old_epoch()),
                std::to_string(v.promised_size()).c_str(), report->regions(),
                absl::StrJoin(v.promised(), ", ").c_str(),
                v.writes_after_ms() > 0
                    ? ("; it accepts writes " + std::to_string(v.writes_after_ms()) +
                       " ms after the commit, when the old hub's lease has run out")
                          .c_str()
                    : "; it accepts writes now (the old hub promised to stop)");
        else
            std::printf("\n%s: NOT PROMOTED: %s\n", v.feature_view().c_str(), v.error().c_str());
    }
    if (!options.json()) {
        for (const auto& u : report->unreachable())
            std::printf("did not answer: %s\n", u.c_str());
        std::printf(
            "\n%s in %s. The old hub, when it answers again, refuses writes to these "
            "views and lists what it never sent (meridianctl hubs --orphans).\n",
            failed == 0 ? "promoted" : "finished",
            (formatFixed(static_cast<double>(report->elapsed_ms()) / 1000, 2) + " s").c_str());
    }
    if (failed > 0)
        return client::markFromRegion(
            absl::FailedPreconditionError(
                std::to_string(failed) + " of " + std::to_string(report->views_size()) +
                " view(s) not promoted: a majority of regions (" +
                std::to_string(report->majority()) + ") must promise the new epoch"),
            args.to);
    return absl::OkStatus();
}

absl::Status runHubs(CtlOptions& options, const HubsArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const int limit = args.orphans ? args.limit : 0;
    auto answers = (*regions)->askAll<v1::ListHubsResponse>(
        [limit](client::RegionClient& c) { return c.listHubs(limit); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    if (options.json()) {
        std::string out = "[";
        for (const auto& a : answers) {
            if (!a.answer.ok())
                continue;
            out += std::string(out.size() > 1 ? ",\n  " : "\n  ") + indented(jsonOf(*a.answer), 2);
        }
        std::printf("%s\n]\n", out.c_str());
        return absl::OkStatus();
    }
    std::vector<client::RegionHubs> reported;
    for (const auto& a : answers)
        reported.push_back({a.region, a.answer.ok() ? &*a.answer : nullptr});
    const auto rows = client::summarizeHubs(reported);
    TextTable table({"VIEW", "HUB", "EPOCH", "SINCE", "PREVIOUS HUB", "REGIONS AGREEING",
                     "HUB ACCEPTS WRITES"});
    for (const auto& row : rows) {
        table.addRow(
            {row.view, row.hub, std::to_string(row.epoch),
             row.sinceMs ? formatTime(row.sinceMs) : "(spec)",
             row.previousHub.empty() ? "-" : row.previousHub,
             std::to_string(row.agreeing) + " of " + std::to_string(row.answering) +
                 (row.notAgreeing.empty() ? ""
                                          : " (not: " + absl::StrJoin(row.notAgreeing, ", ") + ")"),
             !row.hubAnswered    ? "(the hub did not answer)"
             : row.acceptsWrites ? "yes"
                                 : "no: " + row.gate});
    }
    if (rows.empty())
        std::printf("no hub-and-spoke view in the registry\n");
    else
        table.print();
    bool anyOrphans = false;
    for (const auto& a : answers) {
        if (!a.answer.ok() || a.answer->orphans_total() == 0)
            continue;
        if (!anyOrphans)
            std::printf("\n");
        anyOrphans = true;
        std::printf(
            "%s holds %s change(s) it acknowledged as an old hub that never reached the "
            "new one%s\n",
            a.region.c_str(), formatCount(a.answer->orphans_total()).c_str(),
            args.orphans ? ":" : " (list them with --orphans)");
    }
    if (args.orphans && anyOrphans) {
        TextTable orphans(
            {"REGION", "VIEW", "SEQ", "ENTITY", "EVENT TIME", "ACKNOWLEDGED", "EPOCH", "HUB NOW"});
        orphans.alignRight(2);
        for (const auto& a : answers) {
            if (!a.answer.ok())
                continue;
            for (const auto& o : a.answer->orphans())
                orphans.addRow({a.region, o.feature_view(), std::to_string(o.seq()), o.entity_key(),
                                formatTime(o.event_timestamp()), formatTime(o.commit_ms()),
                                std::to_string(o.epoch()), o.new_hub()});
        }
        std::printf("\n");
        orphans.print();
        std::printf(
            "\nThey were not replicated and are not applied anywhere else: write them "
            "again at the hub now if they should count.\n");
    }
    printSilentRegions(answers, "its view of hubs is not shown");
    return absl::OkStatus();
}

}  // namespace

void registerHubCommands(CLI::App& app, CtlOptions& options) {
    auto promoteArgs = std::make_shared<PromoteArgs>();
    auto* promote = addMultiRegionCommand(
        app, "promote", "Move the hub of hub-and-spoke views to another region (failover)",
        {"meridianctl promote commerce/merchant_risk --to aws-eu-west-1",
         "meridianctl promote --all-of aws-us-east-1 --to gcp-europe-west4 --yes",
         "meridianctl promote commerce/merchant_risk --to aws-eu-west-1 --dry-run"},
        "First states the loss window: how many changes of the old hub the new one has not\n"
        "applied (asked of the old hub, else taken from its last report). Then, once\n"
        "confirmed, the new hub asks every region to promise the next epoch; with a majority\n"
        "of them it commits. From then on every region refuses writes and streams of the view\n"
        "from the old hub; the old hub, when it answers again, refuses writes naming the new\n"
        "hub, follows it as a spoke, and lists the changes it acknowledged that never left it\n"
        "(meridianctl hubs --orphans). The new hub accepts writes at once when the old hub\n"
        "promised, else when the old hub's lease (three heartbeats, at least 1.5 s) and a\n"
        "0.25 s margin have run out.");
    promote->group("Replication");
    promote->add_option("view", promoteArgs->view, "The feature view, project/view")
        ->type_name("PROJECT/VIEW");
    promote
        ->add_option("--all-of", promoteArgs->allOf,
                     "Every hub-and-spoke view whose hub is this region")
        ->type_name("REGION");
    promote->add_option("--to", promoteArgs->to, "The region to make the hub")
        ->required()
        ->type_name("REGION");
    promote->add_flag("--yes", promoteArgs->yes, "Do not ask for confirmation");
    promote->add_flag("--dry-run", promoteArgs->dryRun, "Only show the loss window");
    addDeploymentOption(promote, promoteArgs->deployment);
    options.setAction(promote,
                      [&options, promoteArgs] { return runPromote(options, *promoteArgs); });

    auto hubsArgs = std::make_shared<HubsArgs>();
    auto* hubs = addMultiRegionCommand(
        app, "hubs", "Show the hub and epoch of every hub-and-spoke view, region by region",
        {"meridianctl hubs", "meridianctl hubs --orphans", "meridianctl hubs -o json"},
        "A region that has not yet heard of a promotion is listed as not agreeing; the hub's\n"
        "own answer says whether it accepts writes now and, if not, why. Old hubs count the\n"
        "changes they acknowledged that never reached their successor.");
    hubs->group("Replication");
    hubs->add_flag("--orphans", hubsArgs->orphans,
                   "List the changes old hubs acknowledged that never reached the new hub");
    hubs->add_option("--limit", hubsArgs->limit, "Most orphaned changes listed per region")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    addDeploymentOption(hubs, hubsArgs->deployment);
    options.setAction(hubs, [&options, hubsArgs] { return runHubs(options, *hubsArgs); });
}

}  // namespace meridian::ctl
