#pragma once
// What a deployment file says of its regions and links, as the console shows them before any
// region has answered: every region with its cloud, place and role, every emulated link in both
// directions. The backend's polls start from the same figures.

#include "console/consoledata.h"

namespace meridian::deployment {
struct Deployment;
}

namespace meridian::console {

DeploymentSnapshot layoutOf(const deployment::Deployment& deployment);

}  // namespace meridian::console
