#pragma once
// One view of every region's registry, merged from their catalogues (Registry.Discover): for
// each object, which regions own a definition of it and which hold copies, at which versions;
// and what is wrong: two owners with different specs (a conflict) or a copy behind its owner
// (drift). `meridianctl discover`, `meridianctl drift` and the console all read this merge.

#include <cstdint>
#include <string>
#include <vector>

#include "meridian/v1/registry.pb.h"
#include "registry/catalog.h"

namespace meridian::registry {

struct Holding {
    std::string region;
    int64_t version = 0;  // 0: the region holds nothing yet (a copy on its way)
    uint64_t specHash = 0;
    std::string ownerRegion;  // whose definition this is
    std::vector<std::string> publishedTo;
    int64_t updatedAtMs = 0;
    // Copies only, when the owner answered: the owner's version, and why this copy is drift
    // (empty when it is current).
    int64_t ownerVersion = 0;
    std::string drift;
};

struct GlobalObject {
    ObjectKey key;
    // Federated: every region owning a definition under this name (two or more with different
    // specs is a conflict). Centralized: the control region.
    std::vector<Holding> owners;
    std::vector<Holding> copies;  // replicas or published copies, by region
    bool conflict = false;
    bool drifting() const;
    std::vector<std::string> regionsHolding() const;  // owners and copies that hold a version
};

struct GlobalRegistry {
    std::string mode;                   // "centralized" or "federated", as the regions report it
    std::string controlRegion;          // centralized
    std::vector<std::string> answered;  // regions whose catalogue is merged
    // Regions that report another mode or control region than the first to answer.
    std::vector<std::string> disagreeing;
    std::vector<GlobalObject> objects;  // by kind, project and name

    int conflicts() const;
    int drifting() const;  // objects with at least one copy behind
    const GlobalObject* find(const ObjectKey& key) const;
};

GlobalRegistry mergeCatalogues(const std::vector<v1::DiscoverResponse>& catalogues);

// One catalogue's entries with the project and owner their group states once.
struct CatalogueItem {
    ObjectKey key;
    const std::string* ownerRegion = nullptr;
    const v1::CatalogueEntry* entry = nullptr;
};
std::vector<CatalogueItem> catalogueItems(const v1::DiscoverResponse& catalogue);

// "a1b2c3d4e5f60718": a catalogue's spec hash as text.
std::string specHashText(uint64_t hash);

}  // namespace meridian::registry
