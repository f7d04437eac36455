#pragma once
// The online store: the latest value of each feature view per entity key.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/rowschema.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct OnlineRecord {
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    int64_t origin = 0;  // RegionIds id of the region where the value was written
    bool deleted = false;
    std::string_view vals;  // compact row (rowformat.h)
};

// Fields point into SQLite's memory: valid until the connection's next call.
struct OnlineRecordView {
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    int64_t origin = 0;
    bool deleted = false;
    std::string_view vals;
};

// The conflict rule, the one order that decides which version of a key is the latest: greater
// event time, then greater write clock, then greater origin region name. Commutative and
// idempotent, so replicas converge whatever order versions arrive in.
bool isNewer(int64_t eventTs, uint64_t writeHlc, std::string_view origin, int64_t otherEventTs,
             uint64_t otherWriteHlc, std::string_view otherOrigin);

// Makes the rule callable from SQL on `conn` as meridian_newer(event_ts, write_hlc, origin_id,
// other_event_ts, other_write_hlc, other_origin_id), origins named through `regions`: upserts
// apply isNewer() itself, so SQL and C++ cannot disagree.
absl::Status registerConflictRule(Connection& conn, const RegionIds& regions);

class OnlineTable {
public:
    explicit OnlineTable(Connection& conn) : m_conn(conn) {}

    // True when `record` became the latest value (it was newer than what was stored). Needs
    // registerConflictRule() on the connection (the database's writer has it).
    absl::StatusOr<bool> upsert(int64_t viewId, std::string_view entityKey,
                                const OnlineRecord& record);
    // False when the key has no row.
    absl::StatusOr<bool> get(int64_t viewId, std::string_view entityKey, OnlineRecordView& out);
    // Keys stored for the view (not deleted), kept current by triggers: no scan.
    absl::StatusOr<int64_t> count(int64_t viewId);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
