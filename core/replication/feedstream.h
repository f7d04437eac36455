#pragma once
// Serves one Pull stream: batches of the log as they are committed, heartbeats while idle,
// the per-view backlog now and then, until the peer goes away.

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "replication/changefeed.h"
#include "replication/logsignal.h"

namespace meridian::replication {

struct FeedStreamSettings {
    int heartbeatMs = 500;
    int backlogEveryMs = 500;
    int maxBatch = 2000;
};

// What a stream tells the region serving it.
struct FeedStreamEvents {
    // The requester's position, whenever it is known to move.
    std::function<void(uint64_t position)> position;
    // The requester's cursor was not in this log's history (storage::checkCursor): it reads
    // again from an earlier point, and this region lost entries the requester has applied
    // when the cursor was past that point.
    std::function<void(const v1::LogDivergence&)> diverged;
};

// `write` sends a batch (false: the peer is gone); `cancelled` reports a cancelled call. The
// stream starts where the requester's cursor continues in this log's history; when that is
// not the cursor, its first batch says so (ChangeBatch.diverged).
absl::Status streamChanges(ChangeFeed& feed, LogSignal& signal, const v1::PullRequest& request,
                           const FeedStreamSettings& settings,
                           const std::function<bool(const v1::ChangeBatch&)>& write,
                           const std::function<bool()>& cancelled, const FeedStreamEvents& events);

}  // namespace meridian::replication
