#include "storage/audittable.h"

namespace meridian::storage {

absl::Status AuditTable::record(const AuditEntry& e) {
    return m_conn
        .prepare(
            "INSERT INTO audit(at_ms, principal, action, target, result) VALUES(?, ?, ?, ?, ?)")
        .bind(1, e.atMs)
        .bind(2, e.principal)
        .bind(3, e.action)
        .bind(4, e.target)
        .bind(5, e.result)
        .run();
}

absl::StatusOr<std::vector<AuditEntry>> AuditTable::latest(int limit) {
    auto& q = m_conn.prepare(
        "SELECT at_ms, principal, action, target, result FROM audit ORDER BY id DESC LIMIT ?");
    q.bind(1, limit);
    std::vector<AuditEntry> out;
    while (q.step()) {
        out.push_back({q.int64(0), std::string(q.text(1)), std::string(q.text(2)),
                       std::string(q.text(3)), std::string(q.text(4))});
    }
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

}  // namespace meridian::storage
