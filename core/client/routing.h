#pragma once
// Routing reads to the closest replica. What a client knows of each region (reachable or not,
// its round-trip time, its lag per view, the emulated delays of its links) comes from a probe
// refreshed in the background, never on the read path; planRoute turns it into an ordered list
// of regions to try, with the reason for each region passed over. A read is served by the
// nearest region that holds every view it asks for (residency and replication policies), meets
// its max_staleness and can honour its read-your-writes token; else by the next nearest; else
// by the views' hub or owner.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "deployment/deployment.h"
#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"
#include "registry/catalog.h"

namespace meridian::client {

// One region as a routing client last saw it.
struct RegionProbe {
    std::string region;
    bool reachable = false;
    std::string error;  // why not
    int64_t probedAtMs = 0;
    double rttMs = 0;  // round trip of a Health call from this client
    // "project/view": the region's staleness for the view, the figure its own max_staleness
    // check uses (the lag of the worst incoming link carrying the view; 0 when none).
    std::map<std::string, double> viewLagSeconds;
    // Incoming links by the region they come from: the emulated one-way delay and whether the
    // link is cut or down.
    std::map<std::string, int> emulatedDelayMsFrom;
    std::map<std::string, bool> linkBrokenFrom;
    // A routed call to the region failed: it is tried after every other until then.
    int64_t suspectUntilMs = 0;
};

// The probe's view of a region's Stats (lags per view and its links), with the round trip.
RegionProbe probeFromStats(const std::string& region, const v1::StatsResponse& stats, double rttMs,
                           int64_t nowMs);

struct RouteQuery {
    std::vector<v1::FeatureView> views;  // what the read asks for
    // A region of the deployment standing for where the caller is (distances then come from
    // the emulated links, else from the regions' coordinates); empty: this client, measured.
    std::string from;
    // Only this region (meridianctl get --route REGION); empty: the nearest that qualifies.
    std::string pinned;
    int64_t maxStalenessMs = 0;
    uint64_t minVersion = 0;       // a read-your-writes token (WriteFeaturesResponse.version)
    std::string minVersionRegion;  // the region that took that write
};

struct RouteStop {
    std::string region;
    double distanceMs = 0;  // the round trip assumed between the caller and the region
    std::string basis;      // "measured", "emulated link", "estimated from distance", "local"
    std::string reason;     // why it is tried: "nearest: 3 ms", "next nearest: 81 ms", …
};

// A region passed over, nearest first.
struct RouteSkip {
    std::string region;
    double distanceMs = 0;  // infinite when unknown (a region down, measured from here)
    std::string why;        // "lag 4.2 s > max_staleness 2 s"
    // "aws-eu-west-1 skipped: lag 4.2 s > max_staleness 2 s"
    std::string text() const { return region + " skipped: " + why; }
};

struct Route {
    std::vector<RouteStop> stops;    // to try in this order; the first is the choice
    std::vector<RouteSkip> skipped;  // in order of distance
    // The skipped regions nearer than the choice: what explains it.
    std::vector<RouteSkip> nearerSkipped() const;
};

// The regions a read may go to, nearest first, and those passed over with why. FAILED_PRECONDITION
// naming every region and its reason when none qualifies; INVALID_ARGUMENT for a `from` or
// `pinned` that is not a region of the deployment.
absl::StatusOr<Route> planRoute(const deployment::Deployment& deployment,
                                const std::vector<RegionProbe>& probes, const RouteQuery& query,
                                int64_t nowMs);
// The same with the deployment's region set made once (deployment.regionSet()).
absl::StatusOr<Route> planRoute(const deployment::Deployment& deployment,
                                const registry::RegionSet& regionSet,
                                const std::vector<RegionProbe>& probes, const RouteQuery& query,
                                int64_t nowMs);

// The views a read names (a feature service's projections, or the views of "view:feature"
// references), from the catalog; NOT_FOUND naming an unknown service or view.
absl::StatusOr<std::vector<v1::FeatureView>> viewsOfRead(
    const registry::Catalog& catalog, const v1::GetOnlineFeaturesRequest& request);

// The region that writes a view: its hub (hub-and-spoke), else its owner region.
std::string writerOf(const v1::FeatureView& view);

// The round trip assumed between two regions from their coordinates: light in fibre over a path
// half again as long as the great circle (about 1 ms per 67 km).
double estimatedRttMs(const deployment::RegionEntry& a, const deployment::RegionEntry& b);

// "3 ms", "0.4 ms", "81 ms".
std::string formatRtt(double ms);

}  // namespace meridian::client
