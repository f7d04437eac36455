#pragma once
// Upgrades of older region databases, run inside the transaction that opens them.

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace meridian::storage {

// Schema 1 stored feature values as protobuf name/value lists, origins as names and whole
// changes in the changelog. Moves its tables aside before the new ones are created.
absl::Status detachVersion1(Connection& conn);
// Fills the new tables from the moved ones (values re-encoded, partition digests recomputed,
// log sequence kept) and drops them.
absl::Status upgradeFromVersion1(Connection& conn);

}  // namespace meridian::storage
