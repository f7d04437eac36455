#include "replication/replicationpolicy.h"

#include <algorithm>

namespace meridian::replication {

bool writesHere(const v1::FeatureView& view, const std::string& region) {
    const auto& r = view.replication();
    switch (r.mode()) {
        case v1::ReplicationPolicy::HUB_SPOKE:
            return r.hub() == region;
        case v1::ReplicationPolicy::ACTIVE_ACTIVE:
            return std::find(r.regions().begin(), r.regions().end(), region) != r.regions().end();
        default:
            return view.owner_region() == region;
    }
}

Delivery copyOf(const v1::FeatureView& view, const std::string& receiver,
                const registry::RegionSet& regions) {
    const auto mode = view.replication().mode();
    if (mode == v1::ReplicationPolicy::LOCAL || mode == v1::ReplicationPolicy::MODE_UNSPECIFIED)
        return Delivery::Local;
    // Residency before the replication set: it holds whatever the policy says, and a region
    // outside it is told so (and the refusal counted) rather than quietly skipped.
    if (!regions.allowedRegions(view.residency()).count(receiver))
        return Delivery::Residency;
    if (!regions.storingRegions(view).count(receiver))
        return Delivery::NotReplica;
    return Delivery::Send;
}

Delivery deliveryOf(const v1::FeatureView& view, const std::string& sender,
                    const std::string& receiver, const registry::RegionSet& regions) {
    const Delivery copy = copyOf(view, receiver, regions);
    if (copy != Delivery::Send)
        return copy;
    if (view.replication().mode() == v1::ReplicationPolicy::BATCH)
        return Delivery::BatchOnly;
    if (!writesHere(view, sender))
        return Delivery::NotReplica;
    return Delivery::Send;
}

const char* deliveryName(Delivery delivery) {
    switch (delivery) {
        case Delivery::Send:
            return "send";
        case Delivery::NotReplica:
            return "not a replica";
        case Delivery::Residency:
            return "residency";
        case Delivery::BatchOnly:
            return "batch only";
        case Delivery::Local:
            return "local";
    }
    return "?";
}

std::string modeName(v1::ReplicationPolicy::Mode mode) {
    switch (mode) {
        case v1::ReplicationPolicy::HUB_SPOKE:
            return "hub_spoke";
        case v1::ReplicationPolicy::ACTIVE_ACTIVE:
            return "active_active";
        case v1::ReplicationPolicy::BATCH:
            return "batch";
        default:
            return "local";
    }
}

}  // namespace meridian::replication
