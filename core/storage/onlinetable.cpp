#include "storage/onlinetable.h"

namespace meridian::storage {
namespace {

void newerFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* regions = static_cast<const RegionIds*>(sqlite3_user_data(ctx));
    const bool newer =
        isNewer(sqlite3_value_int64(argv[0]), static_cast<uint64_t>(sqlite3_value_int64(argv[1])),
                regions->name(sqlite3_value_int64(argv[2])), sqlite3_value_int64(argv[3]),
                static_cast<uint64_t>(sqlite3_value_int64(argv[4])),
                regions->name(sqlite3_value_int64(argv[5])));
    sqlite3_result_int(ctx, newer ? 1 : 0);
}

}  // namespace

bool isNewer(int64_t eventTs, uint64_t writeHlc, std::string_view origin, int64_t otherEventTs,
             uint64_t otherWriteHlc, std::string_view otherOrigin) {
    if (eventTs != otherEventTs)
        return eventTs > otherEventTs;
    if (writeHlc != otherWriteHlc)
        return writeHlc > otherWriteHlc;
    return origin > otherOrigin;
}

absl::Status registerConflictRule(Connection& conn, const RegionIds& regions) {
    const int rc = sqlite3_create_function_v2(
        conn.handle(), "meridian_newer", 6, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
        const_cast<RegionIds*>(&regions), &newerFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(conn.handle(), rc, "register meridian_newer");
    return absl::OkStatus();
}

absl::StatusOr<bool> OnlineTable::upsert(int64_t viewId, std::string_view entityKey,
                                         const OnlineRecord& r) {
    auto& q = m_conn.prepare(
        "INSERT INTO online(view_id, entity_key, event_ts, write_hlc, origin, deleted, vals) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(view_id, entity_key) DO UPDATE SET "
        "event_ts = excluded.event_ts, write_hlc = excluded.write_hlc, origin = excluded.origin, "
        "deleted = excluded.deleted, vals = excluded.vals "
        "WHERE meridian_newer(excluded.event_ts, excluded.write_hlc, excluded.origin, "
        "online.event_ts, online.write_hlc, online.origin)");
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
        if (auto st = q.finish(); !st.ok())
            return st;
        return false;
    }
    // The statement stays positioned on the row so the views stay valid; the next prepare()
    // of this statement resets it, and so does the end of the transaction or lease.
    out.eventTs = q.int64(0);
    out.writeHlc = static_cast<uint64_t>(q.int64(1));
    out.origin = q.int64(2);
    out.deleted = q.int64(3) != 0;
    out.vals = q.blob(4);
    return true;
}

absl::StatusOr<int64_t> OnlineTable::count(int64_t viewId) {
    auto& q = m_conn.prepare("SELECT keys - deleted FROM online_counts WHERE view_id = ?");
    q.bind(1, viewId);
    return q.singleInt64();
}

}  // namespace meridian::storage
