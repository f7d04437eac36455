#include "replication/peerlink.h"

#include <algorithm>
#include <cstdio>
#include <deque>

#include "client/regionchannel.h"
#include "replication/hybridclock.h"

namespace meridian::replication {
namespace {

constexpr int kMinBackoffMs = 200;
constexpr int kMaxBackoffMs = 2000;
constexpr int kWindowMs = 60'000;  // latency percentiles cover the last minute
// Batches received and decoded ahead of the one being written. Few, so that a slow writer
// still holds the sender back through the stream's flow control.
constexpr size_t kReceiveAhead = 2;

struct ReceivedBatch {
    v1::ChangeBatch batch;  // without its payload once decoded
    DecodedBatch decoded;
};

// Hands received batches from the link's thread to the thread that applies them, in order.
class ReceivedQueue {
public:
    explicit ReceivedQueue(size_t capacity) : m_capacity(capacity) {}

    // Waits while the queue is full.
    void push(ReceivedBatch&& item) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_items.size() < m_capacity; });
        m_items.push_back(std::move(item));
        m_changed.notify_all();
    }
    // Empty once the queue is closed and drained.
    std::optional<ReceivedBatch> pop() {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return !m_items.empty() || m_closed; });
        if (m_items.empty())
            return std::nullopt;
        ReceivedBatch item = std::move(m_items.front());
        m_items.pop_front();
        m_changed.notify_all();
        return item;
    }
    void close() {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_changed.notify_all();
    }

private:
    const size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<ReceivedBatch> m_items;
    bool m_closed = false;
};

std::shared_ptr<grpc::Channel> makeChannel(const std::string& endpoint, const std::string& peer,
                                           client::TlsSettings tls) {
    // Keepalive: a dead peer is noticed within seconds even when no batch is due.
    if (tls.enabled())
        tls.serverName = peer;
    client::RegionChannelOptions options;
    options.maxMessageBytes = 256 * 1024 * 1024;
    options.keepalive = true;
    options.minReconnectBackoffMs = kMinBackoffMs;
    options.maxReconnectBackoffMs = kMaxBackoffMs;
    options.tls = std::move(tls);
    return client::makeRegionChannel(endpoint, options);
}

}  // namespace

PeerLink::PeerLink(ChangeApplier& applier, std::string self, std::string peer, std::string endpoint,
                   LinkEmulation emulation, LinkSettings settings)
    : m_applier(applier),
      m_self(std::move(self)),
      m_peer(std::move(peer)),
      m_endpoint(std::move(endpoint)),
      m_settings(settings),
      m_channel(makeChannel(m_endpoint, m_peer, settings.tls)),
      m_stub(v1::Replication::NewStub(m_channel)),
      m_emulation(emulation) {}

PeerLink::~PeerLink() {
    stop();
}

void PeerLink::start() {
    auto c = m_applier.cursorRecord(m_peer);
    {
        std::lock_guard lock(m_mutex);
        m_cursor = c.ok() ? c->seq : 0;
        m_cursorEpoch = c.ok() ? c->epoch : 0;
        // Until the peer answers, what is here from it dates from the last batch applied (or,
        // for a new link, from now on).
        m_lastContactMs = c.ok() && c->updatedMs > 0 ? c->updatedMs : wallClockMs();
        m_stopping = false;
    }
    m_thread = std::thread([this] { run(); });
}

void PeerLink::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        if (m_activeCall)
            m_activeCall->TryCancel();
    }
    m_wake.notify_all();
    m_cursorMoved.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void PeerLink::setPaused(bool paused) {
    {
        std::lock_guard lock(m_mutex);
        m_paused = paused;
        if (paused && m_activeCall)
            m_activeCall->TryCancel();
    }
    m_wake.notify_all();
}

void PeerLink::setEmulation(const LinkEmulation& emulation) {
    {
        std::lock_guard lock(m_mutex);
        m_emulation = emulation;
        ++m_emulationGeneration;
        if (emulation.partitioned && m_activeCall)
            m_activeCall->TryCancel();
    }
    m_wake.notify_all();
}

LinkEmulation PeerLink::emulation() const {
    std::lock_guard lock(m_mutex);
    return m_emulation;
}

uint64_t PeerLink::cursor() const {
    std::lock_guard lock(m_mutex);
    return m_cursor;
}

