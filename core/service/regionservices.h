#pragma once
// The gRPC face of one region: Registry, Serving and Admin services over a serving::Region.
// Thin by design: check the request, call the core, map the status.

#include <grpcpp/server_context.h>

#include <mutex>
#include <string>

#include "erasure/erasurejobs.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/registry.grpc.pb.h"
#include "meridian/v1/serving.grpc.pb.h"
#include "replication/replicationfigures.h"
#include "service/arenaallocator.h"
#include "service/authorizer.h"
#include "service/servicemetrics.h"
#include "serving/region.h"

namespace meridian::service {

struct RegionIdentity {
    std::string cloud;
    std::string providerRegion;
    std::string role = "standalone";
    std::string version;
    int64_t startedAtMs = 0;
};

class RegistryServiceImpl final : public v1::Registry::Service {
public:
    RegistryServiceImpl(serving::Region& region, ServiceMetrics& metrics, Authorizer& auth)
        : m_region(region), m_metrics(metrics), m_auth(auth) {}

    grpc::Status Apply(grpc::ServerContext*, const v1::ApplyRequest*, v1::ApplyResponse*) override;
    grpc::Status ListObjects(grpc::ServerContext*, const v1::ListObjectsRequest*,
                             v1::ListObjectsResponse*) override;
    grpc::Status GetObject(grpc::ServerContext*, const v1::GetObjectRequest*,
                           v1::RegistryObject*) override;
    grpc::Status GetHistory(grpc::ServerContext*, const v1::GetHistoryRequest*,
                            v1::GetHistoryResponse*) override;
    grpc::Status DeleteObject(grpc::ServerContext*, const v1::DeleteObjectRequest*,
                              v1::DeleteObjectResponse*) override;
    grpc::Status GetLineage(grpc::ServerContext*, const v1::LineageRequest*,
                            v1::LineageResponse*) override;
    grpc::Status Publish(grpc::ServerContext*, const v1::PublishRequest*,
                         v1::PublishResponse*) override;
    grpc::Status Discover(grpc::ServerContext*, const v1::DiscoverRequest*,
                          v1::DiscoverResponse*) override;

private:
    serving::Region& m_region;
    ServiceMetrics& m_metrics;
    Authorizer& m_auth;
};

// Online reads run on gRPC's callback API, answered inline on the thread that received them
// and built on an arena. Writes too: checked inline, then handed to the database's commit queue
// and answered when the group commit that covers them is durable, so that no thread waits per
// write. The rest uses the synchronous API.
class ServingServiceImpl final
    : public v1::Serving::WithCallbackMethod_GetOnlineFeatures<
          v1::Serving::WithCallbackMethod_WriteFeatures<v1::Serving::Service>> {
public:
    ServingServiceImpl(serving::Region& region, ServiceMetrics& metrics, Authorizer& auth);

    grpc::ServerUnaryReactor* GetOnlineFeatures(grpc::CallbackServerContext*,
                                                const v1::GetOnlineFeaturesRequest*,
                                                v1::GetOnlineFeaturesResponse*) override;
    grpc::ServerUnaryReactor* WriteFeatures(grpc::CallbackServerContext*,
                                            const v1::WriteFeaturesRequest*,
                                            v1::WriteFeaturesResponse*) override;
    grpc::Status GetHistoricalFeatures(grpc::ServerContext*,
                                       const v1::GetHistoricalFeaturesRequest*,
                                       v1::GetHistoricalFeaturesResponse*) override;
    grpc::Status Materialize(grpc::ServerContext*, const v1::MaterializeRequest*,
                             grpc::ServerWriter<v1::MaterializeProgress>*) override;

private:
    serving::Region& m_region;
    ServiceMetrics& m_metrics;
    Authorizer& m_auth;
    // Looked up once: the per-call lookup by name costs a lock and a string.
    MethodMetrics& m_onlineMetrics;
    MethodMetrics& m_writeMetrics;
    ArenaMessageAllocator<v1::GetOnlineFeaturesRequest, v1::GetOnlineFeaturesResponse> m_allocator;
    ArenaMessageAllocator<v1::WriteFeaturesRequest, v1::WriteFeaturesResponse> m_writeAllocator;
};

// Echo, the benchmarks' floor, is served exactly as online reads are (callback API, arena).
class AdminServiceImpl final : public v1::Admin::WithCallbackMethod_Echo<v1::Admin::Service> {
public:
    // `replication` adds the per-link figures to stats answers; null in a region without peers.
    AdminServiceImpl(serving::Region& region, ServiceMetrics& metrics, RegionIdentity identity,
                     replication::ReplicationFigures* replication, Authorizer& auth);
    // The changelog's retention by size, reported beside its size.
    void setChangelogLimit(int64_t bytes) { m_changelogLimitBytes = bytes; }

