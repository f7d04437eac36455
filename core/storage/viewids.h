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
    // Inside a write transaction: the id, created on first use.
    absl::StatusOr<int64_t> obtain(Connection& writer, const std::string& project,
                                   const std::string& name);
    // The id if the view ever held data.
    absl::StatusOr<std::optional<int64_t>> find(Connection& conn, const std::string& project,
                                                const std::string& name);

    // Forget ids handed out inside a transaction that rolled back.
    void forget(const std::string& project, const std::string& name);

private:
    std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, int64_t> m_ids;
};

}  // namespace meridian::storage
