#include "erasure/entityerasure.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "replication/hybridclock.h"
#include "rows/entityargument.h"
#include "serving/featureselection.h"
#include "serving/rowcodec.h"
#include "storage/changelogtable.h"
#include "storage/erasedkeys.h"
#include "storage/offlinetable.h"

namespace meridian::erasure {
namespace {

// Log entries read per transaction while looking for the entity's: writers queued behind one
// wait milliseconds.
constexpr int kLogScanBatch = 20000;

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

// The join key names `entity` gives ("user_id=1042,country=DE"), sorted.
absl::StatusOr<std::set<std::string>> namesOf(std::string_view entity) {
    if (entity.empty())
        return absl::InvalidArgumentError(
            "no entity to erase: give its join keys as key=value, e.g. user_id=1042");
    std::set<std::string> names;
    for (size_t from = 0;;) {
        const size_t comma = entity.find(',', from);
        const auto part =
            entity.substr(from, comma == std::string_view::npos ? entity.npos : comma - from);
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return absl::InvalidArgumentError("entity " + quoted(entity) + ": " + quoted(part) +
                                              " is not of the form key=value");
        if (!names.insert(std::string(part.substr(0, eq))).second)
            return absl::InvalidArgumentError("entity " + quoted(entity) + ": join key " +
                                              quoted(part.substr(0, eq)) + " is given twice");
        if (comma == std::string_view::npos)
            break;
        from = comma + 1;
    }
    return names;
}

std::set<std::string> namesOf(const std::vector<v1::JoinKey>& keys) {
    std::set<std::string> names;
    for (const auto& k : keys)
        names.insert(k.name());
    return names;
}

std::string listed(const std::set<std::string>& names) {
    return "(" + absl::StrJoin(names, ", ") + ")";
}

bool holdsAll(const std::set<std::string>& have, const std::set<std::string>& want) {
    return std::includes(have.begin(), have.end(), want.begin(), want.end());
}

// Overwrites every page on the database's free list with zeros: pages freed before the
// erasure (by log retention, say) may still hold the entity's old bytes. Zero-filled blobs take
// the free pages, and are deleted again (secure_delete zeroes them once more).
absl::Status scrubFreePages(storage::Connection& conn) {
    auto free = conn.prepare("PRAGMA freelist_count").singleInt64(0);
    if (!free.ok())
        return free.status();
    auto pageSize = conn.prepare("PRAGMA page_size").singleInt64(4096);
    if (!pageSize.ok())
        return pageSize.status();
    if (*free == 0)
        return absl::OkStatus();
    if (auto st = conn.exec("CREATE TABLE IF NOT EXISTS erasure_scrub(b BLOB)"); !st.ok())
        return st;
    // An overflow page carries its page less a 4-byte link.
    int64_t bytes = (*free + 2) * (*pageSize - 4);
    constexpr int64_t kChunk = 16 << 20;
    while (bytes > 0) {
        const int64_t n = std::min(bytes, kChunk);
        auto st = conn.prepare("INSERT INTO erasure_scrub(b) VALUES(zeroblob(?))").bind(1, n).run();
        if (!st.ok())
            return st;
        bytes -= n;
    }
    return conn.exec("DROP TABLE erasure_scrub");
}

absl::StatusOr<std::optional<std::pair<uint64_t, v1::RegionErasure>>> findApplied(
    storage::Connection& conn, const std::string& id) {
    auto& q = conn.prepare("SELECT log_upto, record FROM erasures WHERE id = ?");
    q.bind(1, id);
    std::optional<std::pair<uint64_t, v1::RegionErasure>> found;
    if (q.step()) {
        v1::RegionErasure r;
        const auto blob = q.blob(1);
        if (!r.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
            q.reset();
            return absl::DataLossError("erasure record " + id + " does not parse");
        }
        found.emplace(static_cast<uint64_t>(q.int64(0)), std::move(r));
    }
    if (auto st = q.finish(); !st.ok())
        return st;
    return found;
}

absl::Status saveApplied(storage::Connection& conn, const v1::RegionErasure& r, uint64_t logUpto) {
    return conn
        .prepare(
            "INSERT INTO erasures(id, applied_ms, log_upto, record) VALUES(?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET record = excluded.record")
        .bind(1, r.erasure_id())
        .bind(2, replication::wallClockMs())
        .bind(3, static_cast<int64_t>(logUpto))
        .bindBlob(4, r.SerializeAsString())
        .run();
}

// Deletes the log entries of the order's entity up to seq `upTo`, a batch of entries read per
// transaction; adds what it deleted to the record's views.
absl::Status eraseLogEntries(storage::Database& db, const v1::ErasureOrder& order, uint64_t upTo,
                             v1::RegionErasure& record) {
    // view id -> (key, index in the record)
    std::map<int64_t, std::pair<std::string, int>> keys;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        for (int i = 0; i < order.views_size(); ++i) {
            const auto& v = order.views(i);
            auto id = db.viewIds().find(conn, v.project(), v.feature_view());
            if (!id.ok())
                return id.status();
            if (*id)
                keys[**id] = {v.entity_key(), i};
        }
        return absl::OkStatus();
    });
    if (!st.ok() || keys.empty())
        return st;
    for (auto& v : *record.mutable_views())
        v.set_log_entries(std::max<int64_t>(v.log_entries(), 0));
    uint64_t after = 0;
    for (bool more = true; more;) {
        st = db.write([&](storage::Connection& conn) -> absl::Status {
            return storage::withSecureDelete(conn, [&]() -> absl::Status {
                std::vector<std::pair<int64_t, int>> doomed;  // seq, record index
                auto& q = conn.prepare(
                    "SELECT seq, view_id, change FROM changelog WHERE seq > ? AND seq <= ? AND "
                    "kind = ? ORDER BY seq LIMIT ?");
                q.bind(1, static_cast<int64_t>(after))
                    .bind(2, static_cast<int64_t>(upTo))
                    .bind(3, static_cast<int64_t>(v1::Change::FEATURE_ROW))
                    .bind(4, int64_t{kLogScanBatch});
                int scanned = 0;
                v1::Change change;
                while (q.step()) {
                    ++scanned;
                    after = static_cast<uint64_t>(q.int64(0));
                    auto k = keys.find(q.int64(1));
                    if (k == keys.end())
                        continue;
                    const auto body = q.blob(2);
                    // Most entries are other entities': look for the key's bytes before parsing.
                    if (body.find(k->second.first) == std::string_view::npos)
                        continue;
                    if (!change.ParseFromArray(body.data(), static_cast<int>(body.size())))
                        continue;  // not ours to judge here; the feed reports what it cannot read
                    if (change.entity_key() == k->second.first)
                        doomed.emplace_back(q.int64(0), k->second.second);
                }
                if (auto s = q.finish(); !s.ok())
                    return s;
                more = scanned == kLogScanBatch;
                for (const auto& [seq, index] : doomed) {
                    auto s = conn.prepare("DELETE FROM changelog WHERE seq = ?").bind(1, seq).run();
                    if (!s.ok())
                        return s;
                    auto* v = record.mutable_views(index);
                    v->set_log_entries(v->log_entries() + 1);
                }
                return absl::OkStatus();
            });
        });
        if (!st.ok())
            return st;
    }
    return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ErasureOrder> planErasure(const registry::Catalog& catalog,
                                             const v1::EraseRequest& request) {
    const std::string& entity = request.entity();
    auto names = namesOf(entity);
    if (!names.ok())
        return names.status();

    struct Candidate {
        const v1::FeatureView* view;
        std::vector<v1::JoinKey> keys;
    };
    std::vector<Candidate> chosen;
    if (!request.views().empty()) {
        std::set<std::string> seen;
        for (const auto& name : request.views()) {
            if (!seen.insert(name).second)
                continue;
            const auto slash = name.find('/');
            const auto* v =
                slash == std::string::npos
                    ? nullptr
                    : catalog.featureView(name.substr(0, slash), name.substr(slash + 1));
            if (!v)
                return absl::NotFoundError("feature view " + quoted(name) +
                                           " not found (name it as project/view)");
            auto keys = serving::joinKeysOf(catalog, *v);
            if (!keys.ok())
                return keys.status();
            if (namesOf(*keys) != *names)
                return absl::InvalidArgumentError("feature view " + name + " is keyed by " +
                                                  listed(namesOf(*keys)) + "; the entity names " +
                                                  listed(*names));
            chosen.push_back({v, std::move(*keys)});
        }
    } else {
        std::vector<std::string> wider;
        for (const auto* o : catalog.ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            auto keys = serving::joinKeysOf(catalog, v);
            if (!keys.ok())
                return keys.status();
            const auto have = namesOf(*keys);
            if (have == *names)
                chosen.push_back({&v, std::move(*keys)});
            else if (holdsAll(have, *names))
                wider.push_back(v.project() + "/" + v.name() + " " + listed(have));
        }
        if (chosen.empty())
            return absl::NotFoundError(
                "no feature view is keyed by exactly " + listed(*names) +
                (wider.empty() ? std::string()
                               : "; keyed by these and more: " + absl::StrJoin(wider, ", ") +
                                     " (give every join key of the view to erase there)"));
    }

    v1::ErasureOrder order;
    for (const auto& c : chosen) {
        auto row = rows::parseEntityArgument(entity, c.keys);
        if (!row.ok())
            return absl::InvalidArgumentError(std::string(row.status().message()) + " (view " +
                                              c.view->project() + "/" + c.view->name() + ")");
        auto key = serving::entityKeyFor(c.keys, row->keys());
        if (!key.ok())
            return key.status();
        auto* v = order.add_views();
        v->set_project(c.view->project());
        v->set_feature_view(c.view->name());
        v->set_entity_key(std::move(*key));
    }
    order.set_entity(
        absl::StrJoin(*names, ", ") + " (sha256 " +
        storage::ErasedKeys::shortHex(storage::ErasedKeys::digestOf(order.views(0).entity_key())) +
        ")");
    return order;
}

absl::StatusOr<v1::RegionErasure> previewErasure(storage::Database& db,
                                                 const v1::ErasureOrder& order,
                                                 const std::string& region) {
    v1::RegionErasure out;
    out.set_region(region);
    out.set_entity(order.entity());
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        for (const auto& v : order.views()) {
            auto* f = out.add_views();
            f->set_project(v.project());
            f->set_feature_view(v.feature_view());
            f->set_log_entries(-1);
            auto id = db.viewIds().find(conn, v.project(), v.feature_view());
            if (!id.ok())
                return id.status();
            if (!*id)
                continue;
            auto online = conn.prepare(
                                  "SELECT count(*) FROM online WHERE view_id = ? AND "
                                  "entity_key = ? AND deleted = 0")
                              .bind(1, **id)
                              .bindBlob(2, v.entity_key())
                              .singleInt64(0);
            if (!online.ok())
                return online.status();
            auto offline =
                conn.prepare("SELECT count(*) FROM offline WHERE view_id = ? AND entity_key = ?")
                    .bind(1, **id)
                    .bindBlob(2, v.entity_key())
                    .singleInt64(0);
            if (!offline.ok())
                return offline.status();
            f->set_online_rows(*online);
            f->set_offline_rows(*offline);
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return out;
}

absl::StatusOr<v1::RegionErasure> applyErasure(storage::Database& db, const v1::ErasureOrder& order,
                                               const std::string& region) {
    if (order.id().empty() || order.views().empty())
        return absl::InvalidArgumentError("an erasure order needs an id and at least one view");
    for (const auto& v : order.views())
        if (v.entity_key().empty())
            return absl::InvalidArgumentError("erasure " + order.id() + ": view " + v.project() +
                                              "/" + v.feature_view() + " has no entity key");
    std::optional<std::pair<uint64_t, v1::RegionErasure>> applied;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        auto found = findApplied(conn, order.id());
        if (found.ok())
            applied = std::move(*found);
        return found.status();
    });
    if (!st.ok())
        return st;
    if (applied && applied->second.state() == v1::RegionErasure::ERASED)
        return applied->second;

