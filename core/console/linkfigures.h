#pragma once
// How a replication link is described to people, the same way in the console and in
// meridianctl: the name of its state.

#include <string>

#include "console/consoledata.h"

namespace meridian::console {

// "streaming", "connecting", "snapshot", "snapshot needed", "partitioned", "down", "unknown".
std::string linkStateName(LinkState state);

}  // namespace meridian::console
