#include "storage/cursortable.h"

namespace meridian::storage {

absl::StatusOr<Cursor> CursorTable::get(const std::string& peer) {
    auto& q = m_conn.prepare("SELECT seq, hlc, updated_ms, epoch FROM cursors WHERE peer = ?");
    q.bind(1, peer);
    Cursor c;
    if (q.step())
        c = {static_cast<uint64_t>(q.int64(0)), static_cast<uint64_t>(q.int64(1)), q.int64(2),
             static_cast<uint64_t>(q.int64(3))};
    if (auto st = q.finish(); !st.ok())
        return st;
    return c;
}

absl::StatusOr<std::map<std::string, Cursor>> CursorTable::all() {
    auto& q = m_conn.prepare("SELECT peer, seq, hlc, updated_ms, epoch FROM cursors");
    std::map<std::string, Cursor> out;
    while (q.step())
        out[std::string(q.text(0))] = {static_cast<uint64_t>(q.int64(1)),
                                       static_cast<uint64_t>(q.int64(2)), q.int64(3),
                                       static_cast<uint64_t>(q.int64(4))};
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

absl::Status CursorTable::set(const std::string& peer, const Cursor& c) {
    return m_conn
        .prepare(
            "INSERT INTO cursors(peer, seq, hlc, updated_ms, epoch) VALUES(?, ?, ?, ?, ?) "
            "ON CONFLICT(peer) DO UPDATE SET seq = excluded.seq, hlc = excluded.hlc, "
            "updated_ms = excluded.updated_ms, epoch = excluded.epoch")
        .bind(1, peer)
        .bind(2, static_cast<int64_t>(c.seq))
        .bind(3, static_cast<int64_t>(c.hlc))
        .bind(4, c.updatedMs)
        .bind(5, static_cast<int64_t>(c.epoch))
        .run();
}

absl::Status CursorTable::addConflicts(const std::string& peer, const std::string& view,
                                       int64_t count) {
    return m_conn
        .prepare(
            "INSERT INTO conflicts(peer, view, count) VALUES(?1, ?2, ?3) ON CONFLICT(peer, view) "
            "DO UPDATE SET count = count + ?3")
        .bind(1, peer)
        .bind(2, view)
        .bind(3, count)
        .run();
}

absl::StatusOr<std::map<std::string, std::map<std::string, int64_t>>> CursorTable::conflicts() {
    auto& q = m_conn.prepare("SELECT peer, view, count FROM conflicts");
    std::map<std::string, std::map<std::string, int64_t>> out;
    while (q.step())
        out[std::string(q.text(0))][std::string(q.text(1))] = q.int64(2);
    if (auto st = q.finish(); !st.ok())
        return st;
    return out;
}

}  // namespace meridian::storage
