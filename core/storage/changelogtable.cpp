#include "storage/changelogtable.h"

#include <algorithm>
#include <cstdint>

#include "storage/varint.h"

namespace meridian::storage {
namespace {

// Sequence numbers and clocks are unsigned in the log, integers in SQLite.
absl::StatusOr<uint64_t> asUnsigned(absl::StatusOr<int64_t> value) {
    if (!value.ok())
        return value.status();
    return static_cast<uint64_t>(*value);
}

void appendTag(std::string& out, int field, int wireType) {
    appendVarint(out, static_cast<uint64_t>(field << 3 | wireType));
}
void appendUint(std::string& out, int field, uint64_t v) {
    if (v == 0)
        return;
    appendTag(out, field, 0);
    appendVarint(out, v);
}
void appendString(std::string& out, int field, std::string_view s) {
    if (s.empty())
        return;
    appendTag(out, field, 2);
    appendVarint(out, s.size());
    out.append(s);
}

// Fixed per-entry bytes SQLite spends beside the body: cell header, rowid and the columns.
constexpr int64_t kEntryOverhead = 24;
// Entries whose size stands for the whole log.
constexpr uint64_t kSizeSample = 256;

}  // namespace

void appendWireChange(std::string& out, const LogEntry& e, std::string_view origin,
                      std::string_view project, std::string_view view) {
    thread_local std::string head;
    head.clear();
    // Field numbers of v1::Change.
    appendUint(head, 1, e.seq);
    appendUint(head, 2, e.hlc);
    appendString(head, 3, origin);
    appendUint(head, 4, e.seq);
    appendUint(head, 5, static_cast<uint64_t>(e.kind));
    appendString(head, 6, project);
    appendString(head, 7, view);
    appendUint(head, 13, static_cast<uint64_t>(e.commitMs));
    appendTag(out, 1, 2);
    appendVarint(out, head.size() + e.body.size());
    out.append(head);
    out.append(e.body);
}

absl::StatusOr<uint64_t> ChangelogTable::append(const LogAppend& entry, uint64_t seq) {
    auto& q = m_conn.prepare(
        "INSERT INTO changelog(hlc, kind, view_id, commit_ms, schema_id, change, seq) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(entry.hlc))
        .bind(2, static_cast<int64_t>(entry.kind))
        .bind(4, entry.commitMs)
        .bindBlob(6, entry.body);
    if (entry.viewId)
        q.bind(3, entry.viewId);
    if (entry.schemaId)
        q.bind(5, static_cast<int64_t>(entry.schemaId));
    if (seq)
        q.bind(7, static_cast<int64_t>(seq));
    if (auto st = q.run(); !st.ok())
        return st;
    return static_cast<uint64_t>(m_conn.lastInsertRowid());
}

absl::StatusOr<uint64_t> ChangelogTable::lastSeq() {
    auto& q = m_conn.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changelog'");
    return asUnsigned(q.singleInt64());
}

absl::StatusOr<uint64_t> ChangelogTable::firstSeq() {
    auto& q = m_conn.prepare("SELECT min(seq) FROM changelog");
    return asUnsigned(q.singleInt64());
}

absl::StatusOr<ChangelogTable::SeqSpan> ChangelogTable::seqSpan() {
    auto first = firstSeq();
    if (!first.ok())
        return first.status();
    auto last = lastSeq();
    if (!last.ok())
        return last.status();
    return SeqSpan{*first, *last};
}

absl::StatusOr<uint64_t> ChangelogTable::maxHlc() {
    auto& q = m_conn.prepare(
        "SELECT max(coalesce((SELECT hlc FROM changelog ORDER BY seq DESC LIMIT 1), 0), "
        "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hlc_floor'), 0))");
    return asUnsigned(q.singleInt64());
}

absl::Status ChangelogTable::scanAfter(uint64_t after, int limit,
                                       const std::function<bool(const LogEntry&)>& visit) {
    auto& q = m_conn.prepare(
        "SELECT seq, hlc, kind, view_id, commit_ms, schema_id, change FROM changelog WHERE seq > "
        "? ORDER BY seq LIMIT ?");
    q.bind(1, static_cast<int64_t>(after)).bind(2, limit);
    while (q.step()) {
        LogEntry e;
        e.seq = static_cast<uint64_t>(q.int64(0));
        e.hlc = static_cast<uint64_t>(q.int64(1));
        e.kind = static_cast<v1::Change::Kind>(q.int64(2));
        e.viewId = q.int64(3);
        e.commitMs = q.int64(4);
        e.schemaId = static_cast<uint32_t>(q.int64(5));
        e.body = q.blob(6);
        if (!visit(e))
            break;
    }
    return q.finish();
}

absl::Status ChangelogTable::readAfter(uint64_t after, int limit, ViewIds& views,
                                       std::string_view origin,
                                       const std::function<bool(v1::Change&&)>& visit) {
    absl::Status failed;
    std::string bytes;
    auto st = scanAfter(after, limit, [&](const LogEntry& e) {
        std::string project, view;
        if (e.viewId) {
            auto name = views.nameOf(m_conn, e.viewId);
            if (!name.ok()) {
                failed = name.status();
                return false;
            }
            project = name->first;
            view = name->second;
        }
        bytes.clear();
        appendWireChange(bytes, e, origin, project, view);
        v1::ChangeList list;
        if (!list.ParseFromString(bytes) || list.changes_size() != 1) {
            failed =
                absl::DataLossError("changelog entry " + std::to_string(e.seq) + " does not parse");
            return false;
        }
        return visit(std::move(*list.mutable_changes(0)));
    });
    return st.ok() ? failed : st;
}

absl::StatusOr<int64_t> ChangelogTable::truncateThrough(uint64_t upTo, int64_t limit) {
    auto first = firstSeq();
    if (!first.ok())
        return first.status();
    if (*first == 0 || *first > upTo)
        return int64_t{0};
    const uint64_t last = std::min<uint64_t>(upTo, *first + static_cast<uint64_t>(limit) - 1);
    // The clock must restart above what the removed entries carried: keep their highest value
    // (the newest removed entry's: values only grow along the log).
    auto st = m_conn
                  .prepare(
                      "INSERT INTO meta(key, value) SELECT 'hlc_floor', CAST(hlc AS TEXT) "
                      "FROM changelog WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1 "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                  .bind(1, static_cast<int64_t>(last))
                  .run();
    if (!st.ok())
        return st;
    st = m_conn.prepare("DELETE FROM changelog WHERE seq <= ?")
             .bind(1, static_cast<int64_t>(last))
             .run();
    if (!st.ok())
        return st;
    return m_conn.changes();
}

absl::StatusOr<uint64_t> ChangelogTable::lastSeqBefore(int64_t commitMs) {
    // commit_ms grows with seq, so a bisection over seq finds the answer with point lookups.
    auto seqs = seqSpan();
    if (!seqs.ok())
        return seqs.status();
    const uint64_t first = seqs->first, last = seqs->last;
    auto commitOf = [&](uint64_t seq) -> absl::StatusOr<int64_t> {
        auto& q =
            m_conn.prepare("SELECT commit_ms FROM changelog WHERE seq >= ? ORDER BY seq LIMIT 1");
        q.bind(1, static_cast<int64_t>(seq));
        return q.singleInt64(INT64_MAX);
    };
    if (first == 0)
        return uint64_t{0};
    uint64_t lo = first, hi = last, answer = 0;
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

absl::StatusOr<int64_t> ChangelogTable::estimatedBytes() {
    auto seqs = seqSpan();
    if (!seqs.ok())
        return seqs.status();
    const uint64_t first = seqs->first, last = seqs->last;
    if (first == 0)
        return int64_t{0};
    // Entries spread evenly over the log stand for all of it: views of different sizes are
    // written in bursts, so the newest entries alone can be far from the average.
    const uint64_t span = last - first + 1;
    const uint64_t samples = std::min<uint64_t>(span, kSizeSample);
    auto& q =
        m_conn.prepare("SELECT length(change) FROM changelog WHERE seq >= ? ORDER BY seq LIMIT 1");
    int64_t sampled = 0, bytes = 0;
    for (uint64_t i = 0; i < samples; ++i) {
        q.bind(1, static_cast<int64_t>(first + i * span / samples));
        if (q.step()) {
            bytes += q.int64(0);
            ++sampled;
        }
        if (auto st = q.finish(); !st.ok())
            return st;
    }
    if (sampled == 0)
        return int64_t{0};
    // Sequences are contiguous: retention removes from the front only.
    return static_cast<int64_t>(span) * (bytes / sampled + kEntryOverhead);
}

}  // namespace meridian::storage
