#pragma once
// A region's replication: the incoming links it pulls from every peer of the deployment, the
// feed it serves to them, log retention, alerts and per-link figures.

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "deployment/deployment.h"
#include "replication/alertboard.h"
#include "replication/changeapplier.h"
#include "replication/changefeed.h"
#include "replication/feedstream.h"
#include "replication/hubepochs.h"
#include "replication/hubfailover.h"
#include "replication/logsignal.h"
#include "replication/peerlink.h"
#include "replication/replicationfigures.h"
#include "replication/snapshot.h"
#include "replication/syncjobs.h"
#include "storage/logretention.h"

namespace meridian::replication {

class Replicator : public ReplicationFigures {
public:
    Replicator(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
               RegistryReplica& registry, deployment::Deployment deployment, std::string self,
               SyncJobs::PriceFn price = {}, client::TlsSettings tls = {});
    ~Replicator() override;

    void start();
    void stop();

    const std::string& self() const { return m_self; }
    const deployment::Deployment& deployment() const { return m_deployment; }
    ChangeFeed& feed() { return m_feed; }
    LogSignal& signal() { return m_signal; }
    AlertBoard& alerts() { return m_alerts; }
    storage::Database& database() { return m_db; }
    storage::ViewIds& viewIds() { return m_viewIds; }
    RegistryReplica& registry() { return m_registry; }
    SnapshotSource& snapshotSource() { return m_snapshotSource; }
    SyncJobs& jobs() { return *m_jobs; }
    // Hubs of hub-and-spoke views and their epochs; promotions (hubfailover.h).
    HubEpochs& hubs() { return m_hubs; }
    HubFailover& failover() { return *m_failover; }
    FeedStreamSettings streamSettings() const;

    // The sending side learns where each peer is from its Pull streams.
    void notePeerPosition(const std::string& peer, uint64_t seq);
    // A peer's cursor was past where this region's log history continues (the database was
    // restored from an older copy, or replaced): the peer holds rows written here that this
    // database lost. Raises the log_rewound alert and copies them back with a snapshot from
    // the peer.
    void noteLogRewound(const std::string& peer, const v1::LogDivergence& divergence);
    // How long the alerts of a rewound log stay raised (log_rewound here, peer_rewound at the
    // peers), for an operator to see what happened; they are kept as history after.
    static constexpr int64_t kRewoundAlertMs = 3'600'000;

    PeerLink* link(const std::string& peer);
    // Changes the emulation of the link from `request.peer()` into this region.
    absl::StatusOr<LinkEmulation> setEmulation(const v1::LinkEmulationRequest& request);

    // Link rows, and when the request asks for it each link's lag samples: the record the
    // console charts, kept here and fetched a little at a time (those after a time).
    void fillStats(v1::StatsResponse& out, const v1::StatsRequest& request) override;
    static constexpr int64_t kLagHistoryMs = 3'600'000;
    // One sample a maintenance pass (5 s) for an hour; fewer hours if passes come faster.
    static constexpr size_t kLagHistorySamples = 720;
    // Periodic upkeep after a retention pass over the log: alerts for peers the log is leaving
    // behind, clock-offset checks, lag samples, scheduled batch syncs.
    void maintain(int64_t nowMs, const storage::LogExtent& log);
    // Read-your-writes watermark: every peer's log is applied here up to at least this clock
    // value (and this region's own writes up to its clock). With `origin`: how far that
    // region's writes are applied here (this region's own: up to its clock).
    uint64_t watermark(const std::string& origin = {});
    // Compares this region's online store with a peer's (consistency.h), view by view.
    absl::StatusOr<v1::ConsistencyReport> checkConsistency(
        const v1::CheckConsistencyRequest& request);
    // Per-view lag of this region's copy (the worst incoming link carrying the view).
    double stalenessSeconds(const std::string& project, const std::string& view, int64_t nowMs);

private:
    void sampleLag(int64_t nowMs);
    LinkEmulation configuredEmulation(const std::string& peer) const;
    std::string linkModes(const std::string& peer) const;
    void checkClockOffsets(int64_t nowMs);
    void scheduleBatchSyncs(int64_t nowMs);
    // The periodic check of every peer (deployment: replication.consistency_check), on a
    // thread of its own: raises or clears each peer's divergence alert.
    void scheduleConsistencyChecks(int64_t nowMs);
    void checkEveryPeer();

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    HybridClock& m_clock;
    RegistryReplica& m_registry;
    deployment::Deployment m_deployment;
    std::string m_self;
    LogSignal m_signal;
    ChangeFeed m_feed;
    ChangeApplier m_applier;
    AlertBoard m_alerts;
    SnapshotSource m_snapshotSource;
    SnapshotInstaller m_snapshotInstaller;
    std::map<std::string, std::unique_ptr<PeerLink>> m_links;
    HubEpochs m_hubs;
    std::unique_ptr<HubFailover> m_failover;
    // Per peer: the link's lag sampled at each maintenance pass, the last hour of it (at most
    // kLagHistorySamples), oldest first.
    std::mutex m_lagHistoryMutex;
    std::map<std::string, std::deque<v1::LagSample>> m_lagHistory;
    std::unique_ptr<SyncJobs> m_jobs;
    std::map<std::string, int64_t> m_lastBatchSyncMs;  // per project/view
    std::mutex m_positionsMutex;
    std::map<std::string, uint64_t> m_peerPositions;
    // When each rewound-log alert was raised, by kind and peer (guarded by m_positionsMutex).
    std::map<std::pair<std::string, std::string>, int64_t> m_rewoundAlertsMs;
    // Per peer, the cursor (epoch, seq) whose divergence was last acted on.
    std::map<std::string, std::pair<uint64_t, uint64_t>> m_rewoundCursors;
    int64_t m_lastConsistencyCheckMs = 0;
    std::atomic<bool> m_checking{false};
    std::atomic<bool> m_stopping{false};
    std::thread m_checkThread;
};

}  // namespace meridian::replication
