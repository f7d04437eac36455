// lag: replication lag of every link of the deployment, as each receiving region measures it,
// once or refreshed in place.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "commandgroups.h"
#include "ctlformat.h"
#include "interruptflag.h"
#include "multiregion.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct LagArgs {
    bool views = false;
    double watchSeconds = 0;
    std::string deployment;
};

std::string latency(double ms) {
    return ms > 0 ? formatFixed(ms, ms < 10 ? 1 : 0) : "-";
}

// "streaming", "PARTITIONED": what needs attention stands out.
std::string stateText(const v1::LinkStats& l) {
    std::string name = linkStateName(l.state());
    if (l.state() == v1::LINK_STATE_STREAMING || l.state() == v1::LINK_STATE_CONNECTING ||
        l.state() == v1::LINK_STATE_SNAPSHOT)
        return name;
    std::transform(name.begin(), name.end(), name.begin(), ::toupper);
    return name;
}

std::string emulationText(const v1::LinkStats& l) {
    if (!l.emulated())
        return "-";
    return "emulated: " + (l.emulation().empty() ? std::string("yes") : l.emulation());
}

void addLinkRow(TextTable& t, const v1::LinkStats& l, bool viewRow) {
    const double lag = lagSeconds(l);
    t.addRow({viewRow ? "  " + l.feature_view() : linkName(l.from_region(), l.to_region()),
              l.mode(), formatFixed(lag, lag < 10 ? 2 : 1), formatCount(l.changes_behind()),
              formatFixed(l.apply_rate(), 1), latency(l.latency_p50_ms()),
              latency(l.latency_p99_ms()), formatCount(l.conflicts()),
              viewRow ? "" : formatCount(l.residency_skipped()), viewRow ? "" : stateText(l),
              viewRow ? "" : emulationText(l)});
}

std::string renderTable(const std::vector<client::RegionAnswer<v1::StatsResponse>>& answers,
                        bool views) {
    std::vector<const v1::LinkStats*> links;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        for (const auto& l : a.answer->links())
            links.push_back(&l);
    }
    std::stable_sort(links.begin(), links.end(), [](const auto* a, const auto* b) {
        return std::tie(a->from_region(), a->to_region(), a->feature_view()) <
               std::tie(b->from_region(), b->to_region(), b->feature_view());
    });
    TextTable t({"FROM → TO", "MODE", "LAG S", "BEHIND", "APPLY/S", "P50 MS", "P99 MS", "CONFLICTS",
                 "WITHHELD", "STATE", "EMULATION"});
    for (size_t c = 2; c <= 8; ++c)
        t.alignRight(c);
    for (const auto* l : links) {
        if (l->feature_view().empty())
            addLinkRow(t, *l, false);
        else if (views)
            addLinkRow(t, *l, true);
    }
    std::string out = "Replication lag at " + rows::formatTimestamp(rows::nowMs()) +
                      ", as each receiving region measures it\n\n";
    if (t.empty())
        out += "No links: the regions that answered have no peers in this deployment.\n";
    else
        out += t.render();
    return out;
}

std::string renderJson(const std::vector<client::RegionAnswer<v1::StatsResponse>>& answers) {
    std::string out = "{\n  \"at\": " + std::to_string(rows::nowMs()) + ",\n  \"links\": [";
    bool first = true;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        for (const auto& l : a.answer->links()) {
            out += std::string(first ? "" : ", ") + indented(jsonOf(l), 4);
            first = false;
        }
    }
    return out + "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
}

std::vector<client::RegionAnswer<v1::StatsResponse>> askStats(client::RegionDirectory& regions) {
    return regions.askAll<v1::StatsResponse>([](client::RegionClient& c) { return c.stats(); });
}

void printOnce(CtlOptions& options, const LagArgs& args,
               const std::vector<client::RegionAnswer<v1::StatsResponse>>& answers) {
    if (options.json()) {
        std::fputs(renderJson(answers).c_str(), stdout);
        return;
    }
    std::fputs(renderTable(answers, args.views).c_str(), stdout);
    printSilentRegions(answers, "links into it are not shown");
}

absl::Status runLag(CtlOptions& options, const LagArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    if (args.watchSeconds <= 0) {
        auto answers = askStats(**regions);
        if (auto st = requireAnswer(answers, **regions); !st.ok())
            return st;
        printOnce(options, args, answers);
        return absl::OkStatus();
    }
    InterruptFlag interrupt;
    const bool terminal = isatty(STDOUT_FILENO) == 1 && !options.json();
    const auto interval = std::chrono::milliseconds(static_cast<int64_t>(args.watchSeconds * 1000));
    auto next = std::chrono::steady_clock::now();
    bool first = true;
    while (!interrupt.raised()) {
        auto answers = askStats(**regions);
        if (terminal)
            std::fputs("\033[H\033[2J", stdout);  // home, clear: the table refreshes in place
        else if (!first)
            std::fputc('\n', stdout);
        first = false;
        printOnce(options, args, answers);
        if (terminal)
            std::printf("\nrefreshing every %s s; Ctrl-C to stop\n",
                        formatFixed(args.watchSeconds, args.watchSeconds < 1 ? 1 : 0).c_str());
        std::fflush(stdout);
        next += interval;
        while (!interrupt.raised() && std::chrono::steady_clock::now() < next)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return absl::OkStatus();
}

}  // namespace

void registerLagCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<LagArgs>();
    auto* lag = addMultiRegionCommand(
        app, "lag", "Show replication lag of every link between regions",
        {"meridianctl lag", "meridianctl lag --view", "meridianctl lag --watch 2",
         "meridianctl lag -o json"},
        "One row per link, from the region that sends to the region that applies, as the\n"
        "receiving region measures it: replication mode, lag in seconds (age of the oldest\n"
        "change not applied yet; 0 when caught up), changes behind, changes applied per second,\n"
        "p50/p99 end-to-end latency (apply time minus commit time at the origin, last minute),\n"
        "conflicts resolved, changes withheld for residency, and the link's state. A link with\n"
        "emulated delay, loss or partition (demo and tests) always says so in EMULATION.");
    lag->group("Replication");
    lag->add_flag("--view", args->views, "Add a row per feature view under each link");
    lag->add_option("--watch", args->watchSeconds,
                    "Refresh every SECONDS until Ctrl-C (in place on a terminal)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.2, 3600.0));
    addDeploymentOption(lag, args->deployment);
    options.setAction(lag, [&options, args] { return runLag(options, *args); });
}

}  // namespace meridian::ctl
