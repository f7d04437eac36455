#include "storage/registrytable.h"

#include "storage/storedmessages.h"

namespace meridian::storage {
namespace {

constexpr std::string_view kStoredObject = "registry object";

}  // namespace

absl::Status RegistryTable::put(const v1::RegistryObject& object) {
    const auto key = registry::keyOf(object);
    const std::string bytes = object.SerializeAsString();
    auto st =
        m_conn
            .prepare(
                "INSERT INTO registry_objects(kind, project, name, version, deleted, object) "
                "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(kind, project, name) DO UPDATE SET "
                "version = excluded.version, deleted = excluded.deleted, object = excluded.object")
            .bind(1, static_cast<int64_t>(key.kind))
            .bind(2, key.project)
            .bind(3, key.name)
            .bind(4, object.meta().version())
            .bind(5, object.meta().deleted() ? 1 : 0)
            .bindBlob(6, bytes)
            .run();
    if (!st.ok())
        return st;
    return m_conn
        .prepare(
            "INSERT OR REPLACE INTO registry_history(kind, project, name, version, object) "
            "VALUES(?, ?, ?, ?, ?)")
        .bind(1, static_cast<int64_t>(key.kind))
        .bind(2, key.project)
        .bind(3, key.name)
        .bind(4, object.meta().version())
        .bindBlob(5, bytes)
        .run();
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegistryTable::current(bool includeDeleted) {
    auto& q = m_conn.prepare(
        "SELECT object FROM registry_objects WHERE deleted = 0 OR ? ORDER BY kind, project, name");
    q.bind(1, includeDeleted ? 1 : 0);
    return readMessages<v1::RegistryObject>(q, kStoredObject);
}

absl::StatusOr<std::optional<v1::RegistryObject>> RegistryTable::get(const registry::ObjectKey& key,
                                                                     int64_t version) {
    auto& q =
        version == 0
            ? m_conn.prepare(
                  "SELECT object FROM registry_objects WHERE kind = ? AND project = ? AND name = ?")
            : m_conn.prepare(
                  "SELECT object FROM registry_history WHERE kind = ? AND project = ? "
                  "AND name = ? AND version = ?");
    q.bind(1, static_cast<int64_t>(key.kind)).bind(2, key.project).bind(3, key.name);
    if (version != 0)
        q.bind(4, version);
    return readFirstMessage<v1::RegistryObject>(q, kStoredObject);
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegistryTable::history(
    const registry::ObjectKey& key) {
    auto& q = m_conn.prepare(
        "SELECT object FROM registry_history WHERE kind = ? AND project = ? AND name = ? ORDER BY "
        "version");
    q.bind(1, static_cast<int64_t>(key.kind)).bind(2, key.project).bind(3, key.name);
    return readMessages<v1::RegistryObject>(q, kStoredObject);
}

absl::StatusOr<int64_t> RegistryTable::lastVersion(const registry::ObjectKey& key) {
    auto& q = m_conn.prepare(
        "SELECT max(version) FROM registry_history WHERE kind = ? AND project = ? AND name = ?");
    q.bind(1, static_cast<int64_t>(key.kind)).bind(2, key.project).bind(3, key.name);
    return q.singleInt64();
}

absl::Status RegistryTable::keepRefused(const v1::RegistryObject& object) {
    const auto key = registry::keyOf(object);
    const std::string bytes = object.SerializeAsString();
    return m_conn
        .prepare(
            "INSERT INTO registry_refused(kind, project, name, owner_region, hlc, object) "
            "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(kind, project, name, owner_region) DO UPDATE "
            "SET hlc = excluded.hlc, object = excluded.object WHERE excluded.hlc > hlc")
        .bind(1, static_cast<int64_t>(key.kind))
        .bind(2, key.project)
        .bind(3, key.name)
        .bind(4, object.meta().owner_region())
        .bind(5, static_cast<int64_t>(object.meta().hlc()))
        .bindBlob(6, bytes)
        .run();
}

absl::Status RegistryTable::forgetRefused(const registry::ObjectKey& key,
                                          const std::string& ownerRegion) {
    return m_conn
        .prepare(
            "DELETE FROM registry_refused WHERE kind = ? AND project = ? AND name = ? AND "
            "owner_region = ?")
        .bind(1, static_cast<int64_t>(key.kind))
        .bind(2, key.project)
        .bind(3, key.name)
        .bind(4, ownerRegion)
        .run();
}

absl::StatusOr<std::optional<v1::RegistryObject>> RegistryTable::newestRefused(
    const registry::ObjectKey& key) {
    auto& q = m_conn.prepare(
        "SELECT object FROM registry_refused WHERE kind = ? AND project = ? AND name = ? "
        "ORDER BY hlc DESC LIMIT 1");
    q.bind(1, static_cast<int64_t>(key.kind)).bind(2, key.project).bind(3, key.name);
    return readFirstMessage<v1::RegistryObject>(q, kStoredObject);
}

absl::StatusOr<std::string> RegistryTable::recordedControlPlane() {
    auto& q = m_conn.prepare("SELECT value FROM meta WHERE key = 'control_plane'");
    std::string value;
    if (q.step())
        value = std::string(q.text(0));
    if (auto st = q.finish(); !st.ok())
        return st;
    return value;
}

absl::Status RegistryTable::recordControlPlane(const std::string& controlPlane) {
    return m_conn
        .prepare(
            "INSERT INTO meta(key, value) VALUES('control_plane', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, controlPlane)
        .run();
}

}  // namespace meridian::storage
