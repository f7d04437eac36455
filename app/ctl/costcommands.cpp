// cost: egress between regions in bytes and dollars, as every sending region accounts it, with
// a 30-day projection and what-ifs.

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "commandgroups.h"
#include "cost/costreport.h"
#include "cost/pricetable.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "registry/validation.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct CostArgs {
    std::string since = "24h";
    std::string by = "link";
    std::vector<std::string> whatIfs;
    std::string deployment;
};

struct WhatIf {
    std::string label;
    double usd = 0;
    std::string note;
};

struct Totals {
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    double usd = 0;
    std::string priceClass;
    double usdPerGb = 0;
};

std::string groupKey(const v1::CostLine& l, const std::string& by) {
    if (by == "view")
        return l.feature_view().empty() ? "(registry and control)" : l.feature_view();
    if (by == "kind")
        return l.kind();
    return linkName(l.from_region(), l.to_region());
}

absl::StatusOr<WhatIf> evaluate(const std::string& spec, const std::vector<v1::CostLine>& lines,
                                client::RegionDirectory& regions) {
    if (spec == "compression-off")
        return WhatIf{"compression off", cost::costWithoutCompression(lines),
                      "every batch sent as it is before zstd"};
    if (spec.starts_with("without:")) {
        const std::string region = spec.substr(8);
        if (auto st = regions.checkRegion(region); !st.ok())
            return absl::InvalidArgumentError("--what-if " + spec + ": " +
                                              std::string(st.message()));
        return WhatIf{"without " + region, cost::costWithoutRegion(lines, region),
                      "its links gone, the rest unchanged"};
    }
    if (spec.starts_with("batch:")) {
        const std::vector<std::string> parts = absl::StrSplit(spec.substr(6), ':');
        const long long seconds = parts.size() == 2 ? registry::parseDurationSeconds(parts[1]) : -1;
        if (parts.size() != 2 || parts[0].find('/') == std::string::npos || seconds <= 0)
            return absl::InvalidArgumentError(
                "--what-if " + spec +
                ": expected batch:PROJECT/VIEW:SCHEDULE, e.g. batch:commerce/merchant_risk:1h");
        bool streamed = false;
        for (const auto& l : lines)
            streamed = streamed || (l.feature_view() == parts[0] && l.kind() == "stream");
        return WhatIf{parts[0] + " as batch every " + parts[1],
                      cost::costAsBatch(lines, parts[0], static_cast<double>(seconds)),
                      streamed ? "each sync copies the day partition being written"
                               : "it streamed nothing in the window, so nothing changes"};
    }
    return absl::InvalidArgumentError("--what-if '" + spec +
                                      "': expected compression-off, batch:PROJECT/VIEW:SCHEDULE "
                                      "or without:REGION");
}

// Where each link's price comes from, read from the price table the regions use when this
// machine can read it.
std::vector<std::string> priceSources(const std::set<std::string>& pricingFiles,
                                      const std::vector<v1::CostLine>& lines,
                                      const deployment::Deployment& deployment) {
    std::vector<std::string> out;
    for (const auto& file : pricingFiles) {
        auto table = cost::PriceTable::load(file);
        if (!table.ok())
            continue;
        std::map<std::string, std::string> byCloud;
        for (const auto& l : lines) {
            const auto* from = deployment.region(l.from_region());
            const auto* to = deployment.region(l.to_region());
            if (!from || !to)
                continue;
            const auto price = table->priceOf(from->info, to->info);
            if (!price.source.empty())
                byCloud[from->info.cloud] =
                    price.source + (price.recorded.empty() ? "" : ", recorded " + price.recorded);
        }
        for (const auto& [cloud, source] : byCloud)
            out.push_back(cloud + ": " + source);
    }
    return out;
}

