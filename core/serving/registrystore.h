#pragma once
// The region's registry: applies validated, versioned changes to the database (with their
// changelog entry and audit row in the same transaction) and publishes the current catalog.

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "registry/applyplan.h"
#include "registry/catalog.h"
#include "registry/regionset.h"
#include "replication/hubepochs.h"
#include "replication/hybridclock.h"
#include "replication/registryreplica.h"
#include "storage/database.h"

namespace meridian::serving {

class RegistryStore : public replication::RegistryReplica {
public:
    RegistryStore(storage::Database& db, replication::HybridClock& clock, std::string region,
                  registry::RegionSet regions);

    absl::Status load() override;

    // The current objects; a snapshot that stays valid while held.
    registry::CatalogPtr catalog() const override;
    const registry::RegionSet& regions() const override { return m_regions; }
    const std::string& region() const override { return m_region; }

    // Hub-and-spoke views' hubs as promotions left them: the published catalog carries them
    // in place of the specs' (set before the region serves; then load() again).
    void setHubs(replication::HubEpochs* hubs) { m_hubs = hubs; }
    replication::HubEpochs* hubs() const { return m_hubs; }

    // In a centralized control plane only the control region accepts registry writes.
    void setControlRegion(std::string controlRegion) { m_controlRegion = std::move(controlRegion); }
    const std::string& controlRegion() const { return m_controlRegion; }
    // In a federated one every region changes what it owns and shares it by publishing it
    // (registry/federation.h).
    void setFederated(bool federated) { m_federated = federated; }
    bool federated() const { return m_federated; }

    // `principal` and `requestId` go to the audit log, in the change's own transaction.
    absl::StatusOr<v1::ApplyResponse> apply(const v1::ApplyRequest& request,
                                            const std::string& principal,
                                            const std::string& requestId = {});
    absl::StatusOr<v1::ObjectMeta> remove(const v1::ObjectRef& ref, const std::string& principal,
                                          const std::string& requestId = {});
    absl::StatusOr<v1::RegistryObject> get(const v1::ObjectRef& ref, int64_t version) const;
    absl::StatusOr<std::vector<v1::RegistryObject>> list(
        const v1::ListObjectsRequest& request) const;
    absl::StatusOr<std::vector<v1::RegistryObject>> history(const v1::ObjectRef& ref) const;
    v1::LineageResponse lineage(const std::string& project) const;

    // Federated: makes an object this region owns (with what it needs) available to other
    // regions as read-only copies, or withdraws it from them.
    absl::StatusOr<v1::PublishResponse> publish(const v1::PublishRequest& request,
                                                const std::string& principal,
                                                const std::string& requestId = {});
    // What this region holds, owned or copied, without the specs.
    v1::DiscoverResponse discover(const v1::DiscoverRequest& request) const;
    bool filtersRegistry() const override { return m_federated; }
    bool sendsTo(const v1::RegistryObject& object, const std::string& peer) const override;

    // Inside a write transaction: stores an object replicated from a peer when its clock is
    // newer than the local version's (last writer wins), unless it would replace a definition
    // of another owner (federated) or comes from a region other than the control region and
    // the name is taken here (centralized). Call load() after the commit.
    absl::StatusOr<bool> putReplicated(storage::Connection& conn, const v1::RegistryObject& object,
                                       const std::string& origin) override;

    // After load(), at startup: when the region last ran under another control plane, what it
    // owns is sent again under the new one's rules. Turning federated, it is published to
    // every region residency allows (each held a copy in the centralized registry) and
    // withdrawn from the others; turning centralized, it is sent to every region, and the
    // control region changes it from then on.
    absl::Status adoptControlPlane();

private:
    absl::Status checkWritable() const;
    // Who changes the registry, where and when, for planning an apply or a delete.
    registry::ApplyContext contextFor(const std::string& principal) const;
    // `result` is the audit entry's result (empty: the version stored); `also` runs in the
    // same transaction once the objects are stored.
    using StoreAlso = std::function<absl::Status(storage::Connection&)>;
    absl::Status store(std::vector<v1::RegistryObject>& objects, const std::string& principal,
                       const std::string& action, const std::string& requestId,
                       const std::string& result = {}, const StoreAlso& also = {});
    // Federated, inside a write: the newest definition kept aside for `key` takes the name
    // (the held one went). True when one did.
    absl::StatusOr<bool> takeRefused(storage::Connection& conn,
                                     const registry::ObjectKey& key) const;
    // Federated: refuses changes to objects owned elsewhere, and carries each changed object's
    // audience into its new version, widened to the regions a view replicates to.
    absl::Status federate(const registry::Catalog& current, const registry::Catalog& after,
                          std::vector<v1::RegistryObject>& changed) const;
    // Adds `regions` to the audience of `key` and of what it needs; objects whose audience
    // grows are put in `out`. Refused when something it needs is owned elsewhere and not
    // published there.
    absl::Status widenAudience(const registry::Catalog& catalog, const registry::ObjectKey& key,
                               const std::set<std::string>& regions,
                               std::map<registry::ObjectKey, v1::RegistryObject>& out) const;
    void publish(registry::CatalogPtr catalog);

    storage::Database& m_db;
    replication::HybridClock& m_clock;
    std::string m_region;
    registry::RegionSet m_regions;
    std::string m_controlRegion;
    bool m_federated = false;
    replication::HubEpochs* m_hubs = nullptr;
    std::mutex m_applyMutex;  // one registry change at a time
    mutable std::mutex m_catalogMutex;
    registry::CatalogPtr m_catalog;
};

}  // namespace meridian::serving
