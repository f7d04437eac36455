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
                                   replication::ReplicationFigures* replication, Authorizer& auth)
    : m_region(region),
      m_metrics(metrics),
      m_identity(std::move(identity)),
      m_replicationFigures(replication),
      m_auth(auth) {
    SetMessageAllocatorFor_Echo(&m_allocator);
}

grpc::Status AdminServiceImpl::Health(grpc::ServerContext* context, const v1::HealthRequest*,
                                      v1::HealthResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.Health"); !st.ok())
        return st;
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
    out.set_unauthenticated_calls(m_auth.unauthenticatedCalls());
    out.set_denied_calls(m_auth.deniedCalls());
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

grpc::Status AdminServiceImpl::Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                                     v1::StatsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.Stats"); !st.ok())
        return st;
    return toGrpc(fillStats(*response, *request));
}

grpc::Status AdminServiceImpl::CheckIntegrity(grpc::ServerContext* context,
                                              const v1::CheckIntegrityRequest*,
                                              v1::CheckIntegrityResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.CheckIntegrity", &caller); !st.ok())
        return st;
    auto& db = m_region.database();
    auto report = db.checkIntegrity();
    m_auth.record(caller, "integrity_check", db.path(),
                  !report.ok() ? "failed: " + std::string(report.status().message())
                  : report->ok ? "ok"
                               : std::to_string(report->problems.size()) + " problems");
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

grpc::Status AdminServiceImpl::CheckResidency(grpc::ServerContext* context,
                                              const v1::ResidencyRequest* request,
                                              v1::ResidencyResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.CheckResidency"); !st.ok())
        return st;
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
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.PurgeResidency", &caller); !st.ok())
        return st;
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
    const std::string& principal = caller.principal;
    auto audited = m_region.database().write([&](storage::Connection& conn) -> absl::Status {
        storage::AuditTable audit(conn);
        for (const auto& f : purged->purged) {
            auto st = audit.record({.atMs = replication::wallClockMs(),
                                    .principal = principal,
                                    .action = "residency_purge",
                                    .target = f.project() + "/" + f.feature_view(),
                                    .result = std::to_string(f.online_rows()) + " online rows, " +
                                              std::to_string(f.offline_rows()) + " offline rows, " +
                                              std::to_string(f.changelog_entries()) +
                                              " log entries deleted",
                                    .requestId = caller.requestId});
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
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.WatchStats"); !st.ok())
        return st;
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
    if (auto denied = m_auth.admit(*context, "meridian.v1.Admin.Echo"); !denied.ok()) {
        reactor->Finish(denied);
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

grpc::Status AdminServiceImpl::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                                      v1::WhoAmIResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.WhoAmI", &caller); !st.ok())
        return st;
    response->set_principal(caller.principal);
    response->set_role(caller.role);
    response->set_authenticated_by(caller.authenticatedBy);
    response->set_credentials_required(m_auth.credentialsRequired());
    response->set_region(m_region.name());
    return grpc::Status::OK;
}

namespace {

grpc::Status noTokenFile(const std::string& region) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "region '" + region +
                            "' has no token file: it asks for no credentials (start it with "
                            "--tokens FILE to require them)");
}

}  // namespace

grpc::Status AdminServiceImpl::CreateToken(grpc::ServerContext* context,
                                           const v1::CreateTokenRequest* request,
                                           v1::CreateTokenResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(
            *context, "meridian.v1.Admin.CreateToken", &caller,
            request->token().name() + " (" + access::roleName(request->token().role()) + ")");
        !st.ok())
        return st;
    if (!m_auth.tokens())
        return noTokenFile(m_region.name());
    v1::TokenRecord record = request->token();
    record.set_created_by(caller.principal);
    record.set_created_at(replication::wallClockMs());
    auto st = m_auth.tokens()->add(record);
    m_auth.record(
        caller, "token_create",
        record.name() + " (" + access::roleName(record.role()) + ", token " + record.id() + ")",
        st.ok() ? "created" : "refused: " + std::string(st.message()));
    if (!st.ok())
        return toGrpc(st);
    *response->mutable_token() = access::publicPart(record);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::RevokeToken(grpc::ServerContext* context,
                                           const v1::RevokeTokenRequest* request,
                                           v1::RevokeTokenResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.RevokeToken", &caller,
                               request->id().empty() ? request->name() : request->id());
        !st.ok())
        return st;
    if (!m_auth.tokens())
        return noTokenFile(m_region.name());
    auto revoked = m_auth.tokens()->revoke(request->id(), request->name(), caller.principal,
                                           replication::wallClockMs());
    m_auth.record(
        caller, "token_revoke",
        request->id().empty() ? "every token of " + request->name() : "token " + request->id(),
        revoked.ok() ? std::to_string(revoked->size()) + " revoked"
                     : "refused: " + std::string(revoked.status().message()));
    if (!revoked.ok())
        return toGrpc(revoked.status());
    for (auto& r : *revoked)
        *response->add_revoked() = std::move(r);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListTokens(grpc::ServerContext* context,
                                          const v1::ListTokensRequest* request,
                                          v1::ListTokensResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.ListTokens"); !st.ok())
        return st;
    response->set_region(m_region.name());
    if (!m_auth.tokens())
        return noTokenFile(m_region.name());
    for (auto& r : m_auth.tokens()->list(request->include_revoked()))
        *response->add_tokens() = std::move(r);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListAudit(grpc::ServerContext* context,
                                         const v1::ListAuditRequest* request,
                                         v1::ListAuditResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.ListAudit"); !st.ok())
        return st;
    if (request->limit() < 0 || request->limit() > 10000)
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "limit must be within 0..10000 (0: 200)");
    storage::AuditFilter filter{.sinceMs = request->since(),
                                .untilMs = request->until(),
                                .principal = request->principal(),
                                .action = request->action(),
                                .deniedOnly = request->denied_only(),
                                .limit = request->limit() > 0 ? request->limit() : 200};
    std::vector<storage::AuditEntry> entries;
    auto st = m_region.database().read([&](storage::Connection& conn) -> absl::Status {
        auto found = storage::AuditTable(conn).find(filter);
        if (!found.ok())
            return found.status();
        entries = std::move(*found);
        return absl::OkStatus();
    });
    if (!st.ok())
        return toGrpc(st);
    response->set_region(m_region.name());
    for (auto& e : entries) {
        auto* r = response->add_records();
        r->set_at(e.atMs);
        r->set_region(m_region.name());
        r->set_principal(std::move(e.principal));
        r->set_action(std::move(e.action));
        r->set_target(std::move(e.target));
        r->set_result(std::move(e.result));
        r->set_request_id(std::move(e.requestId));
        r->set_denied(e.denied);
    }
    return grpc::Status::OK;
}

}  // namespace meridian::service
