#include "client/regionclient.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/cord.h"
#include "client/regionchannel.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/registry.grpc.pb.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "meridian/v1/serving.grpc.pb.h"
#include "serving/limits.h"

namespace meridian::client {
namespace {

// The payload that marks a status as the region's answer; it holds the endpoint.
constexpr char kRegionPayload[] = "type.meridian.dev/region-endpoint";

std::string defaultPrincipal() {
    const char* user = std::getenv("USER");
    return user && *user ? std::string(user) : std::string("meridianctl");
}

std::string secondsText(std::chrono::milliseconds ms) {
    const auto count = ms.count();
    if (count % 1000 == 0)
        return std::to_string(count / 1000) + " s";
    return std::to_string(count) + " ms";
}

absl::Status fromGrpc(const grpc::Status& status, const std::string& endpoint,
                      std::chrono::milliseconds timeout, bool tls) {
    if (status.ok())
        return absl::OkStatus();
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    std::string message = status.error_message();
    if (code == absl::StatusCode::kUnavailable) {
        message = "cannot reach region at " + endpoint + ": " + message;
        // A closed socket right after connecting is what a TLS region does to a plaintext
        // client; a failed handshake, what a plaintext region (or a certificate) does to TLS.
        if (!tls && message.find("Socket closed") != std::string::npos)
            message += " (if the region serves TLS, give its CA with --tls-ca)";
        else if (tls && (message.find("andshake") != std::string::npos ||
                         message.find("SSL") != std::string::npos ||
                         message.find("TSI") != std::string::npos ||
                         message.find("certificate") != std::string::npos))
            message +=
                " (the TLS handshake failed: check that the region serves TLS, that --tls-ca "
                "signed its certificate, that the certificate names it, and that --tls-cert is "
                "one it trusts)";
    } else if (code == absl::StatusCode::kDeadlineExceeded) {
        message = "cannot reach region at " + endpoint + ": no answer within " +
                  secondsText(timeout) +
                  " (deadline exceeded; a busy region may need a longer timeout)";
    }
    return markFromRegion(absl::Status(code, message), endpoint);
}

// A change the region was asked to make and did not answer in time may or may not have been
// committed: saying "cannot reach" would invite a blind retry.
absl::Status outcomeUnknown(absl::Status status, const std::string& what,
                            const std::string& endpoint, const std::string& howToCheck) {
    if (status.code() != absl::StatusCode::kDeadlineExceeded)
        return status;
    return markFromRegion(
        absl::UnknownError("the region at " + endpoint + " did not answer in time: the " + what +
                           " may or may not have been committed (outcome unknown). Check with " +
                           howToCheck + " before trying again, or give it a longer --timeout"),
        endpoint);
}

}  // namespace

struct RegionClient::Stubs {
    const RegionClientOptions& options;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::Registry::Stub> registry;
    std::unique_ptr<v1::Serving::Stub> serving;
    std::unique_ptr<v1::Admin::Stub> admin;
    std::unique_ptr<v1::Replication::Stub> replication;
    // A token goes over TLS, or to a loopback address; never in the clear over a network.
    bool sendToken = false;
    bool tokenWithheld = false;

    std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds timeout) const {
        auto ctx = std::make_unique<grpc::ClientContext>();
        ctx->set_deadline(std::chrono::system_clock::now() + timeout);
        ctx->AddMetadata("x-meridian-principal", options.principal);
        if (sendToken)
            ctx->AddMetadata("authorization", "Bearer " + options.token);
        return ctx;
    }

    // One unary call with a fresh context; a failure becomes the region's status.
    template <typename Stub, typename Request, typename Response>
    absl::StatusOr<Response> call(Stub& stub,
                                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*),
                                  const Request& request) const {
        return call(stub, method, request, options.callTimeout);
    }
    // The same, for calls that work through the whole database and may take longer.
    template <typename Stub, typename Request, typename Response>
    absl::StatusOr<Response> call(Stub& stub,
                                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                               Response*),
                                  const Request& request, std::chrono::milliseconds timeout) const {
        auto ctx = context(timeout);
        Response response;
        const grpc::Status st = (stub.*method)(ctx.get(), request, &response);
        if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED && tokenWithheld)
            return markFromRegion(
                absl::UnauthenticatedError(
                    st.error_message() + " (the token was not sent: " + options.endpoint +
                    " is not a loopback address and the channel is not TLS; give --tls-ca)"),
                options.endpoint);
        if (!st.ok())
            return fromGrpc(st, options.endpoint, timeout, options.tls.enabled());
        return response;
    }
};

