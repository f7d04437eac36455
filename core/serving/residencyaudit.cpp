#include "serving/residencyaudit.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace meridian::serving {
namespace {

// Rows deleted per transaction: small enough that writers queued behind a batch wait
// milliseconds, not seconds.
constexpr int kPurgeBatch = 5000;

// Counts of one view's rows, from the counters the tables keep.
absl::Status countRows(storage::Connection& conn, int64_t viewId, bool countChangelog,
                       v1::ResidencyFinding& f) {
    auto online = conn.prepare("SELECT keys FROM online_counts WHERE view_id = ?")
                      .bind(1, viewId)
                      .singleInt64(0);
    if (!online.ok())
        return online.status();
    auto offline =
        conn.prepare("SELECT coalesce(sum(rows), 0) FROM offline_partitions WHERE view_id = ?")
            .bind(1, viewId)
            .singleInt64(0);
    if (!offline.ok())
        return offline.status();
    f.set_online_rows(*online);
    f.set_offline_rows(*offline);
    f.set_changelog_entries(-1);
    if (countChangelog) {
        auto log = conn.prepare("SELECT count(*) FROM changelog WHERE view_id = ?")
                       .bind(1, viewId)
                       .singleInt64(0);
        if (!log.ok())
            return log.status();
        f.set_changelog_entries(*log);
    }
    return absl::OkStatus();
}

bool holdsAny(const v1::ResidencyFinding& f) {
    return f.online_rows() > 0 || f.offline_rows() > 0 || f.changelog_entries() > 0;
}

// Deletes `sql`'s rows (it names the view as ?1 and deletes at most kPurgeBatch) until none is
// left; the number deleted.
absl::StatusOr<int64_t> deleteInBatches(storage::Database& db, const char* sql, int64_t viewId) {
    int64_t total = 0;
    for (;;) {
        int64_t n = 0;
        auto st = db.write([&](storage::Connection& conn) -> absl::Status {
            // Freed cells and pages are overwritten with zeros, so the bytes leave the file.
            return storage::withSecureDelete(conn, [&] {
                auto s = conn.prepare(sql).bind(1, viewId).bind(2, int64_t{kPurgeBatch}).run();
                n = conn.changes();
                return s;
            });
        });
        if (!st.ok())
            return st;
        total += n;
        if (n < kPurgeBatch)
            return total;
    }
}

}  // namespace

std::string describeResidency(const v1::ResidencyPolicy& residency) {
    if (!residency.jurisdiction().empty())
        return "jurisdiction " + residency.jurisdiction();
    if (!residency.regions().empty())
        return "regions " + absl::StrJoin(residency.regions(), ", ");
    return "anywhere";
}

absl::StatusOr<std::vector<v1::ResidencyFinding>> findNonResident(
    storage::Database& db, const registry::Catalog& catalog, const registry::RegionSet& regions,
    const std::string& region, bool countChangelog) {
    std::vector<v1::ResidencyFinding> found;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        for (const auto* o : catalog.ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            const auto allowed = regions.allowedRegions(v.residency());
            if (allowed.count(region))
                continue;
            auto id = db.viewIds().find(conn, v.project(), v.name());
            if (!id.ok())
                return id.status();
            if (!*id)
                continue;  // never held a row here
            v1::ResidencyFinding f;
            f.set_project(v.project());
            f.set_feature_view(v.name());
            f.set_residency(describeResidency(v.residency()));
            for (const auto& r : allowed)
                f.add_allowed_regions(r);
            if (auto s = countRows(conn, **id, countChangelog, f); !s.ok())
                return s;
            if (holdsAny(f))
                found.push_back(std::move(f));
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return found;
}

absl::StatusOr<PurgeResult> purgeNonResident(storage::Database& db,
                                             const registry::Catalog& catalog,
                                             const registry::RegionSet& regions,
                                             const std::string& region,
                                             const std::vector<std::string>& views) {
    // Every named view is checked before anything is deleted.
    for (const auto& name : views) {
        const auto slash = name.find('/');
        const auto* v = slash == std::string::npos
                            ? nullptr
                            : catalog.featureView(name.substr(0, slash), name.substr(slash + 1));
        if (!v)
            return absl::NotFoundError("feature view '" + name +
                                       "' not found (name it as project/view)");
        if (regions.allowedRegions(v->residency()).count(region))
            return absl::FailedPreconditionError(
                "residency of " + name + " (" + describeResidency(v->residency()) +
                ") allows region '" + region + "': its data is not purged");
    }
    auto found = findNonResident(db, catalog, regions, region, /*countChangelog=*/false);
    if (!found.ok())
        return found.status();
    PurgeResult result;
    for (auto& f : *found) {
        const std::string name = f.project() + "/" + f.feature_view();
        if (!views.empty() && std::find(views.begin(), views.end(), name) == views.end())
            continue;
        std::optional<int64_t> viewId;
        auto st = db.read([&](storage::Connection& conn) -> absl::Status {
            auto id = db.viewIds().find(conn, f.project(), f.feature_view());
            if (id.ok())
                viewId = *id;
            return id.status();
        });
        if (!st.ok())
            return st;
        if (!viewId)
            continue;
        auto online = deleteInBatches(db,
                                      "DELETE FROM online WHERE view_id = ?1 AND entity_key IN "
                                      "(SELECT entity_key FROM online WHERE view_id = ?1 LIMIT ?2)",
                                      *viewId);
        if (!online.ok())
            return online.status();
        auto offline = deleteInBatches(
            db,
            "DELETE FROM offline WHERE (view_id, entity_key, event_ts, write_hlc, origin) IN "
            "(SELECT view_id, entity_key, event_ts, write_hlc, origin FROM offline "
            "WHERE view_id = ?1 LIMIT ?2)",
            *viewId);
        if (!offline.ok())
            return offline.status();
        auto log = deleteInBatches(db,
                                   "DELETE FROM changelog WHERE seq IN "
                                   "(SELECT seq FROM changelog WHERE view_id = ?1 LIMIT ?2)",
                                   *viewId);
        if (!log.ok())
            return log.status();
        // The partition counters go with the rows: nothing of the view is left to compare.
        auto parts =
            deleteInBatches(db,
                            "DELETE FROM offline_partitions WHERE view_id = ?1 AND day IN "
                            "(SELECT day FROM offline_partitions WHERE view_id = ?1 LIMIT ?2)",
                            *viewId);
        if (!parts.ok())
            return parts.status();
        f.set_online_rows(*online);
        f.set_offline_rows(*offline);
        f.set_changelog_entries(*log);
        result.purged.push_back(std::move(f));
    }
    if (result.purged.empty())
        return result;
    // The old pages are still in the WAL until it is copied back and cut.
    db.truncateWalBeforeNextCommit();
    auto st = db.write([](storage::Connection&) {
        return absl::OkStatus();  // a commit for the checkpoint to run before
    });
    if (!st.ok())
        return st;
    result.walTruncated = db.figures().walBytes == 0;
    return result;
}

}  // namespace meridian::serving
