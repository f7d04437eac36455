// ConsoleBackend's routing table: every region's Stats, each call timed, then the registry, then
// client::planRoute for a caller in each region and each feature service.

#include <chrono>
#include <mutex>

#include "client/routing.h"
#include "console/consolebackend.h"
#include "console/consolebackendimpl.h"

namespace meridian::console {
namespace {

int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

RoutingTable plan(const deployment::Deployment& deployment,
                  const std::vector<client::RegionProbe>& probes, const registry::Catalog& catalog,
                  int64_t maxStalenessMs) {
    RoutingTable table;
    table.atMs = wallMs();
    table.maxStalenessMs = maxStalenessMs;
    for (const auto* o : catalog.ofKind(v1::FEATURE_SERVICE)) {
        const auto& service = o->feature_service();
        v1::GetOnlineFeaturesRequest read;
        read.set_project(service.project());
        read.set_feature_service(service.name());
        auto views = client::viewsOfRead(catalog, read);
        for (const auto& region : deployment.regions) {
            RouteInfo info;
            info.from = region.info.name;
            info.service = service.project() + "/" + service.name();
            if (!views.ok()) {
                info.reason = std::string(views.status().message());
                table.routes.push_back(std::move(info));
                continue;
            }
            client::RouteQuery query;
            query.views = *views;
            query.from = region.info.name;
            query.maxStalenessMs = maxStalenessMs;
            auto route = client::planRoute(deployment, probes, query, table.atMs);
            if (!route.ok()) {
                info.reason = std::string(route.status().message());
            } else {
                const auto& stop = route->stops.front();
                info.region = stop.region;
                info.distanceMs = stop.distanceMs;
                info.reason = stop.reason;
                for (const auto& s : route->nearerSkipped())
                    info.passedOver.push_back(s.region + ": " + s.why);
            }
            table.routes.push_back(std::move(info));
        }
    }
    return table;
}

}  // namespace

void ConsoleBackend::routes(int64_t maxStalenessMs, Callback<RoutingTable> done) {
    auto& impl = *m_impl;
    struct Gather {
        std::mutex mutex;
        std::vector<client::RegionProbe> probes;
        size_t remaining = 0;
        Callback<RoutingTable> done;
    };
    if (impl.regions.empty())
        return done(RoutingTable{});
    auto gather = std::make_shared<Gather>();
    gather->probes.resize(impl.regions.size());
    gather->remaining = impl.regions.size();
    gather->done = std::move(done);

    // Once every region has answered (or not): the registry, then the plan.
    auto planWith = [&impl, gather, maxStalenessMs] {
        auto order = impl.readOrder("");
        if (!order.ok())
            return gather->done(order.status());
        impl.readFrom<v1::ListObjectsRequest, v1::ListObjectsResponse>(
            *order, 0, v1::ListObjectsRequest(),
            [](auto& r, auto* ctx, auto* req, auto* resp, auto cb) {
                r.registry->async()->ListObjects(ctx, req, resp, std::move(cb));
            },
            [&impl, gather, maxStalenessMs](absl::StatusOr<v1::ListObjectsResponse> answer) {
                if (!answer.ok())
                    return gather->done(answer.status());
                const registry::Catalog catalog(std::vector<v1::RegistryObject>(
                    answer->objects().begin(), answer->objects().end()));
                gather->done(plan(impl.deployment, gather->probes, catalog, maxStalenessMs));
            });
    };

    for (size_t i = 0; i < impl.regions.size(); ++i) {
        auto& region = impl.regions[i];
        const auto started = std::chrono::steady_clock::now();
        impl.unary<v1::StatsRequest, v1::StatsResponse>(
            region, v1::StatsRequest(), impl.pollDeadlineMs,
            [&region](auto* ctx, auto* req, auto* resp, auto cb) {
                region.admin->async()->Stats(ctx, req, resp, std::move(cb));
            },
            [gather, i, started, planWith,
             name = region.name](absl::StatusOr<v1::StatsResponse> answer) {
                const double rttMs = std::chrono::duration<double, std::milli>(
                                         std::chrono::steady_clock::now() - started)
                                         .count();
                client::RegionProbe probe;
                if (answer.ok()) {
                    probe = client::probeFromStats(name, *answer, rttMs, wallMs());
                } else {
                    probe.region = name;
                    probe.error = std::string(answer.status().message());
                    probe.probedAtMs = wallMs();
                }
                bool last = false;
                {
                    std::lock_guard lock(gather->mutex);
                    gather->probes[i] = std::move(probe);
                    last = --gather->remaining == 0;
                }
                if (last)
                    planWith();
            });
    }
}

}  // namespace meridian::console