RegionClient::RegionClient(RegionClientOptions options)
    : m_options(std::move(options)),
      m_stubs(std::make_unique<Stubs>(Stubs{m_options, {}, {}, {}, {}, {}, false, false})) {
    if (m_options.principal.empty())
        m_options.principal = defaultPrincipal();
    RegionChannelOptions channel;
    channel.maxMessageBytes = static_cast<int>(serving::kMaxMessageBytes);
    channel.tls = m_options.tls;
    m_stubs->channel = makeRegionChannel(m_options.endpoint, channel);
    if (!m_options.token.empty()) {
        m_stubs->sendToken = m_options.tls.enabled() || isLoopbackEndpoint(m_options.endpoint);
        m_stubs->tokenWithheld = !m_stubs->sendToken;
    }
    m_stubs->registry = v1::Registry::NewStub(m_stubs->channel);
    m_stubs->serving = v1::Serving::NewStub(m_stubs->channel);
    m_stubs->admin = v1::Admin::NewStub(m_stubs->channel);
    m_stubs->replication = v1::Replication::NewStub(m_stubs->channel);
}

RegionClient::~RegionClient() = default;

absl::StatusOr<v1::ApplyResponse> RegionClient::apply(const v1::ApplyRequest& request) {
    auto response = m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::Apply, request);
    if (!response.ok() && !request.dry_run())
        return outcomeUnknown(response.status(), "apply", m_options.endpoint,
                              "`meridianctl list` or `meridianctl history`");
    return response;
}

absl::StatusOr<v1::PublishResponse> RegionClient::publish(const v1::PublishRequest& request) {
    auto response = m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::Publish, request);
    if (!response.ok() && !request.dry_run())
        return outcomeUnknown(response.status(), request.withdraw() ? "unpublish" : "publish",
                              m_options.endpoint, "`meridianctl discover`");
    return response;
}

absl::StatusOr<v1::DiscoverResponse> RegionClient::discover(const v1::DiscoverRequest& request) {
    return m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::Discover, request);
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegionClient::listObjects(
    v1::ObjectKind kind, const std::string& project, bool includeDeleted) {
    v1::ListObjectsRequest request;
    request.set_kind(kind);
    request.set_project(project);
    request.set_include_deleted(includeDeleted);
    auto response = m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::ListObjects, request);
    if (!response.ok())
        return response.status();
    auto& objects = *response->mutable_objects();
    return std::vector<v1::RegistryObject>(std::make_move_iterator(objects.begin()),
                                           std::make_move_iterator(objects.end()));
}

absl::StatusOr<v1::RegistryObject> RegionClient::getObject(const v1::ObjectRef& ref,
                                                           int64_t version) {
    v1::GetObjectRequest request;
    *request.mutable_ref() = ref;
    request.set_version(version);
    return m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::GetObject, request);
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegionClient::history(const v1::ObjectRef& ref) {
    v1::GetHistoryRequest request;
    *request.mutable_ref() = ref;
    auto response = m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::GetHistory, request);
    if (!response.ok())
        return response.status();
    auto& versions = *response->mutable_versions();
    return std::vector<v1::RegistryObject>(std::make_move_iterator(versions.begin()),
                                           std::make_move_iterator(versions.end()));
}

absl::StatusOr<v1::ObjectMeta> RegionClient::deleteObject(const v1::ObjectRef& ref) {
    v1::DeleteObjectRequest request;
    *request.mutable_ref() = ref;
    request.set_principal(m_options.principal);
    auto response = m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::DeleteObject, request);
    if (!response.ok())
        return outcomeUnknown(response.status(), "deletion", m_options.endpoint,
                              "`meridianctl history`");
    return response->meta();
}

absl::StatusOr<v1::LineageResponse> RegionClient::lineage(const std::string& project) {
    v1::LineageRequest request;
    request.set_project(project);
    return m_stubs->call(*m_stubs->registry, &v1::Registry::Stub::GetLineage, request);
}

absl::StatusOr<registry::Catalog> RegionClient::catalog(const std::string& project) {
    auto objects = listObjects(v1::OBJECT_KIND_UNSPECIFIED, project);
    if (!objects.ok())
        return objects.status();
    return registry::Catalog(std::move(*objects));
}

absl::StatusOr<v1::GetOnlineFeaturesResponse> RegionClient::getOnlineFeatures(
    const v1::GetOnlineFeaturesRequest& request, std::chrono::milliseconds timeout) {
    return m_stubs->call(*m_stubs->serving, &v1::Serving::Stub::GetOnlineFeatures, request,
                         timeout.count() > 0 ? timeout : m_options.callTimeout);
}