void PeerLink::reloadCursor() {
    auto c = m_applier.cursorRecord(m_peer);
    if (!c.ok())
        return;
    {
        std::lock_guard lock(m_mutex);
        // A snapshot from another epoch of the peer's log replaces the cursor (which may have
        // been further on in a history the peer no longer has).
        m_cursor = c->epoch == m_cursorEpoch ? std::max(m_cursor, c->seq) : c->seq;
        m_cursorEpoch = c->epoch;
        m_senderHead = std::max(m_senderHead, m_cursor);
    }
    m_cursorMoved.notify_all();
}

std::optional<int64_t> PeerLink::peerClockAheadMs() const {
    std::lock_guard lock(m_mutex);
    return m_peerClockAheadMs;
}

uint64_t PeerLink::senderHead() const {
    std::lock_guard lock(m_mutex);
    return m_senderHead;
}

void PeerLink::setState(v1::LinkState state, const std::string& error) {
    std::lock_guard lock(m_mutex);
    m_state = state;
    if (!error.empty())
        m_lastError = error;
}

bool PeerLink::sleepUntil(int64_t wallMs) {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        const int64_t now = wallClockMs();
        if (now >= wallMs)
            return true;
        m_wake.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(wallMs - now, 100)));
    }
    return false;
}

void PeerLink::run() {
    DeliverySchedule schedule(std::hash<std::string>{}(m_self + ">" + m_peer));
    int backoffMs = kMinBackoffMs;
    while (true) {
        LinkEmulation emulation;
        {
            std::unique_lock lock(m_mutex);
            if (m_stopping)
                return;
            if (m_paused || m_emulation.partitioned) {
                m_state = m_paused ? v1::LINK_STATE_SNAPSHOT : v1::LINK_STATE_PARTITIONED;
                m_wake.wait_for(lock, std::chrono::milliseconds(200));
                continue;
            }
            emulation = m_emulation;
            if (m_state != v1::LINK_STATE_STREAMING)
                m_state = v1::LINK_STATE_CONNECTING;
        }
        grpc::ClientContext context;
        uint64_t generation;
        uint64_t after;
        uint64_t afterEpoch;
        {
            std::lock_guard lock(m_mutex);
            m_activeCall = &context;
            generation = m_emulationGeneration;
            after = m_cursor;
            afterEpoch = m_cursorEpoch;
        }
        v1::PullRequest request;
        request.set_requester(m_self);
        request.set_after_seq(after);
        request.set_after_epoch(afterEpoch);
        request.set_max_batch(m_settings.maxBatch);
        request.set_codec(m_settings.codec);
        auto reader = m_stub->Pull(&context, request);
        schedule.reset();
        // Received batches are applied on a thread of their own, so that the next batch comes
        // in and is decoded while one is being written. One batch after another, in order;
        // after a failure the rest of the stream is dropped (it resumes from the cursor).
        ReceivedQueue received(kReceiveAhead);
        std::thread applier([this, &received] {
            bool failed = false;
            while (auto item = received.pop()) {
                if (!failed && !stopping())
                    failed = !applyBatch(item->batch, item->decoded);
            }
        });
        bool dropped = false;
        while (true) {
            v1::ChangeBatch batch;
            if (!reader->Read(&batch))
                break;
            {
                std::lock_guard lock(m_mutex);
                m_lastContactMs = wallClockMs();
                m_senderHead = batch.has_diverged()
                                   ? batch.sender_last_seq()
                                   : std::max(m_senderHead, batch.sender_last_seq());
                // The peer's own wall clock, not its hybrid clock (which may carry a third
                // region's skew it has observed).
                m_peerClockAheadMs = batch.sender_wall_ms() - m_lastContactMs;
                m_bytesReceived += static_cast<int64_t>(batch.ByteSizeLong()) + 5;
                if (m_emulationGeneration != generation)
                    emulation = m_emulation;
                m_state = v1::LINK_STATE_STREAMING;
            }
            if (schedule.lost(emulation)) {
                // A lost batch: the stream breaks and is resumed from the cursor after a timeout.
                {
                    std::lock_guard lock(m_mutex);
                    ++m_lostBatches;
                }
                context.TryCancel();
                dropped = true;
                sleepUntil(wallClockMs() + std::max(kMinBackoffMs, 3 * emulation.delayMs));
                break;
            }
            if (emulation.delayMs > 0 || emulation.jitterMs > 0) {
                if (!sleepUntil(schedule.arrivalMs(batch.sent_at_ms(), emulation)))
                    break;
            }
            auto decoded = ChangeApplier::decode(m_peer, batch);
            if (!decoded.ok()) {
                reportFailure(batch, decoded.status());
                break;
            }
            batch.clear_payload();
            received.push({std::move(batch), std::move(*decoded)});
            backoffMs = kMinBackoffMs;
        }
        // What was received before the stream ended is applied before the cursor is used again.
        received.close();
        applier.join();
        const grpc::Status status = reader->Finish();
        {
            std::lock_guard lock(m_mutex);
            m_activeCall = nullptr;
            if (m_stopping)
                return;
        }
        if (dropped)
            continue;
        if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
            setState(v1::LINK_STATE_SNAPSHOT_NEEDED, status.error_message());
            if (m_snapshotNeeded)
                m_snapshotNeeded(m_peer, status.error_message());
            sleepUntil(wallClockMs() + kMaxBackoffMs);
            continue;
        }
        if (status.error_code() == grpc::StatusCode::CANCELLED) {
            // Cancelled here: a partition or pause goes on at once; a batch that could not be
            // applied is asked for again after a pause (it may apply once hub epochs agree).
            bool applyFailed = false;
            {
                std::lock_guard lock(m_mutex);
                std::swap(applyFailed, m_applyFailed);
            }
            if (applyFailed) {
                sleepUntil(wallClockMs() + backoffMs);
                backoffMs = std::min(backoffMs * 2, kMaxBackoffMs);
            }
            continue;
        }
        setState(v1::LINK_STATE_DOWN,
                 status.error_message().empty() ? "stream ended" : status.error_message());
        sleepUntil(wallClockMs() + backoffMs);
        backoffMs = std::min(backoffMs * 2, kMaxBackoffMs);
    }
}

