// check: the online store of regions compared pairwise, view by view, with each differing key,
// both sides' versions and which one the conflict rule keeps.

#include <cstdio>
#include <future>
#include <memory>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "routedreads.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

constexpr size_t kValueWidth = 40;

struct CheckArgs {
    std::vector<std::string> between;
    std::vector<std::string> views;
    std::string lagBound = "5s";
    int maxDifferences = 20;
    std::string deployment;
};

std::string versionText(const v1::RowVersion& v) {
    if (!v.present())
        return "(none)";
    return ellipsize(v.values(), kValueWidth) + " @ " + formatTime(v.event_timestamp()) + " from " +
           v.origin();
}

std::string winnerText(const v1::KeyDifference& d, const std::string& a, const std::string& b) {
    switch (d.winner()) {
        case v1::KeyDifference::HERE:
            return a;
        case v1::KeyDifference::THERE:
            return b;
        default:
            return "UNRESOLVED";
    }
}

struct PairResult {
    std::string a, b;
    absl::StatusOr<v1::ConsistencyReport> report;
};

absl::Status runCheck(CtlOptions& options, const CheckArgs& args) {
    auto lag = parseStalenessMs(args.lagBound, "--lag-bound");
    if (!lag.ok())
        return lag.status();
    for (const auto& v : args.views) {
        if (v.find('/') == std::string::npos)
            return absl::InvalidArgumentError("--view '" + v +
                                              "' must be project/view (e.g. commerce/" + v + ")");
    }
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!args.between.empty()) {
        if (args.between.size() != 2 || args.between[0] == args.between[1])
            return absl::InvalidArgumentError("--between takes two different regions");
        for (const auto& r : args.between) {
            if (auto st = (*regions)->checkRegion(r); !st.ok())
                return st;
        }
        pairs.emplace_back(args.between[0], args.between[1]);
    } else {
        const auto names = (*regions)->names();
        for (size_t i = 0; i < names.size(); ++i)
            for (size_t j = i + 1; j < names.size(); ++j)
                pairs.emplace_back(names[i], names[j]);
    }
    v1::CheckConsistencyRequest base;
    base.set_lag_bound_ms(*lag);
    base.set_max_differences(args.maxDifferences);
    for (const auto& v : args.views)
        base.add_scope(v);
    std::vector<std::future<PairResult>> pending;
    for (const auto& [a, b] : pairs) {
        auto* client = &(*regions)->client(a);
        pending.push_back(std::async(std::launch::async, [client, base, a = a, b = b] {
            auto request = base;
            request.set_peer(b);
            return PairResult{a, b, client->checkConsistency(request)};
        }));
    }
    std::vector<PairResult> results;
    for (auto& p : pending)
        results.push_back(p.get());

    if (options.json()) {
        std::string out = "[";
        for (const auto& r : results) {
            out += std::string(out.size() > 1 ? ",\n  " : "\n  ");
            if (r.report.ok())
                out += indented(jsonOf(*r.report), 2);
            else
                out += "{\"region\": " + jsonString(r.a) + ", \"peer\": " + jsonString(r.b) +
                       ", \"error\": " + jsonString(std::string(r.report.status().message())) + "}";
        }
        std::printf("%s\n]\n", out.c_str());
    }

    int64_t differing = 0;
    int checked = 0, failed = 0;
    std::vector<std::string> divergent;
    absl::Status firstFailure;
    for (const auto& r : results) {
        if (!r.report.ok()) {
            ++failed;
            if (firstFailure.ok())
                firstFailure = r.report.status();
            if (!options.json())
                std::printf("%s ↔ %s: not checked: %s\n\n", r.a.c_str(), r.b.c_str(),
                            std::string(r.report.status().message()).c_str());
            continue;
        }
        const auto& report = *r.report;
        if (report.views().empty() && args.between.empty())
            continue;  // the pair shares no view
        ++checked;
        int64_t pairDiffering = 0, exchanged = 0;
        for (const auto& v : report.views()) {
            pairDiffering += v.differences_total();
            exchanged += v.bytes_exchanged();
        }
        differing += pairDiffering;
        if (pairDiffering > 0)
            divergent.push_back(r.a + " " + r.b);
        if (options.json())
            continue;
        std::printf(
            "%s ↔ %s: %s, %s; %s exchanged (a full copy: about %s)\n", r.a.c_str(), r.b.c_str(),
            (formatCount(report.views_size()) + (report.views_size() == 1 ? " view" : " views"))
                .c_str(),
            pairDiffering == 0 ? "consistent"
                               : (formatCount(pairDiffering) +
                                  (pairDiffering == 1 ? " key differs" : " keys differ"))
                                     .c_str(),
            formatBytes(exchanged).c_str(), formatBytes(report.full_copy_bytes()).c_str());
        if (report.views().empty()) {
            std::printf("  (no online view is held by both)\n\n");
            continue;
        }
        TextTable views({"VIEW", "ROWS " + r.a, "ROWS " + r.b, "IN FLIGHT", "BUCKETS", "DIFFERING",
                         "EXCHANGED", "TIME", "RESULT"});
        for (size_t c : {1, 2, 3, 4, 5, 6, 7})
            views.alignRight(c);
        for (const auto& v : report.views()) {
            views.addRow(
                {v.feature_view(), formatCount(v.rows_here()), formatCount(v.rows_there()),
                 formatCount(v.young_rows()),
                 formatCount(v.buckets_differing()) + " of " + formatCount(v.buckets_compared()),
                 formatCount(v.differences_total()), formatBytes(v.bytes_exchanged()),
                 formatFixed(v.seconds(), 2) + " s",
                 !v.error().empty()           ? "not checked: " + v.error()
                 : v.differences_total() == 0 ? "consistent"
                                              : "DIVERGED"});
        }
        views.print();
        bool any = false;
        TextTable keys({"VIEW", "ENTITY", r.a, r.b, "KEPT", "WHY"});
        for (const auto& v : report.views()) {
            for (const auto& d : v.differences()) {
                any = true;
                keys.addRow({v.feature_view(), d.entity(), versionText(d.here()),
                             versionText(d.there()), winnerText(d, r.a, r.b), d.reason()});
            }
        }
        if (any) {
            std::printf("\n");
            keys.print();
        }
        std::printf("\n");
    }
    if (options.json()) {
        // The exit code still says what was found.
    } else if (checked == 0 && failed == 0) {
        std::printf("no pair of regions holds a view in common\n");
    }
    if (failed > 0 && checked == 0)
        return firstFailure;
    if (differing > 0)
        return client::markFromRegion(
            absl::DataLossError(formatCount(differing) +
                                (differing == 1 ? " key differs" : " keys differ") +
                                "; repair with: meridianctl repair --between " +
                                absl::StrJoin(divergent, " | meridianctl repair --between ")),
            "");
    return firstFailure;
}

}  // namespace

void registerConsistencyCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<CheckArgs>();
    auto* check = addMultiRegionCommand(
        app, "check", "Compare the online store of regions and list the keys that differ",
        {"meridianctl check", "meridianctl check --between aws-us-east-1 aws-eu-west-1",
         "meridianctl check --view commerce/merchant_risk -o json"},
        "Each pair of regions (or the two of --between) compares every online view both hold:\n"
        "digests of 65,536 buckets of keys, compared top-down, then only the rows of the\n"
        "buckets that differ, so a check moves a tiny share of what a full copy would. Rows\n"
        "written within --lag-bound are left out as possibly in flight. Each differing key is\n"
        "listed with both versions and the one the conflict rule keeps (a key with the same\n"
        "version and different values keeps its writer's copy). Exit code 1 when keys differ;\n"
        "meridianctl repair fixes them. Regions also check their peers every\n"
        "replication.consistency_check (10 minutes by default) and raise a divergence alert.");
    check->group("Replication");
    check->add_option("--between", args->between, "Only these two regions")
        ->expected(2)
        ->type_name("REGION REGION");
    check
        ->add_option("--view", args->views,
                     "Only this feature view, project/view (repeatable); default: every online "
                     "view both hold")
        ->type_name("PROJECT/VIEW");
    check
        ->add_option("--lag-bound", args->lagBound,
                     "Leave out rows written more recently than this (still in flight)")
        ->capture_default_str()
        ->type_name("DURATION");
    check->add_option("--max", args->maxDifferences, "Most differing keys listed per view")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    addDeploymentOption(check, args->deployment);
    options.setAction(check, [&options, args] { return runCheck(options, *args); });
}

}  // namespace meridian::ctl
