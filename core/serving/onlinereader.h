#pragma once
// Serves GetOnlineFeatures: the latest value of each asked feature per entity row, with a
// status per value (present, not found, null, outside the view's ttl).

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "replication/hybridclock.h"
#include "serving/featureselection.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class OnlineReader {
public:
    // Seconds this region's copy of a view lags behind its writers (0 where it is written).
    using StalenessFn = std::function<double(const v1::FeatureView&)>;
    // Highest clock value of `origin`'s writes this region has applied; for an empty origin,
    // the value up to which every region's writes are applied (its replication watermark).
    using WatermarkFn = std::function<uint64_t(const std::string& origin)>;

    OnlineReader(storage::Database& db, storage::ViewIds& viewIds, RegistryStore& registry,
                 WatermarkFn watermark);
    void setStaleness(StalenessFn staleness) { m_staleness = std::move(staleness); }
    void setWatermark(WatermarkFn watermark) { m_watermark = std::move(watermark); }

    absl::StatusOr<v1::GetOnlineFeaturesResponse> read(const v1::GetOnlineFeaturesRequest& request,
                                                       int64_t nowMs) const;
    // The same, filling `response` (which may live on an arena, as the server's do).
    absl::Status read(const v1::GetOnlineFeaturesRequest& request, int64_t nowMs,
                      v1::GetOnlineFeaturesResponse* response) const;

private:
    // A resolved selection with what placing stored values needs, shared by every read that
    // asks for the same features under the same catalog.
    struct Plan {
        registry::CatalogPtr catalog;  // keeps the views the selection points to alive
        FeatureSelection selection;
        // Per view, every feature in definition order (the order rows are stored in) with its
        // answer column, -1 when not selected.
        std::vector<std::vector<std::pair<std::string, int>>> columnOf;
        std::vector<bool> storedHere;  // per view: this region keeps a copy of its data
    };
    absl::StatusOr<std::shared_ptr<const Plan>> planFor(
        const v1::GetOnlineFeaturesRequest& request) const;

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    RegistryStore& m_registry;
    WatermarkFn m_watermark;
    StalenessFn m_staleness;
    mutable std::mutex m_plansMutex;
    mutable const registry::Catalog* m_plansCatalog = nullptr;
    mutable std::unordered_map<std::string, std::shared_ptr<const Plan>> m_plans;
};

}  // namespace meridian::serving
