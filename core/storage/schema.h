#pragma once
// The tables of a region database, created or upgraded when it opens.

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace meridian::storage {

// 2: compact rows (row schemas, region ids), a changelog without repeated names, kept counts.
// 3: log epochs, and cursors that name the epoch they were read in.
// 4: audit entries name their request and whether the call was refused.
// 5: erasures: the keys erased (hashed), erasures applied, erasures coordinated.
inline constexpr int kSchemaVersion = 5;

// Inside a transaction: creates the tables of a new database, upgrades an older one in place,
// and refuses one written by a newer release.
absl::Status ensureSchema(Connection& conn);

}  // namespace meridian::storage
