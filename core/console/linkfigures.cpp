#include "console/linkfigures.h"

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

}  // namespace meridian::console
