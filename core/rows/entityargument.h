#pragma once
// Entity rows given on the command line ("user_id=42,merchant_id=7"), typed by the join keys of
// the feature views a read selects.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "registry/catalog.h"

namespace meridian::rows {

// The join keys a read needs: those of every view the feature service (or else the
// "view:feature" references) selects, each once, in the order the views come.
absl::StatusOr<std::vector<v1::JoinKey>> joinKeysForRead(const registry::Catalog& catalog,
                                                         const std::string& project,
                                                         const std::string& service,
                                                         const std::vector<std::string>& refs);

// "user_id=42,merchant_id=7": every join key once, each value converted to the key's type.
absl::StatusOr<v1::EntityRow> parseEntityArgument(std::string_view text,
                                                  const std::vector<v1::JoinKey>& joinKeys);

}  // namespace meridian::rows
