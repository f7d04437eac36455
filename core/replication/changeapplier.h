#pragma once
// The receiving side of replication: applies a peer's batch and advances the cursor in one
// transaction, so a crash anywhere loses nothing and applies nothing twice.

#include <cstdint>
#include <map>
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
    int64_t changes = 0;
    int64_t conflicts = 0;
    bool registryChanged = false;
    std::map<std::string, ViewApplied> views;  // "project/view"; "" for registry changes
};

class ChangeApplier {
public:
    ChangeApplier(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
                  RegistryReplica& registry);

    // Applies `batch` from `peer`. A batch that starts beyond the cursor is a gap
    // (FAILED_PRECONDITION); the part of a batch already applied is skipped.
    absl::StatusOr<BatchApplied> apply(const std::string& peer, const v1::ChangeBatch& batch,
                                       int64_t nowMs);

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
