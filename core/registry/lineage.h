#pragma once
// The lineage graph, derived from the definitions: entity and data source -> feature view ->
// feature service -> consumer model, and feature view -> the regions that store it.

#include <string>

#include "meridian/v1/registry.pb.h"
#include "registry/catalog.h"
#include "registry/regionset.h"

namespace meridian::registry {

// `project` empty: every project.
v1::LineageResponse buildLineage(const Catalog& catalog, const RegionSet& regions,
                                 const std::string& project = {});

std::string lineageId(v1::LineageNode::Kind kind, std::string_view project, std::string_view name);

}  // namespace meridian::registry
