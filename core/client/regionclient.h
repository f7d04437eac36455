#pragma once
// Synchronous, typed calls to the Registry, Serving, Admin and Replication services of one
// region over one reused channel, each with a deadline, answering absl statuses that keep the
// region's message.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regionchannel.h"
#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/replication.pb.h"
#include "meridian/v1/serving.pb.h"
#include "registry/catalog.h"

namespace meridian::client {

struct RegionClientOptions {
    std::string endpoint = "127.0.0.1:7401";  // host:port
    std::chrono::milliseconds callTimeout{30'000};
    // Materialize streams for as long as the work takes.
    std::chrono::milliseconds streamTimeout{3'600'000};
    // Sent as x-meridian-principal; empty: $USER, else "meridianctl".
    std::string principal;
    // TLS to the region (caFile empty: plaintext).
    TlsSettings tls;
    // A bearer token ("mrd_…"), sent on every call when set; regions with a token file refuse
    // calls without one.
    std::string token;
};

class RegionClient {
public:
    explicit RegionClient(RegionClientOptions options);
    ~RegionClient();
    RegionClient(const RegionClient&) = delete;
    RegionClient& operator=(const RegionClient&) = delete;

    const std::string& endpoint() const { return m_options.endpoint; }
    const std::string& principal() const { return m_options.principal; }

    // Registry.
    absl::StatusOr<v1::ApplyResponse> apply(const v1::ApplyRequest& request);
    // `kind` unspecified: every kind; `project` empty: every project.
    absl::StatusOr<std::vector<v1::RegistryObject>> listObjects(v1::ObjectKind kind,
                                                                const std::string& project,
                                                                bool includeDeleted = false);
    // `version` 0: the current version.
    absl::StatusOr<v1::RegistryObject> getObject(const v1::ObjectRef& ref, int64_t version = 0);
    absl::StatusOr<std::vector<v1::RegistryObject>> history(const v1::ObjectRef& ref);
    absl::StatusOr<v1::ObjectMeta> deleteObject(const v1::ObjectRef& ref);
    absl::StatusOr<v1::LineageResponse> lineage(const std::string& project);
    // Federated control plane: publish or withdraw an object the region owns.
    absl::StatusOr<v1::PublishResponse> publish(const v1::PublishRequest& request);
    // The region's catalogue: every object it holds, owned or copied, without specs.
    absl::StatusOr<v1::DiscoverResponse> discover(const v1::DiscoverRequest& request);
    // The project and its current objects, for resolving views, entities and services locally.
    absl::StatusOr<registry::Catalog> catalog(const std::string& project);

    // Serving.
    // `timeout` zero: the client's call timeout.
    absl::StatusOr<v1::GetOnlineFeaturesResponse> getOnlineFeatures(
        const v1::GetOnlineFeaturesRequest& request, std::chrono::milliseconds timeout = {});
    absl::StatusOr<v1::WriteFeaturesResponse> writeFeatures(
        const v1::WriteFeaturesRequest& request);
    absl::StatusOr<v1::GetHistoricalFeaturesResponse> getHistoricalFeatures(
        const v1::GetHistoricalFeaturesRequest& request);
    // Calls `onProgress` for each message the region streams; answers the last progress of
    // every view, in the order the region worked on them.
    using MaterializeProgressFn = std::function<void(const v1::MaterializeProgress&)>;
    absl::StatusOr<std::vector<v1::MaterializeProgress>> materialize(
        const v1::MaterializeRequest& request, const MaterializeProgressFn& onProgress = {});

    // Admin.
    absl::StatusOr<v1::HealthResponse> health(std::chrono::milliseconds timeout = {});
    absl::StatusOr<v1::StatsResponse> stats(std::chrono::milliseconds timeout = {});
    // A full integrity check of the region's database (reads all of it: seconds per GB).
    absl::StatusOr<v1::CheckIntegrityResponse> checkIntegrity();
    // Data the region holds of views whose residency no longer allows it, and its purge.
    absl::StatusOr<v1::ResidencyResponse> checkResidency(const v1::ResidencyRequest& request);
    absl::StatusOr<v1::ResidencyResponse> purgeResidency(const v1::ResidencyRequest& request);

    // Access: who this client is to the region, its tokens (admin) and its audit log.
    absl::StatusOr<v1::WhoAmIResponse> whoAmI();
    absl::StatusOr<v1::CreateTokenResponse> createToken(const v1::TokenRecord& record);
    absl::StatusOr<v1::RevokeTokenResponse> revokeToken(const v1::RevokeTokenRequest& request);
    absl::StatusOr<v1::ListTokensResponse> listTokens(bool includeRevoked);
    absl::StatusOr<v1::ListAuditResponse> listAudit(const v1::ListAuditRequest& request);

    // Erasure of an entity: what this region holds of it, the erasure (coordinated by this
    // region, sent to every other), and the erasures it coordinates and has applied.
    absl::StatusOr<v1::RegionErasure> previewErasure(const v1::EraseRequest& request);
    absl::StatusOr<v1::ErasureJob> erase(const v1::EraseRequest& request);
    absl::StatusOr<v1::ListErasuresResponse> listErasures(const v1::ListErasuresRequest& request);

    // Replication: sync jobs run by this region (it receives the data), its links, its egress
    // cost and its alerts.
    absl::StatusOr<v1::SyncJob> triggerSync(const v1::TriggerSyncRequest& request);
    // Calls `onUpdate` with each state of the job until it finishes; answers the last state.
    // `stopRequested`, polled every 100 ms, ends the watch early with a CANCELLED status (the
    // job itself keeps running: cancel it with cancelJob).
    using JobUpdateFn = std::function<void(const v1::SyncJob&)>;
    absl::StatusOr<v1::SyncJob> watchJob(const std::string& id, const JobUpdateFn& onUpdate,
                                         const std::function<bool()>& stopRequested = {});
    absl::StatusOr<std::vector<v1::SyncJob>> listJobs(int limit);
    absl::StatusOr<v1::SyncJob> cancelJob(const std::string& id);
    absl::StatusOr<v1::LinkEmulationResponse> setLinkEmulation(
        const v1::LinkEmulationRequest& request);
    absl::StatusOr<v1::CostResponse> cost(int64_t sinceMs, int64_t untilMs = 0);
    absl::StatusOr<std::vector<v1::Alert>> alerts(bool includeCleared, int limit = 0);
    // This region's online store compared with a peer's (reads every row of the views on both
    // sides: seconds per million rows).
    absl::StatusOr<v1::ConsistencyReport> checkConsistency(
        const v1::CheckConsistencyRequest& request);
    // Promotes this region to hub (PromoteRequest); waits as long as a stream would.
    absl::StatusOr<v1::PromotionReport> promote(const v1::PromoteRequest& request);
    absl::StatusOr<v1::ListHubsResponse> listHubs(int orphansLimit = 0);

private:
    struct Stubs;
    RegionClientOptions m_options;
    std::unique_ptr<Stubs> m_stubs;
};

// True when `status` is the region's answer (a refusal, or its silence), not a local failure.
bool isFromRegion(const absl::Status& status);

// True when the region could not be reached or did not answer within the deadline.
bool isUnreachable(const absl::Status& status);

// Marks a status as the region's answer: for refusals derived from what the region returned
// (a view missing from its registry), so callers treat them like the region's own.
absl::Status markFromRegion(absl::Status status, const std::string& endpoint);

}  // namespace meridian::client
