#pragma once
// Field-by-field differences between two versions of a registry object.

#include <string>
#include <vector>

#include "meridian/v1/registry.pb.h"

namespace meridian::registry {

struct FieldChange {
    enum class Kind { Added, Removed, Modified };
    Kind kind;
    std::string path;      // e.g. "feature_view.features[2].value_type"
    std::string oldValue;  // empty when added
    std::string newValue;  // empty when removed
};

// Differences of the specs; metadata (version, times, hash) is ignored.
std::vector<FieldChange> diffObjects(const v1::RegistryObject& before,
                                     const v1::RegistryObject& after);

}  // namespace meridian::registry
