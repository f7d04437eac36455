#include "service/replicationservice.h"

#include "replication/hybridclock.h"
#include "service/statusmap.h"

namespace meridian::service {

grpc::Status ReplicationServiceImpl::Pull(grpc::ServerContext* context, const v1::PullRequest* request,
                                          grpc::ServerWriter<v1::ChangeBatch>* writer) {
    const auto& regions = m_replicator.deployment();
    if (request->requester().empty() || !regions.region(request->requester()))
        return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                            "'" + request->requester() + "' is not a region of this deployment");
    if (request->requester() == m_replicator.self())
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a region does not pull from itself");
    const std::string peer = request->requester();
    auto write = [&](const v1::ChangeBatch& batch) {
        // Everything on the wire is counted: each view's share of the payload, and the rest of
        // the message plus gRPC's 5-byte frame header as control traffic.
        const int64_t total = static_cast<int64_t>(batch.ByteSizeLong()) + 5;
        int64_t attributed = 0;
        const int64_t now = replication::wallClockMs();
        for (const auto& vb : batch.view_bytes()) {
            m_ledger.add(now, peer, vb.feature_view(), "stream", vb.bytes(), vb.raw_bytes(), vb.changes());
            attributed += vb.bytes();
        }
        m_ledger.add(now, peer, "", "control", total - attributed, total - attributed, 0);
        return writer->Write(batch);
    };
    auto st = replication::streamChanges(
        m_replicator.feed(), m_replicator.signal(), *request, m_replicator.streamSettings(), write,
        [&] { return context->IsCancelled(); },
        [&](uint64_t position) { m_replicator.notePeerPosition(peer, position); });
    return toGrpc(st);
}

grpc::Status ReplicationServiceImpl::SetLinkEmulation(grpc::ServerContext*, const v1::LinkEmulationRequest* request,
                                                      v1::LinkEmulationResponse* response) {
    auto e = m_replicator.setEmulation(*request);
    if (!e.ok()) return toGrpc(e.status());
    response->set_peer(request->peer());
    response->set_emulation(e->describe());
    return grpc::Status::OK;
}

grpc::Status ReplicationServiceImpl::ListAlerts(grpc::ServerContext*, const v1::ListAlertsRequest* request,
                                                v1::ListAlertsResponse* response) {
    auto alerts = m_replicator.alerts().list(request->include_cleared(), request->limit());
    if (!alerts.ok()) return toGrpc(alerts.status());
    for (auto& a : *alerts) *response->add_alerts() = std::move(a);
    return grpc::Status::OK;
}

}  // namespace meridian::service
