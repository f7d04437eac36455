#include "serving/materializer.h"

#include <optional>

#include "serving/featurewriter.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"

namespace meridian::serving {
namespace {

constexpr size_t kBatchRows = 5000;

}  // namespace

Materializer::Materializer(storage::Database& db, storage::ViewIds& viewIds,
                           replication::HybridClock& clock, RegistryStore& registry)
    : m_db(db), m_viewIds(viewIds), m_clock(clock), m_registry(registry) {}

absl::Status Materializer::run(const v1::MaterializeRequest& request, const Progress& progress) {
    const auto catalog = m_registry.catalog();
    if (request.project().empty())
        return absl::InvalidArgumentError("project is missing");
    if (!catalog->project(request.project()))
        return absl::NotFoundError("project '" + request.project() + "' not found");
    if (request.end() <= request.start())
        return absl::InvalidArgumentError("end (" + std::to_string(request.end()) +
                                          ") must be after start (" +
                                          std::to_string(request.start()) + ")");
    std::vector<const v1::FeatureView*> views;
    if (!request.feature_view().empty()) {
        const auto* view = catalog->featureView(request.project(), request.feature_view());
        if (!view)
            return absl::NotFoundError("feature view '" + request.feature_view() +
                                       "' not found in project '" + request.project() + "'");
        if (!view->online() || !view->offline())
            return absl::FailedPreconditionError(
                "feature view '" + view->name() +
                "' needs both an offline and an online store to materialize");
        views.push_back(view);
    } else {
        for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            if (v.project() == request.project() && v.online() && v.offline() &&
                checkWritableHere(v, m_registry.region(), m_registry.regions()).ok())
                views.push_back(&v);
        }
    }
    for (const auto* view : views) {
        if (auto st = checkWritableHere(*view, m_registry.region(), m_registry.regions()); !st.ok())
            return st;
    }
    for (const auto* view : views) {
        if (auto st = runView(*view, request.start(), request.end(), progress); !st.ok())
            return st;
    }
    return absl::OkStatus();
}

absl::Status Materializer::runView(const v1::FeatureView& view, int64_t start, int64_t end,
                                   const Progress& progress) {
    v1::MaterializeProgress p;
    p.set_feature_view(view.name());
    auto& dict = m_db.dictionaries();
    std::optional<int64_t> viewId;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        auto id = m_viewIds.find(conn, view.project(), view.name());
        if (!id.ok())
            return id.status();
        viewId = *id;
        if (!viewId)
            return absl::OkStatus();
        auto total =
            storage::OfflineTable(conn, dict.regions, dict.schemas).countKeys(*viewId, start, end);
        if (!total.ok())
            return total.status();
        p.set_rows_total(*total);
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    if (!viewId) {
        p.set_percent(100);
        p.set_done(true);
        progress(p);
        return absl::OkStatus();
    }

    // Page through the keys, each page read in a short transaction of its own and written in
    // another, so that no read spans the whole run.
    std::vector<storage::OfflineRecord> batch;
    std::optional<std::string> after;
    while (true) {
        batch.clear();
        st = m_db.read([&](storage::Connection& conn) -> absl::Status {
            return storage::OfflineTable(conn, dict.regions, dict.schemas)
                .latestPerKey(*viewId, start, end, after ? &*after : nullptr,
                              [&](const storage::OfflineRecord& r) {
                                  batch.push_back(r);
                                  return batch.size() < kBatchRows;
                              });
        });
        if (!st.ok())
            return st;
        if (batch.empty())
            break;
        after = batch.back().entityKey;
        int64_t written = 0;
        st = m_db.write([&](storage::Connection& conn) -> absl::Status {
            storage::OnlineTable online(conn);
            storage::ChangelogTable log(conn);
            written = 0;
            v1::Change body;
            storage::LogAppend entry;
            entry.kind = v1::Change::FEATURE_ROW;
            entry.viewId = *viewId;
            for (auto& r : batch) {
                if (dict.erased.blocks(*viewId, r.entityKey, r.eventTs, r.writeHlc))
                    continue;
                auto changed = online.upsert(*viewId, r.entityKey,
                                             {r.eventTs, r.writeHlc, r.origin, false, r.vals});
                if (!changed.ok())
                    return changed.status();
                if (!*changed)
                    continue;
                ++written;
                // The online copy changed here: peers holding the view learn of it, with the
                // row's own clock and origin so that every replica orders it the same way.
                uint32_t schemaId = 0;
                storage::rowSchemaId(r.vals, schemaId);
                body.set_entity_key(r.entityKey);
                body.set_event_timestamp(r.eventTs);
                body.set_target(v1::ONLINE);
                body.set_row_hlc(r.writeHlc);
                body.set_row_origin(dict.regions.name(r.origin));
                body.set_values(r.vals);
                entry.hlc = m_clock.tick();
                entry.commitMs = replication::wallClockMs();
                entry.schemaId = schemaId;
                body.SerializeToString(&entry.body);
                if (auto s = log.append(entry); !s.ok())
                    return s.status();
            }
            return absl::OkStatus();
        });
        if (!st.ok())
            return st;
        p.set_rows_scanned(p.rows_scanned() + static_cast<int64_t>(batch.size()));
        p.set_rows_written(p.rows_written() + written);
        p.set_percent(p.rows_total() ? 100.0 * p.rows_scanned() / p.rows_total() : 100.0);
        if (!progress(p))
            return absl::CancelledError("materialization of '" + view.name() + "' cancelled");
    }
    p.set_percent(100);
    p.set_done(true);
    progress(p);
    return absl::OkStatus();
}

}  // namespace meridian::serving
