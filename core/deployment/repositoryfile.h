#pragma once
// Feature repository files: the YAML a team writes to declare projects, entities, sources,
// feature views and services. YAML is mapped generically onto the protobuf messages through
// protobuf's JSON mapping; mistakes are reported with the line and the field path.

#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"

namespace meridian::deployment {

absl::StatusOr<v1::FeatureRepository> loadRepositoryFile(const std::string& path);
// `name` is used in messages in place of a path.
absl::StatusOr<v1::FeatureRepository> parseRepository(const std::string& text,
                                                      const std::string& name);

}  // namespace meridian::deployment
