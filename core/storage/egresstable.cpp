#include "storage/egresstable.h"

namespace meridian::storage {

absl::Status EgressTable::add(const EgressRecord& r) {
    return m_conn
        .prepare(
            "INSERT INTO egress(minute_ms, to_region, view, kind, bytes, raw_bytes, changes) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(minute_ms, to_region, view, kind) DO "
            "UPDATE "
            "SET bytes = bytes + ?5, raw_bytes = raw_bytes + ?6, changes = changes + ?7")
        .bind(1, r.minuteMs - r.minuteMs % 60000)
        .bind(2, r.toRegion)
        .bind(3, r.view)
        .bind(4, r.kind)
        .bind(5, r.bytes)
        .bind(6, r.rawBytes)
        .bind(7, r.changes)
        .run();
}

absl::Status EgressTable::scan(int64_t sinceMs, int64_t untilMs,
                               const std::function<void(const EgressRecord&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT minute_ms, to_region, view, kind, bytes, raw_bytes, changes FROM egress "
        "WHERE minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms");
    q.bind(1, sinceMs - sinceMs % 60000).bind(2, untilMs);
    while (q.step()) {
        visit({q.int64(0), std::string(q.text(1)), std::string(q.text(2)), std::string(q.text(3)),
               q.int64(4), q.int64(5), q.int64(6)});
    }
    return q.finish();
}

absl::Status EgressTable::prune(int64_t beforeMs) {
    return m_conn.prepare("DELETE FROM egress WHERE minute_ms < ?").bind(1, beforeMs).run();
}

}  // namespace meridian::storage
