#pragma once
// One region's data plane, opened from its data directory: database, clock, registry, and the
// readers and writers that serve features. The gRPC service and tests both build on it.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "registry/regionset.h"
#include "replication/hybridclock.h"
#include "serving/featurewriter.h"
#include "serving/historicalreader.h"
#include "serving/limits.h"
#include "serving/materializer.h"
#include "serving/onlinereader.h"
#include "serving/registrystore.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::serving {

struct RegionOptions {
    std::string name;
    std::string dataDir;  // created if missing; holds region.db
    storage::Durability durability = storage::Durability::Full;
    registry::RegionSet regions;  // the deployment's regions; this one is added if missing
    std::string controlRegion;    // centralized control plane: the registry's home
    bool federated = false;       // federated control plane: each region owns what it creates
    int64_t maxEventAheadMs = kDefaultMaxEventAheadMs;  // writes with later event times: refused
    storage::OpenCheck openCheck = storage::OpenCheck::Quick;  // region.db's check at start
};

class Region {
public:
    static absl::StatusOr<std::unique_ptr<Region>> open(RegionOptions options);

    const std::string& name() const { return m_options.name; }
    const RegionOptions& options() const { return m_options; }
    storage::Database& database() { return *m_db; }
    storage::ViewIds& viewIds() { return m_db->viewIds(); }
    replication::HybridClock& clock() { return m_clock; }
    RegistryStore& registry() { return *m_registry; }
    FeatureWriter& writer() { return *m_writer; }
    OnlineReader& online() { return *m_online; }
    HistoricalReader& historical() { return *m_historical; }
    Materializer& materializer() { return *m_materializer; }

private:
    explicit Region(RegionOptions options) : m_options(std::move(options)) {}

    RegionOptions m_options;
    std::unique_ptr<storage::Database> m_db;
    replication::HybridClock m_clock;
    std::unique_ptr<RegistryStore> m_registry;
    std::unique_ptr<FeatureWriter> m_writer;
    std::unique_ptr<OnlineReader> m_online;
    std::unique_ptr<HistoricalReader> m_historical;
    std::unique_ptr<Materializer> m_materializer;
};

}  // namespace meridian::serving
