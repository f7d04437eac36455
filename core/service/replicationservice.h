#pragma once
// The gRPC face of replication: the feed peers pull, snapshots, partitions, sync jobs, link
// emulation, cost, alerts and consistency checks. Thin: each call checks its input and
// delegates.

#include "cost/egressledger.h"
#include "cost/pricetable.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/consistency.h"
#include "replication/replicator.h"
#include "service/authorizer.h"
#include "service/servicemetrics.h"

namespace meridian::service {

class ReplicationServiceImpl final : public v1::Replication::Service {
public:
    ReplicationServiceImpl(replication::Replicator& replicator, cost::EgressLedger& ledger,
                           const cost::PriceTable& prices, ServiceMetrics& metrics,
                           Authorizer& auth)
        : m_replicator(replicator),
          m_ledger(ledger),
          m_prices(prices),
          m_metrics(metrics),
          m_auth(auth) {}
    // Mutual TLS: the Pull, Snapshot and partition calls need a client certificate naming the
    // requesting region.
    void requirePeerCertificates(bool required) { m_requirePeerCertificates = required; }

    grpc::Status Pull(grpc::ServerContext*, const v1::PullRequest*,
                      grpc::ServerWriter<v1::ChangeBatch>*) override;
    grpc::Status Snapshot(grpc::ServerContext*, const v1::SnapshotRequest*,
                          grpc::ServerWriter<v1::SnapshotChunk>*) override;
    grpc::Status ListPartitions(grpc::ServerContext*, const v1::ListPartitionsRequest*,
                                v1::ListPartitionsResponse*) override;
    grpc::Status FetchPartition(grpc::ServerContext*, const v1::FetchPartitionRequest*,
                                grpc::ServerWriter<v1::PartitionChunk>*) override;
    grpc::Status Digests(grpc::ServerContext*, const v1::DigestRequest*,
                         v1::DigestResponse*) override;
    grpc::Status BucketRows(grpc::ServerContext*, const v1::BucketRowsRequest*,
                            v1::BucketRowsResponse*) override;
    grpc::Status CheckConsistency(grpc::ServerContext*, const v1::CheckConsistencyRequest*,
                                  v1::ConsistencyReport*) override;
    grpc::Status ExchangeHubs(grpc::ServerContext*, const v1::ExchangeHubsRequest*,
                              v1::ExchangeHubsResponse*) override;
    grpc::Status Promote(grpc::ServerContext*, const v1::PromoteRequest*,
                         v1::PromotionReport*) override;
    grpc::Status ListHubs(grpc::ServerContext*, const v1::ListHubsRequest*,
                          v1::ListHubsResponse*) override;
    grpc::Status TriggerSync(grpc::ServerContext*, const v1::TriggerSyncRequest*,
                             v1::SyncJob*) override;
    grpc::Status WatchJob(grpc::ServerContext*, const v1::JobRef*,
                          grpc::ServerWriter<v1::SyncJob>*) override;
    grpc::Status ListJobs(grpc::ServerContext*, const v1::ListJobsRequest*,
                          v1::ListJobsResponse*) override;
    grpc::Status CancelJob(grpc::ServerContext*, const v1::JobRef*, v1::SyncJob*) override;
    grpc::Status GetCost(grpc::ServerContext*, const v1::CostRequest*, v1::CostResponse*) override;
    grpc::Status SetLinkEmulation(grpc::ServerContext*, const v1::LinkEmulationRequest*,
                                  v1::LinkEmulationResponse*) override;
    grpc::Status ListAlerts(grpc::ServerContext*, const v1::ListAlertsRequest*,
                            v1::ListAlertsResponse*) override;

private:
    replication::Replicator& m_replicator;
    grpc::Status checkPeer(const grpc::ServerContext& context, const std::string& requester) const;
    // Counts what a consistency check's answer sends to `peer` in the egress ledger.
    void chargeCheck(const std::string& peer, const std::string& view, size_t messageBytes);

    bool m_requirePeerCertificates = false;
    cost::EgressLedger& m_ledger;
    const cost::PriceTable& m_prices;
    ServiceMetrics& m_metrics;
    Authorizer& m_auth;
    // The digests this region computed for its peers' consistency checks, kept a minute.
    replication::DigestCache m_digests;
};

}  // namespace meridian::service
