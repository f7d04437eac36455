#include "client/routing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "absl/strings/str_join.h"

namespace meridian::client {
namespace {

constexpr double kUnknownDistance = std::numeric_limits<double>::infinity();

std::string viewKey(const v1::FeatureView& view) {
    return view.project() + "/" + view.name();
}

std::string secondsText(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
}

std::string stalenessText(int64_t ms) {
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + " s";
    if (ms < 1000)
        return std::to_string(ms) + " ms";
    return secondsText(static_cast<double>(ms) / 1000.0);
}

struct Distance {
    double ms = kUnknownDistance;
    std::string basis;
};

class Geometry {
public:
    Geometry(const deployment::Deployment& deployment, const std::vector<RegionProbe>& probes)
        : m_deployment(deployment) {
        for (const auto& p : probes)
            m_probes[p.region] = &p;
    }

    const RegionProbe* probe(const std::string& region) const {
        auto it = m_probes.find(region);
        return it == m_probes.end() ? nullptr : it->second;
    }

    // The one-way delay link emulation adds between two regions, as either end last reported
    // it, else as the deployment file sets it; -1 when neither says.
    int emulatedDelayMs(const std::string& a, const std::string& b) const {
        for (const auto& [to, from] : {std::pair{a, b}, std::pair{b, a}}) {
            if (const auto* p = probe(to); p && p->reachable) {
                auto it = p->emulatedDelayMsFrom.find(from);
                if (it != p->emulatedDelayMsFrom.end() && it->second > 0)
                    return it->second;
            }
        }
        if (const auto* link = m_deployment.link(a, b); link && link->delayMs > 0)
            return link->delayMs;
        return -1;
    }

