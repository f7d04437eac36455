#pragma once
// The gRPC face of replication: the feed peers pull, snapshots, partitions, sync jobs, link
// emulation, cost and alerts. Thin: each call checks its input and delegates.

#include "cost/egressledger.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/replicator.h"
#include "service/servicemetrics.h"

namespace meridian::service {

class ReplicationServiceImpl final : public v1::Replication::Service {
public:
    ReplicationServiceImpl(replication::Replicator& replicator, cost::EgressLedger& ledger, ServiceMetrics& metrics)
        : m_replicator(replicator), m_ledger(ledger), m_metrics(metrics) {}

    grpc::Status Pull(grpc::ServerContext*, const v1::PullRequest*, grpc::ServerWriter<v1::ChangeBatch>*) override;
    grpc::Status SetLinkEmulation(grpc::ServerContext*, const v1::LinkEmulationRequest*,
                                  v1::LinkEmulationResponse*) override;
    grpc::Status ListAlerts(grpc::ServerContext*, const v1::ListAlertsRequest*, v1::ListAlertsResponse*) override;

private:
    replication::Replicator& m_replicator;
    cost::EgressLedger& m_ledger;
    ServiceMetrics& m_metrics;
};

}  // namespace meridian::service
