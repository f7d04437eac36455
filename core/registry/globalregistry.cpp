#include "registry/globalregistry.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace meridian::registry {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

Holding holdingOf(const v1::DiscoverResponse& catalogue, const CatalogueItem& item) {
    const auto& e = *item.entry;
    Holding h;
    h.region = catalogue.region();
    h.version = e.version();
    h.specHash = e.spec_hash();
    h.ownerRegion = *item.ownerRegion;
    h.publishedTo.assign(e.published_to().begin(), e.published_to().end());
    h.updatedAtMs = e.updated_at();
    return h;
}

// How `copy` compares with the definition it follows.
void judgeCopy(Holding& copy, const Holding& owner, bool federated) {
    copy.ownerVersion = owner.version;
    if (copy.version < owner.version)
        copy.drift = "behind";
    else if (copy.version == owner.version && copy.specHash != owner.specHash)
        copy.drift = "differs";
    else if (federated && !contains(owner.publishedTo, copy.region))
        copy.drift = "withdrawn";
}

Holding awaitedCopy(const std::string& region, const Holding& owner) {
    Holding h;
    h.region = region;
    h.ownerRegion = owner.region;
    h.ownerVersion = owner.version;
    h.drift = "missing";
    return h;
}

}  // namespace

bool GlobalObject::drifting() const {
    return std::any_of(copies.begin(), copies.end(),
                       [](const Holding& h) { return !h.drift.empty(); });
}

std::vector<std::string> GlobalObject::regionsHolding() const {
    std::vector<std::string> out;
    for (const auto* list : {&owners, &copies})
        for (const auto& h : *list)
            if (h.version > 0)
                out.push_back(h.region);
    std::sort(out.begin(), out.end());
    return out;
}

int GlobalRegistry::conflicts() const {
    return static_cast<int>(std::count_if(objects.begin(), objects.end(),
                                          [](const GlobalObject& o) { return o.conflict; }));
}

int GlobalRegistry::drifting() const {
    return static_cast<int>(std::count_if(objects.begin(), objects.end(),
                                          [](const GlobalObject& o) { return o.drifting(); }));
}

const GlobalObject* GlobalRegistry::find(const ObjectKey& key) const {
    auto it = std::lower_bound(objects.begin(), objects.end(), key,
                               [](const GlobalObject& o, const ObjectKey& k) { return o.key < k; });
    return it != objects.end() && it->key == key ? &*it : nullptr;
}

GlobalRegistry mergeCatalogues(const std::vector<v1::DiscoverResponse>& catalogues) {
    GlobalRegistry out;
    if (catalogues.empty())
        return out;
    out.mode = catalogues.front().control_mode();
    out.controlRegion = catalogues.front().control_region();
    for (const auto& c : catalogues) {
        out.answered.push_back(c.region());
        if (c.control_mode() != out.mode || c.control_region() != out.controlRegion)
            out.disagreeing.push_back(c.region());
    }
    const bool federated = out.mode == "federated";
    const bool controlAnswered = contains(out.answered, out.controlRegion);

    std::map<ObjectKey, GlobalObject> byKey;
    for (const auto& c : catalogues) {
        for (const auto& item : catalogueItems(c)) {
            auto& object = byKey[item.key];
            object.key = item.key;
            const bool owns =
                federated ? *item.ownerRegion == c.region() : c.region() == out.controlRegion;
            (owns ? object.owners : object.copies).push_back(holdingOf(c, item));
        }
    }

    for (auto& [key, object] : byKey) {
        for (size_t i = 1; i < object.owners.size(); ++i)
            object.conflict =
                object.conflict || object.owners[i].specHash != object.owners.front().specHash;
        std::set<std::string> holders;
        for (const auto& h : object.owners)
            holders.insert(h.region);
        for (auto& copy : object.copies) {
            holders.insert(copy.region);
            if (!federated) {
                if (!object.owners.empty())
                    judgeCopy(copy, object.owners.front(), false);
                else if (controlAnswered)
                    copy.drift = "deleted";  // the control region no longer has it
                continue;
            }
            auto owner =
                std::find_if(object.owners.begin(), object.owners.end(),
                             [&](const Holding& h) { return h.region == copy.ownerRegion; });
            if (owner != object.owners.end())
                judgeCopy(copy, *owner, true);
            else if (contains(out.answered, copy.ownerRegion))
                copy.drift = "deleted";  // its owner answered without it
        }
        // Regions that should hold the object and answered without it.
        if (federated) {
            for (const auto& owner : object.owners)
                for (const auto& region : owner.publishedTo)
                    if (contains(out.answered, region) && !holders.count(region))
                        object.copies.push_back(awaitedCopy(region, owner));
        } else if (!object.owners.empty()) {
            for (const auto& region : out.answered)
                if (!holders.count(region))
                    object.copies.push_back(awaitedCopy(region, object.owners.front()));
        }
        std::sort(object.copies.begin(), object.copies.end(),
                  [](const Holding& a, const Holding& b) { return a.region < b.region; });
        std::sort(object.owners.begin(), object.owners.end(),
                  [](const Holding& a, const Holding& b) { return a.region < b.region; });
        out.objects.push_back(std::move(object));
    }
    return out;
}

std::vector<CatalogueItem> catalogueItems(const v1::DiscoverResponse& catalogue) {
    std::vector<CatalogueItem> out;
    for (const auto& group : catalogue.groups())
        for (const auto& e : group.entries())
            out.push_back(
                {ObjectKey{e.kind(), e.kind() == v1::PROJECT ? std::string() : group.project(),
                           e.name()},
                 &group.owner_region(), &e});
    return out;
}

std::string specHashText(uint64_t hash) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

}  // namespace meridian::registry
