#pragma once
// The receiving side of replication: applies a peer's batch and advances the cursor in one
// transaction, so a crash anywhere loses nothing and applies nothing twice.

#include <google/protobuf/arena.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "replication/hybridclock.h"
#include "replication/registryreplica.h"
#include "storage/cursortable.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

struct ViewApplied {
    int64_t changes = 0;
    int64_t conflicts = 0;
    std::vector<double> latencyMs;  // apply time - source commit time, per change
};

struct BatchApplied {
    uint64_t cursor = 0;  // the peer's seq now applied through
    uint64_t epoch = 0;   // in this epoch of its log
    // The batch moved the cursor back: the peer's log no longer held what it had reached
    // (ChangeBatch.diverged).
    bool diverged = false;
    int64_t changes = 0;
    int64_t conflicts = 0;
    bool registryChanged = false;
    std::map<std::string, ViewApplied> views;  // "project/view"; "" for registry changes
};

// A batch's changes, decompressed and parsed (on an arena of their own): the part of applying
// a batch that needs no database, so that it can run while the previous batch is written.
struct DecodedBatch {
    std::unique_ptr<google::protobuf::Arena> arena;
    const v1::ChangeList* list = nullptr;
};

class ChangeApplier {
public:
    ChangeApplier(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
                  RegistryReplica& registry);

    // Applies `batch` from `peer`. A batch that starts beyond the cursor is a gap
    // (FAILED_PRECONDITION); the part of a batch already applied is skipped.
    absl::StatusOr<BatchApplied> apply(const std::string& peer, const v1::ChangeBatch& batch,
                                       int64_t nowMs);
    // The same in two steps: decode() touches no state and may run on any thread; apply()
    // takes the batch's metadata and the changes decode() produced from its payload.
    static absl::StatusOr<DecodedBatch> decode(const std::string& peer,
                                               const v1::ChangeBatch& batch);
    absl::StatusOr<BatchApplied> apply(const std::string& peer, const v1::ChangeBatch& batch,
                                       const DecodedBatch& decoded, int64_t nowMs);

    // The cursor of `peer` (0 before anything was applied).
    absl::StatusOr<uint64_t> cursor(const std::string& peer);
    // The cursor with the peer's clock and when it last moved.
    absl::StatusOr<storage::Cursor> cursorRecord(const std::string& peer);

private:
    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    HybridClock& m_clock;
    RegistryReplica& m_registry;
};

}  // namespace meridian::replication
