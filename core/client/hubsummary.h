#pragma once
// The hubs of hub-and-spoke views as a deployment's regions report them (Replication.ListHubs
// of each), merged into one row per view: the hub of the highest epoch any region holds, which
// regions agree, and whether that hub accepts writes now. meridianctl hubs and the console's
// Hubs tab show the same rows.

#include <cstdint>
#include <string>
#include <vector>

namespace meridian::v1 {
class ListHubsResponse;
}

// Plain types only (no protobuf), so that the console's data (console/consoledata.h) can use
// HubSummary as it is.
namespace meridian::client {

struct HubSummary {
    std::string view;  // "project/view"
    std::string hub;   // of the highest epoch any region holds
    uint64_t epoch = 0;
    int64_t sinceMs = 0;  // when it was promoted; 0: the hub its spec names
    std::string previousHub;
    int agreeing = 0;   // regions holding that hub and epoch
    int answering = 0;  // regions that answered
    std::vector<std::string> notAgreeing;
    bool hubAnswered = false;
    bool acceptsWrites = false;
    std::string gate;  // why the hub does not accept writes now
};

struct RegionHubs {
    std::string region;
    const v1::ListHubsResponse* answer = nullptr;  // null: the region did not answer
};

// One row per view, by name.
std::vector<HubSummary> summarizeHubs(const std::vector<RegionHubs>& regions);

}  // namespace meridian::client
