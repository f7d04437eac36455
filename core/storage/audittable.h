#pragma once
// Who did what: one row per state-changing call, and one per refused call.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct AuditEntry {
    int64_t atMs = 0;
    std::string principal;
    std::string action;
    std::string target;
    std::string result;
    std::string requestId;
    bool denied = false;
};

struct AuditFilter {
    int64_t sinceMs = 0;
    int64_t untilMs = 0;  // 0: no end
    std::string principal;
    std::string action;
    bool deniedOnly = false;
    int limit = 200;
};

class AuditTable {
public:
    explicit AuditTable(Connection& conn) : m_conn(conn) {}
    absl::Status record(const AuditEntry& entry);
    absl::StatusOr<std::vector<AuditEntry>> latest(int limit);
    // Newest first.
    absl::StatusOr<std::vector<AuditEntry>> find(const AuditFilter& filter);
    // Deletes the oldest entries beyond `keep`; answers how many went.
    absl::StatusOr<int64_t> trim(int64_t keep);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
