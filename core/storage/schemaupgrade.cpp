#include "storage/schemaupgrade.h"

#include "meridian/v1/replication.pb.h"
#include "registry/valuetypes.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/rowformat.h"
#include "storage/rowschema.h"
#include "storage/viewids.h"

namespace meridian::storage {
namespace {

// A version-1 value list in the compact form, under a schema made of the fields it holds.
absl::StatusOr<std::pair<std::string, uint32_t>> compactRow(Connection& conn, RowSchemas& schemas,
                                                            std::string_view stored) {
    v1::RowValues values;
    if (!values.ParseFromArray(stored.data(), static_cast<int>(stored.size())))
        return absl::DataLossError("a stored row does not parse");
    std::vector<RowField> fields;
    std::vector<const v1::Value*> present;
    for (const auto& nv : values.values()) {
        if (registry::isNull(nv.value()))
            continue;
        fields.push_back({nv.name(), registry::typeOfValue(nv.value())});
        present.push_back(&nv.value());
    }
    const RowSchema schema = RowSchema::make(std::move(fields));
    auto id = schemas.obtain(conn, schema);
    if (!id.ok())
        return id.status();
    return std::make_pair(encodeRow(*id, schema, present), *id);
}

}  // namespace

absl::Status detachVersion1(Connection& conn) {
    return conn.exec(
        "DROP INDEX IF EXISTS offline_day;"
        "ALTER TABLE online RENAME TO online_v1;"
        "ALTER TABLE offline RENAME TO offline_v1;"
        "ALTER TABLE changelog RENAME TO changelog_v1;");
}

absl::Status upgradeFromVersion1(Connection& conn) {
    RegionIds regions;
    RowSchemas schemas;
    ViewIds views;
    // The caches live only for this upgrade: nothing may call back into them afterwards.
    struct DropUndo {
        Connection& c;
        ~DropUndo() { c.dropUndo(); }
    } dropUndo{conn};

    auto& online = conn.prepare(
        "SELECT view_id, entity_key, event_ts, write_hlc, origin, deleted, vals FROM online_v1");
    while (online.step()) {
        auto origin = regions.obtain(conn, online.text(4));
        if (!origin.ok())
            return origin.status();
        auto row = compactRow(conn, schemas, online.blob(6));
        if (!row.ok())
            return row.status();
        auto st = conn.prepare(
                          "INSERT INTO online(view_id, entity_key, event_ts, write_hlc, origin, "
                          "deleted, vals) VALUES(?, ?, ?, ?, ?, ?, ?)")
                      .bind(1, online.int64(0))
                      .bindBlob(2, online.blob(1))
                      .bind(3, online.int64(2))
                      .bind(4, online.int64(3))
                      .bind(5, *origin)
                      .bind(6, online.int64(5))
                      .bindBlob(7, row->first)
                      .run();
        if (!st.ok())
            return st;
    }
    if (auto st = online.status(); !st.ok())
        return st;
    online.reset();

    // Row hashes cover the values' encoding: every partition digest is computed again.
    if (auto st = conn.exec("DELETE FROM offline_partitions"); !st.ok())
        return st;
    OfflineTable offlineTable(conn, regions, schemas);
    PartitionDeltas deltas;
    auto& offline = conn.prepare(
        "SELECT view_id, entity_key, event_ts, write_hlc, origin, vals FROM offline_v1");
    while (offline.step()) {
        auto origin = regions.obtain(conn, offline.text(4));
        if (!origin.ok())
            return origin.status();
        auto row = compactRow(conn, schemas, offline.blob(5));
        if (!row.ok())
            return row.status();
        OfflineRecord record{std::string(offline.blob(1)), offline.int64(2),
                             static_cast<uint64_t>(offline.int64(3)), *origin,
                             std::move(row->first)};
        auto added = offlineTable.append(offline.int64(0), record, deltas);
        if (!added.ok())
            return added.status();
    }
    if (auto st = offline.status(); !st.ok())
        return st;
    offline.reset();
    if (auto st = offlineTable.applyDeltas(deltas); !st.ok())
        return st;

    int64_t lastSeq = 0;
    {
        auto& q = conn.prepare(
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name IN ('changelog', "
            "'changelog_v1')");
        if (q.step())
            lastSeq = q.int64(0);
        q.reset();
    }
    auto& log = conn.prepare("SELECT seq, change FROM changelog_v1 ORDER BY seq");
    while (log.step()) {
        v1::Change change;
        const auto blob = log.blob(1);
        if (!change.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
            return absl::DataLossError("changelog entry " + std::to_string(log.int64(0)) +
                                       " does not parse");
        LogAppend entry;
        entry.hlc = change.hlc();
        entry.kind = change.kind();
        entry.commitMs = change.commit_ms();
        v1::Change body;
        if (change.kind() == v1::Change::REGISTRY_PUT ||
            change.kind() == v1::Change::REGISTRY_DELETE) {
            body.set_project(change.project());
            *body.mutable_object() = change.object();
        } else {
            auto viewId = views.obtain(conn, change.project(), change.feature_view());
            if (!viewId.ok())
                return viewId.status();
            entry.viewId = *viewId;
            auto row = compactRow(conn, schemas, change.values());
            if (!row.ok())
                return row.status();
            entry.schemaId = row->second;
            body.set_entity_key(change.entity_key());
            body.set_event_timestamp(change.event_timestamp());
            body.set_values(row->first);
            body.set_target(change.target());
            body.set_row_hlc(change.row_hlc());
            body.set_row_origin(change.row_origin());
        }
        entry.body = body.SerializeAsString();
        if (auto seq = ChangelogTable(conn).append(entry, static_cast<uint64_t>(log.int64(0)));
            !seq.ok())
            return seq.status();
    }
    if (auto st = log.status(); !st.ok())
        return st;
    log.reset();
    // Peers' cursors count in this log's sequence: it goes on from where it was, even where
    // retention had emptied the log.
    if (auto st = conn.prepare("DELETE FROM sqlite_sequence WHERE name = 'changelog_v1'").run();
        !st.ok())
        return st;
    if (lastSeq > 0) {
        auto st = conn.prepare(
                          "INSERT INTO sqlite_sequence(name, seq) SELECT 'changelog', ?1 WHERE NOT "
                          "EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'changelog')")
                      .bind(1, lastSeq)
                      .run();
        if (!st.ok())
            return st;
        st = conn.prepare("UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'changelog'")
                 .bind(1, lastSeq)
                 .run();
        if (!st.ok())
            return st;
    }
    return conn.exec("DROP TABLE online_v1; DROP TABLE offline_v1; DROP TABLE changelog_v1;");
}

}  // namespace meridian::storage
