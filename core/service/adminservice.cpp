#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "replication/hybridclock.h"
#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/residencyaudit.h"
#include "storage/audittable.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"

namespace meridian::service {
namespace {

constexpr int64_t kCountsMaxAgeMs = 5000;

}  // namespace

AdminServiceImpl::AdminServiceImpl(serving::Region& region, ServiceMetrics& metrics,
                                   RegionIdentity identity,
                                   replication::ReplicationFigures* replication)
    : m_region(region),
      m_metrics(metrics),
      m_identity(std::move(identity)),
      m_replicationFigures(replication) {
    SetMessageAllocatorFor_Echo(&m_allocator);
}

grpc::Status AdminServiceImpl::Health(grpc::ServerContext*, const v1::HealthRequest*,
                                      v1::HealthResponse* response) {
    response->set_status(v1::HealthResponse::SERVING);
    response->set_region(m_region.name());
    response->set_cloud(m_identity.cloud);
    response->set_provider_region(m_identity.providerRegion);
    response->set_version(m_identity.version);
    response->set_started_at(m_identity.startedAtMs);
    response->set_hlc_now(m_region.clock().current());
    response->set_role(m_identity.role);
    response->set_control_region(m_region.registry().controlRegion());
    return grpc::Status::OK;
}

absl::Status AdminServiceImpl::refreshRowCounts() {
    std::lock_guard lock(m_countsMutex);
    const int64_t now = replication::wallClockMs();
    if (now - m_countsAtMs < kCountsMaxAgeMs && m_countsAtMs != 0)
        return absl::OkStatus();
    auto reader = m_region.database().read();
    if (!reader.ok())
        return reader.status();
    std::vector<v1::ViewStats> counts;
    const auto catalog = m_region.registry().catalog();
    for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
        const auto& view = o->feature_view();
        v1::ViewStats vs;
        vs.set_project(view.project());
        vs.set_feature_view(view.name());
        auto id = m_region.viewIds().find(**reader, view.project(), view.name());
        if (!id.ok())
            return id.status();
        if (*id) {
            auto online = storage::OnlineTable(**reader).count(**id);
            if (!online.ok())
                return online.status();
            auto& dict = m_region.database().dictionaries();
            auto offline = storage::OfflineTable(**reader, dict.regions, dict.schemas).count(**id);
            if (!offline.ok())
                return offline.status();
            vs.set_online_rows(*online);
            vs.set_offline_rows(*offline);
        }
        counts.push_back(std::move(vs));
    }
    m_viewCounts = std::move(counts);
    m_countsAtMs = now;
    return absl::OkStatus();
}

