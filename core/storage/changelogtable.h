#pragma once
// The region's changelog: every change made here in commit order, for peers to pull. What a
// peer needs to route a change (clock, kind, view, commit time, row schema) is kept in columns;
// the rest of the v1::Change (entity key, event time, values, target, registry object) is kept
// serialized. On the wire the two are joined again without parsing (appendWireChange): protobuf
// reads fields in any order.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "storage/sqlite.h"
#include "storage/viewids.h"

namespace meridian::storage {

// A log entry as stored; views point into the row and are valid during the visit only.
struct LogEntry {
    uint64_t seq = 0;
    uint64_t hlc = 0;
    v1::Change::Kind kind = v1::Change::KIND_UNSPECIFIED;
    int64_t viewId = 0;  // 0 for registry changes
    int64_t commitMs = 0;
    uint32_t schemaId = 0;  // row schema of the values; 0 when there are none
    std::string_view body;  // the serialized v1::Change without the fields above
};

// What a new entry holds. `body` is a serialized v1::Change carrying only what the columns do
// not: entity key, event time, values, target, row clock and origin, or the registry object
// (with its project).
struct LogAppend {
    uint64_t hlc = 0;  // ticked inside the write transaction: the log's clock values only grow
    v1::Change::Kind kind = v1::Change::KIND_UNSPECIFIED;
    int64_t viewId = 0;
    int64_t commitMs = 0;
    uint32_t schemaId = 0;
    std::string body;
};

// Appends entry `e` to `out` as one field-1 entry of a v1::ChangeList: the columns as Change
// fields (origin: this region; origin_seq: seq), then the stored body.
void appendWireChange(std::string& out, const LogEntry& e, std::string_view origin,
                      std::string_view project, std::string_view view);

class ChangelogTable {
public:
    explicit ChangelogTable(Connection& conn) : m_conn(conn) {}

    // Appends an entry; returns its seq. `seq` 0: the next one; else that one (upgrades that
    // carry a log over).
    absl::StatusOr<uint64_t> append(const LogAppend& entry, uint64_t seq = 0);
    // Highest seq ever assigned (0 for an empty log); survives deletion by retention.
    absl::StatusOr<uint64_t> lastSeq();
    // Lowest seq still in the log (0 for an empty log).
    absl::StatusOr<uint64_t> firstSeq();
    // Both of the above, read together.
    struct SeqSpan {
        uint64_t first = 0;
        uint64_t last = 0;
    };
    absl::StatusOr<SeqSpan> seqSpan();
    // Highest clock value the log ever recorded (retention included), to restart the clock
    // above it. Entries are stamped inside their transaction, so it is the newest entry's.
    absl::StatusOr<uint64_t> maxHlc();

    // Entries with seq > after in order, at most `limit`.
    absl::Status scanAfter(uint64_t after, int limit,
                           const std::function<bool(const LogEntry&)>& visit);
    // The same as whole changes (for tests and tools; the feed does not parse).
    absl::Status readAfter(uint64_t after, int limit, ViewIds& views, std::string_view origin,
                           const std::function<bool(v1::Change&&)>& visit);

    // Deletes entries with seq <= upTo, at most `limit` of them from the oldest; returns how
    // many.
    absl::StatusOr<int64_t> truncateThrough(uint64_t upTo, int64_t limit);
    // Highest seq committed at or before `commitMs` (0 if none).
    absl::StatusOr<uint64_t> lastSeqBefore(int64_t commitMs);
    // Bytes the log's entries take, estimated from entries spread evenly over it (a full sum
    // would read the whole log).
    absl::StatusOr<int64_t> estimatedBytes();

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
