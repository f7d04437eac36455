#include "storage/changelogtable.h"

#include <cstdint>

namespace meridian::storage {

absl::Status ChangelogTable::append(v1::Change& change) {
    auto last = lastSeq();
    if (!last.ok())
        return last.status();
    const uint64_t seq = *last + 1;
    change.set_seq(seq);
    if (change.origin_seq() == 0)
        change.set_origin_seq(seq);
    const std::string bytes = change.SerializeAsString();
    const std::string view = change.project().empty()
                                 ? change.feature_view()
                                 : change.project() + "/" + change.feature_view();
    return m_conn
        .prepare(
            "INSERT INTO changelog(seq, hlc, origin, origin_seq, kind, view, commit_ms, change) "
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
    if (!st.ok())
        return st;
    return seq;
}

absl::StatusOr<uint64_t> ChangelogTable::firstSeq() {
    auto& q = m_conn.prepare("SELECT min(seq) FROM changelog");
    uint64_t seq = q.step() ? static_cast<uint64_t>(q.int64(0)) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return seq;
}

absl::StatusOr<uint64_t> ChangelogTable::maxHlc() {
    auto& q = m_conn.prepare(
        "SELECT max(coalesce((SELECT max(hlc) FROM changelog), 0), coalesce((SELECT CAST(value AS "
        "INTEGER) FROM meta "
        "WHERE key = 'hlc_floor'), 0))");
    uint64_t hlc = q.step() ? static_cast<uint64_t>(q.int64(0)) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
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
        if (!visit(std::move(c)))
            break;
    }
    auto st = q.status();
    q.reset();
    return st;
}

absl::Status ChangelogTable::scanAfter(uint64_t after, int limit,
                                       const std::function<bool(const LogEntry&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT seq, kind, view, commit_ms, change FROM changelog WHERE seq > ? ORDER BY seq LIMIT "
        "?");
    q.bind(1, static_cast<int64_t>(after)).bind(2, limit);
    while (q.step()) {
        LogEntry e;
        e.seq = static_cast<uint64_t>(q.int64(0));
        e.kind = static_cast<v1::Change::Kind>(q.int64(1));
        const std::string_view view = q.text(2);
        const auto slash = view.find('/');
        e.project = slash == std::string_view::npos ? view : view.substr(0, slash);
        e.featureView =
            slash == std::string_view::npos ? std::string_view() : view.substr(slash + 1);
        e.commitMs = q.int64(3);
        e.change = q.blob(4);
        if (!visit(e))
            break;
    }
    auto st = q.status();
    q.reset();
    return st;
}

absl::StatusOr<int64_t> ChangelogTable::truncateThrough(uint64_t upTo) {
    // The clock must restart above what the removed entries carried: keep their highest value.
    auto st = m_conn
                  .prepare(
                      "INSERT INTO meta(key, value) SELECT 'hlc_floor', CAST(max(hlc) AS TEXT) "
                      "FROM changelog "
                      "WHERE seq <= ?1 AND hlc > coalesce((SELECT CAST(value AS INTEGER) FROM meta "
                      "WHERE key = "
                      "'hlc_floor'), 0) HAVING max(hlc) IS NOT NULL ON CONFLICT(key) DO UPDATE SET "
                      "value = excluded.value")
                  .bind(1, static_cast<int64_t>(upTo))
                  .run();
    if (!st.ok())
        return st;
    st = m_conn.prepare("DELETE FROM changelog WHERE seq <= ?")
             .bind(1, static_cast<int64_t>(upTo))
             .run();
    if (!st.ok())
        return st;
    return m_conn.changes();
}

absl::StatusOr<uint64_t> ChangelogTable::lastSeqBefore(int64_t commitMs) {
    // commit_ms grows with seq, so a bisection over seq finds the answer with point lookups.
    auto first = firstSeq();
    if (!first.ok())
        return first.status();
    auto last = lastSeq();
    if (!last.ok())
        return last.status();
    auto commitOf = [&](uint64_t seq) -> absl::StatusOr<int64_t> {
        auto& q =
            m_conn.prepare("SELECT commit_ms FROM changelog WHERE seq >= ? ORDER BY seq LIMIT 1");
        q.bind(1, static_cast<int64_t>(seq));
        const int64_t ms = q.step() ? q.int64(0) : INT64_MAX;
        auto st = q.status();
        q.reset();
        if (!st.ok())
            return st;
        return ms;
    };
    if (*first == 0)
        return uint64_t{0};
    uint64_t lo = *first, hi = *last, answer = 0;
    while (lo <= hi) {
        const uint64_t mid = lo + (hi - lo) / 2;
        auto ms = commitOf(mid);
        if (!ms.ok())
            return ms.status();
        if (*ms <= commitMs) {
            answer = mid;
            lo = mid + 1;
        } else {
            if (mid == 0)
                break;
            hi = mid - 1;
        }
    }
    return answer;
}

absl::StatusOr<int64_t> ChangelogTable::bytesAfter(uint64_t after) {
    auto& q =
        m_conn.prepare("SELECT coalesce(sum(length(change)), 0) FROM changelog WHERE seq > ?");
    q.bind(1, static_cast<int64_t>(after));
    int64_t bytes = q.step() ? q.int64(0) : 0;
    auto st = q.status();
    q.reset();
    if (!st.ok())
        return st;
    return bytes;
}

}  // namespace meridian::storage
