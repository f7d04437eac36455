#pragma once
// Sync jobs and alerts: small records kept as serialized messages with an id and a time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "storage/sqlite.h"

namespace meridian::storage {

class JobTable {
public:
    explicit JobTable(Connection& conn) : m_conn(conn) {}
    absl::Status put(const v1::SyncJob& job);
    absl::StatusOr<std::optional<v1::SyncJob>> get(const std::string& id);
    absl::StatusOr<std::vector<v1::SyncJob>> latest(int limit);

private:
    Connection& m_conn;
};

class AlertTable {
public:
    explicit AlertTable(Connection& conn) : m_conn(conn) {}
    absl::Status put(const v1::Alert& alert);
    absl::StatusOr<std::vector<v1::Alert>> latest(bool includeCleared, int limit);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