bool PeerLink::stopping() const {
    std::lock_guard lock(m_mutex);
    return m_stopping;
}

void PeerLink::reportFailure(const v1::ChangeBatch& batch, const absl::Status& status) {
    std::fprintf(stderr, "meridian-store: applying %s's batch %llu..%llu failed: %s\n",
                 m_peer.c_str(), static_cast<unsigned long long>(batch.first_seq()),
                 static_cast<unsigned long long>(batch.last_seq()),
                 std::string(status.message()).c_str());
    std::lock_guard lock(m_mutex);
    m_lastError = std::string(status.message());
    m_applyFailed = true;
    if (m_activeCall)
        m_activeCall->TryCancel();
}

bool PeerLink::applyBatch(const v1::ChangeBatch& batch, const DecodedBatch& decoded) {
    const int64_t now = wallClockMs();
    auto applied = m_applier.apply(m_peer, batch, decoded, now);
    if (!applied.ok()) {
        reportFailure(batch, applied.status());
        return false;
    }
    const int64_t nowSec = metrics::steadySeconds();
    if (applied->diverged) {
        std::fprintf(stderr,
                     "meridian-store: %s's log no longer holds seq %llu; reading it again "
                     "after seq %llu: %s\n",
                     m_peer.c_str(), static_cast<unsigned long long>(batch.diverged().cursor()),
                     static_cast<unsigned long long>(applied->cursor),
                     batch.diverged().reason().c_str());
        if (m_diverged)
            m_diverged(m_peer, batch.diverged());
    }
    {
        std::lock_guard lock(m_mutex);
        m_cursor = applied->diverged || applied->epoch != m_cursorEpoch
                       ? applied->cursor
                       : std::max(m_cursor, applied->cursor);
        m_cursorEpoch = applied->epoch;
        m_senderHead = applied->diverged ? batch.sender_last_seq()
                                         : std::max(batch.sender_last_seq(), m_cursor);
        // How stale the copy here is: behind the sender's head, since the oldest change not
        // applied; level with the head after a batch of changes, since the batch was cut (the
        // source was writing, more may be on the way); after an empty batch, not at all.
        if (m_cursor < m_senderHead)
            m_nextPendingCommitMs = batch.next_commit_ms();
        else if (batch.change_count() > 0)
            m_nextPendingCommitMs = batch.sent_at_ms();
        else
            m_nextPendingCommitMs = 0;
        m_residencySkipped += batch.residency_skipped();
        m_conflicts += applied->conflicts;
        m_rate.add(applied->changes, nowSec);
        for (const auto& [view, figures] : applied->views) {
            auto& slot = m_views[view];
            if (!slot)
                slot = std::make_unique<ViewFigures>();
            slot->applied += figures.changes;
            slot->conflicts += figures.conflicts;
            slot->rate.add(figures.changes, nowSec);
            slot->latency.add(now, figures.latencyMs);
            m_latency.add(now, figures.latencyMs);
        }
        for (const auto& vb : batch.view_bytes()) {
            auto& slot = m_views[vb.feature_view()];
            if (!slot)
                slot = std::make_unique<ViewFigures>();
            slot->bytes += vb.bytes();
        }
        // The backlog per view, as the sender saw it when cutting this batch.
        if (m_cursor >= m_senderHead || batch.backlog_size() > 0) {
            for (auto& [view, slot] : m_views)
                slot->pending = 0;
            for (const auto& b : batch.backlog()) {
                auto& slot = m_views[b.feature_view()];
                if (!slot)
                    slot = std::make_unique<ViewFigures>();
                slot->pending = b.pending();
                slot->oldestPendingMs = b.oldest_commit_ms();
            }
        }
    }
    m_cursorMoved.notify_all();
    return true;
}

