#include "storage/onlinetable.h"

namespace meridian::storage {

bool isNewer(int64_t eventTs, uint64_t writeHlc, std::string_view origin, int64_t otherEventTs,
             uint64_t otherWriteHlc, std::string_view otherOrigin) {
    if (eventTs != otherEventTs)
        return eventTs > otherEventTs;
    if (writeHlc != otherWriteHlc)
        return writeHlc > otherWriteHlc;
    return origin > otherOrigin;
}

absl::StatusOr<bool> OnlineTable::upsert(int64_t viewId, std::string_view entityKey,
                                         const OnlineRecord& r) {
    // The WHERE clause is isNewer() in SQL, so the rule holds whatever order writes arrive in.
    auto& q = m_conn.prepare(
        "INSERT INTO online(view_id, entity_key, event_ts, write_hlc, origin, deleted, vals) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(view_id, entity_key) DO UPDATE SET "
        "event_ts = excluded.event_ts, write_hlc = excluded.write_hlc, origin = excluded.origin, "
        "deleted = excluded.deleted, vals = excluded.vals "
        "WHERE excluded.event_ts > online.event_ts OR (excluded.event_ts = online.event_ts AND "
        "(excluded.write_hlc > online.write_hlc OR (excluded.write_hlc = online.write_hlc AND "
        "excluded.origin > online.origin)))");
    q.bind(1, viewId)
        .bindBlob(2, entityKey)
        .bind(3, r.eventTs)
        .bind(4, static_cast<int64_t>(r.writeHlc))
        .bind(5, r.origin)
        .bind(6, r.deleted ? 1 : 0)
        .bindBlob(7, r.vals);
    if (auto st = q.run(); !st.ok())
        return st;
    return m_conn.changes() > 0;
}

absl::StatusOr<bool> OnlineTable::get(int64_t viewId, std::string_view entityKey,
                                      OnlineRecordView& out) {
    auto& q = m_conn.prepare(
        "SELECT event_ts, write_hlc, origin, deleted, vals FROM online WHERE view_id = ? AND "
        "entity_key = ?");
    q.bind(1, viewId).bindBlob(2, entityKey);
    if (!q.step()) {
        auto st = q.status();
        q.reset();
        if (!st.ok())
            return st;
        return false;
    }
    // The statement stays positioned on the row so the views stay valid; the next prepare()
    // of this statement resets it.
    out.eventTs = q.int64(0);
    out.writeHlc = static_cast<uint64_t>(q.int64(1));
    out.origin = q.text(2);
    out.deleted = q.int64(3) != 0;
    out.vals = q.blob(4);
    return true;
}

absl::StatusOr<int64_t> OnlineTable::count(int64_t viewId) {
    auto& q = m_conn.prepare("SELECT count(*) FROM online WHERE view_id = ? AND deleted = 0");
    q.bind(1, viewId);
    int64_t n = q.step() ? q.int64(0) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return n;
}

}  // namespace meridian::storage
