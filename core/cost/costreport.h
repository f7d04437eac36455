#pragma once
// Turns egress bytes into cost: per link, feature view and kind of transfer, per minute, a
// 30-day projection and what-ifs (compression off, a view as batch, one region fewer).

#include <cstdint>
#include <string>
#include <vector>

#include "cost/pricetable.h"
#include "deployment/deployment.h"
#include "meridian/v1/replication.pb.h"
#include "storage/egresstable.h"

namespace meridian::cost {

inline constexpr double kBytesPerGb = 1e9;

// What a byte from region `from` to region `to` of `deployment` costs; nothing, with the class
// "unknown region", when the deployment does not list either.
Price priceBetween(const PriceTable& prices, const deployment::Deployment& deployment,
                   const std::string& from, const std::string& to);

// The cost report of the sending region `self` over [since, until).
v1::CostResponse buildCostReport(const std::vector<storage::EgressRecord>& records,
                                 const PriceTable& prices, const deployment::Deployment& deployment,
                                 const std::string& self, int64_t sinceMs, int64_t untilMs);

struct Projection {
    double usd = 0;  // in the window
    double usdPerDay = 0;
    double usdPer30Days = 0;
};

// Extrapolates the cost of `lines` observed over `windowSeconds`.
Projection project(const std::vector<v1::CostLine>& lines, double windowSeconds);

// The same traffic without compression (bytes before zstd, at the same prices).
double costWithoutCompression(const std::vector<v1::CostLine>& lines);
// The traffic if `region` were not part of the deployment (its links gone).
double costWithoutRegion(const std::vector<v1::CostLine>& lines, const std::string& region);
// The traffic if `view` ("project/view") moved by batch sync every `scheduleSeconds` instead of
// streaming. A sync copies each changed day partition whole, so the partition being written
// today crosses the link once per sync, at its size then: on average (N + 1) / 2 times the
// day's data for N syncs a day. Assumes the window's traffic is a steady daily rate.
double costAsBatch(const std::vector<v1::CostLine>& lines, const std::string& view,
                   double scheduleSeconds);

}  // namespace meridian::cost
