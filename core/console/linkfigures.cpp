#include "console/linkfigures.h"

#include <algorithm>

namespace meridian::console {

std::string linkStateName(LinkState state) {
    switch (state) {
        case LinkState::Connecting:
            return "connecting";
        case LinkState::Streaming:
            return "streaming";
        case LinkState::Snapshot:
            return "snapshot";
        case LinkState::SnapshotNeeded:
            return "snapshot needed";
        case LinkState::Partitioned:
            return "partitioned";
        case LinkState::Down:
            return "down";
        case LinkState::Unknown:
            break;
    }
    return "unknown";
}

double lagSeconds(const LinkStatus& link) {
    return std::max(0.0, link.lagSeconds);
}

double lagMs(const LinkStatus& link) {
    return 1000.0 * lagSeconds(link);
}

double lagMs(const LinkStatus::Sample& sample) {
    return 1000.0 * std::max(0.0, sample.lagSeconds);
}

}  // namespace meridian::console
