#include "cost/costreport.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace meridian::cost {

Price priceBetween(const PriceTable& prices, const deployment::Deployment& deployment,
                   const std::string& from, const std::string& to) {
    const auto* a = deployment.region(from);
    const auto* b = deployment.region(to);
    return a && b ? prices.priceOf(a->info, b->info) : Price{0, "unknown region", {}, {}};
}

v1::CostResponse buildCostReport(const std::vector<storage::EgressRecord>& records,
                                 const PriceTable& prices, const deployment::Deployment& deployment,
                                 const std::string& self, int64_t sinceMs, int64_t untilMs) {
    v1::CostResponse out;
    out.set_region(self);
    out.set_since_ms(sinceMs);
    out.set_until_ms(untilMs);
    out.set_pricing_source(prices.path());
    std::map<std::tuple<std::string, std::string, std::string>, v1::CostLine> lines;
    std::map<int64_t, v1::CostBucket> buckets;
    for (const auto& r : records) {
        const Price price = priceBetween(prices, deployment, self, r.toRegion);
        const double usd = static_cast<double>(r.bytes) / kBytesPerGb * price.usdPerGb;
        auto& line = lines[{r.toRegion, r.view, r.kind}];
        if (line.to_region().empty()) {
            line.set_from_region(self);
            line.set_to_region(r.toRegion);
            line.set_feature_view(r.view);
            line.set_kind(r.kind);
            line.set_price_class(price.priceClass);
            line.set_usd_per_gb(price.usdPerGb);
        }
        line.set_bytes(line.bytes() + r.bytes);
        line.set_raw_bytes(line.raw_bytes() + r.rawBytes);
        line.set_usd(line.usd() + usd);
        auto& bucket = buckets[r.minuteMs];
        bucket.set_minute_ms(r.minuteMs);
        bucket.set_bytes(bucket.bytes() + r.bytes);
        bucket.set_usd(bucket.usd() + usd);
    }
    for (auto& [key, line] : lines)
        *out.add_lines() = std::move(line);
    for (auto& [minute, bucket] : buckets)
        *out.add_buckets() = std::move(bucket);
    return out;
}

Projection project(const std::vector<v1::CostLine>& lines, double windowSeconds) {
    Projection p;
    for (const auto& l : lines)
        p.usd += l.usd();
    if (windowSeconds > 0) {
        p.usdPerDay = p.usd / windowSeconds * 86400.0;
        p.usdPer30Days = p.usdPerDay * 30.0;
    }
    return p;
}

double costWithoutCompression(const std::vector<v1::CostLine>& lines) {
    double usd = 0;
    for (const auto& l : lines)
        usd += static_cast<double>(l.raw_bytes()) / kBytesPerGb * l.usd_per_gb();
    return usd;
}

double costWithoutRegion(const std::vector<v1::CostLine>& lines, const std::string& region) {
    double usd = 0;
    for (const auto& l : lines) {
        if (l.from_region() != region && l.to_region() != region)
            usd += l.usd();
    }
    return usd;
}

double costAsBatch(const std::vector<v1::CostLine>& lines, const std::string& view,
                   double scheduleSeconds) {
    const double syncsPerDay = std::max(1.0, 86400.0 / std::max(1.0, scheduleSeconds));
    const double resend = (syncsPerDay + 1.0) / 2.0;
    double usd = 0;
    for (const auto& l : lines) {
        if (l.feature_view() == view && l.kind() == "stream")
            usd += l.usd() * resend;
        else
            usd += l.usd();
    }
    return usd;
}

}  // namespace meridian::cost
