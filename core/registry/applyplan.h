#pragma once
// Turns an apply request (a whole feature repository or a few objects) into the versioned
// changes to store: all of it valid, or nothing.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/catalog.h"
#include "registry/regionset.h"

namespace meridian::registry {

struct ApplyContext {
    std::string region;     // the region applying the change
    std::string principal;  // who asked
    int64_t nowMs = 0;
    std::string defaultProject;
    // Highest version an object ever had, deleted ones included (0 if never stored).
    std::function<int64_t(const ObjectKey&)> lastVersion;
};

struct PlannedChange {
    v1::RegistryObject object;  // normalized, with meta filled in
    v1::ApplyResult::Action action = v1::ApplyResult::UNCHANGED;
};

// Every object is validated against the catalog as it will be after the apply; the first
// object in error makes the whole plan fail with every problem found listed.
absl::StatusOr<std::vector<PlannedChange>> planApply(const Catalog& current,
                                                     std::vector<v1::RegistryObject> incoming,
                                                     const RegionSet& regions,
                                                     const ApplyContext& context);

// Objects of a repository file, projects first and services last.
std::vector<v1::RegistryObject> objectsOf(const v1::FeatureRepository& repository);

// The deletion of `key`, refused while other objects refer to it.
absl::StatusOr<v1::RegistryObject> planDelete(const Catalog& current, const ObjectKey& key,
                                              const ApplyContext& context);

}  // namespace meridian::registry
