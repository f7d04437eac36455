#pragma once
// Serves GetOnlineFeatures: the latest value of each asked feature per entity row, with a
// status per value (present, not found, null, outside the view's ttl).

#include <functional>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "replication/hybridclock.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class OnlineReader {
public:
    // Seconds this region's copy of a view lags behind its writers (0 where it is written).
    using StalenessFn = std::function<double(const v1::FeatureView&)>;
    // Highest clock value this region has applied (its replication watermark).
    using WatermarkFn = std::function<uint64_t()>;

    OnlineReader(storage::Database& db, storage::ViewIds& viewIds, RegistryStore& registry,
                 WatermarkFn watermark);
    void setStaleness(StalenessFn staleness) { m_staleness = std::move(staleness); }
    void setWatermark(WatermarkFn watermark) { m_watermark = std::move(watermark); }

    absl::StatusOr<v1::GetOnlineFeaturesResponse> read(const v1::GetOnlineFeaturesRequest& request,
                                                       int64_t nowMs) const;

private:
    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    RegistryStore& m_registry;
    WatermarkFn m_watermark;
    StalenessFn m_staleness;
};

}  // namespace meridian::serving
