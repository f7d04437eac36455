#pragma once
// The egress ledger: bytes this region sent, in per-minute buckets by destination, feature
// view and kind of transfer — the raw material of every cost figure.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct EgressRecord {
    int64_t minuteMs = 0;
    std::string toRegion;
    std::string view;  // "project/view"; "" for registry and control traffic
    std::string kind;  // "stream", "snapshot", "batch", "control"
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    int64_t changes = 0;
};

class EgressTable {
public:
    explicit EgressTable(Connection& conn) : m_conn(conn) {}

    // Adds to the bucket of record.minuteMs (rounded down to the minute).
    absl::Status add(const EgressRecord& record);
    // Buckets with since <= minute < until, oldest first.
    absl::Status scan(int64_t sinceMs, int64_t untilMs,
                      const std::function<void(const EgressRecord&)>& visit);
    // Drops buckets older than `beforeMs`.
    absl::Status prune(int64_t beforeMs);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
