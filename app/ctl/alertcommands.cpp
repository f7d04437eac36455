// alerts: what every region has raised about itself (clock offset of a peer, log retention,
// residency refusals, links down), active ones or the whole history.

#include <algorithm>
#include <cstdio>
#include <memory>

#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct AlertArgs {
    bool all = false;
    int limit = 100;
    std::string deployment;
};

struct RegionAlert {
    std::string region;
    v1::Alert alert;
};

std::string ago(int64_t ms) {
    return ms > 0 ? formatElapsed(std::max<int64_t>(0, rows::nowMs() - ms)) + " ago" : "-";
}

absl::Status runAlerts(CtlOptions& options, const AlertArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const bool all = args.all;
    const int limit = args.limit;
    auto answers = (*regions)->askAll<std::vector<v1::Alert>>(
        [all, limit](client::RegionClient& c) { return c.alerts(all, limit); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    std::vector<RegionAlert> alerts;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        for (const auto& alert : *a.answer)
            alerts.push_back({a.region, alert});
    }
    // Active first, the most recent on top.
    std::sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) {
        const bool activeA = a.alert.cleared_at() == 0, activeB = b.alert.cleared_at() == 0;
        if (activeA != activeB)
            return activeA;
        return a.alert.raised_at() > b.alert.raised_at();
    });
    if (options.json()) {
        std::string out = "{\n  \"alerts\": [";
        for (size_t i = 0; i < alerts.size(); ++i) {
            std::string alert = jsonOf(alerts[i].alert);
            // The region that raised it, as the first field of each alert.
            alert.insert(1, "\n  \"region\": " + jsonString(alerts[i].region) + ",");
            out += std::string(i ? ", " : "") + indented(alert, 4);
        }
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    int answered = 0;
    for (const auto& a : answers)
        answered += a.answer.ok();
    if (alerts.empty()) {
        std::printf("No %salerts in the %d region%s that answered.\n", all ? "" : "active ",
                    answered, answered == 1 ? "" : "s");
    } else {
        TextTable t({"REGION", "SEVERITY", "KIND", "SUBJECT", "RAISED", "STATE", "MESSAGE"});
        for (const auto& a : alerts) {
            const auto& al = a.alert;
            std::string severity = al.severity();
            if (severity == "critical")
                severity = "CRITICAL";
            t.addRow({a.region, severity, al.kind(), al.subject(), ago(al.raised_at()),
                      al.cleared_at() ? "cleared " + ago(al.cleared_at()) : "active",
                      al.message()});
        }
        t.print();
    }
    printSilentRegions(answers, "its alerts are not listed");
    return absl::OkStatus();
}

}  // namespace

void registerAlertCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<AlertArgs>();
    auto* alerts = addMultiRegionCommand(
        app, "alerts", "List the alerts every region has raised",
        {"meridianctl alerts", "meridianctl alerts --all", "meridianctl alerts -o json"},
        "Alerts a region raises about itself: a peer whose clock runs too far ahead, a peer\n"
        "about to fall off the end of the log, residency refusals, a link that is down. Active\n"
        "alerts by default; --all adds cleared ones. A region that does not answer is listed\n"
        "below the table as down.");
    alerts->group("Replication");
    alerts->add_flag("--all", args->all, "Include cleared alerts");
    alerts->add_option("--limit", args->limit, "Most alerts to ask each region for")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    addDeploymentOption(alerts, args->deployment);
    options.setAction(alerts, [&options, args] { return runAlerts(options, *args); });
}

}  // namespace meridian::ctl
