#pragma once
// Sync jobs as first-class records: catch-up, offline batch and snapshot transfers from a peer
// into this region, with who started them, progress (rows, bytes, percent, eta, cost),
// cancellation and a history kept in the database.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "replication/peerlink.h"
#include "replication/registryreplica.h"
#include "replication/snapshot.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

// The links this region pulls from, by peer.
using PeerLinks = std::map<std::string, std::unique_ptr<PeerLink>>;

class SyncJobs {
public:
    // $/GB of transfers from `from` to `to`.
    using PriceFn = std::function<double(const std::string& from, const std::string& to)>;

    // Jobs run into region `self` over `links` (read, never changed, after construction);
    // records are kept in `db`, snapshots merged through `installer`.
    SyncJobs(storage::Database& db, storage::ViewIds& viewIds, RegistryReplica& registry,
             SnapshotInstaller& installer, const PeerLinks& links, std::string self, PriceFn price);
    ~SyncJobs();

    absl::StatusOr<v1::SyncJob> trigger(const v1::TriggerSyncRequest& request);
    absl::StatusOr<v1::SyncJob> get(const std::string& id);
    absl::StatusOr<v1::SyncJob> cancel(const std::string& id);
    absl::StatusOr<std::vector<v1::SyncJob>> list(int limit);
    // Blocks until the job changes after `version` (or the timeout); returns the job and its
    // version.
    absl::StatusOr<std::pair<v1::SyncJob, uint64_t>> waitChange(const std::string& id,
                                                                uint64_t version, int timeoutMs);
    void stop();

private:
    struct Running {
        v1::SyncJob job;
        std::atomic<bool> cancelled{false};
        uint64_t version = 0;
        int64_t lastSavedMs = 0;
    };

    void run(std::shared_ptr<Running> running);
    absl::Status runCatchUp(Running& r);
    absl::Status runSnapshot(Running& r);
    absl::Status runBatch(Running& r);
    // Checks the online store against the peer's and takes its rows that win (consistency.h).
    absl::Status runRepair(Running& r);
    // Updates the record (under the lock), wakes watchers and saves it now and then.
    void update(Running& r, const std::function<void(v1::SyncJob&)>& change, bool save = false);
    void save(const v1::SyncJob& job);
    double price(const v1::SyncJob& job) const;
    PeerLink* linkFrom(const std::string& peer) const;

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    RegistryReplica& m_registry;
    SnapshotInstaller& m_installer;
    const PeerLinks& m_links;
    const std::string m_self;
    PriceFn m_price;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<std::string, std::shared_ptr<Running>> m_running;
    std::vector<std::thread> m_threads;
    bool m_stopping = false;
    uint64_t m_counter = 0;
};

}  // namespace meridian::replication
