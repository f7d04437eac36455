#pragma once
// The rules a registry object must satisfy before it is stored, with messages that name the
// object, the field and what was expected.

#include "absl/status/status.h"
#include "registry/catalog.h"
#include "registry/regionset.h"

namespace meridian::registry {

// Checks a normalized object against the catalog it would join (which holds its references)
// and the deployment's regions. `previous` is the version it replaces, if any: feature types
// and join keys cannot change under existing data.
absl::Status validateObject(const v1::RegistryObject& object, const Catalog& catalog,
                            const RegionSet& regions, const v1::RegistryObject* previous = nullptr);

// Names: a letter or underscore, then letters, digits, '_' or '-'; at most 128 characters.
bool isValidName(std::string_view name);

// Durations such as "90s", "15m", "1h", "1d"; returns seconds or -1.
long long parseDurationSeconds(std::string_view text);

}  // namespace meridian::registry
