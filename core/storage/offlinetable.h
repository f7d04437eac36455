#pragma once
// The offline store: append-only feature history, partitioned by day.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct OfflineRecord {
    std::string entityKey;
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    std::string origin;
    std::string vals;  // serialized RowValues
};

inline constexpr int64_t kMsPerDay = 86'400'000;
inline int64_t dayOf(int64_t eventTsMs) {
    return eventTsMs >= 0 ? eventTsMs / kMsPerDay : (eventTsMs - kMsPerDay + 1) / kMsPerDay;
}

class OfflineTable {
public:
    explicit OfflineTable(Connection& conn) : m_conn(conn) {}

    absl::Status append(int64_t viewId, const OfflineRecord& record);

    // The latest record of `entityKey` with notBefore <= event time <= at; ties go to the
    // later write. Empty when there is none.
    absl::StatusOr<std::optional<OfflineRecord>> pointInTime(int64_t viewId,
                                                             std::string_view entityKey, int64_t at,
                                                             int64_t notBefore);

    // For each entity key with events in [start, end): its latest record there, in key order.
    // `visit` returns false to stop.
    absl::Status latestPerKey(int64_t viewId, int64_t start, int64_t end,
                              const std::function<bool(const OfflineRecord&)>& visit);
    absl::StatusOr<int64_t> countKeys(int64_t viewId, int64_t start, int64_t end);
    absl::StatusOr<int64_t> count(int64_t viewId);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
