#include "console/deploymentlayout.h"

#include <utility>

#include "deployment/deployment.h"

namespace meridian::console {

DeploymentSnapshot layoutOf(const deployment::Deployment& deployment) {
    DeploymentSnapshot out;
    for (const auto& entry : deployment.regions) {
        RegionStatus r;
        r.name = entry.info.name;
        r.cloud = entry.info.cloud;
        r.providerRegion = entry.info.providerRegion;
        r.jurisdiction = entry.info.jurisdiction;
        r.endpoint = entry.endpoint;
        r.latitude = entry.latitude;
        r.longitude = entry.longitude;
        r.role = r.name == deployment.controlRegion ? "control" : "replica";
        r.error = "not polled yet";
        out.regions.push_back(std::move(r));
    }
    for (const auto& link : deployment.links) {
        // Both directions of each emulated link, so that the map can draw it before any poll.
        for (const auto& [from, to] : {std::pair(link.a, link.b), std::pair(link.b, link.a)}) {
            LinkStatus l;
            l.from = from;
            l.to = to;
            l.state = LinkState::Connecting;
            l.emulated = true;
            l.emulation = "delay " + std::to_string(link.delayMs) + " ms";
            out.links.push_back(std::move(l));
        }
    }
    return out;
}

}  // namespace meridian::console
