#include "registry/regionset.h"

#include <algorithm>
#include <array>

namespace meridian::registry {

RegionSet::RegionSet(std::vector<RegionInfo> regions) : m_regions(std::move(regions)) {}

const RegionInfo* RegionSet::find(std::string_view name) const {
    for (const auto& r : m_regions) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

bool RegionSet::hasJurisdiction(std::string_view jurisdiction) const {
    return std::any_of(m_regions.begin(), m_regions.end(),
                       [&](const RegionInfo& r) { return r.jurisdiction == jurisdiction; });
}

std::vector<std::string> RegionSet::names() const {
    std::vector<std::string> out;
    out.reserve(m_regions.size());
    for (const auto& r : m_regions)
        out.push_back(r.name);
    return out;
}

std::set<std::string> RegionSet::allowedRegions(const v1::ResidencyPolicy& residency) const {
    std::set<std::string> out;
    const bool open = residency.regions().empty() && residency.jurisdiction().empty();
    for (const auto& r : m_regions) {
        const bool listed = std::find(residency.regions().begin(), residency.regions().end(),
                                      r.name) != residency.regions().end();
        const bool inJurisdiction =
            !residency.jurisdiction().empty() && r.jurisdiction == residency.jurisdiction();
        if (open || listed || inJurisdiction)
            out.insert(r.name);
    }
    return out;
}

std::set<std::string> RegionSet::storingRegions(const v1::FeatureView& view) const {
    std::set<std::string> wanted;
    const auto mode = view.replication().mode();
    if (mode == v1::ReplicationPolicy::LOCAL || mode == v1::ReplicationPolicy::MODE_UNSPECIFIED ||
        view.replication().regions().empty()) {
        wanted.insert(view.owner_region());
    } else {
        wanted.insert(view.replication().regions().begin(), view.replication().regions().end());
    }
    const auto allowed = allowedRegions(view.residency());
    std::set<std::string> out;
    for (const auto& r : wanted) {
        if (allowed.count(r))
            out.insert(r);
    }
    return out;
}

std::string guessJurisdiction(std::string_view cloud, std::string_view providerRegion) {
    auto starts = [&](std::string_view prefix) { return providerRegion.starts_with(prefix); };
    auto has = [&](std::string_view part) {
        return providerRegion.find(part) != std::string_view::npos;
    };
    if (cloud == "azure") {
        // Checked before "us" below, which "austriaeast" also contains.
        static constexpr std::array<std::string_view, 10> kEu = {
            "europe", "france", "germany", "sweden",      "italy",
            "poland", "spain",  "norway",  "switzerland", "austria"};
        for (auto part : kEu) {
            if (has(part))
                return "eu";
        }
        if (has("uk"))
            return "uk";
        if (has("asia") || has("japan") || has("korea") || has("india") || has("australia"))
            return "apac";
        if (has("us") || has("canada"))
            return "us";
        return {};
    }
    // London left the EU: its regions form their own jurisdiction.
    if (providerRegion == "eu-west-2" || providerRegion == "europe-west2")
        return "uk";
    if (starts("eu-") || starts("europe-"))
        return "eu";
    if (starts("us-") || starts("ca-") || starts("northamerica-"))
        return "us";
    if (starts("ap-") || starts("asia-") || starts("australia-"))
        return "apac";
    if (starts("sa-") || starts("southamerica-"))
        return "latam";
    if (starts("me-") || starts("il-") || starts("af-"))
        return "emea";
    return {};
}

}  // namespace meridian::registry
