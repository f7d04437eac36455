#pragma once
// One incoming replication link: a thread that pulls a peer's changelog as a server stream,
// applies each batch (after the emulated network delay, if any), reconnects after failures and
// keeps the link's lag, rate and latency figures.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "client/regionchannel.h"
#include "meridian/v1/admin.pb.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "metrics/latencyhistogram.h"
#include "metrics/samplewindow.h"
#include "replication/changeapplier.h"
#include "replication/linkemulation.h"

namespace meridian::replication {

struct LinkSettings {
    int maxBatch = 2000;
    v1::Codec codec = v1::CODEC_ZSTD;
    int heartbeatMs = 500;
    // Mutual TLS to the peer (this region's certificate; the peer's must name the peer).
    client::TlsSettings tls;
};

class PeerLink {
public:
    // Called (on the link's thread) when the peer's log no longer holds this region's cursor.
    using SnapshotNeeded = std::function<void(const std::string& peer, const std::string& why)>;

    PeerLink(ChangeApplier& applier, std::string self, std::string peer, std::string endpoint,
             LinkEmulation emulation, LinkSettings settings);
    ~PeerLink();

    void start();
    void stop();
    // While paused (a snapshot is being installed) the link does not pull.
    void setPaused(bool paused);
    void setEmulation(const LinkEmulation& emulation);
    LinkEmulation emulation() const;
    void onSnapshotNeeded(SnapshotNeeded callback) { m_snapshotNeeded = std::move(callback); }
    // Called (on the thread applying batches) when the peer's log no longer held what this
    // link had applied of it, and the link reads it again from an earlier point.
    using Diverged = std::function<void(const std::string& peer, const v1::LogDivergence&)>;
    void onDiverged(Diverged callback) { m_diverged = std::move(callback); }

    const std::string& peer() const { return m_peer; }
    const std::string& endpoint() const { return m_endpoint; }
    std::shared_ptr<grpc::Channel> channel() const { return m_channel; }

    uint64_t cursor() const;
    // Re-reads the cursor after a snapshot moved it.
    void reloadCursor();
    uint64_t senderHead() const;
    // How far the peer's clock read ahead of ours in its latest batch (ms; negative: behind,
    // transit time included). Empty before the first batch.
    std::optional<int64_t> peerClockAheadMs() const;
    // Link-level and per-view figures, for Stats (mode filled in by the caller).
    std::vector<v1::LinkStats> stats(int64_t nowMs) const;
    // Blocks until the cursor reaches `target` or `cancelled()`/timeout; reports progress.
    bool waitForCursor(uint64_t target, const std::function<bool(uint64_t cursor)>& keepGoing,
                       int timeoutMs);

private:
    struct ViewFigures {
        int64_t applied = 0;
        int64_t conflicts = 0;
        int64_t bytes = 0;
        int64_t pending = 0;
        int64_t oldestPendingMs = 0;
        metrics::RateMeter rate;
        metrics::SampleWindow latency{1024};
    };

    void run();
    bool sleepUntil(int64_t wallMs);  // false when stopping
    bool stopping() const;
    // False when the batch could not be applied (the stream is then cancelled).
    bool applyBatch(const v1::ChangeBatch& batch, const DecodedBatch& decoded);
    void reportFailure(const v1::ChangeBatch& batch, const absl::Status& status);
    void setState(v1::LinkState state, const std::string& error = {});

    ChangeApplier& m_applier;
    std::string m_self;
    std::string m_peer;
    std::string m_endpoint;
    LinkSettings m_settings;
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<v1::Replication::Stub> m_stub;
    SnapshotNeeded m_snapshotNeeded;
    Diverged m_diverged;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_paused = false;
    LinkEmulation m_emulation;
    uint64_t m_emulationGeneration = 0;
    grpc::ClientContext* m_activeCall = nullptr;
    bool m_applyFailed = false;  // the active call was cancelled because a batch failed
    std::thread m_thread;

    // Figures, guarded by m_mutex.
    v1::LinkState m_state = v1::LINK_STATE_CONNECTING;
    std::string m_lastError;
    uint64_t m_cursor = 0;
    uint64_t m_cursorEpoch = 0;  // the epoch of the peer's log m_cursor was read in
    uint64_t m_senderHead = 0;
    int64_t m_nextPendingCommitMs =
        0;  // since when the copy here is behind the source; 0: it is not
    int64_t m_lastContactMs = 0;
    std::optional<int64_t> m_peerClockAheadMs;
    int64_t m_bytesReceived = 0;
    int64_t m_residencySkipped = 0;
    int64_t m_conflicts = 0;
    int64_t m_lostBatches = 0;
    metrics::RateMeter m_rate;
    metrics::SampleWindow m_latency{32768};
    std::map<std::string, std::unique_ptr<ViewFigures>> m_views;
    std::condition_variable m_cursorMoved;
};

}  // namespace meridian::replication
