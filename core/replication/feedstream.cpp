#include "replication/feedstream.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "replication/hybridclock.h"

namespace meridian::replication {

absl::Status streamChanges(ChangeFeed& feed, LogSignal& signal, const v1::PullRequest& request,
                           const FeedStreamSettings& settings,
                           const std::function<bool(const v1::ChangeBatch&)>& write,
                           const std::function<bool()>& cancelled, const FeedStreamEvents& events) {
    const storage::CursorCheck check = storage::checkCursor(
        feed.database().logEpochs(), request.after_seq(), request.after_epoch());
    uint64_t position = check.resumeAfter;
    std::optional<v1::LogDivergence> divergence;
    if (check.diverged) {
        divergence.emplace();
        divergence->set_cursor(request.after_seq());
        divergence->set_cursor_epoch(request.after_epoch());
        divergence->set_resumed_after(check.resumeAfter);
        divergence->set_reason(check.reason);
        if (events.diverged)
            events.diverged(*divergence);
    }
    ChangeFeed::Options options;
    const int baseBatch =
        request.max_batch() > 0 ? std::min(request.max_batch(), 20'000) : settings.maxBatch;
    options.maxChanges = baseBatch;
    options.codec = request.codec();
    int64_t lastSentMs = 0;
    int64_t lastBacklogMs = 0;
    events.position(position);
    while (!cancelled()) {
        const uint64_t seen = signal.generation();
        const int64_t now = wallClockMs();
        options.withBacklog = now - lastBacklogMs >= settings.backlogEveryMs;
        auto batch = feed.next(request.requester(), position, options);
        // A peer far behind gets bigger batches: fewer transactions on its side.
        options.maxChanges =
            batch.ok() && batch->sender_last_seq() - batch->last_seq() > 4ull * baseBatch
                ? std::min(20'000, 8 * baseBatch)
                : baseBatch;
        if (!batch.ok())
            return batch.status();
        const bool hasRange = batch->last_seq() > position;
        if (hasRange || now - lastSentMs >= settings.heartbeatMs) {
            if (divergence) {
                *batch->mutable_diverged() = std::move(*divergence);
                divergence.reset();
            }
            if (!write(*batch))
                return absl::OkStatus();
            lastSentMs = now;
            if (options.withBacklog)
                lastBacklogMs = now;
            position = batch->last_seq();
            events.position(position);
        }
        // More already waiting: go on at once; otherwise sleep until a commit or a heartbeat.
        if (batch->last_seq() < batch->sender_last_seq())
            continue;
        const int64_t untilHeartbeat =
            std::max<int64_t>(1, settings.heartbeatMs - (wallClockMs() - lastSentMs));
        signal.waitAfter(seen, std::chrono::milliseconds(std::min<int64_t>(untilHeartbeat, 100)));
    }
    return absl::OkStatus();
}

}  // namespace meridian::replication
