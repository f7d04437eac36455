#pragma once
// Point-in-time correct retrieval for training sets: for each entity row and its time, the
// latest event at or before that time and within the view's ttl (ties go to the later write).

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "serving/featureselection.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class HistoricalReader {
public:
    HistoricalReader(storage::Database& db, storage::ViewIds& viewIds, RegistryStore& registry);

    absl::StatusOr<v1::GetHistoricalFeaturesResponse> read(
        const v1::GetHistoricalFeaturesRequest& request) const;

private:
    absl::Status answer(const v1::GetHistoricalFeaturesRequest& request,
                        const FeatureSelection& selection, const std::vector<std::string>& keys,
                        storage::Connection& conn,
                        v1::GetHistoricalFeaturesResponse& response) const;

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    RegistryStore& m_registry;
};

}  // namespace meridian::serving
