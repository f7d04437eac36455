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

// `write` sends a batch (false: the peer is gone); `cancelled` reports a cancelled call.
// `onPosition` is told the requester's position whenever it is known to move.
absl::Status streamChanges(ChangeFeed& feed, LogSignal& signal, const v1::PullRequest& request,
                           const FeedStreamSettings& settings,
                           const std::function<bool(const v1::ChangeBatch&)>& write,
                           const std::function<bool()>& cancelled,
                           const std::function<void(uint64_t position)>& onPosition);

}  // namespace meridian::replication
