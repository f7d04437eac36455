#pragma once
// The region's changelog: every change in commit order, for peers to pull.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "storage/sqlite.h"

namespace meridian::storage {

// A log entry as stored, without parsing the change itself.
struct LogEntry {
    uint64_t seq = 0;
    v1::Change::Kind kind = v1::Change::KIND_UNSPECIFIED;
    std::string_view project;
    std::string_view featureView;  // empty for registry changes
    int64_t commitMs = 0;
    std::string_view change;  // the serialized v1::Change
};

class ChangelogTable {
public:
    explicit ChangelogTable(Connection& conn) : m_conn(conn) {}

    // Appends `change`, assigning its seq (and origin_seq when it originates here).
    absl::Status append(v1::Change& change);
    // Highest seq ever assigned (0 for an empty log); survives deletion by retention.
    absl::StatusOr<uint64_t> lastSeq();
    // Lowest seq still in the log (0 for an empty log).
    absl::StatusOr<uint64_t> firstSeq();
    // Highest hlc recorded (entries removed by retention included), to restart the clock above it.
    absl::StatusOr<uint64_t> maxHlc();
    // Changes with seq > after, in order, at most `limit`.
    absl::Status readAfter(uint64_t after, int limit,
                           const std::function<bool(v1::Change&&)>& visit);

    // Entries with seq > after in order, at most `limit`; views are valid during the call.
    absl::Status scanAfter(uint64_t after, int limit,
                           const std::function<bool(const LogEntry&)>& visit);
    // Deletes entries with seq <= upTo; returns how many.
    absl::StatusOr<int64_t> truncateThrough(uint64_t upTo);
    // Highest seq committed at or before `commitMs` (0 if none).
    absl::StatusOr<uint64_t> lastSeqBefore(int64_t commitMs);
    // Approximate bytes of entries with seq > after.
    absl::StatusOr<int64_t> bytesAfter(uint64_t after);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
