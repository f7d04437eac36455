#pragma once
// The canonical form of a registry object: defaults made explicit, unordered lists sorted,
// encoded deterministically, so equal specs have equal bytes and equal spec hashes.

#include <string>

#include "meridian/v1/registry.pb.h"

namespace meridian::registry {

struct NormalizeContext {
    std::string defaultProject;  // for objects that name no project
    std::string applyingRegion;  // owner region of objects that name none
};

void normalize(v1::RegistryObject& object, const NormalizeContext& context);

// Deterministic bytes of the spec alone (metadata excluded).
std::string canonicalEncoding(const v1::RegistryObject& object);

// Hex digest (128 bits) of the canonical encoding.
std::string specHash(const v1::RegistryObject& object);

}  // namespace meridian::registry
