#include "serving/materializer.h"

#include "serving/featurewriter.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"

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
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto viewId = m_viewIds.find(**reader, view.project(), view.name());
    if (!viewId.ok())
        return viewId.status();
    if (!*viewId) {
        p.set_percent(100);
        p.set_done(true);
        progress(p);
        return absl::OkStatus();
    }
    storage::OfflineTable offline(**reader);
    if (auto st = (*reader)->exec("BEGIN"); !st.ok())
        return st;
    auto total = offline.countKeys(**viewId, start, end);
    if (!total.ok()) {
        (*reader)->exec("COMMIT").IgnoreError();
        return total.status();
    }
    p.set_rows_total(*total);

    std::vector<storage::OfflineRecord> batch;
    bool cancelled = false;
    auto flush = [&]() -> absl::Status {
        if (batch.empty())
            return absl::OkStatus();
        int64_t written = 0;
        auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
            storage::OnlineTable online(conn);
            storage::ChangelogTable log(conn);
            written = 0;
            for (auto& r : batch) {
                auto changed = online.upsert(**viewId, r.entityKey,
                                             {r.eventTs, r.writeHlc, r.origin, false, r.vals});
                if (!changed.ok())
                    return changed.status();
                if (!*changed)
                    continue;
                ++written;
                // The online copy changed here: peers holding the view learn of it.
                v1::Change change;
                change.set_kind(v1::Change::FEATURE_ROW);
                change.set_hlc(m_clock.tick());
                change.set_origin(m_registry.region());
                change.set_project(view.project());
                change.set_feature_view(view.name());
                change.set_entity_key(r.entityKey);
                change.set_event_timestamp(r.eventTs);
                change.set_target(v1::ONLINE);
                change.set_row_hlc(r.writeHlc);
                change.set_row_origin(r.origin);
                change.set_commit_ms(replication::wallClockMs());
                change.set_values(r.vals);
                if (auto s = log.append(change); !s.ok())
                    return s;
            }
            return absl::OkStatus();
        });
        if (!st.ok())
            return st;
        p.set_rows_scanned(p.rows_scanned() + static_cast<int64_t>(batch.size()));
        p.set_rows_written(p.rows_written() + written);
        p.set_percent(p.rows_total() ? 100.0 * p.rows_scanned() / p.rows_total() : 100.0);
        batch.clear();
        if (!progress(p))
            cancelled = true;
        return absl::OkStatus();
    };
    absl::Status flushStatus;
    auto st = offline.latestPerKey(**viewId, start, end, [&](const storage::OfflineRecord& r) {
        batch.push_back(r);
        if (batch.size() >= kBatchRows) {
            flushStatus = flush();
            if (!flushStatus.ok() || cancelled)
                return false;
        }
        return true;
    });
    (*reader)->exec("COMMIT").IgnoreError();
    if (!st.ok())
        return st;
    if (!flushStatus.ok())
        return flushStatus;
    if (cancelled)
        return absl::CancelledError("materialization of '" + view.name() + "' cancelled");
    if (auto s = flush(); !s.ok())
        return s;
    p.set_percent(100);
    p.set_done(true);
    progress(p);
    return absl::OkStatus();
}

}  // namespace meridian::serving
