#include "console/costanalysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "cost/costreport.h"
#include "cost/pricetable.h"

namespace meridian::console {
namespace {

v1::CostLine toWire(const CostLineInfo& l) {
    v1::CostLine w;
    w.set_from_region(l.from);
    w.set_to_region(l.to);
    w.set_feature_view(l.view);
    w.set_kind(l.kind);
    w.set_bytes(l.bytes);
    // A region that does not report the size before compression sent what it counted.
    w.set_raw_bytes(l.rawBytes > 0 ? l.rawBytes : l.bytes);
    w.set_usd(l.usd);
    w.set_price_class(l.priceClass);
    w.set_usd_per_gb(l.usdPerGb);
    return w;
}

std::vector<v1::CostLine> toWire(const std::vector<CostLineInfo>& lines) {
    std::vector<v1::CostLine> out;
    out.reserve(lines.size());
    for (const auto& l : lines)
        out.push_back(toWire(l));
    return out;
}

// What `usd` spent over the window comes to in 30 days, by core/cost's projection.
double per30Days(double usd, double windowSeconds) {
    v1::CostLine line;
    line.set_usd(usd);
    return cost::project({line}, windowSeconds).usdPer30Days;
}

template <typename T>
void sortByCost(std::vector<T>& rows) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const T& a, const T& b) { return a.usd > b.usd; });
}

}  // namespace

std::vector<PriceSource> priceSources(const std::string& pricingFile,
                                      const std::vector<std::string>& clouds) {
    std::vector<PriceSource> out;
    if (pricingFile.empty())
        return out;
    const auto table = cost::PriceTable::load(pricingFile);
    if (!table.ok())
        return out;
    std::set<std::string> seen;
    for (const auto& cloud : clouds) {
        if (!seen.insert(cloud).second)
            continue;
        // A cloud's source and date are the same for every class of its prices.
        registry::RegionInfo region;
        region.cloud = cloud;
        const auto price = table->priceOf(region, region);
        if (!price.source.empty())
            out.push_back({cloud, price.source, price.recorded});
    }
    return out;
}

CostAnalysis::CostAnalysis(CostReport report) : m_report(std::move(report)) {
    int64_t since = m_report.sinceMs;
    int64_t until = m_report.untilMs;
    if (!m_report.perMinute.empty()) {
        since = std::max(since, m_report.perMinute.front().minuteMs);
        if (until <= 0)
            until = m_report.perMinute.back().minuteMs + 60'000;
    }
    m_observedSinceMs = since;
    m_windowSeconds = static_cast<double>(std::max(kMinimumWindowMs, until - since)) / 1000.0;

    const auto wire = toWire(m_report.lines);
    const auto projection = cost::project(wire, m_windowSeconds);
    m_usd = projection.usd;
    m_usdPerDay = projection.usdPerDay;
    m_usdPer30Days = projection.usdPer30Days;

    std::map<std::pair<std::string, std::string>, std::vector<size_t>> byLink;
    std::map<std::string, std::vector<size_t>> byView;
    std::map<std::string, std::vector<size_t>> byKind;
    for (size_t i = 0; i < m_report.lines.size(); ++i) {
        const auto& l = m_report.lines[i];
        m_bytes += l.bytes;
        m_rawBytes += wire[i].raw_bytes();
        byLink[{l.from, l.to}].push_back(i);
        byView[l.view].push_back(i);
        byKind[l.kind].push_back(i);
    }
    // A group's cost in the window and projected to 30 days, from its lines alone.
    auto priceGroup = [&](auto& c, const std::vector<size_t>& indexes) {
        std::vector<v1::CostLine> lines;
        lines.reserve(indexes.size());
        for (size_t i : indexes)
            lines.push_back(wire[i]);
        const auto p = cost::project(lines, m_windowSeconds);
        c.usd = p.usd;
        c.usdPer30Days = p.usdPer30Days;
    };

    for (const auto& [key, indexes] : byLink) {
        LinkCost c;
        c.from = key.first;
        c.to = key.second;
        int64_t largest = -1;
        for (size_t i : indexes) {
            const auto& l = m_report.lines[i];
            c.bytes += l.bytes;
            c.rawBytes += wire[i].raw_bytes();
            if (l.bytes > largest) {
                largest = l.bytes;
                c.priceClass = l.priceClass;
                c.usdPerGb = l.usdPerGb;
            }
        }
        priceGroup(c, indexes);
        m_links.push_back(std::move(c));
    }
    for (const auto& [view, indexes] : byView) {
        ViewCost c;
        c.view = view;
        std::set<std::string> kinds;
        std::set<std::pair<std::string, std::string>> links;
        for (size_t i : indexes) {
            const auto& l = m_report.lines[i];
            c.bytes += l.bytes;
            c.rawBytes += wire[i].raw_bytes();
            kinds.insert(l.kind);
            links.insert({l.from, l.to});
        }
        c.kinds.assign(kinds.begin(), kinds.end());
        c.links = static_cast<int>(links.size());
        priceGroup(c, indexes);
        m_views.push_back(std::move(c));
    }
    for (const auto& [kind, indexes] : byKind) {
        KindCost c;
        c.kind = kind;
        for (size_t i : indexes)
            c.bytes += m_report.lines[i].bytes;
        priceGroup(c, indexes);
        m_kinds.push_back(std::move(c));
    }
    sortByCost(m_links);
    sortByCost(m_views);
    sortByCost(m_kinds);
}

std::vector<std::string> CostAnalysis::regions() const {
    std::set<std::string> names;
    for (const auto& l : m_report.lines) {
        if (!l.from.empty())
            names.insert(l.from);
        if (!l.to.empty())
            names.insert(l.to);
    }
    return {names.begin(), names.end()};
}

std::vector<HourCost> CostAnalysis::hourly(int hours) const {
    std::vector<HourCost> out;
    if (hours <= 0)
        return out;
    int64_t until = m_report.untilMs;
    if (until <= 0 && !m_report.perMinute.empty())
        until = m_report.perMinute.back().minuteMs + 60'000;
    if (until <= 0)
        return out;
    const int64_t lastHour = (until - 1) / kHourMs * kHourMs;
    const int64_t firstHour = lastHour - static_cast<int64_t>(hours - 1) * kHourMs;
    out.resize(static_cast<size_t>(hours));
    for (int i = 0; i < hours; ++i)
        out[static_cast<size_t>(i)].hourMs = firstHour + i * kHourMs;
    for (const auto& p : m_report.perMinute) {
        if (p.minuteMs < firstHour || p.minuteMs >= lastHour + kHourMs)
            continue;
        auto& h = out[static_cast<size_t>((p.minuteMs - firstHour) / kHourMs)];
        h.bytes += p.bytes;
        h.usd += p.usd;
    }
    return out;
}

WhatIfResult CostAnalysis::whatIf(const WhatIf& scenario) const {
    const auto wire = toWire(m_report.lines);
    WhatIfResult r;
    switch (scenario.kind) {
        case WhatIf::Kind::CompressionOff:
            r.usd = cost::costWithoutCompression(wire);
            break;
        case WhatIf::Kind::ViewAsBatch:
            r.usd = cost::costAsBatch(wire, scenario.view, scenario.everyHours * 3600.0);
            break;
        case WhatIf::Kind::WithoutRegion:
            r.usd = cost::costWithoutRegion(wire, scenario.region);
            break;
    }
    r.usdPer30Days = per30Days(r.usd, m_windowSeconds);
    r.actualPer30Days = m_usdPer30Days;
    r.differencePer30Days = r.usdPer30Days - r.actualPer30Days;
    return r;
}

}  // namespace meridian::console
