#pragma once
// The rules of a federated control plane: each region owns the objects it created and is the
// only one to change them; an object is private to its owner until published, and a published
// object travels (with what it needs) as read-only copies to exactly the regions it names.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/catalog.h"
#include "registry/regionset.h"

namespace meridian::registry {

bool isPublishedTo(const v1::ObjectMeta& meta, std::string_view region);

// Whether a change of `object` made at `sender` goes to `peer` under a federated control
// plane: only the owner sends, and only to the regions it published the object to (or, on the
// change that withdraws them, to the regions losing their copy).
bool reachesPeer(const v1::RegistryObject& object, std::string_view sender, std::string_view peer);

// What a publication of `key` carries: the object and what it needs to be usable where it
// lands (a view's project, entities and sources; a service's views and theirs), dependencies
// first. Objects the catalog does not hold are left out.
std::vector<ObjectKey> publicationClosure(const Catalog& catalog, const ObjectKey& key);

// The regions a view's data is replicated to besides `owner`: they need its definition, so a
// federated region publishes the view (and what it needs) to them when it is applied.
std::set<std::string> replicaRegionsOf(const v1::RegistryObject& object, std::string_view owner);

// Why `region` may not receive a copy of `object` under its residency, or OK. Only feature
// views carry residency; every other kind may go anywhere.
absl::Status residencyAllowsCopy(const v1::RegistryObject& object, const RegionSet& regions,
                                 const std::string& region);

// The first 8 bytes of a hex spec hash, as a catalogue carries it (0 when it is not hex).
uint64_t shortSpecHash(std::string_view hexHash);

}  // namespace meridian::registry
