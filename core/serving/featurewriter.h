#pragma once
// Writes pushed rows into the online and offline stores: every row checked first, then all of
// them (with their changelog entries) in one transaction.

#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "replication/hybridclock.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class FeatureWriter {
public:
    FeatureWriter(storage::Database& db, storage::ViewIds& viewIds, replication::HybridClock& clock,
                  RegistryStore& registry);

    absl::StatusOr<v1::WriteFeaturesResponse> write(const v1::WriteFeaturesRequest& request);

private:
    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    replication::HybridClock& m_clock;
    RegistryStore& m_registry;
};

// Whether `region` may accept writes of `view` under its replication and residency policies;
// the error says where to write instead.
absl::Status checkWritableHere(const v1::FeatureView& view, const std::string& region,
                               const registry::RegionSet& regions);

}  // namespace meridian::serving