    if (!applied) {
        // One transaction: the key is recorded as erased, and its rows deleted. A row written
        // after it is checked against the record, so none slips in between.
        v1::RegionErasure record;
        record.set_region(region);
        record.set_state(v1::RegionErasure::PENDING);
        record.set_erasure_id(order.id());
        record.set_entity(order.entity());
        record.set_requested_by(order.requested_by());
        record.set_coordinator(order.coordinator());
        uint64_t upTo = 0;
        st = db.write([&](storage::Connection& conn) -> absl::Status {
            return storage::withSecureDelete(conn, [&]() -> absl::Status {
                auto& dict = db.dictionaries();
                storage::OfflineTable offline(conn, dict.regions, dict.schemas);
                for (const auto& v : order.views()) {
                    auto id = dict.views.obtain(conn, v.project(), v.feature_view());
                    if (!id.ok())
                        return id.status();
                    if (auto s = dict.erased.add(conn, *id, v.entity_key(), order.id(),
                                                 {order.hlc(), order.requested_at()});
                        !s.ok())
                        return s;
                    auto s = conn.prepare("DELETE FROM online WHERE view_id = ? AND entity_key = ?")
                                 .bind(1, *id)
                                 .bindBlob(2, v.entity_key())
                                 .run();
                    if (!s.ok())
                        return s;
                    auto* f = record.add_views();
                    f->set_project(v.project());
                    f->set_feature_view(v.feature_view());
                    f->set_online_rows(conn.changes());
                    auto off = offline.eraseKey(*id, v.entity_key());
                    if (!off.ok())
                        return off.status();
                    f->set_offline_rows(*off);
                }
                auto last = storage::ChangelogTable(conn).lastSeq();
                if (!last.ok())
                    return last.status();
                upTo = *last;
                return saveApplied(conn, record, upTo);
            });
        });
        if (!st.ok())
            return st;
        applied.emplace(upTo, std::move(record));
    }

