#pragma once
// The regions a deployment knows, and what a residency policy allows among them.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"

namespace meridian::registry {

struct RegionInfo {
    std::string name;
    std::string cloud;           // "aws", "gcp", "azure", …
    std::string providerRegion;  // the cloud's own name, e.g. "eu-west-1"
    std::string jurisdiction;    // e.g. "eu", "us", "apac"
    std::string continent;       // e.g. "europe", "north-america", "asia"
};

class RegionSet {
public:
    RegionSet() = default;
    explicit RegionSet(std::vector<RegionInfo> regions);

    const std::vector<RegionInfo>& regions() const { return m_regions; }
    const RegionInfo* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }
    bool hasJurisdiction(std::string_view jurisdiction) const;
    std::vector<std::string> names() const;

    // Regions where data under `residency` may be stored. An empty policy allows every region.
    // Names outside the set are ignored here; validation reports them.
    std::set<std::string> allowedRegions(const v1::ResidencyPolicy& residency) const;

    // Regions that hold a copy of the view's data: its replication set (or its owner region),
    // restricted to what residency allows.
    std::set<std::string> storingRegions(const v1::FeatureView& view) const;

private:
    std::vector<RegionInfo> m_regions;
};

// The jurisdiction a provider region lies in when a deployment does not say ("eu" for
// aws eu-west-1, gcp europe-west4, azure westeurope…).
std::string guessJurisdiction(std::string_view cloud, std::string_view providerRegion);

}  // namespace meridian::registry
