#pragma once
// What the console's Costs page and cost alerts compute from a CostReport: totals per link, per
// feature view and per kind of transfer, the window's total, $/day and 30-day projection, the
// cost per hour, and what-ifs (compression off, a view as batch, one region fewer). The pricing
// and projection math is core/cost's: the report's lines are handed to it as v1::CostLine.

#include <cstdint>
#include <string>
#include <vector>

#include "console/consoledata.h"

namespace meridian::console {

struct LinkCost {
    std::string from;
    std::string to;
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    double usd = 0;
    double usdPer30Days = 0;
    std::string priceClass;  // of the link's largest line: every line of a link has the same
    double usdPerGb = 0;
};

struct ViewCost {
    std::string view;                // "project/view"; empty: registry and control traffic
    std::vector<std::string> kinds;  // "stream", "snapshot", … sorted
    int links = 0;                   // links that carried it
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    double usd = 0;
    double usdPer30Days = 0;
};

struct KindCost {
    std::string kind;
    int64_t bytes = 0;
    double usd = 0;
    double usdPer30Days = 0;
};

struct HourCost {
    int64_t hourMs = 0;  // start of the hour
    int64_t bytes = 0;
    double usd = 0;
};

struct WhatIf {
    enum class Kind { CompressionOff, ViewAsBatch, WithoutRegion };
    Kind kind = Kind::CompressionOff;
    std::string view;  // ViewAsBatch: "project/view"
    double everyHours = 6;
    std::string region;  // WithoutRegion
};

struct WhatIfResult {
    double usd = 0;  // in the window
    double usdPer30Days = 0;
    double actualPer30Days = 0;
    double differencePer30Days = 0;  // what-if minus actual
};

struct PriceSource {
    std::string cloud;
    std::string source;    // where the list prices were read, e.g. the cloud's pricing page
    std::string recorded;  // when
};

// Where the prices in `pricingFile` come from for each of `clouds`, when this machine can read
// the file (the local demo's, or one on a shared path); empty when it cannot.
std::vector<PriceSource> priceSources(const std::string& pricingFile,
                                      const std::vector<std::string>& clouds);

class CostAnalysis {
public:
    // Spread over less than this, a projection says more about noise than about traffic.
    static constexpr int64_t kMinimumWindowMs = 60'000;
    static constexpr int64_t kHourMs = 3'600'000;

    CostAnalysis() = default;
    explicit CostAnalysis(CostReport report);

    const CostReport& report() const { return m_report; }
    // The time the figures cover: from the report's start, or its first minute with traffic
    // when the deployment is younger than the window, to its end; at least a minute.
    int64_t observedSinceMs() const { return m_observedSinceMs; }
    double windowSeconds() const { return m_windowSeconds; }

    int64_t bytes() const { return m_bytes; }
    int64_t rawBytes() const { return m_rawBytes; }
    double usd() const { return m_usd; }
    double usdPerDay() const { return m_usdPerDay; }
    double usdPer30Days() const { return m_usdPer30Days; }

    // Largest cost first.
    const std::vector<LinkCost>& links() const { return m_links; }
    const std::vector<ViewCost>& views() const { return m_views; }
    const std::vector<KindCost>& kinds() const { return m_kinds; }
    // Every region that sends or receives in the report, sorted.
    std::vector<std::string> regions() const;

    // $ per hour over the `hours` hours up to the report's end (the last one partial), oldest
    // first, from the per-minute points; hours without traffic are zero.
    std::vector<HourCost> hourly(int hours = 24) const;

    WhatIfResult whatIf(const WhatIf& scenario) const;

private:
    CostReport m_report;
    int64_t m_observedSinceMs = 0;
    double m_windowSeconds = 0;
    int64_t m_bytes = 0;
    int64_t m_rawBytes = 0;
    double m_usd = 0;
    double m_usdPerDay = 0;
    double m_usdPer30Days = 0;
    std::vector<LinkCost> m_links;
    std::vector<ViewCost> m_views;
    std::vector<KindCost> m_kinds;
};

}  // namespace meridian::console
