#include "serving/featurewriter.h"

#include "absl/strings/str_join.h"
#include "serving/featureselection.h"
#include "serving/limits.h"
#include "serving/rowcodec.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"

namespace meridian::serving {
namespace {

struct PreparedRow {
    std::string key;
    int64_t eventTs = 0;
    std::vector<const v1::Value*> values;  // in the view's feature order; point into the request
};

}  // namespace

// A checked request and what its transaction needs; lives until the write is committed.
struct FeatureWriter::Prepared {
    registry::CatalogPtr catalog;  // keeps `view` alive
    const v1::FeatureView* view = nullptr;
    storage::RowSchema schema;
    bool toOnline = false;
    bool toOffline = false;
    std::vector<PreparedRow> rows;
};

absl::Status checkWritableHere(const v1::FeatureView& view, const std::string& region,
                               const registry::RegionSet& regions) {
    const auto& r = view.replication();
    const std::string name = "feature view '" + view.name() + "'";
    if (!regions.allowedRegions(view.residency()).count(region))
        return absl::FailedPreconditionError(name + " may not store data in region '" + region +
                                             "' (residency)");
    switch (r.mode()) {
        case v1::ReplicationPolicy::HUB_SPOKE:
            if (r.hub() != region)
                return absl::FailedPreconditionError(name +
                                                     " is hub-and-spoke: write to its hub '" +
                                                     r.hub() + "', not '" + region + "'");
            break;
        case v1::ReplicationPolicy::ACTIVE_ACTIVE:
            if (std::find(r.regions().begin(), r.regions().end(), region) == r.regions().end())
                return absl::FailedPreconditionError(name + " is active-active in [" +
                                                     absl::StrJoin(r.regions(), ", ") +
                                                     "], which does not include '" + region + "'");
            break;
        default:
            if (view.owner_region() != region)
                return absl::FailedPreconditionError(name + " is written in its owner region '" +
                                                     view.owner_region() + "', not '" + region +
                                                     "'");
            break;
    }
    return absl::OkStatus();
}

FeatureWriter::FeatureWriter(storage::Database& db, storage::ViewIds& viewIds,
                             replication::HybridClock& clock, RegistryStore& registry)
    : m_db(db), m_viewIds(viewIds), m_clock(clock), m_registry(registry) {}

absl::StatusOr<v1::WriteFeaturesResponse> FeatureWriter::write(
    const v1::WriteFeaturesRequest& request) {
    auto prepared = prepare(request);
    if (!prepared.ok())
        return prepared.status();
    v1::WriteFeaturesResponse response;
    if (auto st = m_db.write(bodyOf(**prepared, response)); !st.ok())
        return st;
    if (auto st = acknowledged(**prepared); !st.ok())
        return st;
    return response;
}

absl::Status FeatureWriter::acknowledged(const Prepared& prepared) const {
    const auto* hubs = m_registry.hubs();
    if (!hubs || prepared.view->replication().mode() != v1::ReplicationPolicy::HUB_SPOKE)
        return absl::OkStatus();
    auto st = hubs->admitsWrite(prepared.view->project() + "/" + prepared.view->name());
    if (st.ok())
        return st;
    return absl::UnavailableError(
        std::string(st.message()) +
        ". The write was committed here before that was known and is not acknowledged: if "
        "another region has taken over the view, this region lists it among its orphaned "
        "changes (meridianctl hubs --orphans); otherwise it replicates as usual");
}

void FeatureWriter::submit(const v1::WriteFeaturesRequest& request,
                           v1::WriteFeaturesResponse* response, Done done) {
    submitOnce(request, response, std::move(done), /*mayWait=*/true);
}

void FeatureWriter::submitOnce(const v1::WriteFeaturesRequest& request,
                               v1::WriteFeaturesResponse* response, Done done, bool mayWait) {
    auto prepared = prepare(request);
    // A hub whose lease is not held yet (just started, or a peer's answer late) holds the write
    // for up to one lease period rather than refuse it; the request outlives `done`.
    if (!prepared.ok() && mayWait && m_registry.hubs() &&
        prepared.status().code() == absl::StatusCode::kUnavailable) {
        auto* hubs = m_registry.hubs();
        hubs->whenAdmitted(
            request.project() + "/" + request.feature_view(), hubs->leaseMs(),
            [this, &request, response, done = std::move(done)](const absl::Status& st) mutable {
                if (!st.ok())
                    return done(st);
                submitOnce(request, response, std::move(done), /*mayWait=*/false);
            });
        return;
    }
    if (!prepared.ok()) {
        done(prepared.status());
        return;
    }
    std::shared_ptr<const Prepared> kept = std::move(*prepared);
    m_db.submit(bodyOf(*kept, *response),
                [this, kept, done = std::move(done)](const absl::Status& st) {
                    done(st.ok() ? acknowledged(*kept) : st);
                });
}

absl::StatusOr<std::unique_ptr<FeatureWriter::Prepared>> FeatureWriter::prepare(
    const v1::WriteFeaturesRequest& request) const {
    auto catalog = m_registry.catalog();
    if (request.project().empty())
        return absl::InvalidArgumentError("project is missing");
    if (request.feature_view().empty())
        return absl::InvalidArgumentError("feature_view is missing");
    const auto* view = catalog->featureView(request.project(), request.feature_view());
    if (!view)
        return absl::NotFoundError("feature view '" + request.feature_view() +
                                   "' not found in project '" + request.project() + "'");
    if (request.rows().empty())
        return absl::InvalidArgumentError("no rows to write");
    if (request.rows_size() > kMaxRowsPerWrite)
        return absl::InvalidArgumentError("request has " + std::to_string(request.rows_size()) +
                                          " rows; at most " + std::to_string(kMaxRowsPerWrite) +
                                          " per write");
    if (auto st = checkWritableHere(*view, m_registry.region(), m_registry.regions()); !st.ok())
        return st;
    // A hub acknowledges writes only while it holds its epoch's lease (replication/hubepochs.h).
    if (view->replication().mode() == v1::ReplicationPolicy::HUB_SPOKE && m_registry.hubs())
        if (auto st =
                m_registry.hubs()->admitsWrite(request.project() + "/" + request.feature_view());
            !st.ok())
            return st;

    // An unknown target would be stored nowhere here and logged for the peers to store
    // somewhere: refused, whatever a client's enum says.
    if (!v1::WriteTarget_IsValid(request.target()))
        return absl::InvalidArgumentError(
            "target " + std::to_string(request.target()) +
            " is not ONLINE (1), OFFLINE (2) or ONLINE_AND_OFFLINE (3); leave it unset for both");
    const auto target = request.target() == v1::WRITE_TARGET_UNSPECIFIED ? v1::ONLINE_AND_OFFLINE
                                                                         : request.target();
    const bool explicitOnline = request.target() == v1::ONLINE;
    const bool explicitOffline = request.target() == v1::OFFLINE;
    if (explicitOnline && !view->online())
        return absl::InvalidArgumentError("feature view '" + view->name() +
                                          "' has no online store");
    if (explicitOffline && !view->offline())
        return absl::InvalidArgumentError("feature view '" + view->name() +
                                          "' has no offline store");
    const bool toOnline =
        view->online() && (target == v1::ONLINE || target == v1::ONLINE_AND_OFFLINE);
    const bool toOffline =
        view->offline() && (target == v1::OFFLINE || target == v1::ONLINE_AND_OFFLINE);

    auto joinKeys = joinKeysOf(*catalog, *view);
    if (!joinKeys.ok())
        return joinKeys.status();

    // Check every row before touching the database: a bad row rejects the whole request.
    const int64_t latest = replication::wallClockMs() + m_maxEventAheadMs;
    const std::vector<const std::vector<v1::JoinKey>*> keysOfView{&*joinKeys};
    std::vector<PreparedRow> rows;
    rows.reserve(request.rows_size());
    for (int i = 0; i < request.rows_size(); ++i) {
        const auto& row = request.rows(i);
        auto fail = [&](const absl::Status& st) {
            return absl::InvalidArgumentError("row " + std::to_string(i + 1) + ": " +
                                              std::string(st.message()));
        };
        auto key = entityKeyFor(*joinKeys, row.keys());
        if (!key.ok())
            return fail(key.status());
        if (auto st = onlyJoinKeys(row.keys(), keysOfView); !st.ok())
            return fail(st);
        if (row.event_timestamp() == 0)
            return fail(absl::InvalidArgumentError("event_timestamp is missing"));
        if (row.event_timestamp() < 0)
            return fail(absl::InvalidArgumentError(
                "event_timestamp " + std::to_string(row.event_timestamp()) +
                " is before 1970; event times are milliseconds since the Unix epoch"));
        if (row.event_timestamp() > latest)
            return fail(absl::InvalidArgumentError(
                "event_timestamp " + std::to_string(row.event_timestamp()) + " is more than " +
                std::to_string(m_maxEventAheadMs / 1000) +
                " s ahead of this region's clock: the latest event wins every conflict, so such a "
                "row would never change again"));
        auto values = featureValuesFor(*view, row.values());
        if (!values.ok())
            return fail(values.status());
        rows.push_back({std::move(*key), row.event_timestamp(), std::move(*values)});
    }

    auto out = std::make_unique<Prepared>();
    out->catalog = std::move(catalog);
    out->view = view;
    out->schema = storage::RowSchema::of(*view);
    out->toOnline = toOnline;
    out->toOffline = toOffline;
    out->rows = std::move(rows);
    return out;
}

storage::Database::Body FeatureWriter::bodyOf(const Prepared& prepared,
                                              v1::WriteFeaturesResponse& response) {
    return [this, &prepared, &response](storage::Connection& conn) -> absl::Status {
        return writeRows(prepared, conn, response);
    };
}

absl::Status FeatureWriter::writeRows(const Prepared& p, storage::Connection& conn,
                                      v1::WriteFeaturesResponse& response) {
    const auto* view = p.view;
    const auto& schema = p.schema;
    const bool toOnline = p.toOnline, toOffline = p.toOffline;
    const std::string& region = m_registry.region();
    const auto stored =
        toOnline && toOffline ? v1::ONLINE_AND_OFFLINE : (toOnline ? v1::ONLINE : v1::OFFLINE);
    auto& dict = m_db.dictionaries();
    auto viewId = dict.views.obtain(conn, view->project(), view->name());
    if (!viewId.ok())
        return viewId.status();
    auto origin = dict.regions.obtain(conn, region);
    if (!origin.ok())
        return origin.status();
    auto schemaId = dict.schemas.obtain(conn, schema);
    if (!schemaId.ok())
        return schemaId.status();
    storage::OnlineTable online(conn);
    storage::OfflineTable offline(conn, dict.regions, dict.schemas);
    storage::ChangelogTable log(conn);
    storage::PartitionDeltas deltas;
    const int64_t commitMs = replication::wallClockMs();
    int64_t applied = 0, stale = 0, appended = 0;
    v1::Change body;
    storage::LogAppend entry;
    entry.kind = v1::Change::FEATURE_ROW;
    entry.viewId = *viewId;
    entry.commitMs = commitMs;
    entry.schemaId = *schemaId;
    int64_t erased = 0;
    for (const auto& row : p.rows) {
        const uint64_t hlc = m_clock.tick();
        // An erased entity's rows from before its erasure stay erased (replays, late loads).
        if (dict.erased.blocks(*viewId, row.key, row.eventTs, hlc)) {
            ++erased;
            continue;
        }
        std::string vals = storage::encodeRow(*schemaId, schema, row.values);
        if (toOnline) {
            auto changed =
                online.upsert(*viewId, row.key, {row.eventTs, hlc, *origin, false, vals});
            if (!changed.ok())
                return changed.status();
            (*changed ? applied : stale)++;
        }
        if (toOffline) {
            auto added =
                offline.append(*viewId, {row.key, row.eventTs, hlc, *origin, vals}, deltas);
            if (!added.ok())
                return added.status();
            if (*added)
                ++appended;
        }
        body.set_entity_key(row.key);
        body.set_event_timestamp(row.eventTs);
        body.set_target(stored);
        body.set_values(std::move(vals));
        entry.hlc = hlc;
        body.SerializeToString(&entry.body);
        if (auto s = log.append(entry); !s.ok())
            return s.status();
        response.set_version(hlc);
    }
    if (auto s = offline.applyDeltas(deltas); !s.ok())
        return s;
    response.set_region(m_registry.region());
    response.set_online_applied(applied);
    response.set_online_stale(stale);
    response.set_offline_appended(appended);
    response.set_rows_written(applied + appended);
    response.set_rows_erased(erased);
    return absl::OkStatus();
}

}  // namespace meridian::serving
