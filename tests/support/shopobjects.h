#pragma once
// The registry objects of a demo-like shop repository, shared by the tests of the registry's
// apply plans, object diffs and lineage: two entities in use and one unused, two sources (one
// born in the EU), three views and a service.

#include <string>
#include <vector>

#include "registry/catalog.h"
#include "support/coretestdata.h"

namespace meridian::test {

inline std::vector<v1::RegistryObject> shopObjects() {
    using Mode = v1::ReplicationPolicy;
    std::vector<v1::RegistryObject> out;
    out.push_back(projectObject("shop"));
    out.push_back(entityObject("shop", "user", {{"user_id", v1::INT64}}));
    out.push_back(entityObject("shop", "merchant", {{"merchant_id", v1::STRING}}));
    out.push_back(entityObject("shop", "device", {{"device_id", v1::BYTES}}));
    out.push_back(sourceObject("shop", "payments", kUs));
    out.push_back(sourceObject("shop", "eu_clicks", kEu));
    auto stats =
        viewObject("shop", "user_stats", {"user"},
                   {{"txn_count", v1::INT64}, {"avg_amount", v1::DOUBLE}, {"country", v1::STRING}});
    stats.mutable_feature_view()->add_sources("payments");
    stats.mutable_feature_view()->set_ttl_seconds(3600);
    out.push_back(stats);
    auto risk =
        viewObject("shop", "merchant_risk", {"merchant"}, {{"chargeback_rate", v1::DOUBLE}});
    risk.mutable_feature_view()->mutable_replication()->set_mode(Mode::ACTIVE_ACTIVE);
    risk.mutable_feature_view()->mutable_replication()->add_regions(kUs);
    risk.mutable_feature_view()->mutable_replication()->add_regions(kEu);
    out.push_back(risk);
    auto clicks = viewObject("shop", "click_stats", {"user"}, {{"clicks", v1::INT64}});
    clicks.mutable_feature_view()->add_sources("eu_clicks");
    out.push_back(clicks);
    out.push_back(serviceObject(
        "shop", "scoring", {{"user_stats", {"txn_count", "avg_amount"}}, {"merchant_risk", {}}},
        {"fraud_v1"}));
    return out;
}

// The object of shopObjects() with this name (fatal if there is none).
inline v1::RegistryObject objectNamed(const std::string& name) {
    for (auto& o : shopObjects()) {
        if (registry::keyOf(o).name == name)
            return o;
    }
    qFatal("no object %s", name.c_str());
    return {};
}

}  // namespace meridian::test
