#include "serving/region.h"

#include <filesystem>
#include <system_error>

#include "registry/validation.h"
#include "storage/changelogtable.h"

namespace meridian::serving {

absl::StatusOr<std::unique_ptr<Region>> Region::open(RegionOptions options) {
    if (!registry::isValidName(options.name))
        return absl::InvalidArgumentError("region name '" + options.name + "' is not a valid name");
    if (options.dataDir.empty())
        return absl::InvalidArgumentError("data directory is missing");
    std::error_code ec;
    std::filesystem::create_directories(options.dataDir, ec);
    if (ec)
        return absl::PermissionDeniedError("cannot create data directory '" + options.dataDir +
                                           "': " + ec.message());
    if (!options.regions.contains(options.name)) {
        auto regions = options.regions.regions();
        regions.push_back({options.name, "", "", "", ""});
        options.regions = registry::RegionSet(std::move(regions));
    }

    std::unique_ptr<Region> region(new Region(std::move(options)));
    const std::string path =
        (std::filesystem::path(region->m_options.dataDir) / "region.db").string();
    storage::DatabaseOptions dbOptions;
    dbOptions.durability = region->m_options.durability;
    dbOptions.check = region->m_options.openCheck;
    auto db = storage::Database::open(path, dbOptions);
    if (!db.ok())
        return db.status();
    region->m_db = std::move(*db);

    // The clock restarts above every value this region ever recorded.
    {
        auto reader = region->m_db->read();
        if (!reader.ok())
            return reader.status();
        auto maxHlc = storage::ChangelogTable(**reader).maxHlc();
        if (!maxHlc.ok())
            return maxHlc.status();
        region->m_clock.restore(*maxHlc);
    }

    auto& r = *region;
    r.m_registry =
        std::make_unique<RegistryStore>(*r.m_db, r.m_clock, r.m_options.name, r.m_options.regions);
    r.m_registry->setControlRegion(r.m_options.controlRegion);
    r.m_registry->setFederated(r.m_options.federated);
    if (auto st = r.m_registry->load(); !st.ok())
        return st;
    if (auto st = r.m_registry->adoptControlPlane(); !st.ok())
        return st;
    r.m_writer = std::make_unique<FeatureWriter>(*r.m_db, r.viewIds(), r.m_clock, *r.m_registry);
    r.m_writer->setMaxEventAhead(r.m_options.maxEventAheadMs);
    r.m_online = std::make_unique<OnlineReader>(
        *r.m_db, r.viewIds(), *r.m_registry,
        [&clock = r.m_clock](const std::string&) { return clock.current(); });
    r.m_historical = std::make_unique<HistoricalReader>(*r.m_db, r.viewIds(), *r.m_registry);
    r.m_materializer =
        std::make_unique<Materializer>(*r.m_db, r.viewIds(), r.m_clock, *r.m_registry);
    return region;
}

}  // namespace meridian::serving
