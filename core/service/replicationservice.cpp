#include "service/replicationservice.h"

#include "cost/costreport.h"
#include "cost/egressattribution.h"
#include "replication/batchsync.h"
#include "replication/hybridclock.h"
#include "service/regionservices.h"
#include "service/statusmap.h"

namespace meridian::service {

grpc::Status ReplicationServiceImpl::checkPeer(const grpc::ServerContext& context,
                                               const std::string& requester) const {
    if (requester.empty() || !m_replicator.deployment().region(requester))
        return grpc::Status(
            grpc::StatusCode::PERMISSION_DENIED,
            boundedMessage("'" + requester + "' is not a region of this deployment"));
    if (requester == m_replicator.self())
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "a region does not replicate from itself");
    if (!m_requirePeerCertificates)
        return grpc::Status::OK;
    // Mutual TLS: the client's certificate, checked against the CA by the handshake, must
    // name the region it asks as (a DNS name of its subject alternative names, or its CN).
    const auto auth = context.auth_context();
    if (!auth || !auth->IsPeerAuthenticated())
        return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                            boundedMessage("replication is for regions: '" + requester +
                                           "' presented no client certificate"));
    std::string names;
    for (const auto& identity : auth->GetPeerIdentity()) {
        const std::string name(identity.data(), identity.size());
        if (name == requester)
            return grpc::Status::OK;
        names += (names.empty() ? "" : ", ") + name;
    }
    return grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        boundedMessage("the client certificate names " + names + ", not '" + requester + "'"));
}

grpc::Status ReplicationServiceImpl::Pull(grpc::ServerContext* context,
                                          const v1::PullRequest* request,
                                          grpc::ServerWriter<v1::ChangeBatch>* writer) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.Pull"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    const std::string peer = request->requester();
    auto write = [&](const v1::ChangeBatch& batch) {
        m_ledger.add(replication::wallClockMs(), peer, cost::changeBatchShares(batch));
        return writer->Write(batch);
    };
    auto st = replication::streamChanges(
        m_replicator.feed(), m_replicator.signal(), *request, m_replicator.streamSettings(), write,
        [&] { return context->IsCancelled(); },
        {.position = [&](uint64_t position) { m_replicator.notePeerPosition(peer, position); },
         .diverged = [&](const v1::LogDivergence& d) { m_replicator.noteLogRewound(peer, d); }});
    return toGrpc(st);
}

grpc::Status ReplicationServiceImpl::Snapshot(grpc::ServerContext* context,
                                              const v1::SnapshotRequest* request,
                                              grpc::ServerWriter<v1::SnapshotChunk>* writer) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.Snapshot"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("Snapshot"));
    std::vector<std::string> scope(request->feature_views().begin(),
                                   request->feature_views().end());
    auto file =
        m_replicator.snapshotSource().prepare(request->requester(), scope, request->snapshot_id());
    if (!file.ok()) {
        timer.failed();
        return toGrpc(file.status());
    }
    for (int64_t i = std::max<int64_t>(0, request->from_chunk()); i < file->totalChunks; ++i) {
        if (context->IsCancelled())
            return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
        auto chunk = m_replicator.snapshotSource().chunk(*file, i);
        if (!chunk.ok())
            return toGrpc(chunk.status());
        m_ledger.add(replication::wallClockMs(), request->requester(),
                     cost::snapshotChunkShares(*chunk, file->views));
        if (!writer->Write(*chunk))
            break;
    }
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ListPartitions(grpc::ServerContext* context,
                                                    const v1::ListPartitionsRequest* request,
                                                    v1::ListPartitionsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.ListPartitions"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    auto parts = replication::listPartitions(m_replicator.database(), m_replicator.viewIds(),
                                             m_replicator.registry(), *request);
    if (!parts.ok())
        return toGrpc(parts.status());
    *response = std::move(*parts);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::FetchPartition(
    grpc::ServerContext* context, const v1::FetchPartitionRequest* request,
    grpc::ServerWriter<v1::PartitionChunk>* writer) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.FetchPartition"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    const std::string view = request->project() + "/" + request->feature_view();
    auto st = replication::streamPartition(
        m_replicator.database(), m_replicator.viewIds(), m_replicator.registry(), *request,
        [&](const v1::PartitionChunk& chunk) {
            if (context->IsCancelled())
                return false;
            m_ledger.add(replication::wallClockMs(), request->requester(),
                         cost::partitionChunkShare(chunk, view));
            return writer->Write(chunk);
        });
    return toGrpc(st);
}

