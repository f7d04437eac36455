#pragma once
// Who did what: one row per state-changing call.

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
};

class AuditTable {
public:
    explicit AuditTable(Connection& conn) : m_conn(conn) {}
    absl::Status record(const AuditEntry& entry);
    absl::StatusOr<std::vector<AuditEntry>> latest(int limit);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
