#pragma once
// Wire messages to the plain structs the console shows (consoledata.h), so that ui/ never sees
// a protobuf type. Used by ConsoleBackend; pure functions, tested through it.

#include <string>
#include <vector>

#include "console/consoledata.h"
#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/replication.pb.h"
#include "registry/objectdiff.h"
#include "registry/regionset.h"

namespace meridian::console {

v1::ObjectKind toWire(ObjectKind kind);
ObjectKind fromWire(v1::ObjectKind kind);
LinkState fromWire(v1::LinkState state);
v1::SyncJob::Kind toWire(SyncJobInfo::Kind kind);

// Fills what a region says about itself; the deployment's static facts stay as they are.
void applyHealth(const v1::HealthResponse& health, RegionStatus& region);
void applyStats(const v1::StatsResponse& stats, RegionStatus& region);
LinkStatus toLink(const v1::LinkStats& link);

// `regions` resolves where a feature view's data is stored.
RegistryEntry toEntry(const v1::RegistryObject& object, const registry::RegionSet& regions);
std::vector<FieldDiff> toDiffs(const std::vector<registry::FieldChange>& changes);
LineageGraph toGraph(const v1::LineageResponse& response);
SyncJobInfo toJob(const v1::SyncJob& job);
CostLineInfo toCostLine(const v1::CostLine& line);
AlertInfo toAlert(const v1::Alert& alert, const std::string& region);

// Several regions' cost reports as one: lines side by side, minute buckets added up.
CostReport mergeCost(const std::vector<v1::CostResponse>& responses, int64_t sinceMs,
                     int64_t untilMs);

}  // namespace meridian::console