void ReplicationServiceImpl::chargeCheck(const std::string& peer, const std::string& view,
                                         size_t messageBytes) {
    // Consistency checks are control traffic of the view they compare.
    const int64_t bytes = static_cast<int64_t>(messageBytes);
    m_ledger.add(replication::wallClockMs(), peer,
                 cost::EgressShare{view, "control", cost::wireBytes(messageBytes), bytes, 0});
}

grpc::Status ReplicationServiceImpl::Digests(grpc::ServerContext* context,
                                             const v1::DigestRequest* request,
                                             v1::DigestResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.Digests"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    auto answer = replication::answerDigests(m_replicator.database(), m_replicator.viewIds(),
                                             m_replicator.registry(), m_digests, *request);
    if (!answer.ok())
        return toGrpc(answer.status());
    *response = std::move(*answer);
    chargeCheck(request->requester(), request->project() + "/" + request->feature_view(),
                response->ByteSizeLong());
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::BucketRows(grpc::ServerContext* context,
                                                const v1::BucketRowsRequest* request,
                                                v1::BucketRowsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.BucketRows"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    auto answer = replication::answerBucketRows(m_replicator.database(), m_replicator.viewIds(),
                                                m_replicator.registry(), *request);
    if (!answer.ok())
        return toGrpc(answer.status());
    *response = std::move(*answer);
    chargeCheck(request->requester(), request->project() + "/" + request->feature_view(),
                response->ByteSizeLong());
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::CheckConsistency(grpc::ServerContext* context,
                                                      const v1::CheckConsistencyRequest* request,
                                                      v1::ConsistencyReport* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.CheckConsistency"); !st.ok())
        return st;
    auto report = m_replicator.checkConsistency(*request);
    if (!report.ok())
        return toGrpc(report.status());
    *response = std::move(*report);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ExchangeHubs(grpc::ServerContext* context,
                                                  const v1::ExchangeHubsRequest* request,
                                                  v1::ExchangeHubsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.ExchangeHubs"); !st.ok())
        return st;
    if (auto st = checkPeer(*context, request->requester()); !st.ok())
        return st;
    auto answer = m_replicator.failover().answer(*request);
    if (!answer.ok())
        return toGrpc(answer.status());
    *response = std::move(*answer);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::Promote(grpc::ServerContext* context,
                                             const v1::PromoteRequest* request,
                                             v1::PromotionReport* response) {
    Caller caller;
    const std::string target =
        (request->feature_view().empty() ? "every view hubbed in " + request->all_of()
                                         : request->feature_view()) +
        " → " + m_replicator.self();
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.Promote", &caller, target);
        !st.ok())
        return st;
    auto report = m_replicator.failover().promote(*request);
    if (!request->dry_run()) {
        std::string result;
        if (!report.ok()) {
            result = "refused: " + std::string(report.status().message());
        } else {
            for (const auto& v : report->views())
                result += (result.empty() ? "" : "; ") + v.feature_view() +
                          (v.committed() ? " epoch " + std::to_string(v.new_epoch()) + ", " +
                                               std::to_string(v.not_applied()) +
                                               " change(s) of the old hub not applied"
                                         : " not promoted: " + v.error());
        }
        m_auth.record(caller, "promote", target, result);
    }
    if (!report.ok())
        return toGrpc(report.status());
    *response = std::move(*report);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ListHubs(grpc::ServerContext* context,
                                              const v1::ListHubsRequest* request,
                                              v1::ListHubsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.ListHubs"); !st.ok())
        return st;
    auto list = m_replicator.failover().list(*request);
    if (!list.ok())
        return toGrpc(list.status());
    *response = std::move(*list);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::TriggerSync(grpc::ServerContext* context,
                                                 const v1::TriggerSyncRequest* request,
                                                 v1::SyncJob* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.TriggerSync", &caller,
                               request->from_region() + " → " + request->to_region());
        !st.ok())
        return st;
    // Who started it is who authenticated, whatever the request says.
    v1::TriggerSyncRequest r = *request;
    r.set_principal(caller.principal);
    auto job = m_replicator.jobs().trigger(r);
    m_auth.record(
        caller, "sync", r.from_region() + " → " + m_replicator.self(),
        job.ok() ? "job " + job->id() : "refused: " + std::string(job.status().message()));
    if (!job.ok())
        return toGrpc(job.status());
    *response = std::move(*job);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::WatchJob(grpc::ServerContext* context,
                                              const v1::JobRef* request,
                                              grpc::ServerWriter<v1::SyncJob>* writer) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.WatchJob"); !st.ok())
        return st;
    uint64_t version = UINT64_MAX;
    while (!context->IsCancelled()) {
        auto next =
            m_replicator.jobs().waitChange(request->id(), version, version == UINT64_MAX ? 0 : 500);
        if (!next.ok())
            return toGrpc(next.status());
        const auto& [job, v] = *next;
        if (v != version) {
            if (!writer->Write(job))
                break;
            version = v;
        }
        const auto state = job.state();
        if (state == v1::SyncJob::SUCCEEDED || state == v1::SyncJob::FAILED ||
            state == v1::SyncJob::CANCELLED)
            break;
    }
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ListJobs(grpc::ServerContext* context,
                                              const v1::ListJobsRequest* request,
                                              v1::ListJobsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.ListJobs"); !st.ok())
        return st;
    auto jobs = m_replicator.jobs().list(request->limit());
    if (!jobs.ok())
        return toGrpc(jobs.status());
    for (auto& j : *jobs)
        *response->add_jobs() = std::move(j);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::CancelJob(grpc::ServerContext* context,
                                               const v1::JobRef* request, v1::SyncJob* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.CancelJob", &caller,
                               "job " + request->id());
        !st.ok())
        return st;
    auto job = m_replicator.jobs().cancel(request->id());
    m_auth.record(caller, "sync_cancel", "job " + request->id(),
                  job.ok() ? "cancelled" : "refused: " + std::string(job.status().message()));
    if (!job.ok())
        return toGrpc(job.status());
    *response = std::move(*job);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::GetCost(grpc::ServerContext* context,
                                             const v1::CostRequest* request,
                                             v1::CostResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.GetCost"); !st.ok())
        return st;
    const int64_t now = replication::wallClockMs();
    const int64_t until = request->until_ms() > 0 ? request->until_ms() : now + 60'000;
    const int64_t since = request->since_ms() > 0 ? request->since_ms() : now - 24 * 3600 * 1000;
    if (since >= until)
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "since_ms must be before until_ms");
    auto records = m_ledger.records(since, until);
    if (!records.ok())
        return toGrpc(records.status());
    *response = cost::buildCostReport(*records, m_prices, m_replicator.deployment(),
                                      m_replicator.self(), since, until);
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::SetLinkEmulation(grpc::ServerContext* context,
                                                      const v1::LinkEmulationRequest* request,
                                                      v1::LinkEmulationResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.SetLinkEmulation", &caller,
                               request->peer() + " → " + m_replicator.self());
        !st.ok())
        return st;
    auto e = m_replicator.setEmulation(*request);
    m_auth.record(caller, "link_emulation", request->peer() + " → " + m_replicator.self(),
                  e.ok() ? e->describe() : "refused: " + std::string(e.status().message()));
    if (!e.ok())
        return toGrpc(e.status());
    response->set_peer(request->peer());
    response->set_emulation(e->describe());
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ListAlerts(grpc::ServerContext* context,
                                                const v1::ListAlertsRequest* request,
                                                v1::ListAlertsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Replication.ListAlerts"); !st.ok())
        return st;
    auto alerts = m_replicator.alerts().list(request->include_cleared(), request->limit());
    if (!alerts.ok())
        return toGrpc(alerts.status());
    for (auto& a : *alerts)
        *response->add_alerts() = std::move(a);
    return grpc::Status::OK;
}

}  // namespace meridian::service