    const uint64_t upTo = applied->first;
    auto& record = applied->second;
    if (auto s = eraseLogEntries(db, order, upTo, record); !s.ok())
        return s;
    // Free pages may hold the entity's bytes from before; then the WAL, which still holds the
    // pages as they were, is copied back and cut.
    st = db.write([](storage::Connection& conn) -> absl::Status {
        return storage::withSecureDelete(conn, [&] { return scrubFreePages(conn); });
    });
    if (!st.ok())
        return st;
    bool truncated = false;
    for (int attempt = 0; attempt < 3 && !truncated; ++attempt) {
        db.truncateWalBeforeNextCommit();
        st = db.write([](storage::Connection&) { return absl::OkStatus(); });
        if (!st.ok())
            return st;
        truncated = db.figures().walBytes == 0;
    }
    record.set_state(v1::RegionErasure::ERASED);
    record.set_erased_at(replication::wallClockMs());
    record.set_wal_truncated(truncated);
    st = db.write([&](storage::Connection& conn) { return saveApplied(conn, record, upTo); });
    if (!st.ok())
        return st;
    return record;
}

std::string describeCounts(const google::protobuf::RepeatedPtrField<v1::ErasedView>& views) {
    int64_t online = 0, offline = 0, log = 0;
    for (const auto& v : views) {
        online += v.online_rows();
        offline += v.offline_rows();
        log += std::max<int64_t>(v.log_entries(), 0);
    }
    return std::to_string(online) + " online rows, " + std::to_string(offline) + " offline rows, " +
           std::to_string(log) + " log entries";
}

std::string entityKeyNames(const std::string& entity) {
    std::vector<std::string> names = absl::StrSplit(entity, ',');
    for (auto& name : names)
        name = name.substr(0, name.find('='));
    return "entity " + absl::StrJoin(names, ", ");
}

absl::StatusOr<std::vector<v1::RegionErasure>> appliedErasures(storage::Database& db,
                                                               const std::string& id, int limit) {
    std::vector<v1::RegionErasure> out;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        auto& q = id.empty()
                      ? conn.prepare("SELECT record FROM erasures ORDER BY applied_ms DESC LIMIT ?")
                      : conn.prepare("SELECT record FROM erasures WHERE id = ? LIMIT ?");
        if (id.empty())
            q.bind(1, int64_t{limit});
        else
            q.bind(1, id).bind(2, int64_t{limit});
        while (q.step()) {
            v1::RegionErasure r;
            const auto blob = q.blob(0);
            if (r.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
                out.push_back(std::move(r));
        }
        return q.finish();
    });
    if (!st.ok())
        return st;
    return out;
}

}  // namespace meridian::erasure