bool PeerLink::waitForCursor(uint64_t target, const std::function<bool(uint64_t)>& keepGoing,
                             int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::unique_lock lock(m_mutex);
    while (m_cursor < target) {
        if (m_stopping || std::chrono::steady_clock::now() > deadline)
            return false;
        const uint64_t c = m_cursor;
        lock.unlock();
        if (!keepGoing(c))
            return false;
        lock.lock();
        m_cursorMoved.wait_for(lock, std::chrono::milliseconds(200));
    }
    return true;
}

std::vector<v1::LinkStats> PeerLink::stats(int64_t nowMs) const {
    std::lock_guard lock(m_mutex);
    const int64_t nowSec = metrics::steadySeconds();
    std::vector<v1::LinkStats> out;
    v1::LinkStats link;
    link.set_from_region(m_peer);
    link.set_to_region(m_self);
    link.set_state(m_state);
    const bool connected = m_state == v1::LINK_STATE_STREAMING;
    double lag = 0;
    if (m_nextPendingCommitMs > 0) {
        lag = static_cast<double>(nowMs - m_nextPendingCommitMs) / 1000.0;
    } else if (!connected && m_lastContactMs > 0) {
        // Not hearing from the peer: its data here is at least this old.
        lag = static_cast<double>(nowMs - m_lastContactMs) / 1000.0;
    }
    link.set_lag_seconds(std::max(0.0, lag));
    link.set_changes_behind(
        static_cast<int64_t>(m_senderHead > m_cursor ? m_senderHead - m_cursor : 0));
    link.set_apply_rate(m_rate.perSecond(nowSec));
    link.set_latency_p50_ms(m_latency.quantile(0.5, nowMs - kWindowMs));
    link.set_latency_p99_ms(m_latency.quantile(0.99, nowMs - kWindowMs));
    link.set_conflicts(m_conflicts);
    link.set_residency_skipped(m_residencySkipped);
    link.set_emulated(m_emulation.active());
    link.set_emulation(m_emulation.describe());
    link.set_emulated_delay_ms(m_emulation.delayMs);
    link.set_bytes_received(m_bytesReceived);
    link.set_last_applied_seq(static_cast<int64_t>(m_cursor));
    out.push_back(link);
    for (const auto& [view, f] : m_views) {
        if (view.empty())
            continue;
        v1::LinkStats v = link;
        v.set_feature_view(view);
        double viewLag = 0;
        if (f->pending > 0 && f->oldestPendingMs > 0)
            viewLag = static_cast<double>(nowMs - f->oldestPendingMs) / 1000.0;
        else if (!connected)
            viewLag = link.lag_seconds();
        v.set_lag_seconds(std::max(0.0, viewLag));
        v.set_changes_behind(f->pending);
        v.set_apply_rate(f->rate.perSecond(nowSec));
        v.set_latency_p50_ms(f->latency.quantile(0.5, nowMs - kWindowMs));
        v.set_latency_p99_ms(f->latency.quantile(0.99, nowMs - kWindowMs));
        v.set_conflicts(f->conflicts);
        v.set_bytes_received(f->bytes);
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace meridian::replication
