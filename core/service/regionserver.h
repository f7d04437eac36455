#pragma once
// A running meridian-store: the region's data plane behind a gRPC server on its endpoint.

#include <grpcpp/server.h>

#include <memory>

#include "absl/status/statusor.h"
#include "service/regionservices.h"
#include "service/storeconfig.h"

namespace meridian::service {

class RegionServer {
public:
    static absl::StatusOr<std::unique_ptr<RegionServer>> start(const ResolvedStore& store,
                                                               const std::string& version);
    ~RegionServer();

    int port() const { return m_port; }
    serving::Region& region() { return *m_region; }
    // Blocks until shutdown() is called from another thread.
    void wait();
    void shutdown();

private:
    RegionServer() = default;

    std::unique_ptr<serving::Region> m_region;
    ServiceMetrics m_metrics;
    std::unique_ptr<RegistryServiceImpl> m_registry;
    std::unique_ptr<ServingServiceImpl> m_serving;
    std::unique_ptr<AdminServiceImpl> m_admin;
    std::unique_ptr<grpc::Server> m_server;
    int m_port = 0;
};

}  // namespace meridian::service
