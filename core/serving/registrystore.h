#pragma once
// The region's registry: applies validated, versioned changes to the database (with their
// changelog entry and audit row in the same transaction) and publishes the current catalog.

#include <mutex>
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

    // Inside a write transaction: stores an object replicated from a peer when its clock is
    // newer than the local version's (last writer wins). Call load() after the commit.
    absl::StatusOr<bool> putReplicated(storage::Connection& conn,
                                       const v1::RegistryObject& object) override;

private:
    absl::Status checkWritable() const;
    // Who changes the registry, where and when, for planning an apply or a delete.
    registry::ApplyContext contextFor(const std::string& principal) const;
    absl::Status store(std::vector<v1::RegistryObject>& objects, const std::string& principal,
                       const std::string& action, const std::string& requestId);
    void publish(registry::CatalogPtr catalog);

    storage::Database& m_db;
    replication::HybridClock& m_clock;
    std::string m_region;
    registry::RegionSet m_regions;
    std::string m_controlRegion;
    replication::HubEpochs* m_hubs = nullptr;
    std::mutex m_applyMutex;  // one registry change at a time
    mutable std::mutex m_catalogMutex;
    registry::CatalogPtr m_catalog;
};

}  // namespace meridian::serving
