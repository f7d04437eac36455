#pragma once
// Registry objects and every version they had.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "registry/catalog.h"
#include "storage/sqlite.h"

namespace meridian::storage {

class RegistryTable {
public:
    explicit RegistryTable(Connection& conn) : m_conn(conn) {}

    // Stores `object` (meta filled in) as the current version and appends it to the history.
    absl::Status put(const v1::RegistryObject& object);
    absl::StatusOr<std::vector<v1::RegistryObject>> current(bool includeDeleted = false);
    // version 0: the current one.
    absl::StatusOr<std::optional<v1::RegistryObject>> get(const registry::ObjectKey& key,
                                                          int64_t version = 0);
    absl::StatusOr<std::vector<v1::RegistryObject>> history(const registry::ObjectKey& key);
    absl::StatusOr<int64_t> lastVersion(const registry::ObjectKey& key);

    // Federated control plane: definitions published to this region that it did not take
    // because it holds another under the same name, the newest per owner region.
    absl::Status keepRefused(const v1::RegistryObject& object);
    absl::Status forgetRefused(const registry::ObjectKey& key, const std::string& ownerRegion);
    // The newest refused definition of `key`, any owner.
    absl::StatusOr<std::optional<v1::RegistryObject>> newestRefused(const registry::ObjectKey& key);

    // The control plane the region last ran under ("federated", "centralized:REGION"; empty
    // before it was first recorded).
    absl::StatusOr<std::string> recordedControlPlane();
    absl::Status recordControlPlane(const std::string& controlPlane);

private:
    Connection& m_conn;
};

}  // namespace meridian::storage
