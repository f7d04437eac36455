#include "storage/recordtable.h"

#include "storage/storedmessages.h"

namespace meridian::storage {
namespace {

template <typename Message>
std::string_view nameOf() {
    return Message::descriptor()->name();
}

}  // namespace

absl::Status JobTable::put(const v1::SyncJob& job) {
    return m_conn
        .prepare(
            "INSERT INTO sync_jobs(id, created_ms, job) VALUES(?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET "
            "job = excluded.job")
        .bind(1, job.id())
        .bind(2, job.created_at())
        .bindBlob(3, job.SerializeAsString())
        .run();
}

absl::StatusOr<std::optional<v1::SyncJob>> JobTable::get(const std::string& id) {
    auto& q = m_conn.prepare("SELECT job FROM sync_jobs WHERE id = ?");
    q.bind(1, id);
    return readFirstMessage<v1::SyncJob>(q, nameOf<v1::SyncJob>());
}

absl::StatusOr<std::vector<v1::SyncJob>> JobTable::latest(int limit) {
    auto& q = m_conn.prepare("SELECT job FROM sync_jobs ORDER BY created_ms DESC, id DESC LIMIT ?");
    q.bind(1, limit);
    return readMessages<v1::SyncJob>(q, nameOf<v1::SyncJob>());
}

absl::Status AlertTable::put(const v1::Alert& alert) {
    return m_conn
        .prepare(
            "INSERT INTO alerts(id, raised_ms, cleared_ms, alert) VALUES(?, ?, ?, ?) ON "
            "CONFLICT(id) DO "
            "UPDATE SET cleared_ms = excluded.cleared_ms, alert = excluded.alert")
        .bind(1, alert.id())
        .bind(2, alert.raised_at())
        .bind(3, alert.cleared_at())
        .bindBlob(4, alert.SerializeAsString())
        .run();
}

absl::StatusOr<std::vector<v1::Alert>> AlertTable::latest(bool includeCleared, int limit) {
    auto& q = m_conn.prepare(
        "SELECT alert FROM alerts WHERE cleared_ms = 0 OR ? ORDER BY raised_ms DESC LIMIT ?");
    q.bind(1, includeCleared ? 1 : 0).bind(2, limit);
    return readMessages<v1::Alert>(q, nameOf<v1::Alert>());
}

}  // namespace meridian::storage
