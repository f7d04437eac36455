#include "storage/audittable.h"

namespace meridian::storage {
namespace {

#define AUDIT_COLUMNS "at_ms, principal, action, target, result, request_id, denied"

AuditEntry entryOf(Statement& q) {
    return {q.int64(0),
            std::string(q.text(1)),
            std::string(q.text(2)),
            std::string(q.text(3)),
            std::string(q.text(4)),
            std::string(q.text(5)),
            q.int64(6) != 0};
}

}  // namespace

absl::Status AuditTable::record(const AuditEntry& e) {
    return m_conn.prepare("INSERT INTO audit(" AUDIT_COLUMNS ") VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, e.atMs)
        .bind(2, e.principal)
        .bind(3, e.action)
        .bind(4, e.target)
        .bind(5, e.result)
        .bind(6, e.requestId)
        .bind(7, static_cast<int64_t>(e.denied ? 1 : 0))
        .run();
}

absl::StatusOr<std::vector<AuditEntry>> AuditTable::latest(int limit) {
    AuditFilter filter;
    filter.limit = limit;
    return find(filter);
}

absl::StatusOr<std::vector<AuditEntry>> AuditTable::find(const AuditFilter& f) {
    auto& q = m_conn.prepare("SELECT " AUDIT_COLUMNS
                             " FROM audit WHERE at_ms >= ?1 AND (?2 = 0 OR at_ms < ?2)"
                             " AND (?3 = '' OR principal = ?3) AND (?4 = '' OR action = ?4)"
                             " AND (?5 = 0 OR denied = 1) ORDER BY id DESC LIMIT ?6");
    q.bind(1, f.sinceMs)
        .bind(2, f.untilMs)
        .bind(3, f.principal)
        .bind(4, f.action)
        .bind(5, static_cast<int64_t>(f.deniedOnly ? 1 : 0))
        .bind(6, static_cast<int64_t>(f.limit));
    std::vector<AuditEntry> out;
    while (q.step())
        out.push_back(entryOf(q));
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

absl::StatusOr<int64_t> AuditTable::trim(int64_t keep) {
    auto st = m_conn.prepare("DELETE FROM audit WHERE id <= (SELECT max(id) FROM audit) - ?")
                  .bind(1, keep)
                  .run();
    if (!st.ok())
        return st;
    return m_conn.changes();
}

}  // namespace meridian::storage
