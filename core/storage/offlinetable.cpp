#include "storage/offlinetable.h"

#include <xxhash.h>

namespace meridian::storage {

uint64_t offlineRowHash(const OfflineRecord& r) {
    // Length-prefixed key, then the fixed-size fields and the origin and values.
    thread_local std::string buffer;
    buffer.clear();
    const uint64_t keyLen = r.entityKey.size();
    const int64_t ts = r.eventTs;
    const uint64_t hlc = r.writeHlc;
    buffer.append(reinterpret_cast<const char*>(&keyLen), sizeof keyLen);
    buffer.append(r.entityKey);
    buffer.append(reinterpret_cast<const char*>(&ts), sizeof ts);
    buffer.append(reinterpret_cast<const char*>(&hlc), sizeof hlc);
    buffer.append(r.origin);
    buffer.push_back('\0');
    buffer.append(r.vals);
    return XXH64(buffer.data(), buffer.size(), 0);
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
    auto added = insert(viewId, r);
    if (!added.ok() || !*added)
        return added;
    if (auto st = addToPartition(viewId, dayOf(r.eventTs), 1, offlineRowHash(r)); !st.ok())
        return st;
    return true;
}

absl::StatusOr<bool> OfflineTable::append(int64_t viewId, const OfflineRecord& r,
                                          PartitionDeltas& deltas) {
    auto added = insert(viewId, r);
    if (added.ok() && *added)
        deltas.add(viewId, dayOf(r.eventTs), offlineRowHash(r));
    return added;
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
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return out;
}

absl::Status OfflineTable::scanPartition(int64_t viewId, int64_t day,
                                         const std::function<bool(const OfflineRecord&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND "
        "day = ? "
        "ORDER BY entity_key, event_ts, write_hlc, origin");
    q.bind(1, viewId).bind(2, day);
    while (q.step()) {
        OfflineRecord r{std::string(q.blob(0)), q.int64(1), static_cast<uint64_t>(q.int64(2)),
                        std::string(q.text(3)), std::string(q.blob(4))};
        if (!visit(r))
            break;
    }
    auto st = q.status();
    q.reset();
    return st;
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

absl::StatusOr<std::optional<OfflineRecord>> OfflineTable::pointInTime(int64_t viewId,
                                                                       std::string_view entityKey,
                                                                       int64_t at,
                                                                       int64_t notBefore) {
    auto& q = m_conn.prepare(
        "SELECT event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND entity_key = "
        "? "
        "AND event_ts <= ? AND event_ts >= ? ORDER BY event_ts DESC, write_hlc DESC, origin DESC "
        "LIMIT 1");
    q.bind(1, viewId).bindBlob(2, entityKey).bind(3, at).bind(4, notBefore);
    std::optional<OfflineRecord> out;
    if (q.step()) {
        out.emplace();
        out->entityKey = std::string(entityKey);
        out->eventTs = q.int64(0);
        out->writeHlc = static_cast<uint64_t>(q.int64(1));
        out->origin = std::string(q.text(2));
        out->vals = std::string(q.blob(3));
    }
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return out;
}

absl::Status OfflineTable::latestPerKey(int64_t viewId, int64_t start, int64_t end,
                                        const std::function<bool(const OfflineRecord&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT entity_key, event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND "
        "event_ts >= ? AND event_ts < ? ORDER BY entity_key, event_ts DESC, write_hlc DESC, "
        "origin DESC");
    q.bind(1, viewId).bind(2, start).bind(3, end);
    std::string lastKey;
    bool first = true;
    while (q.step()) {
        const std::string_view key = q.blob(0);
        if (!first && key == lastKey)
            continue;
        first = false;
        lastKey = std::string(key);
        OfflineRecord r{lastKey, q.int64(1), static_cast<uint64_t>(q.int64(2)),
                        std::string(q.text(3)), std::string(q.blob(4))};
        if (!visit(r))
            break;
    }
    auto st = q.status();
    q.reset();
    return st;
}

absl::StatusOr<int64_t> OfflineTable::countKeys(int64_t viewId, int64_t start, int64_t end) {
    auto& q = m_conn.prepare(
        "SELECT count(DISTINCT entity_key) FROM offline WHERE view_id = ? AND event_ts >= ? AND "
        "event_ts < ?");
    q.bind(1, viewId).bind(2, start).bind(3, end);
    int64_t n = q.step() ? q.int64(0) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return n;
}

absl::StatusOr<int64_t> OfflineTable::count(int64_t viewId) {
    auto& q = m_conn.prepare("SELECT count(*) FROM offline WHERE view_id = ?");
    q.bind(1, viewId);
    int64_t n = q.step() ? q.int64(0) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return n;
}

}  // namespace meridian::storage