    // From this client: the measured round trip. For a caller placed in a region (`from`),
    // what this client measures is not the caller's: the emulated link there and back, else
    // the estimate from coordinates, and nothing to its own region.
    Distance distance(const std::string& from, const std::string& region) const {
        const auto* p = probe(region);
        if (from.empty())
            return p && p->reachable ? Distance{p->rttMs, "measured"} : Distance{};
        if (from == region)
            return {0, "local"};
        if (const int delay = emulatedDelayMs(from, region); delay >= 0)
            return {2.0 * delay, "emulated link"};
        const auto* a = m_deployment.region(from);
        const auto* b = m_deployment.region(region);
        if (a && b)
            return {estimatedRttMs(*a, *b), "estimated from distance"};
        return {};
    }

private:
    const deployment::Deployment& m_deployment;
    std::map<std::string, const RegionProbe*> m_probes;
};

// Why `region` holds no copy of `view`, or empty when it does.
std::string notHeldReason(const registry::RegionSet& regions, const v1::FeatureView& view,
                          const std::string& region) {
    const auto storing = regions.storingRegions(view);
    if (storing.count(region))
        return {};
    const auto allowed = regions.allowedRegions(view.residency());
    if (!allowed.count(region)) {
        const auto& residency = view.residency();
        const std::string where = !residency.jurisdiction().empty()
                                      ? "jurisdiction " + residency.jurisdiction()
                                      : absl::StrJoin(residency.regions(), ", ");
        return "residency keeps " + view.name() + " in " + where;
    }
    return "not a replica of " + view.name();
}

}  // namespace

std::vector<RouteSkip> Route::nearerSkipped() const {
    std::vector<RouteSkip> out;
    for (const auto& s : skipped) {
        if (stops.empty() || s.distanceMs < stops.front().distanceMs)
            out.push_back(s);
    }
    return out;
}

RegionProbe probeFromStats(const std::string& region, const v1::StatsResponse& stats, double rttMs,
                           int64_t nowMs) {
    RegionProbe p;
    p.region = region;
    p.reachable = true;
    p.probedAtMs = nowMs;
    p.rttMs = rttMs;
    for (const auto& link : stats.links()) {
        if (link.feature_view().empty()) {
            p.emulatedDelayMsFrom[link.from_region()] = link.emulated_delay_ms();
            p.linkBrokenFrom[link.from_region()] =
                link.state() == v1::LINK_STATE_PARTITIONED || link.state() == v1::LINK_STATE_DOWN;
            continue;
        }
        // The same rule as the region's own staleness check: the worst incoming link.
        auto& lag = p.viewLagSeconds[link.feature_view()];
        lag = std::max(lag, link.lag_seconds());
    }
    return p;
}

std::string writerOf(const v1::FeatureView& view) {
    if (view.replication().mode() == v1::ReplicationPolicy::HUB_SPOKE &&
        !view.replication().hub().empty())
        return view.replication().hub();
    return view.owner_region();
}

double estimatedRttMs(const deployment::RegionEntry& a, const deployment::RegionEntry& b) {
    constexpr double kEarthRadiusKm = 6371.0;
    constexpr double kRad = M_PI / 180.0;
    const double dLat = (b.latitude - a.latitude) * kRad;
    const double dLon = (b.longitude - a.longitude) * kRad;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(a.latitude * kRad) * std::cos(b.latitude * kRad) *
                         std::sin(dLon / 2) * std::sin(dLon / 2);
    const double km = 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
    // 200 km per ms in fibre, a path 1.5× the great circle, there and back.
    return km * 1.5 * 2.0 / 200.0;
}

std::string formatRtt(double ms) {
    char buf[32];
    if (ms < 10)
        std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    else
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    return buf;
}

absl::StatusOr<Route> planRoute(const deployment::Deployment& deployment,
                                const std::vector<RegionProbe>& probes, const RouteQuery& query,
                                int64_t nowMs) {
    return planRoute(deployment, deployment.regionSet(), probes, query, nowMs);
}

absl::StatusOr<Route> planRoute(const deployment::Deployment& deployment,
                                const registry::RegionSet& regionSet,
                                const std::vector<RegionProbe>& probes, const RouteQuery& query,
                                int64_t nowMs) {
    const auto names = [&] {
        std::vector<std::string> out;
        for (const auto& r : deployment.regions)
            out.push_back(r.info.name);
        return absl::StrJoin(out, ", ");
    };
    for (const auto* name : {&query.from, &query.pinned}) {
        if (!name->empty() && !deployment.region(*name))
            return absl::InvalidArgumentError("unknown region '" + *name + "': deployment '" +
                                              deployment.name + "' has " + names());
    }
    if (query.views.empty())
        return absl::InvalidArgumentError("the read names no feature view");

    const Geometry geometry(deployment, probes);
    struct Candidate {
        std::string region;
        Distance distance;
    };
    std::vector<Candidate> order;
    for (const auto& r : deployment.regions)
        order.push_back({r.info.name, geometry.distance(query.from, r.info.name)});
    std::stable_sort(order.begin(), order.end(), [](const Candidate& a, const Candidate& b) {
        return a.distance.ms < b.distance.ms;
    });

    Route route;
    std::vector<RouteStop> suspects;
    auto describe = [](const Candidate& c) {
        if (c.distance.basis == "local")
            return std::string("the caller's own region");
        return std::isinf(c.distance.ms) ? std::string("?")
                                         : formatRtt(c.distance.ms) + " (" + c.distance.basis + ")";
    };
    auto skip = [&](const Candidate& c, const std::string& why) {
        route.skipped.push_back({c.region, c.distance.ms, why});
    };
    for (const auto& c : order) {
        if (!query.pinned.empty() && c.region != query.pinned)
            continue;
        std::string notHeld;
        for (const auto& v : query.views) {
            notHeld = notHeldReason(regionSet, v, c.region);
            if (!notHeld.empty())
                break;
        }
        if (!notHeld.empty()) {
            skip(c, notHeld);
            continue;
        }
        const auto* p = geometry.probe(c.region);
        if (!query.pinned.empty()) {
            // Asked for by name: the region's own answer decides.
            route.stops.push_back(
                {c.region, c.distance.ms, c.distance.basis, "as asked (--route)"});
            continue;
        }
        if (!p || !p->reachable) {
            skip(c, "down" + (p && !p->error.empty() ? " (" + p->error + ")" : std::string()));
            continue;
        }
        std::string lagging;
        if (query.maxStalenessMs > 0) {
            for (const auto& v : query.views) {
                auto it = p->viewLagSeconds.find(viewKey(v));
                const double lag = it == p->viewLagSeconds.end() ? 0 : it->second;
                if (lag * 1000.0 > static_cast<double>(query.maxStalenessMs)) {
                    lagging = "lag " + (query.views.size() > 1 ? "of " + v.name() + " " : "") +
                              secondsText(lag) + " > max_staleness " +
                              stalenessText(query.maxStalenessMs);
                    break;
                }
            }
        }
        if (!lagging.empty()) {
            skip(c, lagging);
            continue;
        }
        if (query.minVersion > 0 && c.region != query.minVersionRegion) {
            std::string cut;
            for (const auto& [from, broken] : p->linkBrokenFrom) {
                if (broken && (query.minVersionRegion.empty() || from == query.minVersionRegion)) {
                    cut = from;
                    break;
                }
            }
            if (!cut.empty()) {
                skip(c, "its link from " + cut + " is cut, so it may not have version " +
                            std::to_string(query.minVersion));
                continue;
            }
        }
        if (p->suspectUntilMs > nowMs) {
            suspects.push_back({c.region, c.distance.ms, c.distance.basis,
                                "suspect (a call failed), tried last: " + describe(c)});
            continue;
        }
        const bool first = route.stops.empty();
        const std::string rank =
            first ? (route.skipped.empty() ? "nearest" : "nearest qualifying") : "next nearest";
        route.stops.push_back(
            {c.region, c.distance.ms, c.distance.basis, rank + ": " + describe(c)});
    }
    // Otherwise the hub or owner: it holds the views' own writes, whatever the probe said of
    // its lag a moment ago; its answer decides.
    if (route.stops.empty() && query.pinned.empty()) {
        const std::string writer = writerOf(query.views.front());
        const auto* p = geometry.probe(writer);
        bool holds = p && p->reachable && p->suspectUntilMs <= nowMs;
        for (const auto& v : query.views)
            holds = holds && notHeldReason(regionSet, v, writer).empty();
        if (holds) {
            const bool hub =
                query.views.front().replication().mode() == v1::ReplicationPolicy::HUB_SPOKE;
            route.stops.push_back({writer, geometry.distance(query.from, writer).ms,
                                   geometry.distance(query.from, writer).basis,
                                   std::string(hub ? "the hub" : "the owner") + " of " +
                                       query.views.front().name() + ": no other region qualified"});
        }
    }
    for (auto& s : suspects)
        route.stops.push_back(std::move(s));
    if (route.stops.empty())
        return absl::FailedPreconditionError(
            "no region can serve this read: " +
            absl::StrJoin(route.skipped, "; ",
                          [](std::string* out, const RouteSkip& s) { out->append(s.text()); }));
    return route;
}

absl::StatusOr<std::vector<v1::FeatureView>> viewsOfRead(
    const registry::Catalog& catalog, const v1::GetOnlineFeaturesRequest& request) {
    std::vector<std::string> names;
    if (request.has_features()) {
        for (const auto& ref : request.features().refs())
            names.push_back(ref.substr(0, ref.find(':')));
    } else {
        const auto* service = catalog.featureService(request.project(), request.feature_service());
        if (!service)
            return absl::NotFoundError("no feature service '" + request.feature_service() +
                                       "' in project '" + request.project() + "'");
        for (const auto& p : service->features())
            names.push_back(p.feature_view());
    }
    std::vector<v1::FeatureView> views;
    std::set<std::string> seen;
    for (const auto& name : names) {
        if (!seen.insert(name).second)
            continue;
        const auto* view = catalog.featureView(request.project(), name);
        if (!view)
            return absl::NotFoundError("no feature view '" + name + "' in project '" +
                                       request.project() + "'");
        views.push_back(*view);
    }
    return views;
}

}  // namespace meridian::client
