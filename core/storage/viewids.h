#pragma once
// Small integer ids for feature views, cached: the feature tables key rows by them.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "storage/sqlite.h"

namespace meridian::storage {

class ViewIds {
public:
    // Inside a write transaction: the id, created on first use (and forgotten again if the
    // transaction that created it rolls back).
    absl::StatusOr<int64_t> obtain(Connection& writer, const std::string& project,
                                   const std::string& name);
    // The id if the view ever held data.
    absl::StatusOr<std::optional<int64_t>> find(Connection& conn, const std::string& project,
                                                const std::string& name);
    // (project, name) of an id; NOT_FOUND for an id never handed out.
    absl::StatusOr<std::pair<std::string, std::string>> nameOf(Connection& conn, int64_t id);

private:
    void forget(const std::string& project, const std::string& name);

    std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, int64_t> m_ids;
    std::map<int64_t, std::pair<std::string, std::string>> m_names;
};

}  // namespace meridian::storage
