#pragma once
// The region's changelog: every change in commit order, for peers to pull.

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "storage/sqlite.h"

namespace meridian::storage {

class ChangelogTable {
public:
    explicit ChangelogTable(Connection& conn) : m_conn(conn) {}

    // Appends `change`, assigning its seq (and origin_seq when it originates here).
    absl::Status append(v1::Change& change);
    // Highest seq ever assigned (0 for an empty log); survives deletion by retention.
    absl::StatusOr<uint64_t> lastSeq();
    // Lowest seq still in the log (0 for an empty log).
    absl::StatusOr<uint64_t> firstSeq();
    // Highest hlc recorded, to restart the clock above it.
    absl::StatusOr<uint64_t> maxHlc();
    // Changes with seq > after, in order, at most `limit`.
    absl::Status readAfter(uint64_t after, int limit,
                           const std::function<bool(v1::Change&&)>& visit);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
