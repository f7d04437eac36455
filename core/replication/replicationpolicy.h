#pragma once
// Where a feature view's data may go: the replication policy says which regions hold copies
// and who writes, residency says where data may live at all. Enforced by the sender.

#include <string>

#include "meridian/v1/registry.pb.h"
#include "registry/regionset.h"

namespace meridian::replication {

enum class Delivery {
    Send,        // stream the change to the receiver
    NotReplica,  // the receiver holds no copy of this view (or the sender does not write it)
    Residency,   // residency forbids the receiver: withheld and counted as a refusal
    BatchOnly,   // the view moves by batch sync only
    Local,       // the view never leaves its region
};

// Whether `region` accepts writes of `view`: the hub, an active-active member, else the owner.
bool writesHere(const v1::FeatureView& view, const std::string& region);

// What to do with a change of `view` written at `sender` when `receiver` pulls.
Delivery deliveryOf(const v1::FeatureView& view, const std::string& sender,
                    const std::string& receiver, const registry::RegionSet& regions);

// Whether a snapshot or batch copy of `view` may be sent to `receiver` (it holds a copy, and
// residency allows it).
Delivery copyOf(const v1::FeatureView& view, const std::string& receiver,
                const registry::RegionSet& regions);

const char* deliveryName(Delivery delivery);
std::string modeName(v1::ReplicationPolicy::Mode mode);

}  // namespace meridian::replication
