#pragma once
// How a replication link is described to people, the same way in the console and in
// meridianctl: the name of its state and its lag.

#include <string>

#include "console/consoledata.h"

namespace meridian::console {

// "streaming", "connecting", "snapshot", "snapshot needed", "partitioned", "down", "unknown".
std::string linkStateName(LinkState state);

// A link's lag: the age of the oldest change the receiving region has not applied yet, as that
// region measured it; 0 when it is caught up. How long applied changes took to arrive is
// another figure, the latency (latencyP50Ms, latencyP99Ms), and is shown as latency.
double lagSeconds(const LinkStatus& link);
// The same in milliseconds, as the console shows and colours it; and at a moment of the
// region's record of the link (its lag history).
double lagMs(const LinkStatus& link);
double lagMs(const LinkStatus::Sample& sample);

}  // namespace meridian::console
