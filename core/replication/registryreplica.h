#pragma once
// What replication needs of a region's registry: the current catalog and deployment, and a way
// to store objects replicated from peers. serving::RegistryStore implements it.

#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "registry/catalog.h"
#include "registry/regionset.h"
#include "storage/sqlite.h"

namespace meridian::replication {

class RegistryReplica {
public:
    virtual ~RegistryReplica() = default;

    virtual registry::CatalogPtr catalog() const = 0;
    virtual const registry::RegionSet& regions() const = 0;
    virtual const std::string& region() const = 0;
    // Inside a write transaction: stores an object that `origin` sent when it is newer than
    // the local version (last writer wins by clock) and the control plane's rules allow it;
    // true when stored.
    virtual absl::StatusOr<bool> putReplicated(storage::Connection& conn,
                                               const v1::RegistryObject& object,
                                               const std::string& origin) = 0;
    // Re-reads the catalog after replicated objects were committed.
    virtual absl::Status load() = 0;
    // Whether registry changes made here go to some peers only (federated: to the regions each
    // object is published to), and whether a change of `object` goes to `peer`. Centralized:
    // every change goes everywhere.
    virtual bool filtersRegistry() const = 0;
    virtual bool sendsTo(const v1::RegistryObject& object, const std::string& peer) const = 0;
};

}  // namespace meridian::replication
