#pragma once
// The offline store: append-only feature history, partitioned by day.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/rowschema.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct OfflineRecord {
    std::string entityKey;
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    int64_t origin = 0;  // RegionIds id
    std::string vals;    // compact row (rowformat.h)
};

// The hash of one offline row that partition digests XOR together. It covers what the row
// means, not how this database names it (origin by name, schema by digest), so the same row
// hashes the same in every region.
uint64_t offlineRowHash(std::string_view entityKey, int64_t eventTs, uint64_t writeHlc,
                        std::string_view origin, uint64_t schemaDigest, std::string_view rowBody);

inline constexpr int64_t kMsPerDay = 86'400'000;
inline int64_t dayOf(int64_t eventTsMs) {
    return eventTsMs >= 0 ? eventTsMs / kMsPerDay : (eventTsMs - kMsPerDay + 1) / kMsPerDay;
}

// Row-count and digest changes of partitions, gathered over many appends and written once.
class PartitionDeltas {
public:
    void add(int64_t viewId, int64_t day, uint64_t rowHash) {
        auto& d = m_deltas[{viewId, day}];
        d.first += 1;
        d.second ^= rowHash;
    }
    // A row taken out: one fewer, and its hash XORed out again.
    void remove(int64_t viewId, int64_t day, uint64_t rowHash) {
        auto& d = m_deltas[{viewId, day}];
        d.first -= 1;
        d.second ^= rowHash;
    }
    bool empty() const { return m_deltas.empty(); }
    const std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, uint64_t>>& deltas() const {
        return m_deltas;
    }

private:
    std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, uint64_t>>
        m_deltas;  // (view, day) -> (rows, xor)
};

class OfflineTable {
public:
    OfflineTable(Connection& conn, const RegionIds& regions, const RowSchemas& schemas)
        : m_conn(conn), m_regions(regions), m_schemas(schemas) {}

    // The row's digest hash (see offlineRowHash).
    absl::StatusOr<uint64_t> hashOf(const OfflineRecord& record) const;

    // False when the same row (key, event time, write clock, origin) is already stored.
    absl::StatusOr<bool> append(int64_t viewId, const OfflineRecord& record);
    // The same, with the partition update gathered into `deltas` for applyDeltas() (bulk loads).
    absl::StatusOr<bool> append(int64_t viewId, const OfflineRecord& record,
                                PartitionDeltas& deltas);
    absl::Status applyDeltas(const PartitionDeltas& deltas);

    // The latest record of `entityKey` with notBefore <= event time <= at, by the conflict
    // rule. Empty when there is none.
    absl::StatusOr<std::optional<OfflineRecord>> pointInTime(int64_t viewId,
                                                             std::string_view entityKey, int64_t at,
                                                             int64_t notBefore);

    // For each entity key with events in [start, end) — after `afterKey` when given — its
    // latest record there, in key order. `visit` returns false to stop.
    absl::Status latestPerKey(int64_t viewId, int64_t start, int64_t end,
                              const std::string* afterKey,
                              const std::function<bool(const OfflineRecord&)>& visit);
    absl::StatusOr<int64_t> countKeys(int64_t viewId, int64_t start, int64_t end);
    // Rows of the view, from the partition counts: no scan.
    absl::StatusOr<int64_t> count(int64_t viewId);

    struct Partition {
        int64_t day = 0;
        int64_t rows = 0;
        uint64_t digest = 0;
    };
    absl::StatusOr<std::vector<Partition>> partitions(int64_t viewId);
    // Deletes every row of `entityKey` (erasure), keeping the partitions' counts and digests;
    // returns how many.
    absl::StatusOr<int64_t> eraseKey(int64_t viewId, std::string_view entityKey);
    // Rows of one day's partition in a stable order, at most `limit`, starting after the row
    // `after` (entity key, event time, write clock, origin) when given: callers page through a
    // partition in short read transactions.
    absl::Status scanPartition(int64_t viewId, int64_t day, const OfflineRecord* after, int limit,
                               const std::function<bool(const OfflineRecord&)>& visit);
    // Removes a day's partition (before it is replaced by a peer's copy).
    absl::Status dropPartition(int64_t viewId, int64_t day);

private:
    absl::StatusOr<bool> insert(int64_t viewId, const OfflineRecord& record);
    absl::Status addToPartition(int64_t viewId, int64_t day, int64_t rows, uint64_t digest);
    // Of rows sorted newest first by (event time, write clock): the first, with ties of both
    // broken by origin name as the conflict rule does.
    absl::Status newestOf(Statement& q, const std::function<bool(OfflineRecord&&)>& emit);

    Connection& m_conn;
    const RegionIds& m_regions;
    const RowSchemas& m_schemas;
    mutable uint32_t m_lastSchemaId = 0;
    mutable RowSchemaPtr m_lastSchema;
    mutable int64_t m_lastOrigin = 0;
    mutable std::string m_lastOriginName;
};

}  // namespace meridian::storage
