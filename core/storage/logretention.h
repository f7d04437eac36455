#pragma once
// Changelog retention: the log keeps what its age and size limits allow and no more, whether
// or not any peer reads it (a peer left behind catches up through a snapshot).

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/database.h"

namespace meridian::storage {

struct RetentionPolicy {
    int64_t maxAgeSeconds = 24 * 3600;
    int64_t maxBytes = 512ll * 1024 * 1024;
};

// The log after a retention pass.
struct LogExtent {
    uint64_t first = 0;   // oldest entry kept (0: the log is empty)
    uint64_t last = 0;    // newest seq ever assigned
    uint64_t cutoff = 0;  // entries up to here fell to the policy (0: none)
    int64_t bytes = 0;    // estimated size of what is kept
    int64_t removed = 0;  // entries removed by this pass
};

// Removes the entries past the policy's age or size, oldest first, in transactions of a bounded
// number of entries so that writes go on between them.
absl::StatusOr<LogExtent> trimChangelog(Database& db, const RetentionPolicy& policy, int64_t nowMs);

}  // namespace meridian::storage
