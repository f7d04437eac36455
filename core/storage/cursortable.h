#pragma once
// Replication cursors (how far each peer's log is applied here) and the conflicts met doing it.

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct Cursor {
    uint64_t seq = 0;  // last seq of the peer's log applied
    uint64_t hlc = 0;  // the peer's clock at that point
    int64_t updatedMs = 0;
    uint64_t epoch = 0;  // the epoch of the peer's log it was read in (0: unknown)
};

class CursorTable {
public:
    explicit CursorTable(Connection& conn) : m_conn(conn) {}

    absl::StatusOr<Cursor> get(const std::string& peer);
    absl::StatusOr<std::map<std::string, Cursor>> all();
    absl::Status set(const std::string& peer, const Cursor& cursor);

    absl::Status addConflicts(const std::string& peer, const std::string& view, int64_t count);
    // peer -> view -> conflicts
    absl::StatusOr<std::map<std::string, std::map<std::string, int64_t>>> conflicts();

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
