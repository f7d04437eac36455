#include "serving/onlinereader.h"

#include <cstdio>

#include <google/protobuf/arena.h>

#include "registry/valuetypes.h"
#include "serving/featureselection.h"
#include "serving/limits.h"
#include "serving/rowcodec.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"

namespace meridian::serving {
OnlineReader::OnlineReader(storage::Database& db, storage::ViewIds& viewIds,
                           RegistryStore& registry, WatermarkFn watermark)
    : m_db(db), m_viewIds(viewIds), m_registry(registry), m_watermark(std::move(watermark)) {}

absl::StatusOr<std::shared_ptr<const OnlineReader::Plan>> OnlineReader::planFor(
    const v1::GetOnlineFeaturesRequest& request) const {
    // Requests name their features the same way again and again: resolve each once per catalog.
    std::string signature = request.project();
    signature += '\n';
    signature += request.feature_service();
    for (const auto& ref : request.features().refs()) {
        signature += '\n';
        signature += ref;
    }
    auto catalog = m_registry.catalog();
    {
        std::lock_guard lock(m_plansMutex);
        if (m_plansCatalog != catalog.get()) {
            m_plans.clear();
            m_plansCatalog = catalog.get();
        }
        if (auto it = m_plans.find(signature); it != m_plans.end())
            return it->second;
    }
    std::vector<std::string> refs(request.features().refs().begin(),
                                  request.features().refs().end());
    auto selection = selectFeatures(*catalog, request.project(), request.feature_service(), refs);
    if (!selection.ok())
        return selection.status();
    auto plan = std::make_shared<Plan>();
    plan->catalog = catalog;
    plan->selection = std::move(*selection);
    plan->columnOf.resize(plan->selection.views.size());
    plan->storedHere.resize(plan->selection.views.size());
    const auto& regions = m_registry.regions();
    for (size_t v = 0; v < plan->selection.views.size(); ++v) {
        const auto& sv = plan->selection.views[v];
        auto& columns = plan->columnOf[v];
        for (const auto& f : sv.view->features())
            columns.emplace_back(f.name(), -1);
        for (size_t i = 0; i < sv.features.size(); ++i)
            columns[sv.features[i]].second = sv.columns[i];
        // The region set is fixed for the process, so the answer holds as long as the catalog.
        plan->storedHere[v] = regions.regions().empty() ||
                              regions.storingRegions(*sv.view).count(m_registry.region()) > 0;
    }
    std::lock_guard lock(m_plansMutex);
    if (m_plansCatalog == catalog.get() && m_plans.size() < 256)
        m_plans[signature] = plan;
    return std::shared_ptr<const Plan>(std::move(plan));
}

absl::StatusOr<v1::GetOnlineFeaturesResponse> OnlineReader::read(
    const v1::GetOnlineFeaturesRequest& request, int64_t nowMs) const {
    v1::GetOnlineFeaturesResponse response;
    if (auto st = read(request, nowMs, &response); !st.ok())
        return st;
    return response;
}

absl::Status OnlineReader::read(const v1::GetOnlineFeaturesRequest& request, int64_t nowMs,
                                v1::GetOnlineFeaturesResponse* response) const {
    auto plan = planFor(request);
    if (!plan.ok())
        return plan.status();
    const FeatureSelection& selection = (*plan)->selection;
    const auto& columnOf = (*plan)->columnOf;
    if (request.entities().empty())
        return absl::InvalidArgumentError("no entity rows given");
    if (request.entities_size() > kMaxEntitiesPerRead)
        return absl::InvalidArgumentError("request has " + std::to_string(request.entities_size()) +
                                          " entity rows; at most " +
                                          std::to_string(kMaxEntitiesPerRead) + " per read");

    const uint64_t watermark = m_watermark ? m_watermark({}) : 0;
    if (request.min_version() > 0) {
        const std::string& origin = request.min_version_region();
        if (!origin.empty() && !m_registry.regions().regions().empty() &&
            !m_registry.regions().find(origin))
            return absl::InvalidArgumentError("min_version_region '" + origin +
                                              "' is not a region of this deployment");
        const uint64_t applied =
            origin.empty() ? watermark : (m_watermark ? m_watermark(origin) : 0);
        if (request.min_version() > applied)
            return absl::FailedPreconditionError(
                "region '" + m_registry.region() + "' has not applied version " +
                std::to_string(request.min_version()) +
                (origin.empty() ? std::string(" of every region") : " of region '" + origin + "'") +
                " yet (applied up to " + std::to_string(applied) +
                "); retry or read from the region that wrote it");
    }
    for (size_t v = 0; v < selection.views.size(); ++v) {
        const auto& sv = selection.views[v];
        if (!(*plan)->storedHere[v])
            return absl::FailedPreconditionError("feature view '" + sv.view->name() +
                                                 "' is not stored in region '" +
                                                 m_registry.region() + "'");
        if (request.max_staleness_ms() > 0 && m_staleness) {
            const double lag = m_staleness(*sv.view);
            if (lag * 1000.0 > static_cast<double>(request.max_staleness_ms())) {
                char lagText[32];
                std::snprintf(lagText, sizeof lagText, "%.1f s", lag);
                return absl::FailedPreconditionError(
                    "feature view '" + sv.view->name() + "' lags " + lagText +
                    " here, more than max_staleness " + std::to_string(request.max_staleness_ms()) +
                    " ms");
            }
        }
    }

    // Encode every key first, so a bad row fails the request before any lookup.
    const size_t nViews = selection.views.size();
    std::vector<std::string> keys(request.entities_size() * nViews);
    std::vector<const std::vector<v1::JoinKey>*> joinKeys;
    for (const auto& sv : selection.views)
        joinKeys.push_back(&sv.joinKeys);
    for (int r = 0; r < request.entities_size(); ++r) {
        for (size_t v = 0; v < nViews; ++v) {
            auto key = entityKeyFor(selection.views[v].joinKeys, request.entities(r).keys());
            if (!key.ok())
                return absl::InvalidArgumentError("entity row " + std::to_string(r + 1) + ": " +
                                                  std::string(key.status().message()) +
                                                  " (needed by feature view '" +
                                                  selection.views[v].view->name() + "')");
            keys[r * nViews + v] = std::move(*key);
        }
        if (auto st = onlyJoinKeys(request.entities(r).keys(), joinKeys); !st.ok())
            return absl::InvalidArgumentError("entity row " + std::to_string(r + 1) + ": " +
                                              std::string(st.message()));
    }

    response->set_serving_region(m_registry.region());
    response->set_watermark(watermark);
    response->mutable_feature_names()->Reserve(static_cast<int>(selection.columnNames.size()));
    for (const auto& name : selection.columnNames)
        response->add_feature_names(name);
    const int nColumns = static_cast<int>(selection.columnNames.size());

    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    storage::OnlineTable table(**reader);
    // Stored rows are parsed on the response's arena when it has one, so their values move
    // into the answer without a copy.
    google::protobuf::Arena localArena;
    google::protobuf::Arena* arena = response->GetArena() ? response->GetArena() : &localArena;

    auto storedIds = storedViewIds(selection, m_viewIds, **reader);
    if (!storedIds.ok())
        return storedIds.status();
    const auto& viewIds = *storedIds;

    // Where each field of a stored row goes in the answer, per view and row schema: worked out
    // once per read for each schema met (a view's rows mostly share its current one).
    struct Placement {
        size_t view = 0;
        uint32_t schemaId = 0;
        storage::RowSchemaPtr schema;
        std::vector<int> columns;  // per field of the schema; -1 when not asked for
    };
    std::vector<Placement> placements;
    placements.reserve(nViews * 2);
    const auto& schemas = m_db.dictionaries().schemas;
    auto placementOf = [&](size_t v, uint32_t schemaId) -> const Placement* {
        for (const auto& p : placements) {
            if (p.view == v && p.schemaId == schemaId)
                return &p;
        }
        auto schema = schemas.find(schemaId);
        if (!schema)
            return nullptr;
        Placement p{v, schemaId, schema, {}};
        for (const auto& field : schema->fields) {
            int column = -1;
            for (const auto& [name, c] : columnOf[v]) {
                if (name == field.name) {
                    column = c;
                    break;
                }
            }
            p.columns.push_back(column);
        }
        placements.push_back(std::move(p));
        return &placements.back();
    };

    response->mutable_rows()->Reserve(request.entities_size());
    for (int r = 0; r < request.entities_size(); ++r) {
        auto* row = response->add_rows();
        row->mutable_values()->Reserve(nColumns);
        for (int c = 0; c < nColumns; ++c)
            row->add_values()->set_status(v1::NOT_FOUND);
        for (size_t v = 0; v < nViews; ++v) {
            if (!viewIds[v])
                continue;
            const auto& sv = selection.views[v];
            storage::OnlineRecordView record;
            auto found = table.get(*viewIds[v], keys[r * nViews + v], record);
            if (!found.ok())
                return found.status();
            if (!*found || record.deleted)
                continue;
            const int64_t ttlMs = sv.view->ttl_seconds() * 1000;
            const bool expired = ttlMs > 0 && nowMs - record.eventTs > ttlMs;
            // Every selected feature the row holds no value for is null.
            for (int column : sv.columns) {
                auto* out = row->mutable_values(column);
                out->set_event_timestamp(record.eventTs);
                out->set_status(expired ? v1::OUTSIDE_MAX_AGE : v1::NULL_VALUE);
            }
            if (expired)
                continue;
            // Values are decoded straight into the answer; a row stored under an older
            // schema of the view has its fields placed by name all the same.
            uint32_t schemaId = 0;
            const Placement* placement =
                storage::rowSchemaId(record.vals, schemaId) ? placementOf(v, schemaId) : nullptr;
            if (!placement)
                return storedRowError(sv, "names an unknown row schema");
            const std::vector<int>* columns = &placement->columns;
            storage::RowReader fields(record.vals, *placement->schema);
            int field = -1;
            while (fields.next(field)) {
                const int column = (*columns)[field];
                if (column < 0) {
                    fields.read(nullptr);
                    continue;
                }
                auto* value = google::protobuf::Arena::CreateMessage<v1::Value>(arena);
                if (!fields.read(value))
                    break;
                auto* out = row->mutable_values(column);
                if (arena == response->GetArena())
                    out->set_allocated_value(value);  // one arena: handed over, not copied
                else
                    out->mutable_value()->Swap(value);
                out->set_status(v1::PRESENT);
            }
            if (!fields.ok())
                return storedRowError(sv, "does not decode");
        }
    }
    return absl::OkStatus();
}

}  // namespace meridian::serving
