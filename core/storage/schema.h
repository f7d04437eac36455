#pragma once
// The tables of a region database, created or upgraded when it opens.

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace meridian::storage {

inline constexpr int kSchemaVersion = 1;

absl::Status ensureSchema(Connection& conn);

}  // namespace meridian::storage
