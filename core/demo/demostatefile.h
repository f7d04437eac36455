#pragma once
// The local demo's state file (<dataDir>/demo.json): which processes the demo started, where
// each region serves and from which deployment, so that later commands can find and stop them.
// Written as JSON through protobuf's Struct mapping.

#include <string>

#include "absl/status/statusor.h"
#include "demo/localdemo.h"

namespace meridian::demo {

// NotFound when there is no state file; InvalidArgument naming the file when it is not one.
absl::StatusOr<DemoState> readDemoState(const std::string& path);
// Replaces the file at once (written beside it, then renamed), creating its directory.
absl::Status writeDemoState(const std::string& path, const DemoState& state);

}  // namespace meridian::demo
