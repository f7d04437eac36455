#include "storage/offlinetable.h"

#include <xxhash.h>

#include "storage/rowformat.h"

namespace meridian::storage {

uint64_t offlineRowHash(std::string_view entityKey, int64_t eventTs, uint64_t writeHlc,
                        std::string_view origin, uint64_t schemaDigest, std::string_view rowBody) {
    // Length-prefixed key, then the fixed-size fields, the origin and the values.
    thread_local std::string buffer;
    buffer.clear();
    const uint64_t keyLen = entityKey.size();
    buffer.append(reinterpret_cast<const char*>(&keyLen), sizeof keyLen);
    buffer.append(entityKey);
    buffer.append(reinterpret_cast<const char*>(&eventTs), sizeof eventTs);
    buffer.append(reinterpret_cast<const char*>(&writeHlc), sizeof writeHlc);
    buffer.append(origin);
    buffer.push_back('\0');
    buffer.append(reinterpret_cast<const char*>(&schemaDigest), sizeof schemaDigest);
    buffer.append(rowBody);
    return XXH64(buffer.data(), buffer.size(), 0);
}

absl::StatusOr<uint64_t> OfflineTable::hashOf(const OfflineRecord& r) const {
    // Rows come in runs of one origin and one schema: look each up when it changes only.
    uint32_t schemaId = 0;
    if (!rowSchemaId(r.vals, schemaId))
        return absl::DataLossError("offline row has no row schema");
    if (schemaId != m_lastSchemaId || !m_lastSchema) {
        m_lastSchema = m_schemas.find(schemaId);
        m_lastSchemaId = schemaId;
        if (!m_lastSchema)
            return absl::DataLossError("offline row names row schema " + std::to_string(schemaId) +
                                       ", which this database does not have");
    }
    if (r.origin != m_lastOrigin || m_lastOriginName.empty()) {
        m_lastOriginName = m_regions.name(r.origin);
        m_lastOrigin = r.origin;
        if (m_lastOriginName.empty())
            return absl::DataLossError("offline row names region id " + std::to_string(r.origin) +
                                       ", which this database does not have");
    }
    return offlineRowHash(r.entityKey, r.eventTs, r.writeHlc, m_lastOriginName,
                          m_lastSchema->digest, rowBody(r.vals));
}

absl::StatusOr<bool> OfflineTable::insert(int64_t viewId, const OfflineRecord& r) {
    auto st = m_conn
                  .prepare(
                      "INSERT OR IGNORE INTO offline(view_id, entity_key, event_ts, write_hlc, "
                      "origin, day, vals) VALUES(?, ?, ?, ?, ?, ?, ?)")
                  .bind(1, viewId)
                  .bindBlob(2, r.entityKey)
                  .bind(3, r.eventTs)
                  .bind(4, static_cast<int64_t>(r.writeHlc))
                  .bind(5, r.origin)
                  .bind(6, dayOf(r.eventTs))
                  .bindBlob(7, r.vals)
                  .run();
    if (!st.ok())
        return st;
    return m_conn.changes() > 0;
}

absl::Status OfflineTable::addToPartition(int64_t viewId, int64_t day, int64_t rows,
                                          uint64_t digest) {
    // SQLite has no XOR operator: (a | b) - (a & b) is a ^ b, and never overflows.
    return m_conn
        .prepare(
            "INSERT INTO offline_partitions(view_id, day, rows, digest) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(view_id, day) DO UPDATE SET rows = rows + ?3, "
            "digest = (digest | ?4) - (digest & ?4)")
        .bind(1, viewId)
        .bind(2, day)
        .bind(3, rows)
        .bind(4, static_cast<int64_t>(digest))
        .run();
}

absl::StatusOr<bool> OfflineTable::append(int64_t viewId, const OfflineRecord& r) {
    PartitionDeltas deltas;
    auto added = append(viewId, r, deltas);
    if (!added.ok() || !*added)
        return added;
    if (auto st = applyDeltas(deltas); !st.ok())
        return st;
    return true;
}

absl::StatusOr<bool> OfflineTable::append(int64_t viewId, const OfflineRecord& r,
                                          PartitionDeltas& deltas) {
    auto hash = hashOf(r);
    if (!hash.ok())
        return hash.status();
    auto added = insert(viewId, r);
    if (added.ok() && *added)
        deltas.add(viewId, dayOf(r.eventTs), *hash);
    return added;
}

absl::StatusOr<int64_t> OfflineTable::eraseKey(int64_t viewId, std::string_view entityKey) {
    PartitionDeltas deltas;
    int64_t n = 0;
    auto& q = m_conn.prepare(
        "SELECT event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND entity_key = "
        "?");
    q.bind(1, viewId).bindBlob(2, entityKey);
    while (q.step()) {
        OfflineRecord r{std::string(entityKey), q.int64(0), static_cast<uint64_t>(q.int64(1)),
                        q.int64(2), std::string(q.blob(3))};
        auto hash = hashOf(r);
        if (!hash.ok()) {
            q.reset();
            return hash.status();
        }
        deltas.remove(viewId, dayOf(r.eventTs), *hash);
        ++n;
    }
    if (auto st = q.finish(); !st.ok())
        return st;
    auto del = m_conn.prepare("DELETE FROM offline WHERE view_id = ? AND entity_key = ?")
                   .bind(1, viewId)
                   .bindBlob(2, entityKey)
                   .run();
    if (!del.ok())
        return del;
    if (auto st = applyDeltas(deltas); !st.ok())
        return st;
    // A partition left empty is no partition: regions compare the partitions they hold.
    auto empty = m_conn.prepare("DELETE FROM offline_partitions WHERE view_id = ? AND rows <= 0")
                     .bind(1, viewId)
                     .run();
    if (!empty.ok())
        return empty;
    return n;
}

absl::Status OfflineTable::applyDeltas(const PartitionDeltas& deltas) {
    for (const auto& [key, delta] : deltas.deltas()) {
        if (auto st = addToPartition(key.first, key.second, delta.first, delta.second); !st.ok())
            return st;
    }
    return absl::OkStatus();
}

absl::StatusOr<std::vector<OfflineTable::Partition>> OfflineTable::partitions(int64_t viewId) {
    auto& q = m_conn.prepare(
        "SELECT day, rows, digest FROM offline_partitions WHERE view_id = ? ORDER BY day");
    q.bind(1, viewId);
    std::vector<Partition> out;
    while (q.step())
        out.push_back({q.int64(0), q.int64(1), static_cast<uint64_t>(q.int64(2))});
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

absl::Status OfflineTable::scanPartition(int64_t viewId, int64_t day, const OfflineRecord* after,
                                         int limit,
                                         const std::function<bool(const OfflineRecord&)>& visit) {
    const char* sql =
        after ? "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = "
                "?1 AND day = ?2 AND (entity_key, event_ts, write_hlc, origin) > (?3, ?4, ?5, ?6) "
                "ORDER BY entity_key, event_ts, write_hlc, origin LIMIT ?7"
              : "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = "
                "?1 AND day = ?2 ORDER BY entity_key, event_ts, write_hlc, origin LIMIT ?7";
    auto& q = m_conn.prepare(sql);
    q.bind(1, viewId).bind(2, day).bind(7, limit);
    if (after) {
        q.bindBlob(3, after->entityKey)
            .bind(4, after->eventTs)
            .bind(5, static_cast<int64_t>(after->writeHlc))
            .bind(6, after->origin);
    }
    while (q.step()) {
        OfflineRecord r{std::string(q.blob(0)), q.int64(1), static_cast<uint64_t>(q.int64(2)),
                        q.int64(3), std::string(q.blob(4))};
        if (!visit(r))
            break;
    }
    return q.finish();
}

absl::Status OfflineTable::dropPartition(int64_t viewId, int64_t day) {
    auto st = m_conn.prepare("DELETE FROM offline WHERE view_id = ? AND day = ?")
                  .bind(1, viewId)
                  .bind(2, day)
                  .run();
    if (!st.ok())
        return st;
    return m_conn.prepare("DELETE FROM offline_partitions WHERE view_id = ? AND day = ?")
        .bind(1, viewId)
        .bind(2, day)
        .run();
}

absl::Status OfflineTable::newestOf(Statement& q,
                                    const std::function<bool(OfflineRecord&&)>& emit) {
    // Rows come grouped by key, newest (event time, write clock) first; only an exact tie of
    // both goes to the origin's name, which ids do not sort by.
    std::optional<OfflineRecord> best;
    std::string bestOrigin;
    bool stopped = false;
    auto flush = [&] {
        if (best && !emit(std::move(*best)))
            stopped = true;
        best.reset();
    };
    while (!stopped && q.step()) {
        const std::string_view key = q.blob(0);
        const int64_t ts = q.int64(1);
        const auto hlc = static_cast<uint64_t>(q.int64(2));
        if (best && key == best->entityKey) {
            if (ts != best->eventTs || hlc != best->writeHlc)
                continue;  // older than the one kept
            std::string origin = m_regions.name(q.int64(3));
            if (origin <= bestOrigin)
                continue;
            best->origin = q.int64(3);
            best->vals = std::string(q.blob(4));
            bestOrigin = std::move(origin);
            continue;
        }
        flush();
        if (stopped)
            break;
        best.emplace(OfflineRecord{std::string(key), ts, hlc, q.int64(3), std::string(q.blob(4))});
        bestOrigin = m_regions.name(best->origin);
    }
    if (!stopped)
        flush();
    return q.finish();
}

absl::StatusOr<std::optional<OfflineRecord>> OfflineTable::pointInTime(int64_t viewId,
                                                                       std::string_view entityKey,
                                                                       int64_t at,
                                                                       int64_t notBefore) {
    auto& q = m_conn.prepare(
        "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND "
        "entity_key = ? AND event_ts <= ? AND event_ts >= ? ORDER BY event_ts DESC, write_hlc "
        "DESC LIMIT 16");
    q.bind(1, viewId).bindBlob(2, entityKey).bind(3, at).bind(4, notBefore);
    std::optional<OfflineRecord> out;
    auto st = newestOf(q, [&](OfflineRecord&& r) {
        out = std::move(r);
        return false;
    });
    if (!st.ok())
        return st;
    return out;
}

absl::Status OfflineTable::latestPerKey(int64_t viewId, int64_t start, int64_t end,
                                        const std::string* afterKey,
                                        const std::function<bool(const OfflineRecord&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ?1 AND "
        "entity_key > ?4 AND event_ts >= ?2 AND event_ts < ?3 ORDER BY entity_key, event_ts DESC, "
        "write_hlc DESC");
    q.bind(1, viewId).bind(2, start).bind(3, end).bindBlob(
        4, afterKey ? *afterKey : std::string_view(""));
    return newestOf(q, [&](OfflineRecord&& r) { return visit(r); });
}

absl::StatusOr<int64_t> OfflineTable::countKeys(int64_t viewId, int64_t start, int64_t end) {
    auto& q = m_conn.prepare(
        "SELECT count(DISTINCT entity_key) FROM offline WHERE view_id = ? AND event_ts >= ? AND "
        "event_ts < ?");
    q.bind(1, viewId).bind(2, start).bind(3, end);
    return q.singleInt64();
}

absl::StatusOr<int64_t> OfflineTable::count(int64_t viewId) {
    auto& q =
        m_conn.prepare("SELECT coalesce(sum(rows), 0) FROM offline_partitions WHERE view_id = ?");
    q.bind(1, viewId);
    return q.singleInt64();
}

}  // namespace meridian::storage
