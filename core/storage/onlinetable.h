#pragma once
// The online store: the latest value of each feature view per entity key.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct OnlineRecord {
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    std::string origin;
    bool deleted = false;
    std::string vals;  // serialized RowValues
};

// Fields point into SQLite's memory: valid until the connection's next call.
struct OnlineRecordView {
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    std::string_view origin;
    bool deleted = false;
    std::string_view vals;
};

// The order that decides which version of a key is the latest: greater event time, then
// greater write clock, then greater origin region name. Commutative and idempotent.
bool isNewer(int64_t eventTs, uint64_t writeHlc, std::string_view origin, int64_t otherEventTs,
             uint64_t otherWriteHlc, std::string_view otherOrigin);

class OnlineTable {
public:
    explicit OnlineTable(Connection& conn) : m_conn(conn) {}

    // True when `record` became the latest value (it was newer than what was stored).
    absl::StatusOr<bool> upsert(int64_t viewId, std::string_view entityKey,
                                const OnlineRecord& record);
    // False when the key has no row.
    absl::StatusOr<bool> get(int64_t viewId, std::string_view entityKey, OnlineRecordView& out);
    absl::StatusOr<int64_t> count(int64_t viewId);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
