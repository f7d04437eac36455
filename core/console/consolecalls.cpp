#include "console/consolecalls.h"

#include <chrono>

#include "client/regionclient.h"
#include "console/consoleconvert.h"

namespace meridian::console {
namespace {

std::string deadlineText(int ms) {
    return ms % 1000 == 0
               ? std::to_string(ms / 1000) + " s"
               : std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

}  // namespace

absl::Status regionStatus(const grpc::Status& status, const std::string& region,
                          const std::string& endpoint, int deadlineMs) {
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    std::string message = status.error_message();
    if (code == absl::StatusCode::kUnavailable)
        message = "unreachable at " + endpoint + " (" + message + ")";
    else if (code == absl::StatusCode::kDeadlineExceeded)
        message = "no answer from " + endpoint + " within " + deadlineText(deadlineMs);
    return client::markFromRegion(absl::Status(code, region + ": " + message), endpoint);
}

bool CallRegistry::begin(grpc::ClientContext* ctx, int timeoutMs) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeoutMs));
    ctx->AddMetadata("x-meridian-principal", m_principal);
    std::lock_guard lock(m_mutex);
    if (!m_authorization.empty())
        ctx->AddMetadata("authorization", m_authorization);
    if (m_closing)
        return false;
    m_inFlight.insert(ctx);
    return true;
}

void CallRegistry::setToken(std::string token) {
    std::lock_guard lock(m_mutex);
    m_authorization = token.empty() ? std::string() : "Bearer " + token;
}

void CallRegistry::end(grpc::ClientContext* ctx) {
    std::lock_guard lock(m_mutex);
    m_inFlight.erase(ctx);
    if (m_inFlight.empty())
        m_idle.notify_all();
}

bool CallRegistry::closing() {
    std::lock_guard lock(m_mutex);
    return m_closing;
}

void CallRegistry::close() {
    std::unique_lock lock(m_mutex);
    m_closing = true;
    for (auto* ctx : m_inFlight)
        ctx->TryCancel();
    m_idle.wait(lock, [this] { return m_inFlight.empty(); });
}

void JobWatch::Handle::cancel() {
    std::lock_guard lock(m_shared->mutex);
    m_shared->cancelled = true;
    if (m_shared->ctx)
        m_shared->ctx->TryCancel();
}

JobWatch::JobWatch(CallRegistry* calls, int deadlineMs, std::string region, std::string endpoint,
                   std::string id, std::function<void(const SyncJobInfo&)> update,
                   std::function<void(const absl::Status&)> finished)
    : m_calls(calls),
      m_deadlineMs(deadlineMs),
      m_region(std::move(region)),
      m_endpoint(std::move(endpoint)),
      m_update(std::move(update)),
      m_finished(std::move(finished)),
      m_shared(std::make_shared<Shared>()) {
    m_request.set_id(std::move(id));
}

bool JobWatch::start(v1::Replication::Stub& stub) {
    if (!m_calls->begin(&m_ctx, m_deadlineMs)) {
        delete this;
        return false;
    }
    m_shared->ctx = &m_ctx;
    stub.async()->WatchJob(&m_ctx, &m_request, this);
    StartRead(&m_job);
    StartCall();
    return true;
}

void JobWatch::OnReadDone(bool ok) {
    if (!ok)
        return;  // OnDone follows
    if (!silenced())
        m_update(toJob(m_job));
    StartRead(&m_job);
}

void JobWatch::OnDone(const grpc::Status& status) {
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->ctx = nullptr;
    }
    if (!silenced())
        m_finished(status.ok() ? absl::OkStatus()
                               : regionStatus(status, m_region, m_endpoint, m_deadlineMs));
    // end() may let the backend finish its destructor: nothing of it is touched after.
    m_calls->end(&m_ctx);
    delete this;
}

bool JobWatch::silenced() {
    std::lock_guard lock(m_shared->mutex);
    return m_shared->cancelled || m_calls->closing();
}

}  // namespace meridian::console