absl::StatusOr<v1::WriteFeaturesResponse> RegionClient::writeFeatures(
    const v1::WriteFeaturesRequest& request) {
    return m_stubs->call(*m_stubs->serving, &v1::Serving::Stub::WriteFeatures, request);
}

absl::StatusOr<v1::GetHistoricalFeaturesResponse> RegionClient::getHistoricalFeatures(
    const v1::GetHistoricalFeaturesRequest& request) {
    return m_stubs->call(*m_stubs->serving, &v1::Serving::Stub::GetHistoricalFeatures, request);
}

absl::StatusOr<std::vector<v1::MaterializeProgress>> RegionClient::materialize(
    const v1::MaterializeRequest& request, const MaterializeProgressFn& onProgress) {
    const auto timeout = std::max(m_options.streamTimeout, m_options.callTimeout);
    auto ctx = m_stubs->context(timeout);
    auto reader = m_stubs->serving->Materialize(ctx.get(), request);
    std::vector<v1::MaterializeProgress> last;
    std::map<std::string, size_t> slot;
    v1::MaterializeProgress progress;
    while (reader->Read(&progress)) {
        if (onProgress)
            onProgress(progress);
        auto [it, added] = slot.emplace(progress.feature_view(), last.size());
        if (added) {
            last.push_back(progress);
        } else {
            last[it->second] = progress;
        }
    }
    const grpc::Status st = reader->Finish();
    if (!st.ok())
        return fromGrpc(st, m_options.endpoint, timeout, m_options.tls.enabled());
    return last;
}

absl::StatusOr<v1::HealthResponse> RegionClient::health(std::chrono::milliseconds timeout) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::Health, v1::HealthRequest(),
                         timeout.count() > 0 ? timeout : m_options.callTimeout);
}

absl::StatusOr<v1::StatsResponse> RegionClient::stats(std::chrono::milliseconds timeout) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::Stats, v1::StatsRequest(),
                         timeout.count() > 0 ? timeout : m_options.callTimeout);
}

absl::StatusOr<v1::CheckIntegrityResponse> RegionClient::checkIntegrity() {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::CheckIntegrity,
                         v1::CheckIntegrityRequest(),
                         std::max(m_options.streamTimeout, m_options.callTimeout));
}

absl::StatusOr<v1::ResidencyResponse> RegionClient::checkResidency(
    const v1::ResidencyRequest& request) {
    const auto timeout = request.count_changelog()
                             ? std::max(m_options.streamTimeout, m_options.callTimeout)
                             : m_options.callTimeout;
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::CheckResidency, request, timeout);
}

absl::StatusOr<v1::ResidencyResponse> RegionClient::purgeResidency(
    const v1::ResidencyRequest& request) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::PurgeResidency, request,
                         std::max(m_options.streamTimeout, m_options.callTimeout));
}

absl::StatusOr<v1::WhoAmIResponse> RegionClient::whoAmI() {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::WhoAmI, v1::WhoAmIRequest());
}

absl::StatusOr<v1::CreateTokenResponse> RegionClient::createToken(const v1::TokenRecord& record) {
    v1::CreateTokenRequest request;
    *request.mutable_token() = record;
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::CreateToken, request);
}

absl::StatusOr<v1::RevokeTokenResponse> RegionClient::revokeToken(
    const v1::RevokeTokenRequest& request) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::RevokeToken, request);
}

absl::StatusOr<v1::ListTokensResponse> RegionClient::listTokens(bool includeRevoked) {
    v1::ListTokensRequest request;
    request.set_include_revoked(includeRevoked);
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::ListTokens, request);
}

absl::StatusOr<v1::ListAuditResponse> RegionClient::listAudit(const v1::ListAuditRequest& request) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::ListAudit, request);
}

absl::StatusOr<v1::RegionErasure> RegionClient::previewErasure(const v1::EraseRequest& request) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::PreviewErasure, request);
}

absl::StatusOr<v1::ErasureJob> RegionClient::erase(const v1::EraseRequest& request) {
    // The region erases its own copy before it answers: a whole-log read.
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::Erase, request,
                         std::max(m_options.streamTimeout, m_options.callTimeout));
}

absl::StatusOr<v1::ListErasuresResponse> RegionClient::listErasures(
    const v1::ListErasuresRequest& request) {
    return m_stubs->call(*m_stubs->admin, &v1::Admin::Stub::ListErasures, request);
}

absl::StatusOr<v1::SyncJob> RegionClient::triggerSync(const v1::TriggerSyncRequest& request) {
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::TriggerSync, request);
}

