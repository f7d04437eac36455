#pragma once
// The machinery under ConsoleBackend's calls: the registry of calls in flight that shutdown
// cancels and waits for, region failures as statuses an operator can act on, and the reactor
// that streams one sync job's progress.

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "console/consolebackend.h"
#include "console/consoledata.h"
#include "meridian/v1/replication.grpc.pb.h"

namespace meridian::console {

// A watch follows a job for as long as it runs; the server ends the stream when it finishes.
constexpr int kWatchDeadlineMs = 6 * 3600 * 1000;

// A region's failure in words an operator can act on ("eu2: unreachable at …"), marked as the
// region's answer (see client::isFromRegion).
absl::Status regionStatus(const grpc::Status& status, const std::string& region,
                          const std::string& endpoint, int deadlineMs);

// Calls in flight, so that shutdown can cancel them and wait for their callbacks.
class CallRegistry {
public:
    explicit CallRegistry(std::string principal) : m_principal(std::move(principal)) {}

    // Sets the call's deadline and principal and registers it; false once shutdown began.
    bool begin(grpc::ClientContext* ctx, int timeoutMs);
    // The call's callback has returned: nothing of it runs any more.
    void end(grpc::ClientContext* ctx);
    bool closing();
    // Cancels every call in flight and waits until each has ended.
    void close();

    const std::string& principal() const { return m_principal; }
    // A bearer token sent on every call begun from now on (empty: none).
    void setToken(std::string token);

private:
    const std::string m_principal;
    std::mutex m_mutex;
    std::string m_authorization;  // "Bearer …", guarded by m_mutex
    std::condition_variable m_idle;
    std::set<grpc::ClientContext*> m_inFlight;
    bool m_closing = false;
};

// Streams one job's progress (Replication.WatchJob) with the callback API; deletes itself when
// the stream ends. Cancelled through its Handle, or by the registry's close().
class JobWatch : public grpc::ClientReadReactor<v1::SyncJob> {
public:
    struct Shared {
        std::mutex mutex;
        grpc::ClientContext* ctx = nullptr;  // null once the stream is done
        bool cancelled = false;
    };

    // What ConsoleBackend::watchJob hands out: cancel() stops the stream and its callbacks.
    class Handle : public ConsoleBackend::Watch {
    public:
        explicit Handle(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) {}
        ~Handle() override { cancel(); }
        void cancel() override;

    private:
        std::shared_ptr<Shared> m_shared;
    };

    JobWatch(CallRegistry* calls, int deadlineMs, std::string region, std::string endpoint,
             std::string id, std::function<void(const SyncJobInfo&)> update,
             std::function<void(const absl::Status&)> finished);

    std::shared_ptr<Shared> shared() const { return m_shared; }
    // False (and the watch deleted) when the backend is shutting down.
    bool start(v1::Replication::Stub& stub);

    void OnReadDone(bool ok) override;
    void OnDone(const grpc::Status& status) override;

private:
    bool silenced();

    CallRegistry* m_calls;
    int m_deadlineMs;
    std::string m_region;
    std::string m_endpoint;
    std::function<void(const SyncJobInfo&)> m_update;
    std::function<void(const absl::Status&)> m_finished;
    std::shared_ptr<Shared> m_shared;
    grpc::ClientContext m_ctx;
    v1::JobRef m_request;
    v1::SyncJob m_job;
};

// Stops nothing: what watchJob answers when the watch could not start.
class NoWatch : public ConsoleBackend::Watch {
public:
    void cancel() override {}
};

}  // namespace meridian::console
