#pragma once
// What the routed commands share (get --route/--from, routes): their options, a router over
// the deployment probed once, the region whose registry they read, and durations such as
// --max-staleness 2s.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/router.h"
#include "ctloptions.h"

namespace meridian::ctl {

struct RoutingArgs {
    std::string route;  // "nearest" or a region; empty: not routed (the region at --endpoint)
    std::string from;   // the region standing for where the caller is
    std::string deployment;
    bool routed() const { return !route.empty() || !from.empty(); }
    std::string pinned() const { return route == "nearest" ? std::string() : route; }
};

// --route, --from and --deployment on `command`.
void addRoutingOptions(CLI::App* command, RoutingArgs& args);

struct RoutingSession {
    std::unique_ptr<client::RegionDirectory> regions;
    std::unique_ptr<client::Router> router;  // probed once
    // Where to read the registry: the control region if it answered, else the nearest region
    // that did.
    client::RegionClient* registry = nullptr;
};

// `from` and `pinned` (either may be empty) are checked against the deployment before any
// region is probed.
absl::StatusOr<RoutingSession> openRouting(const CtlOptions& options, const std::string& deployment,
                                           const std::string& from, const std::string& pinned = {});

// "2s", "1.5s", "500ms", "2m", or a number of milliseconds; INVALID_ARGUMENT naming `flag`.
absl::StatusOr<int64_t> parseStalenessMs(const std::string& text, const std::string& flag);

}  // namespace meridian::ctl
