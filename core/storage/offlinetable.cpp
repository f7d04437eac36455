#include "storage/offlinetable.h"

namespace meridian::storage {

absl::Status OfflineTable::append(int64_t viewId, const OfflineRecord& r) {
    return m_conn
        .prepare("INSERT INTO offline(view_id, entity_key, event_ts, write_hlc, origin, day, vals) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, viewId)
        .bindBlob(2, r.entityKey)
        .bind(3, r.eventTs)
        .bind(4, static_cast<int64_t>(r.writeHlc))
        .bind(5, r.origin)
        .bind(6, dayOf(r.eventTs))
        .bindBlob(7, r.vals)
        .run();
}

absl::StatusOr<std::optional<OfflineRecord>> OfflineTable::pointInTime(int64_t viewId,
                                                                       std::string_view entityKey,
                                                                       int64_t at,
                                                                       int64_t notBefore) {
    auto& q = m_conn.prepare(
        "SELECT event_ts, write_hlc, origin, vals FROM offline WHERE view_id = ? AND entity_key = ? "
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
    if (!st.ok()) return st;
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
        if (!first && key == lastKey) continue;
        first = false;
        lastKey = std::string(key);
        OfflineRecord r{lastKey, q.int64(1), static_cast<uint64_t>(q.int64(2)),
                        std::string(q.text(3)), std::string(q.blob(4))};
        if (!visit(r)) break;
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
    if (!st.ok()) return st;
    return n;
}

absl::StatusOr<int64_t> OfflineTable::count(int64_t viewId) {
    auto& q = m_conn.prepare("SELECT count(*) FROM offline WHERE view_id = ?");
    q.bind(1, viewId);
    int64_t n = q.step() ? q.int64(0) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok()) return st;
    return n;
}

}  // namespace meridian::storage
