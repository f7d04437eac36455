#include "service/regionserver.h"

#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>

#include <fstream>

#include "replication/hybridclock.h"
#include "serving/limits.h"

namespace meridian::service {

absl::StatusOr<std::unique_ptr<RegionServer>> RegionServer::start(const ResolvedStore& store,
                                                                  const std::string& version) {
    const auto& config = store.config;
    serving::RegionOptions options;
    options.name = config.region;
    options.dataDir = config.dataDir;
    options.durability = config.durability;
    if (store.deployment) {
        options.regions = store.deployment->regionSet();
        if (store.deployment->controlPlane == deployment::ControlPlaneMode::Centralized)
            options.controlRegion = store.deployment->controlRegion;
    } else {
        options.regions = registry::RegionSet({{config.region, config.cloud, config.providerRegion,
                                                registry::guessJurisdiction(config.cloud, config.providerRegion), ""}});
    }
    auto region = serving::Region::open(std::move(options));
    if (!region.ok()) return region.status();

    std::unique_ptr<RegionServer> server(new RegionServer());
    server->m_region = std::move(*region);
    RegionIdentity identity;
    identity.cloud = config.cloud;
    identity.providerRegion = config.providerRegion;
    identity.version = version;
    identity.startedAtMs = replication::wallClockMs();
    server->m_registry = std::make_unique<RegistryServiceImpl>(*server->m_region, server->m_metrics);
    server->m_serving = std::make_unique<ServingServiceImpl>(*server->m_region, server->m_metrics);
    server->m_admin = std::make_unique<AdminServiceImpl>(*server->m_region, server->m_metrics, identity);

    grpc::ServerBuilder builder;
    builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &server->m_port);
    builder.SetMaxReceiveMessageSize(serving::kTransportMessageBytes);
    builder.SetMaxSendMessageSize(serving::kTransportMessageBytes);
    builder.RegisterService(server->m_registry.get());
    builder.RegisterService(server->m_serving.get());
    builder.RegisterService(server->m_admin.get());
    server->m_server = builder.BuildAndStart();
    if (!server->m_server || server->m_port == 0)
        return absl::UnavailableError("cannot listen on " + config.listen +
                                      " (address in use or not valid)");
    if (!config.portFile.empty()) {
        // Written to a temporary name and renamed, so a watcher never reads half a number.
        const std::string tmp = config.portFile + ".tmp";
        std::ofstream(tmp) << server->m_port << "\n";
        std::rename(tmp.c_str(), config.portFile.c_str());
    }
    return server;
}

RegionServer::~RegionServer() { shutdown(); }

void RegionServer::wait() {
    if (m_server) m_server->Wait();
}

void RegionServer::shutdown() {
    if (m_server) {
        m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    }
}

}  // namespace meridian::service
