#pragma once
// A running meridian-store: the region's data plane behind a gRPC server on its endpoint.

#include <grpcpp/server.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "cost/egressledger.h"
#include "replication/replicator.h"
#include "service/datadirlock.h"
#include "service/regionservices.h"
#include "service/replicationservice.h"
#include "service/storeconfig.h"
#include "storage/logretention.h"

namespace meridian::service {

class RegionServer {
public:
    static absl::StatusOr<std::unique_ptr<RegionServer>> start(const ResolvedStore& store,
                                                               const std::string& version);
    ~RegionServer();

    int port() const { return m_port; }
    serving::Region& region() { return *m_region; }
    replication::Replicator* replicator() { return m_replicator.get(); }
    // Blocks until shutdown() is called from another thread.
    void wait();
    void shutdown();

private:
    RegionServer() = default;
    // One pass of upkeep: log retention, storage alerts, replication's own, egress flushes.
    void maintain(int64_t nowMs);
    void watchStorage(const storage::LogExtent& log);
    // Raises residency_violation for each view residency no longer allows here but whose data
    // the region still holds, and clears it once purged.
    void watchResidency();

    std::unique_ptr<DataDirLock> m_lock;  // first member: released last
    std::unique_ptr<serving::Region> m_region;
    ServiceMetrics m_metrics;
    std::unique_ptr<Authorizer> m_auth;
    std::unique_ptr<RegistryServiceImpl> m_registry;
    std::unique_ptr<ServingServiceImpl> m_serving;
    std::unique_ptr<AdminServiceImpl> m_admin;
    std::unique_ptr<cost::EgressLedger> m_ledger;
    cost::PriceTable m_prices;
    std::unique_ptr<replication::Replicator> m_replicator;
    std::unique_ptr<ReplicationServiceImpl> m_replication;
    std::unique_ptr<erasure::ErasureJobs> m_erasures;  // uses the replicator's links
    std::unique_ptr<grpc::Server> m_server;
    storage::RetentionPolicy m_retention;
    int64_t m_maintenancePasses = 0;
    std::set<std::string> m_residencyAlerts;  // subjects raised, maintenance thread only
    registry::CatalogPtr m_auditedCatalog;    // the registry the last audit saw
    int m_port = 0;
    // Periodic upkeep: log retention, alerts, egress flushes.
    std::thread m_maintenance;
    std::mutex m_maintenanceMutex;
    std::condition_variable m_maintenanceWake;
    bool m_stopping = false;
};

}  // namespace meridian::service
