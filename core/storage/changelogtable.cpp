#include "storage/changelogtable.h"

namespace meridian::storage {

absl::Status ChangelogTable::append(v1::Change& change) {
    auto last = lastSeq();
    if (!last.ok()) return last.status();
    const uint64_t seq = *last + 1;
    change.set_seq(seq);
    if (change.origin_seq() == 0) change.set_origin_seq(seq);
    const std::string bytes = change.SerializeAsString();
    const std::string view = change.project().empty() ? change.feature_view()
                                                      : change.project() + "/" + change.feature_view();
    return m_conn
        .prepare("INSERT INTO changelog(seq, hlc, origin, origin_seq, kind, view, commit_ms, change) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, static_cast<int64_t>(seq))
        .bind(2, static_cast<int64_t>(change.hlc()))
        .bind(3, change.origin())
        .bind(4, static_cast<int64_t>(change.origin_seq()))
        .bind(5, static_cast<int64_t>(change.kind()))
        .bind(6, view)
        .bind(7, change.commit_ms())
        .bindBlob(8, bytes)
        .run();
}

absl::StatusOr<uint64_t> ChangelogTable::lastSeq() {
    auto& q = m_conn.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changelog'");
    uint64_t seq = q.step() ? static_cast<uint64_t>(q.int64(0)) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok()) return st;
    return seq;
}

absl::StatusOr<uint64_t> ChangelogTable::firstSeq() {
    auto& q = m_conn.prepare("SELECT min(seq) FROM changelog");
    uint64_t seq = q.step() ? static_cast<uint64_t>(q.int64(0)) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok()) return st;
    return seq;
}

absl::StatusOr<uint64_t> ChangelogTable::maxHlc() {
    auto& q = m_conn.prepare("SELECT max(hlc) FROM changelog");
    uint64_t hlc = q.step() ? static_cast<uint64_t>(q.int64(0)) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok()) return st;
    return hlc;
}

absl::Status ChangelogTable::readAfter(uint64_t after, int limit,
                                       const std::function<bool(v1::Change&&)>& visit) {
    auto& q = m_conn.prepare("SELECT change FROM changelog WHERE seq > ? ORDER BY seq LIMIT ?");
    q.bind(1, static_cast<int64_t>(after)).bind(2, limit);
    while (q.step()) {
        v1::Change c;
        const auto blob = q.blob(0);
        if (!c.ParseFromArray(blob.data(), static_cast<int>(blob.size()))) {
            q.reset();
            return absl::DataLossError("changelog entry after seq " + std::to_string(after) +
                                       " does not parse");
        }
        if (!visit(std::move(c))) break;
    }
    auto st = q.status();
    q.reset();
    return st;
}

}  // namespace meridian::storage
