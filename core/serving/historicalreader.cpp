#include "serving/historicalreader.h"

#include <limits>

#include "registry/valuetypes.h"
#include "serving/featureselection.h"
#include "serving/limits.h"
#include "serving/rowcodec.h"
#include "storage/offlinetable.h"
#include "storage/rowformat.h"

namespace meridian::serving {

HistoricalReader::HistoricalReader(storage::Database& db, storage::ViewIds& viewIds,
                                   RegistryStore& registry)
    : m_db(db), m_viewIds(viewIds), m_registry(registry) {}

absl::StatusOr<v1::GetHistoricalFeaturesResponse> HistoricalReader::read(
    const v1::GetHistoricalFeaturesRequest& request) const {
    const auto catalog = m_registry.catalog();
    std::vector<std::string> refs;
    if (request.has_features())
        refs.assign(request.features().refs().begin(), request.features().refs().end());
    auto selection = selectFeatures(*catalog, request.project(), request.feature_service(), refs);
    if (!selection.ok())
        return selection.status();
    if (request.entities().empty())
        return absl::InvalidArgumentError("no entity rows given");
    if (request.entities_size() > kMaxHistoricalRows)
        return absl::InvalidArgumentError("request has " + std::to_string(request.entities_size()) +
                                          " entity rows; at most " +
                                          std::to_string(kMaxHistoricalRows) + " per request");
    for (const auto& sv : selection->views) {
        if (!sv.view->offline())
            return absl::FailedPreconditionError("feature view '" + sv.view->name() +
                                                 "' keeps no offline history");
    }

    const size_t nViews = selection->views.size();
    std::vector<std::string> keys(request.entities_size() * nViews);
    std::vector<const std::vector<v1::JoinKey>*> joinKeys;
    for (const auto& sv : selection->views)
        joinKeys.push_back(&sv.joinKeys);
    for (int r = 0; r < request.entities_size(); ++r) {
        if (request.entities(r).event_timestamp() <= 0)
            return absl::InvalidArgumentError("entity row " + std::to_string(r + 1) +
                                              ": event_timestamp is missing");
        for (size_t v = 0; v < nViews; ++v) {
            auto key = entityKeyFor(selection->views[v].joinKeys, request.entities(r).keys());
            if (!key.ok())
                return absl::InvalidArgumentError("entity row " + std::to_string(r + 1) + ": " +
                                                  std::string(key.status().message()) +
                                                  " (needed by feature view '" +
                                                  selection->views[v].view->name() + "')");
            keys[r * nViews + v] = std::move(*key);
        }
        if (auto st = onlyJoinKeys(request.entities(r).keys(), joinKeys); !st.ok())
            return absl::InvalidArgumentError("entity row " + std::to_string(r + 1) + ": " +
                                              std::string(st.message()));
    }

    v1::GetHistoricalFeaturesResponse response;
    // One snapshot for the whole answer.
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        return answer(request, *selection, keys, conn, response);
    });
    if (!st.ok())
        return st;
    return response;
}

absl::Status HistoricalReader::answer(const v1::GetHistoricalFeaturesRequest& request,
                                      const FeatureSelection& selection,
                                      const std::vector<std::string>& keys,
                                      storage::Connection& conn,
                                      v1::GetHistoricalFeaturesResponse& response) const {
    const size_t nViews = selection.views.size();
    auto& dict = m_db.dictionaries();
    const auto& schemas = dict.schemas;
    storage::OfflineTable table(conn, dict.regions, dict.schemas);

    for (const auto& name : selection.columnNames)
        response.add_feature_names(name);
    const int nColumns = static_cast<int>(selection.columnNames.size());
    auto storedIds = storedViewIds(selection, m_viewIds, conn);
    if (!storedIds.ok())
        return storedIds.status();
    const auto& viewIds = *storedIds;

    for (int r = 0; r < request.entities_size(); ++r) {
        const auto& entity = request.entities(r);
        auto* row = response.add_rows();
        *row->mutable_keys() = entity.keys();
        row->set_event_timestamp(entity.event_timestamp());
        for (int c = 0; c < nColumns; ++c)
            row->add_values()->set_status(v1::NOT_FOUND);
        for (size_t v = 0; v < nViews; ++v) {
            if (!viewIds[v])
                continue;
            const auto& sv = selection.views[v];
            const int64_t at = entity.event_timestamp();
            const int64_t ttlMs = sv.view->ttl_seconds() * 1000;
            const int64_t notBefore = ttlMs > 0 ? at - ttlMs : std::numeric_limits<int64_t>::min();
            auto record = table.pointInTime(*viewIds[v], keys[r * nViews + v], at, notBefore);
            if (!record.ok())
                return record.status();
            if (!*record) {
                if (ttlMs <= 0)
                    continue;
                // Something older than the ttl exists: say so rather than "not found".
                auto older = table.pointInTime(*viewIds[v], keys[r * nViews + v], at,
                                               std::numeric_limits<int64_t>::min());
                if (!older.ok())
                    return older.status();
                if (*older) {
                    for (int column : sv.columns) {
                        row->mutable_values(column)->set_status(v1::OUTSIDE_MAX_AGE);
                        row->mutable_values(column)->set_event_timestamp((*older)->eventTs);
                    }
                }
                continue;
            }
            uint32_t schemaId = 0;
            const storage::RowSchemaPtr schema =
                storage::rowSchemaId((*record)->vals, schemaId) ? schemas.find(schemaId) : nullptr;
            if (!schema)
                return storedRowError(sv, "names an unknown row schema");
            for (int column : sv.columns) {
                row->mutable_values(column)->set_event_timestamp((*record)->eventTs);
                row->mutable_values(column)->set_status(v1::NULL_VALUE);
            }
            // Fields are placed by name: the row may be older than the view's current schema.
            storage::RowReader fields((*record)->vals, *schema);
            int field = -1;
            while (fields.next(field)) {
                int column = -1;
                for (size_t i = 0; i < sv.features.size(); ++i) {
                    if (sv.view->features(sv.features[i]).name() == schema->fields[field].name)
                        column = sv.columns[i];
                }
                if (column < 0) {
                    fields.read(nullptr);
                    continue;
                }
                auto* out = row->mutable_values(column);
                if (!fields.read(out->mutable_value()))
                    break;
                out->set_status(v1::PRESENT);
            }
            if (!fields.ok())
                return storedRowError(sv, "does not decode");
        }
    }
    return absl::OkStatus();
}

}  // namespace meridian::serving
