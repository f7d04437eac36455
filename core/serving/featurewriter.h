#pragma once
// Writes pushed rows into the online and offline stores: every row checked first, then all of
// them (with their changelog entries) in one transaction.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "replication/hybridclock.h"
#include "serving/limits.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

class FeatureWriter {
public:
    FeatureWriter(storage::Database& db, storage::ViewIds& viewIds, replication::HybridClock& clock,
                  RegistryStore& registry);

    absl::StatusOr<v1::WriteFeaturesResponse> write(const v1::WriteFeaturesRequest& request);
    // Rows with an event time further ahead of the region's clock than this are refused.
    void setMaxEventAhead(int64_t ms) { m_maxEventAheadMs = ms; }
    // The same without blocking the calling thread: the request is checked at once, and `done`
    // hears the outcome once the rows are durable (with `response` filled). `request` and
    // `response` must live until then.
    using Done = std::function<void(const absl::Status&)>;
    void submit(const v1::WriteFeaturesRequest& request, v1::WriteFeaturesResponse* response,
                Done done);

private:
    struct Prepared;
    // Every row checked before the database is touched: a bad row rejects the whole request.
    absl::StatusOr<std::unique_ptr<Prepared>> prepare(
        const v1::WriteFeaturesRequest& request) const;
    storage::Database::Body bodyOf(const Prepared& prepared, v1::WriteFeaturesResponse& response);
    // A hub's write is acknowledged only if the hub still holds its lease once the commit is
    // durable (replication/hubepochs.h): else UNAVAILABLE, saying the write may stand here.
    absl::Status acknowledged(const Prepared& prepared) const;
    void submitOnce(const v1::WriteFeaturesRequest& request, v1::WriteFeaturesResponse* response,
                    Done done, bool mayWait);
    absl::Status writeRows(const Prepared& prepared, storage::Connection& conn,
                           v1::WriteFeaturesResponse& response);

    storage::Database& m_db;
    int64_t m_maxEventAheadMs = kDefaultMaxEventAheadMs;
    storage::ViewIds& m_viewIds;
    replication::HybridClock& m_clock;
    RegistryStore& m_registry;
};

// Whether `region` may accept writes of `view` under its replication and residency policies;
// the error says where to write instead.
absl::Status checkWritableHere(const v1::FeatureView& view, const std::string& region,
                               const registry::RegionSet& regions);

}  // namespace meridian::serving
