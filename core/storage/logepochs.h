#pragma once
// The epochs of a region's log. Each time its database opens, the log enters a new epoch: a
// random id and the seq its first entry will have. A peer's cursor names the epoch it last read
// the log in, which tells this region whether the peer saw a history this database does not
// hold — the database was restored from an older copy (rewound) or replaced by a new one — and
// where the peer must read again from so that no entry written here since is skipped.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct LogEpoch {
    uint64_t id = 0;  // random, never 0
    uint64_t firstSeq = 0;
    int64_t startedMs = 0;
};

// Epochs kept (a row each): a peer's cursor from an epoch older than these counts as unknown,
// which costs it a full re-read, never an entry.
inline constexpr size_t kKeptLogEpochs = 1024;

// Inside a write transaction: begins a new epoch whose first entry will be `nextSeq`, forgets
// epochs beyond kKeptLogEpochs, and returns those kept, oldest first (the new one last).
absl::StatusOr<std::vector<LogEpoch>> beginLogEpoch(Connection& conn, uint64_t nextSeq,
                                                    int64_t nowMs);

// Where a peer continues reading the log.
struct CursorCheck {
    uint64_t resumeAfter = 0;  // the peer reads entries after this seq
    bool diverged = false;     // the peer had read entries this log no longer holds
    std::string reason;        // what happened, when diverged
};

// For a peer that read the log up to `after` in epoch `epoch` (0: a cursor from before epochs,
// taken as read in this history), given this log's `epochs` (oldest first, the current last).
// A cursor in a known epoch continues where it is as long as it lies before the next epoch;
// past that point the database was rewound, and the peer reads again from where its history
// continues. A cursor in an epoch this database never had (replaced, or restored from a copy
// older than that epoch) reads the whole log again.
CursorCheck checkCursor(const std::vector<LogEpoch>& epochs, uint64_t after, uint64_t epoch);

}  // namespace meridian::storage
