#pragma once
// Counts every byte this region sends, per minute, destination, feature view and kind of
// transfer; buffered in memory on the hot path and flushed to the egress table every few
// seconds (a crash loses at most the unflushed seconds of accounting, never data).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "cost/egressattribution.h"
#include "storage/database.h"
#include "storage/egresstable.h"

namespace meridian::cost {

class EgressLedger {
public:
    explicit EgressLedger(storage::Database& db) : m_db(db) {}

    void add(int64_t atMs, const std::string& toRegion, const EgressShare& share);
    void add(int64_t atMs, const std::string& toRegion, const std::vector<EgressShare>& shares);
    absl::Status flush();
    // Persisted and buffered buckets with since <= minute < until.
    absl::StatusOr<std::vector<storage::EgressRecord>> records(int64_t sinceMs, int64_t untilMs);
    // Bytes sent so far (persisted or not) to `toRegion`, all views and kinds; for tests and jobs.
    int64_t totalBytesTo(const std::string& toRegion) const;

private:
    using Key = std::tuple<int64_t, std::string, std::string, std::string>;
    storage::Database& m_db;
    mutable std::mutex m_mutex;
    std::map<Key, storage::EgressRecord> m_pending;
    std::map<std::string, int64_t> m_totals;
};

}  // namespace meridian::cost