absl::Status AdminServiceImpl::fillStats(v1::StatsResponse& out, const v1::StatsRequest& request) {
    out.set_region(m_region.name());
    out.set_at(replication::wallClockMs());
    out.set_hlc_now(m_region.clock().current());
    for (const auto& [name, m] : m_metrics.methods()) {
        auto* ms = out.add_methods();
        ms->set_method(name);
        ms->set_requests(m->requests.load());
        ms->set_errors(m->errors.load());
        ms->set_p50_ms(m->latency.quantileMs(0.5));
        ms->set_p99_ms(m->latency.quantileMs(0.99));
        if (name == "GetOnlineFeatures") {
            out.set_serving_p50_ms(ms->p50_ms());
            out.set_serving_p99_ms(ms->p99_ms());
        }
    }
    const int64_t now = steadySeconds();
    out.set_write_rate(m_metrics.writes.perSecond(now));
    out.set_read_rate(m_metrics.reads.perSecond(now));
    if (auto st = refreshRowCounts(); !st.ok())
        return st;
    {
        std::lock_guard lock(m_countsMutex);
        for (const auto& vs : m_viewCounts) {
            *out.add_views() = vs;
            out.set_online_rows(out.online_rows() + vs.online_rows());
            out.set_offline_rows(out.offline_rows() + vs.offline_rows());
        }
    }
    out.set_registry_objects(static_cast<int64_t>(m_region.registry().catalog()->size()));
    const auto files = m_region.database().figures();
    out.set_db_bytes(files.databaseBytes);
    out.set_wal_bytes(files.walBytes);
    out.set_wal_limit_bytes(files.walLimitBytes);
    out.set_changelog_limit_bytes(m_changelogLimitBytes);
    auto st = m_region.database().read([&](storage::Connection& conn) -> absl::Status {
        storage::ChangelogTable log(conn);
        auto last = log.lastSeq();
        if (!last.ok())
            return last.status();
        auto first = log.firstSeq();
        if (!first.ok())
            return first.status();
        auto bytes = log.estimatedBytes();
        if (!bytes.ok())
            return bytes.status();
        out.set_changelog_seq(static_cast<int64_t>(*last));
        out.set_changelog_entries(*first == 0 ? 0 : static_cast<int64_t>(*last - *first + 1));
        out.set_changelog_bytes(*bytes);
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    if (m_replicationFigures)
        m_replicationFigures->fillStats(out, request);
    return absl::OkStatus();
}

grpc::Status AdminServiceImpl::Stats(grpc::ServerContext*, const v1::StatsRequest* request,
                                     v1::StatsResponse* response) {
    return toGrpc(fillStats(*response, *request));
}

grpc::Status AdminServiceImpl::CheckIntegrity(grpc::ServerContext*,
                                              const v1::CheckIntegrityRequest*,
                                              v1::CheckIntegrityResponse* response) {
    auto& db = m_region.database();
    auto report = db.checkIntegrity();
    if (!report.ok())
        return toGrpc(report.status());
    response->set_ok(report->ok);
    for (auto& p : report->problems)
        response->add_problems(std::move(p));
    response->set_path(db.path());
    response->set_checked_bytes(report->checkedBytes);
    response->set_elapsed_ms(report->elapsedMs);
    return grpc::Status::OK;
}

namespace {

void describeRegion(const serving::Region& region, v1::ResidencyResponse& out) {
    out.set_region(region.name());
    if (const auto* info = region.options().regions.find(region.name()))
        out.set_jurisdiction(info->jurisdiction);
}

}  // namespace

grpc::Status AdminServiceImpl::CheckResidency(grpc::ServerContext*,
                                              const v1::ResidencyRequest* request,
                                              v1::ResidencyResponse* response) {
    const auto catalog = m_region.registry().catalog();
    auto found =
        serving::findNonResident(m_region.database(), *catalog, m_region.registry().regions(),
                                 m_region.name(), request->count_changelog());
    if (!found.ok())
        return toGrpc(found.status());
    describeRegion(m_region, *response);
    for (auto& f : *found) {
        const std::string name = f.project() + "/" + f.feature_view();
        if (request->views().empty() || std::find(request->views().begin(), request->views().end(),
                                                  name) != request->views().end())
            *response->add_findings() = std::move(f);
    }
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::PurgeResidency(grpc::ServerContext* context,
                                              const v1::ResidencyRequest* request,
                                              v1::ResidencyResponse* response) {
    if (!request->confirm())
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                            "a purge deletes data for good: review it with CheckResidency "
                            "(meridianctl residency) and confirm (--confirm)");
    const auto catalog = m_region.registry().catalog();
    const std::vector<std::string> views(request->views().begin(), request->views().end());
    auto purged = serving::purgeNonResident(m_region.database(), *catalog,
                                            m_region.registry().regions(), m_region.name(), views);
    if (!purged.ok())
        return toGrpc(purged.status());
    describeRegion(m_region, *response);
    // Recorded in the region's audit trail, one entry per view, and said on stderr.
    const std::string principal = principalOf(*context);
    auto audited = m_region.database().write([&](storage::Connection& conn) -> absl::Status {
        storage::AuditTable audit(conn);
        for (const auto& f : purged->purged) {
            auto st =
                audit.record({replication::wallClockMs(), principal, "residency_purge",
                              f.project() + "/" + f.feature_view(),
                              std::to_string(f.online_rows()) + " online rows, " +
                                  std::to_string(f.offline_rows()) + " offline rows, " +
                                  std::to_string(f.changelog_entries()) + " log entries deleted"});
            if (!st.ok())
                return st;
        }
        return absl::OkStatus();
    });
    for (auto& f : purged->purged) {
        std::fprintf(stderr,
                     "meridian-store: residency purge by %s: %s/%s, %lld online rows, %lld offline "
                     "rows, %lld log entries deleted\n",
                     principal.c_str(), f.project().c_str(), f.feature_view().c_str(),
                     static_cast<long long>(f.online_rows()),
                     static_cast<long long>(f.offline_rows()),
                     static_cast<long long>(f.changelog_entries()));
        *response->add_findings() = std::move(f);
    }
    if (!audited.ok())
        return toGrpc(audited);
    response->set_wal_truncated(purged->walTruncated);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::WatchStats(grpc::ServerContext* context,
                                          const v1::WatchStatsRequest* request,
                                          grpc::ServerWriter<v1::StatsResponse>* writer) {
    const int64_t interval =
        request->interval_ms() > 0 ? std::max<int64_t>(request->interval_ms(), 100) : 1000;
    auto next = std::chrono::steady_clock::now();
    while (!context->IsCancelled()) {
        v1::StatsResponse stats;
        if (auto st = fillStats(stats); !st.ok())
            return toGrpc(st);
        if (!writer->Write(stats))
            break;
        next += std::chrono::milliseconds(interval);
        // Wake often enough to notice a cancelled call promptly.
        while (!context->IsCancelled() && std::chrono::steady_clock::now() < next)
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(interval, 50)));
    }
    return grpc::Status::OK;
}

grpc::ServerUnaryReactor* AdminServiceImpl::Echo(grpc::CallbackServerContext* context,
                                                 const v1::EchoRequest* request,
                                                 v1::EchoResponse* response) {
    auto* reactor = context->DefaultReactor();
    if (auto undecoded = v1::wire::takeCallbackDecodeFailure()) {
        reactor->Finish(*undecoded);
        return reactor;
    }
    if (request->response_bytes() < 0 || request->response_bytes() > 16 * 1024 * 1024) {
        reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                     "response_bytes must be within 0..16 MiB"));
        return reactor;
    }
    response->mutable_payload()->assign(static_cast<size_t>(request->response_bytes()), 'x');
    reactor->Finish(grpc::Status::OK);
    return reactor;
}

}  // namespace meridian::service
