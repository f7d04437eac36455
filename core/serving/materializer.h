#pragma once
// Materialization: loads the latest offline value of each entity in a time range into the
// online store, where it is newer than what the online store holds.

#include <functional>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "replication/hybridclock.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class Materializer {
public:
    // Called after each batch; returning false cancels (what was written stays written).
    using Progress = std::function<bool(const v1::MaterializeProgress&)>;

    Materializer(storage::Database& db, storage::ViewIds& viewIds, replication::HybridClock& clock,
                 RegistryStore& registry);

    absl::Status run(const v1::MaterializeRequest& request, const Progress& progress);

private:
    absl::Status runView(const v1::FeatureView& view, int64_t start, int64_t end,
                         const Progress& progress);

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    replication::HybridClock& m_clock;
    RegistryStore& m_registry;
};

}  // namespace meridian::serving
