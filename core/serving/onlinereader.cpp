#include "serving/onlinereader.h"

#include <google/protobuf/arena.h>

#include "registry/valuetypes.h"
#include "serving/featureselection.h"
#include "serving/limits.h"
#include "serving/rowcodec.h"
#include "storage/onlinetable.h"

namespace meridian::serving {
namespace {

bool readVarint(std::string_view& in, uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        v |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

// One field of a message on the wire; `bytes` is set for length-delimited fields.
bool readField(std::string_view& in, uint64_t& tag, std::string_view& bytes) {
    if (!readVarint(in, tag))
        return false;
    uint64_t n = 0;
    switch (tag & 7) {
        case 0:
            return readVarint(in, n);
        case 1:
            n = 8;
            break;
        case 2:
            if (!readVarint(in, n))
                return false;
            break;
        case 5:
            n = 4;
            break;
        default:
            return false;
    }
    if (n > in.size())
        return false;
    bytes = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

enum class WireItem { NamedValue, Other, Malformed };

// The next entry of a serialized v1::RowValues (field 1: NamedValue {1: name, 2: value}).
WireItem nextNamedValue(std::string_view& in, std::string_view& name, std::string_view& value) {
    uint64_t tag = 0;
    std::string_view entry;
    if (!readField(in, tag, entry))
        return WireItem::Malformed;
    if (tag != ((1 << 3) | 2))
        return WireItem::Other;
    name = {};
    value = {};
    while (!entry.empty()) {
        std::string_view bytes;
        if (!readField(entry, tag, bytes))
            return WireItem::Malformed;
        if (tag == ((1 << 3) | 2))
            name = bytes;
        else if (tag == ((2 << 3) | 2))
            value = bytes;
    }
    return WireItem::NamedValue;
}

}  // namespace

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
            if (lag * 1000.0 > static_cast<double>(request.max_staleness_ms()))
                return absl::FailedPreconditionError(
                    "feature view '" + sv.view->name() + "' lags " + std::to_string(lag) +
                    " s here, more than max_staleness " +
                    std::to_string(request.max_staleness_ms()) + " ms");
        }
    }

    // Encode every key first, so a bad row fails the request before any lookup.
    const size_t nViews = selection.views.size();
    std::vector<std::string> keys(request.entities_size() * nViews);
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

    std::vector<std::optional<int64_t>> viewIds(nViews);
    for (size_t v = 0; v < nViews; ++v) {
        const auto& sv = selection.views[v];
        auto id = m_viewIds.find(**reader, sv.view->project(), sv.view->name());
        if (!id.ok())
            return id.status();
        viewIds[v] = *id;
    }

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
            // The stored RowValues is walked on the wire: each wanted value is parsed once,
            // straight into the answer, and names are matched in stored (definition) order.
            std::string_view rest = record.vals;
            const auto& columns = columnOf[v];
            size_t next = 0;
            std::string_view name, valueBytes;
            while (!rest.empty()) {
                const auto parsed = nextNamedValue(rest, name, valueBytes);
                if (parsed == WireItem::Malformed)
                    return absl::DataLossError("stored row of feature view '" + sv.view->name() +
                                               "' does not parse");
                if (parsed == WireItem::Other)
                    continue;
                if (next >= columns.size() || columns[next].first != name) {
                    next = 0;
                    while (next < columns.size() && columns[next].first != name)
                        ++next;
                }
                if (next >= columns.size())
                    continue;  // a feature no longer in the view
                const int column = columns[next++].second;
                if (column < 0)
                    continue;
                auto* value = google::protobuf::Arena::CreateMessage<v1::Value>(arena);
                if (!value->ParseFromArray(valueBytes.data(), static_cast<int>(valueBytes.size())))
                    return absl::DataLossError("stored row of feature view '" + sv.view->name() +
                                               "' does not parse");
                if (registry::isNull(*value))
                    continue;
                auto* out = row->mutable_values(column);
                if (arena == response->GetArena())
                    out->set_allocated_value(value);  // one arena: handed over, not copied
                else
                    out->mutable_value()->Swap(value);
                out->set_status(v1::PRESENT);
            }
        }
    }
    return absl::OkStatus();
}

}  // namespace meridian::serving