    grpc::Status Health(grpc::ServerContext*, const v1::HealthRequest*,
                        v1::HealthResponse*) override;
    grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*, v1::StatsResponse*) override;
    grpc::Status WatchStats(grpc::ServerContext*, const v1::WatchStatsRequest*,
                            grpc::ServerWriter<v1::StatsResponse>*) override;
    grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext*, const v1::EchoRequest*,
                                   v1::EchoResponse*) override;
    grpc::Status CheckIntegrity(grpc::ServerContext*, const v1::CheckIntegrityRequest*,
                                v1::CheckIntegrityResponse*) override;
    grpc::Status CheckResidency(grpc::ServerContext*, const v1::ResidencyRequest*,
                                v1::ResidencyResponse*) override;
    grpc::Status PurgeResidency(grpc::ServerContext*, const v1::ResidencyRequest*,
                                v1::ResidencyResponse*) override;
    grpc::Status WhoAmI(grpc::ServerContext*, const v1::WhoAmIRequest*,
                        v1::WhoAmIResponse*) override;
    grpc::Status CreateToken(grpc::ServerContext*, const v1::CreateTokenRequest*,
                             v1::CreateTokenResponse*) override;
    grpc::Status RevokeToken(grpc::ServerContext*, const v1::RevokeTokenRequest*,
                             v1::RevokeTokenResponse*) override;
    grpc::Status ListTokens(grpc::ServerContext*, const v1::ListTokensRequest*,
                            v1::ListTokensResponse*) override;
    grpc::Status ListAudit(grpc::ServerContext*, const v1::ListAuditRequest*,
                           v1::ListAuditResponse*) override;
    // Erasure (erasureservice.cpp).
    grpc::Status PreviewErasure(grpc::ServerContext*, const v1::EraseRequest*,
                                v1::RegionErasure*) override;
    grpc::Status Erase(grpc::ServerContext*, const v1::EraseRequest*, v1::ErasureJob*) override;
    grpc::Status ApplyErasure(grpc::ServerContext*, const v1::ErasureOrder*,
                              v1::RegionErasure*) override;
    grpc::Status ListErasures(grpc::ServerContext*, const v1::ListErasuresRequest*,
                              v1::ListErasuresResponse*) override;
    // The erasures this region coordinates (Erase needs them).
    void setErasures(erasure::ErasureJobs* jobs) { m_erasures = jobs; }

    absl::Status fillStats(v1::StatsResponse& out, const v1::StatsRequest& request = {});

private:
    absl::Status refreshRowCounts();

    serving::Region& m_region;
    ServiceMetrics& m_metrics;
    RegionIdentity m_identity;
    replication::ReplicationFigures* m_replicationFigures;
    Authorizer& m_auth;
    erasure::ErasureJobs* m_erasures = nullptr;
    int64_t m_changelogLimitBytes = 0;
    std::mutex m_countsMutex;
    int64_t m_countsAtMs = 0;
    std::vector<v1::ViewStats> m_viewCounts;
    ArenaMessageAllocator<v1::EchoRequest, v1::EchoResponse> m_allocator;
};

}  // namespace meridian::service
