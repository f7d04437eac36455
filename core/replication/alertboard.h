#pragma once
// Alerts a region raises about itself (clock offset of a peer, log retention, residency
// refusals): active until cleared, kept as history in the database.

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "storage/database.h"

namespace meridian::replication {

class AlertBoard {
public:
    explicit AlertBoard(storage::Database& db);

    // Raises (or updates the message of) the active alert of this kind and subject.
    void raise(const std::string& kind, const std::string& subject, const std::string& message,
               const std::string& severity = "warning");
    void clear(const std::string& kind, const std::string& subject);
    absl::StatusOr<std::vector<v1::Alert>> list(bool includeCleared, int limit);

private:
    void store(const v1::Alert& alert);

    storage::Database& m_db;
    std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, v1::Alert> m_active;
};

}  // namespace meridian::replication