absl::Status runCost(CtlOptions& options, const CostArgs& args) {
    const long long sinceSeconds = registry::parseDurationSeconds(args.since);
    if (sinceSeconds <= 0)
        return absl::InvalidArgumentError("--since '" + args.since +
                                          "': expected a duration such as 90m, 24h or 7d");
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const int64_t now = rows::nowMs();
    const int64_t since = now - sinceSeconds * 1000;
    auto answers = (*regions)->askAll<v1::CostResponse>(
        [since](client::RegionClient& c) { return c.cost(since); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    std::vector<v1::CostLine> lines;
    std::set<std::string> pricingFiles;
    int64_t firstMinute = 0;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        lines.insert(lines.end(), a.answer->lines().begin(), a.answer->lines().end());
        if (!a.answer->pricing_source().empty())
            pricingFiles.insert(a.answer->pricing_source());
        for (const auto& b : a.answer->buckets()) {
            if (b.bytes() > 0 && (firstMinute == 0 || b.minute_ms() < firstMinute))
                firstMinute = b.minute_ms();
        }
    }
    std::vector<WhatIf> whatIfs;
    for (const auto& spec : args.whatIfs) {
        auto w = evaluate(spec, lines, **regions);
        if (!w.ok())
            return w.status();
        whatIfs.push_back(std::move(*w));
    }
    // Traffic is projected from the time it has been flowing, not from the whole window: a
    // demo started ten minutes ago has ten minutes of egress, not a day's.
    const int64_t observedFrom = std::max(since, firstMinute);
    const double observedSeconds =
        firstMinute > 0 ? std::max(60.0, static_cast<double>(now - observedFrom) / 1000.0) : 0;
    const cost::Projection projection = cost::project(lines, observedSeconds);
    auto per30Days = [&](double usd) {
        return observedSeconds > 0 ? usd / observedSeconds * 86400.0 * 30.0 : 0.0;
    };

    if (options.json()) {
        std::string out = "{\n  \"since_ms\": " + std::to_string(since) +
                          ",\n  \"until_ms\": " + std::to_string(now) +
                          ",\n  \"observed_seconds\": " + formatFixed(observedSeconds, 0) +
                          ",\n  \"usd\": " + formatFixed(projection.usd, 9) +
                          ",\n  \"usd_per_day\": " + formatFixed(projection.usdPerDay, 9) +
                          ",\n  \"usd_per_30_days\": " + formatFixed(projection.usdPer30Days, 9) +
                          ",\n  \"what_if\": [";
        for (size_t i = 0; i < whatIfs.size(); ++i)
            out += std::string(i ? ", " : "") + "{\"what_if\": " + jsonString(args.whatIfs[i]) +
                   ", \"usd\": " + formatFixed(whatIfs[i].usd, 9) +
                   ", \"usd_per_30_days\": " + formatFixed(per30Days(whatIfs[i].usd), 9) + "}";
        out += "],\n  \"regions\": [";
        bool first = true;
        for (const auto& a : answers) {
            if (!a.answer.ok())
                continue;
            out += std::string(first ? "" : ", ") + indented(jsonOf(*a.answer), 4);
            first = false;
        }
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }

    std::map<std::string, Totals> groups;
    Totals total;
    for (const auto& l : lines) {
        auto& g = groups[groupKey(l, args.by)];
        g.bytes += l.bytes();
        g.rawBytes += l.raw_bytes();
        g.usd += l.usd();
        g.priceClass = l.price_class();
        g.usdPerGb = l.usd_per_gb();
        total.bytes += l.bytes();
        total.rawBytes += l.raw_bytes();
        total.usd += l.usd();
    }
    const std::string heading = args.by == "view"   ? "FEATURE VIEW"
                                : args.by == "kind" ? "KIND"
                                                    : "FROM → TO";
    const bool byLink = args.by == "link";
    std::vector<std::string> headers{heading};
    if (byLink) {
        headers.push_back("PRICE CLASS");
        headers.push_back("$/GB");
    }
    for (const char* h : {"BYTES", "UNCOMPRESSED", "COST"})
        headers.push_back(h);
    TextTable t(headers);
    for (size_t c = byLink ? 2 : 1; c < headers.size(); ++c)
        t.alignRight(c);
    for (const auto& [key, g] : groups) {
        std::vector<std::string> row{key};
        if (byLink) {
            row.push_back(g.priceClass);
            row.push_back(formatFixed(g.usdPerGb, 3));
        }
        row.push_back(formatBytes(g.bytes));
        row.push_back(formatBytes(g.rawBytes));
        row.push_back(formatUsd(g.usd));
        t.addRow(std::move(row));
    }
    std::vector<std::string> totalRow{"total"};
    if (byLink) {
        totalRow.push_back("");
        totalRow.push_back("");
    }
    totalRow.push_back(formatBytes(total.bytes));
    totalRow.push_back(formatBytes(total.rawBytes));
    totalRow.push_back(formatUsd(total.usd));
    t.addRow(std::move(totalRow));

    std::printf("Egress between regions over the last %s, as each sending region accounts it\n\n",
                args.since.c_str());
    if (groups.empty()) {
        std::printf("No bytes crossed a link in this window.\n");
    } else {
        t.print();
        std::printf("\n");
        if (observedSeconds > 0)
            std::printf(
                "traffic observed over %s: %s in the window, %s/day, %s per 30 days at "
                "this rate\n",
                formatElapsed(static_cast<int64_t>(observedSeconds * 1000)).c_str(),
                formatUsd(projection.usd).c_str(), formatUsd(projection.usdPerDay).c_str(),
                formatUsd(projection.usdPer30Days).c_str());
    }
    if (!whatIfs.empty()) {
        TextTable w({"WHAT-IF", "IN THE WINDOW", "PER 30 DAYS", "CHANGE", ""});
        for (size_t c = 1; c <= 3; ++c)
            w.alignRight(c);
        w.addRow({"actual", formatUsd(total.usd), formatUsd(projection.usdPer30Days), "", ""});
        for (const auto& scenario : whatIfs) {
            const double change =
                total.usd > 0 ? (scenario.usd - total.usd) / total.usd * 100.0 : 0.0;
            w.addRow({scenario.label, formatUsd(scenario.usd), formatUsd(per30Days(scenario.usd)),
                      total.usd > 0 ? (change >= 0 ? "+" : "") + formatFixed(change, 0) + "%" : "-",
                      scenario.note});
        }
        std::printf("\n");
        w.print();
    }
    if (pricingFiles.empty())
        std::printf(
            "\nprices: none — the deployment names no price table (pricing: FILE in %s), so "
            "every byte is counted at $0\n",
            (*regions)->deployment().path.c_str());
    else {
        std::printf("\nprices: %s (list prices of the first tier; edit the file to change them)\n",
                    absl::StrJoin(pricingFiles, ", ").c_str());
        for (const auto& s : priceSources(pricingFiles, lines, (*regions)->deployment()))
            std::printf("  %s\n", s.c_str());
    }
    printSilentRegions(answers, "what it sent is missing from these figures");
    return absl::OkStatus();
}

}  // namespace

void registerCostCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<CostArgs>();
    auto* cost = addMultiRegionCommand(
        app, "cost", "Show data-transfer cost between regions, projected over 30 days",
        {"meridianctl cost", "meridianctl cost --since 1h --by view",
         "meridianctl cost --what-if compression-off",
         "meridianctl cost --what-if batch:commerce/user_transaction_aggregates:1h",
         "meridianctl cost --what-if without:azure-southeastasia -o json"},
        "Every region accounts the bytes it sends on each link (the sender pays egress), per\n"
        "feature view and kind of transfer (stream, snapshot, batch, control), priced by the\n"
        "price table of the deployment: each link's price class and $/GB are shown, and where\n"
        "the prices come from. The projection extrapolates the traffic seen so far in the\n"
        "window to a day and to 30 days. What-ifs price the same traffic differently:\n"
        "  compression-off                 batches sent uncompressed\n"
        "  batch:PROJECT/VIEW:SCHEDULE     that view copied by batch sync instead of streamed\n"
        "  without:REGION                  the deployment without that region's links");
    cost->group("Replication");
    cost->add_option("--since", args->since, "Window to report: 90m, 24h, 7d…")
        ->type_name("DURATION")
        ->capture_default_str();
    cost->add_option("--by", args->by, "Group by link, view or kind")
        ->check(CLI::IsMember({"link", "view", "kind"}))
        ->capture_default_str();
    cost->add_option("--what-if", args->whatIfs,
                     "compression-off, batch:PROJECT/VIEW:SCHEDULE or without:REGION (repeatable)")
        ->type_name("SCENARIO");
    addDeploymentOption(cost, args->deployment);
    options.setAction(cost, [&options, args] { return runCost(options, *args); });
}

}  // namespace meridian::ctl
