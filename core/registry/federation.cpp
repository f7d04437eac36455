#include "registry/federation.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_join.h"

namespace meridian::registry {
namespace {

bool listed(const google::protobuf::RepeatedPtrField<std::string>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

void addOnce(std::vector<ObjectKey>& out, std::set<ObjectKey>& seen, const Catalog& catalog,
             ObjectKey key) {
    if (catalog.find(key) && seen.insert(key).second)
        out.push_back(std::move(key));
}

// A view and what it needs, dependencies first.
void addView(std::vector<ObjectKey>& out, std::set<ObjectKey>& seen, const Catalog& catalog,
             const std::string& project, const std::string& name) {
    const auto* view = catalog.featureView(project, name);
    if (!view)
        return;
    for (const auto& entity : view->entities())
        addOnce(out, seen, catalog, {v1::ENTITY, project, entity});
    for (const auto& source : view->sources())
        addOnce(out, seen, catalog, {v1::DATA_SOURCE, project, source});
    addOnce(out, seen, catalog, {v1::FEATURE_VIEW, project, name});
}

}  // namespace

bool isPublishedTo(const v1::ObjectMeta& meta, std::string_view region) {
    return listed(meta.published_to(), region);
}

bool reachesPeer(const v1::RegistryObject& object, std::string_view sender, std::string_view peer) {
    const auto& meta = object.meta();
    return meta.owner_region() == sender &&
           (listed(meta.published_to(), peer) || listed(meta.withdrawn_from(), peer));
}

std::vector<ObjectKey> publicationClosure(const Catalog& catalog, const ObjectKey& key) {
    std::vector<ObjectKey> out;
    std::set<ObjectKey> seen;
    if (!catalog.find(key))
        return out;
    if (key.kind != v1::PROJECT)
        addOnce(out, seen, catalog, {v1::PROJECT, "", key.project});
    if (key.kind == v1::FEATURE_VIEW) {
        addView(out, seen, catalog, key.project, key.name);
    } else if (key.kind == v1::FEATURE_SERVICE) {
        for (const auto& projection : catalog.featureService(key.project, key.name)->features())
            addView(out, seen, catalog, key.project, projection.feature_view());
    }
    addOnce(out, seen, catalog, key);
    return out;
}

std::set<std::string> replicaRegionsOf(const v1::RegistryObject& object, std::string_view owner) {
    std::set<std::string> out;
    if (!object.has_feature_view())
        return out;
    const auto& policy = object.feature_view().replication();
    if (policy.mode() == v1::ReplicationPolicy::LOCAL ||
        policy.mode() == v1::ReplicationPolicy::MODE_UNSPECIFIED)
        return out;
    for (const auto& region : policy.regions())
        out.insert(region);
    if (!policy.hub().empty())
        out.insert(policy.hub());
    out.erase(std::string(owner));
    return out;
}

absl::Status residencyAllowsCopy(const v1::RegistryObject& object, const RegionSet& regions,
                                 const std::string& region) {
    if (!object.has_feature_view())
        return absl::OkStatus();
    const auto& view = object.feature_view();
    const auto allowed = regions.allowedRegions(view.residency());
    if (allowed.count(region))
        return absl::OkStatus();
    return absl::FailedPreconditionError(
        "feature view " + view.project() + "/" + view.name() + " may not go to '" + region +
        "': its residency allows only " + absl::StrJoin(allowed, ", ") +
        " (the definition names where its data lives; a region outside cannot hold it)");
}

uint64_t shortSpecHash(std::string_view hexHash) {
    uint64_t out = 0;
    for (size_t i = 0; i < 16 && i < hexHash.size(); ++i) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(hexHash[i])));
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return 0;
        out = out << 4 | static_cast<uint64_t>(digit);
    }
    return out;
}

}  // namespace meridian::registry
