#pragma once
// Erasures this region coordinates: each is applied here at once and its order delivered to
// every other region of the deployment until each has confirmed — a region that is down is
// retried, with backoff, until it is back. Jobs and their orders are kept in the database, so a
// restarted coordinator carries on; an order (which holds the entity's key) is dropped once
// every region has confirmed, and the job is then done.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/admin.pb.h"
#include "replication/hybridclock.h"
#include "storage/database.h"

namespace meridian::erasure {

class ErasureJobs {
public:
    // The channel to a region of the deployment (null when there is none).
    using ChannelFor = std::function<std::shared_ptr<grpc::Channel>(const std::string& region)>;

    // `regions`: every region of the deployment, this one (`self`) included.
    ErasureJobs(storage::Database& db, replication::HybridClock& clock, std::string self,
                std::vector<std::string> regions, ChannelFor channelFor);
    ~ErasureJobs();

    // Loads unfinished jobs and starts delivering their orders.
    absl::Status start();
    void stop();

    // A planned order (erasure/entityerasure.h): given an id, clock and requester, recorded,
    // applied here, and sent on. Fails if it cannot be applied here (nothing is recorded then).
    absl::StatusOr<v1::ErasureJob> erase(v1::ErasureOrder order, const std::string& principal);
    // Jobs coordinated here, newest first (`id` non-empty: that one).
    absl::StatusOr<std::vector<v1::ErasureJob>> list(const std::string& id, int limit);

    // How long a region that failed waits before the next attempt: 1 s, doubling to 15 s.
    static int64_t retryDelayMs(int attempts);

private:
    struct Pending {
        v1::ErasureJob job;
        v1::ErasureOrder order;
    };

    void loop();
    // One attempt at every region of `p` that is due (`selfOnly`: at this region only), the
    // others' at once, so that a region that hangs holds up no other; true when something
    // changed.
    bool deliver(Pending& p, int64_t nowMs, bool selfOnly = false);
    // The order sent to `region` and its answer.
    absl::StatusOr<v1::RegionErasure> send(const std::string& region,
                                           const v1::ErasureOrder& order);
    absl::Status save(const Pending& p, bool done);

    storage::Database& m_db;
    replication::HybridClock& m_clock;
    const std::string m_self;
    const std::vector<std::string> m_regions;
    ChannelFor m_channelFor;

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::map<std::string, Pending> m_pending;  // by id
    bool m_stopping = false;
    std::set<grpc::ClientContext*> m_inFlight;  // calls under way, cancelled by stop()
    std::thread m_thread;
};

}  // namespace meridian::erasure