absl::StatusOr<v1::SyncJob> RegionClient::watchJob(const std::string& id,
                                                   const JobUpdateFn& onUpdate,
                                                   const std::function<bool()>& stopRequested) {
    const auto timeout = std::max(m_options.streamTimeout, m_options.callTimeout);
    auto ctx = m_stubs->context(timeout);
    v1::JobRef ref;
    ref.set_id(id);
    // The stream blocks until the job changes, so a stop request is noticed by a watcher that
    // cancels the call rather than between reads.
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    std::atomic<bool> stopped{false};
    std::thread watcher;
    if (stopRequested) {
        watcher = std::thread([&] {
            std::unique_lock lock(mutex);
            while (!finished) {
                if (stopRequested()) {
                    stopped = true;
                    ctx->TryCancel();
                    return;
                }
                done.wait_for(lock, std::chrono::milliseconds(100));
            }
        });
    }
    auto reader = m_stubs->replication->WatchJob(ctx.get(), ref);
    v1::SyncJob job;
    v1::SyncJob last;
    bool any = false;
    while (reader->Read(&job)) {
        any = true;
        if (onUpdate)
            onUpdate(job);
        last = job;
    }
    const grpc::Status st = reader->Finish();
    {
        std::lock_guard lock(mutex);
        finished = true;
    }
    done.notify_all();
    if (watcher.joinable())
        watcher.join();
    if (stopped)
        return absl::CancelledError("stopped watching job " + id);
    if (!st.ok())
        return fromGrpc(st, m_options.endpoint, timeout, m_options.tls.enabled());
    if (!any)
        return markFromRegion(
            absl::UnavailableError("region at " + m_options.endpoint + " ended the watch of job " +
                                   id + " without reporting it"),
            m_options.endpoint);
    return last;
}

absl::StatusOr<std::vector<v1::SyncJob>> RegionClient::listJobs(int limit) {
    v1::ListJobsRequest request;
    request.set_limit(limit);
    auto response = m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::ListJobs, request);
    if (!response.ok())
        return response.status();
    auto& jobs = *response->mutable_jobs();
    return std::vector<v1::SyncJob>(std::make_move_iterator(jobs.begin()),
                                    std::make_move_iterator(jobs.end()));
}

absl::StatusOr<v1::SyncJob> RegionClient::cancelJob(const std::string& id) {
    v1::JobRef ref;
    ref.set_id(id);
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::CancelJob, ref);
}

absl::StatusOr<v1::LinkEmulationResponse> RegionClient::setLinkEmulation(
    const v1::LinkEmulationRequest& request) {
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::SetLinkEmulation, request);
}

absl::StatusOr<v1::ConsistencyReport> RegionClient::checkConsistency(
    const v1::CheckConsistencyRequest& request) {
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::CheckConsistency, request,
                         std::max(m_options.streamTimeout, m_options.callTimeout));
}

absl::StatusOr<v1::PromotionReport> RegionClient::promote(const v1::PromoteRequest& request) {
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::Promote, request,
                         std::max(m_options.streamTimeout, m_options.callTimeout));
}

absl::StatusOr<v1::ListHubsResponse> RegionClient::listHubs(int orphansLimit) {
    v1::ListHubsRequest request;
    request.set_orphans_limit(orphansLimit);
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::ListHubs, request);
}

absl::StatusOr<v1::CostResponse> RegionClient::cost(int64_t sinceMs, int64_t untilMs) {
    v1::CostRequest request;
    request.set_since_ms(sinceMs);
    request.set_until_ms(untilMs);
    return m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::GetCost, request);
}

absl::StatusOr<std::vector<v1::Alert>> RegionClient::alerts(bool includeCleared, int limit) {
    v1::ListAlertsRequest request;
    request.set_include_cleared(includeCleared);
    request.set_limit(limit);
    auto response =
        m_stubs->call(*m_stubs->replication, &v1::Replication::Stub::ListAlerts, request);
    if (!response.ok())
        return response.status();
    auto& alerts = *response->mutable_alerts();
    return std::vector<v1::Alert>(std::make_move_iterator(alerts.begin()),
                                  std::make_move_iterator(alerts.end()));
}

bool isFromRegion(const absl::Status& status) {
    return status.GetPayload(kRegionPayload).has_value();
}

bool isUnreachable(const absl::Status& status) {
    return isFromRegion(status) && (status.code() == absl::StatusCode::kUnavailable ||
                                    status.code() == absl::StatusCode::kDeadlineExceeded);
}

absl::Status markFromRegion(absl::Status status, const std::string& endpoint) {
    if (!status.ok())
        status.SetPayload(kRegionPayload, absl::Cord(endpoint));
    return status;
}

}  // namespace meridian::client
