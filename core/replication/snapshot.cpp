#include "replication/snapshot.h"

#include <sqlite3.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "registry/catalog.h"
#include "replication/codec.h"
#include "replication/replicationpolicy.h"
#include "storage/cursortable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/registrytable.h"
#include "storage/rowformat.h"
#include "storage/schema.h"
#include "storage/sqlite.h"

namespace meridian::replication {
namespace {

// A plain SQLite handle for files outside the region's database.
struct Handle {
    sqlite3* db = nullptr;
    ~Handle() { sqlite3_close(db); }
};

// A text column; empty for NULL (a damaged or foreign file may hold NULL anywhere).
std::string textOf(sqlite3_stmt* q, int column) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(q, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(q, column))) : std::string();
}

std::string blobOf(sqlite3_stmt* q, int column) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(q, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(q, column))) : std::string();
}

absl::Status exec(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string message = err ? err : "unknown error";
        sqlite3_free(err);
        return absl::InternalError("snapshot: " + message);
    }
    return absl::OkStatus();
}

absl::StatusOr<uint64_t> fileChecksum(const std::string& path, int64_t* size) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return absl::NotFoundError("cannot read " + path);
    XXH64_state_t* state = XXH64_createState();
    XXH64_reset(state, 0);
    std::vector<char> buffer(1 << 20);
    int64_t total = 0;
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = in.gcount();
        if (n <= 0)
            break;
        XXH64_update(state, buffer.data(), static_cast<size_t>(n));
        total += n;
    }
    const uint64_t h = XXH64_digest(state);
    XXH64_freeState(state);
    if (size)
        *size = total;
    return h;
}

}  // namespace

namespace {

// Removes what a directory holds: files of an earlier run that nobody can use any more.
void emptyDirectory(const std::string& directory) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
        std::filesystem::remove_all(entry.path(), ec);
}

}  // namespace

namespace {

// Registry objects the sender would not send the requester (a federated region sends only
// what it published there) leave the copy, with their history.
absl::Status stripRegistry(sqlite3* db, const RegistryReplica& registry,
                           const std::string& requester) {
    std::vector<std::tuple<int64_t, std::string, std::string>> unsent;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT kind, project, name, object FROM registry_objects", -1, &q,
                       nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) {
        v1::RegistryObject object;
        const std::string bytes = blobOf(q, 3);
        if (object.ParseFromString(bytes) && registry.sendsTo(object, requester))
            continue;
        unsent.emplace_back(sqlite3_column_int64(q, 0), textOf(q, 1), textOf(q, 2));
    }
    sqlite3_finalize(q);
    for (const char* table : {"registry_objects", "registry_history"}) {
        const std::string sql =
            std::string("DELETE FROM ") + table + " WHERE kind = ? AND project = ? AND name = ?";
        sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr);
        for (const auto& [kind, project, name] : unsent) {
            sqlite3_bind_int64(q, 1, kind);
            sqlite3_bind_text(q, 2, project.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(q, 3, name.c_str(), -1, SQLITE_TRANSIENT);
            const int rc = sqlite3_step(q);
            sqlite3_reset(q);
            if (rc != SQLITE_DONE) {
                sqlite3_finalize(q);
                return absl::InternalError(std::string("snapshot: cannot strip the registry: ") +
                                           sqlite3_errmsg(db));
            }
        }
        sqlite3_finalize(q);
    }
    return absl::OkStatus();
}

}  // namespace

SnapshotSource::SnapshotSource(storage::Database& db, RegistryReplica& registry,
                               std::string directory)
    : m_db(db), m_registry(registry), m_directory(std::move(directory)) {
    emptyDirectory(m_directory);
}

absl::StatusOr<SnapshotFile> SnapshotSource::prepare(const std::string& requester,
                                                     const std::vector<std::string>& scope,
                                                     const std::string& existingId) {
    std::lock_guard lock(m_mutex);
    if (!existingId.empty()) {
        auto it = m_files.find(existingId);
        if (it == m_files.end() || it->second.requester != requester)
            return absl::NotFoundError("snapshot '" + existingId + "' is gone; ask for a new one");
        return it->second;
    }
    // Which views the requester may hold: residency first, whatever was asked.
    const auto catalog = m_registry.catalog();
    SnapshotFile file;
    std::set<std::string> allowed;
    for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
        const auto& v = o->feature_view();
        const std::string key = v.project() + "/" + v.name();
        const bool asked =
            scope.empty() || std::find(scope.begin(), scope.end(), key) != scope.end();
        if (!asked)
            continue;
        const Delivery d = copyOf(v, requester, m_registry.regions());
        if (d == Delivery::Send)
            allowed.insert(key);
        else if (d == Delivery::Residency)
            file.refused.push_back(key);
    }
    for (const auto& s : scope) {
        if (!catalog->featureView(s.substr(0, s.find('/')), s.substr(s.find('/') + 1)))
            return absl::NotFoundError("feature view '" + s + "' not found");
    }
    if (!scope.empty() && allowed.empty())
        return absl::PermissionDeniedError("residency forbids sending " + scope.front() +
                                           " to region '" + requester + "'");

    std::filesystem::create_directories(m_directory);
    file.id = "snap-" + requester + "-" + std::to_string(wallClockMs());
    file.requester = requester;
    file.path = (std::filesystem::path(m_directory) / (file.id + ".db")).string();
    file.createdMs = wallClockMs();
    {
        Handle source, dest;
        if (sqlite3_open_v2(m_db.path().c_str(), &source.db, SQLITE_OPEN_READONLY, nullptr) !=
            SQLITE_OK)
            return absl::InternalError("snapshot: cannot open the region database");
        if (sqlite3_open(file.path.c_str(), &dest.db) != SQLITE_OK)
            return absl::InternalError("snapshot: cannot create " + file.path);
        sqlite3_backup* backup = sqlite3_backup_init(dest.db, "main", source.db, "main");
        if (!backup)
            return absl::InternalError(std::string("snapshot: ") + sqlite3_errmsg(dest.db));
        const int rc = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE)
            return absl::InternalError(std::string("snapshot: backup failed: ") +
                                       sqlite3_errstr(rc));

        if (auto st = exec(dest.db, "PRAGMA journal_mode=DELETE"); !st.ok())
            return st;
        // The position of this copy in the sender's log.
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(dest.db, "SELECT seq FROM sqlite_sequence WHERE name = 'changelog'", -1,
                           &q, nullptr);
        if (sqlite3_step(q) == SQLITE_ROW)
            file.logSeq = static_cast<uint64_t>(sqlite3_column_int64(q, 0));
        sqlite3_finalize(q);
        file.logEpoch = m_db.logEpoch();

        std::string keep = "-1", withheld = "-1";
        sqlite3_prepare_v2(dest.db, "SELECT id, project, name FROM views", -1, &q, nullptr);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const std::string key = textOf(q, 1) + "/" + textOf(q, 2);
            if (allowed.count(key)) {
                keep += "," + std::to_string(sqlite3_column_int64(q, 0));
                file.views.push_back(key);
            } else if (std::find(file.refused.begin(), file.refused.end(), key) !=
                       file.refused.end()) {
                withheld += "," + std::to_string(sqlite3_column_int64(q, 0));
            }
        }
        sqlite3_finalize(q);
        // What residency kept out of the copy, counted as the rows the copy does count.
        const std::string countWithheld =
            "SELECT (SELECT coalesce(sum(keys), 0) FROM online_counts WHERE view_id IN (" +
            withheld + ")) + (SELECT coalesce(sum(rows), 0) FROM offline_partitions WHERE " +
            "view_id IN (" + withheld + "))";
        sqlite3_prepare_v2(dest.db, countWithheld.c_str(), -1, &q, nullptr);
        if (sqlite3_step(q) == SQLITE_ROW)
            file.refusedRows = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        const std::string strip =
            "BEGIN;"
            "DELETE FROM online WHERE view_id NOT IN (" +
            keep +
            ");"
            "DELETE FROM offline WHERE view_id NOT IN (" +
            keep +
            ");"
            "DELETE FROM offline_partitions WHERE view_id NOT IN (" +
            keep +
            ");"
            "DELETE FROM views WHERE id NOT IN (" +
            keep +
            ");"
            "DELETE FROM changelog; DELETE FROM cursors; DELETE FROM conflicts; DELETE FROM egress;"
            "DELETE FROM sync_jobs; DELETE FROM alerts; DELETE FROM audit; DELETE FROM log_epochs;"
            "COMMIT;";
        if (auto st = exec(dest.db, strip); !st.ok())
            return st;
        if (m_registry.filtersRegistry()) {
            if (auto st = stripRegistry(dest.db, m_registry, requester); !st.ok())
                return st;
        }
        sqlite3_prepare_v2(dest.db,
                           "SELECT (SELECT count(*) FROM online) + (SELECT count(*) FROM offline)",
                           -1, &q, nullptr);
        if (sqlite3_step(q) == SQLITE_ROW)
            file.rows = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        if (auto st = exec(dest.db, "VACUUM"); !st.ok())
            return st;
    }
    auto checksum = fileChecksum(file.path, &file.totalBytes);
    if (!checksum.ok())
        return checksum.status();
    file.fileChecksum = *checksum;
    file.totalChunks = (file.totalBytes + kSnapshotChunkBytes - 1) / kSnapshotChunkBytes;
    m_files[file.id] = file;
    return file;
}

absl::StatusOr<v1::SnapshotChunk> SnapshotSource::chunk(const SnapshotFile& file, int64_t index) {
    if (index < 0 || index >= file.totalChunks)
        return absl::OutOfRangeError("snapshot '" + file.id + "' has " +
                                     std::to_string(file.totalChunks) + " chunks");
    std::ifstream in(file.path, std::ios::binary);
    if (!in)
        return absl::NotFoundError("snapshot file '" + file.path + "' is gone");
    in.seekg(index * kSnapshotChunkBytes);
    std::string piece(static_cast<size_t>(std::min(kSnapshotChunkBytes,
                                                   file.totalBytes - index * kSnapshotChunkBytes)),
                      '\0');
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    v1::SnapshotChunk c;
    c.set_snapshot_id(file.id);
    c.set_index(index);
    c.set_total_chunks(file.totalChunks);
    c.set_total_bytes(file.totalBytes);
    c.set_checksum(XXH64(piece.data(), piece.size(), 0));
    c.set_file_checksum(file.fileChecksum);
    c.set_log_seq(file.logSeq);
    c.set_log_epoch(file.logEpoch);
    c.set_raw_bytes(static_cast<int64_t>(piece.size()));
    c.set_rows(file.rows);
    c.set_residency_refused(static_cast<int64_t>(file.refused.size()));
    c.set_residency_rows(file.refusedRows);
    for (const auto& v : file.views)
        c.add_feature_views(v);
    c.set_data(encodePayload(piece, v1::CODEC_ZSTD));
    if (index == file.totalChunks - 1) {
        std::lock_guard lock(m_mutex);
        m_lastChunkReadMs[file.id] = wallClockMs();
    }
    return c;
}

size_t SnapshotSource::files() const {
    std::lock_guard lock(m_mutex);
    return m_files.size();
}

void SnapshotSource::prune(int64_t nowMs, int64_t maxAgeMs) {
    std::lock_guard lock(m_mutex);
    for (auto it = m_files.begin(); it != m_files.end();) {
        const auto read = m_lastChunkReadMs.find(it->first);
        const bool fetched =
            read != m_lastChunkReadMs.end() && nowMs - read->second > kSnapshotResumeMs;
        if (fetched || nowMs - it->second.createdMs > maxAgeMs) {
            std::error_code ec;
            std::filesystem::remove(it->second.path, ec);
            if (read != m_lastChunkReadMs.end())
                m_lastChunkReadMs.erase(read);
            it = m_files.erase(it);
        } else {
            ++it;
        }
    }
}

SnapshotInstaller::SnapshotInstaller(storage::Database& db, storage::ViewIds& viewIds,
                                     HybridClock& clock, RegistryReplica& registry,
                                     std::string directory)
    : m_db(db),
      m_viewIds(viewIds),
      m_clock(clock),
      m_registry(registry),
      m_directory(std::move(directory)) {
    emptyDirectory(m_directory);
}

std::string SnapshotInstaller::partPath(const std::string& id) const {
    return (std::filesystem::path(m_directory) / (id + ".part")).string();
}

int64_t SnapshotInstaller::nextChunk(const std::string& id) const {
    std::lock_guard lock(m_mutex);
    auto it = m_next.find(id);
    return it == m_next.end() ? 0 : it->second;
}

absl::Status SnapshotInstaller::receive(const v1::SnapshotChunk& c) {
    // The id names a file here: letters, digits, '-' and '_' only (no way out of the directory).
    const std::string& id = c.snapshot_id();
    if (id.empty() || id.size() > 200 || !std::all_of(id.begin(), id.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
        }))
        return absl::InvalidArgumentError(
            "snapshot id '" + id.substr(0, 200) +
            "' is not a snapshot id (1 to 200 letters, digits, '-' or '_')");
    if (const int64_t expected = nextChunk(id); c.index() != expected)
        return absl::FailedPreconditionError("snapshot chunk " + std::to_string(c.index()) +
                                             " arrived, expected " + std::to_string(expected));
    auto piece = decodePayload(c.data(), v1::CODEC_ZSTD, c.raw_bytes());
    if (!piece.ok())
        return piece.status();
    if (XXH64(piece->data(), piece->size(), 0) != c.checksum())
        return absl::DataLossError("snapshot chunk " + std::to_string(c.index()) +
                                   " fails its checksum");
    std::filesystem::create_directories(m_directory);
    std::ofstream out(partPath(c.snapshot_id()), c.index() == 0 ? std::ios::binary | std::ios::trunc
                                                                : std::ios::binary | std::ios::app);
    out.write(piece->data(), static_cast<std::streamsize>(piece->size()));
    if (!out)
        return absl::ResourceExhaustedError("cannot write snapshot chunk to " +
                                            partPath(c.snapshot_id()));
    v1::SnapshotChunk header = c;
    header.clear_data();
    std::lock_guard lock(m_mutex);
    m_headers[c.snapshot_id()] = header;
    m_next[c.snapshot_id()] = c.index() + 1;
    return absl::OkStatus();
}

absl::StatusOr<int64_t> SnapshotInstaller::install(const std::string& peer, const std::string& id) {
    v1::SnapshotChunk header;
    {
        std::lock_guard lock(m_mutex);
        auto h = m_headers.find(id);
        if (h == m_headers.end())
            return absl::FailedPreconditionError("snapshot '" + id + "' was not received");
        header = h->second;
    }
    if (nextChunk(id) != header.total_chunks())
        return absl::FailedPreconditionError("snapshot '" + id + "' is incomplete");
    int64_t size = 0;
    auto checksum = fileChecksum(partPath(id), &size);
    if (!checksum.ok())
        return checksum.status();
    if (*checksum != header.file_checksum() || size != header.total_bytes())
        return absl::DataLossError("snapshot '" + id + "' fails its file checksum");

    Handle snap;
    if (sqlite3_open_v2(partPath(id).c_str(), &snap.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return absl::DataLossError("snapshot '" + id + "' is not a database");
    // The file came from elsewhere: its schema runs no SQL of its own here, and a file SQLite
    // finds damaged (or that is no database) is refused before anything is read from it.
    sqlite3_db_config(snap.db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(snap.db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    {
        sqlite3_stmt* q = nullptr;
        std::string verdict;
        if (sqlite3_prepare_v2(snap.db, "PRAGMA quick_check(1)", -1, &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            verdict = textOf(q, 0);
        else
            verdict = sqlite3_errmsg(snap.db);
        sqlite3_finalize(q);
        if (verdict != "ok")
            return absl::DataLossError("snapshot '" + id + "' is damaged: " + verdict);
        // A region database of a schema whose data tables this release reads (2 on).
        int version = 0;
        if (sqlite3_prepare_v2(snap.db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
                               &q, nullptr) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            version = std::atoi(textOf(q, 0).c_str());
        sqlite3_finalize(q);
        if (version < 2 || version > storage::kSchemaVersion)
            return absl::DataLossError(
                "snapshot '" + id + "' is not a region database this release reads (schema " +
                (version == 0 ? std::string("unknown") : std::to_string(version)) + ")");
    }
    std::map<int64_t, std::pair<std::string, std::string>> views;
    {
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(snap.db, "SELECT id, project, name FROM views", -1, &q, nullptr);
        while (sqlite3_step(q) == SQLITE_ROW)
            views[sqlite3_column_int64(q, 0)] = {textOf(q, 1), textOf(q, 2)};
        sqlite3_finalize(q);
    }
    // The snapshot's own ids for origin regions and row schemas.
    std::map<int64_t, std::string> regionNames;
    std::map<int64_t, std::string> schemaFields;
    {
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(snap.db, "SELECT id, name FROM regions", -1, &q, nullptr);
        while (sqlite3_step(q) == SQLITE_ROW)
            regionNames[sqlite3_column_int64(q, 0)] = textOf(q, 1);
        sqlite3_finalize(q);
        sqlite3_prepare_v2(snap.db, "SELECT id, fields FROM row_schemas", -1, &q, nullptr);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(q, 1));
            schemaFields[sqlite3_column_int64(q, 0)] =
                p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(q, 1))) : std::string();
        }
        sqlite3_finalize(q);
    }

    // Merged in transactions of a few thousand rows: merging is idempotent (the conflict rule
    // for online rows, set semantics for offline rows), and the cursor moves only at the end,
    // so a crash half-way just merges again.
    int64_t merged = 0;
    bool registryChanged = false;
    std::map<int64_t, int64_t> localIds;
    auto localId = [&](storage::Connection& conn, int64_t snapId) -> absl::StatusOr<int64_t> {
        if (auto it = localIds.find(snapId); it != localIds.end())
            return it->second;
        const auto& [project, name] = views.at(snapId);
        auto id = m_viewIds.obtain(conn, project, name);
        if (id.ok())
            localIds[snapId] = *id;
        return id;
    };
    auto& dict = m_db.dictionaries();
    // Ids resolved in a transaction hold only once it commits: these maps live per transaction.
    std::map<int64_t, int64_t> localOrigins;
    std::map<int64_t, uint32_t> localSchemas;
    auto localOrigin = [&](storage::Connection& conn, int64_t snapId) -> absl::StatusOr<int64_t> {
        if (auto it = localOrigins.find(snapId); it != localOrigins.end())
            return it->second;
        auto name = regionNames.find(snapId);
        if (name == regionNames.end())
            return absl::DataLossError("snapshot row names region id " + std::to_string(snapId) +
                                       ", which the snapshot does not have");
        auto id = dict.regions.obtain(conn, name->second);
        if (id.ok())
            localOrigins[snapId] = *id;
        return id;
    };
    auto localRow = [&](storage::Connection& conn,
                        const std::string& vals) -> absl::StatusOr<std::string> {
        uint32_t snapSchema = 0;
        if (!storage::rowSchemaId(vals, snapSchema))
            return absl::DataLossError("snapshot row has no row schema");
        auto it = localSchemas.find(snapSchema);
        if (it == localSchemas.end()) {
            auto fields = schemaFields.find(snapSchema);
            if (fields == schemaFields.end())
                return absl::DataLossError("snapshot row names row schema " +
                                           std::to_string(snapSchema) +
                                           ", which the snapshot does not have");
            auto schema = storage::RowSchema::decode(fields->second);
            if (!schema.ok())
                return schema.status();
            auto id = dict.schemas.obtain(conn, *schema);
            if (!id.ok())
                return id.status();
            it = localSchemas.emplace(snapSchema, *id).first;
        }
        return storage::withSchemaId(vals, it->second);
    };
    constexpr int kRowsPerTransaction = 5000;
    for (const char* table : {"online", "offline"}) {
        const bool online = std::string(table) == "online";
        sqlite3_stmt* q = nullptr;
        const std::string sql = online ? "SELECT view_id, entity_key, event_ts, write_hlc, origin, "
                                         "deleted, vals FROM online"
                                       : "SELECT view_id, entity_key, event_ts, write_hlc, origin, "
                                         "0, vals FROM offline";
        sqlite3_prepare_v2(snap.db, sql.c_str(), -1, &q, nullptr);
        bool more = true;
        while (more) {
            localIds.clear();
            localOrigins.clear();
            localSchemas.clear();
            auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
                storage::OnlineTable onlineTable(conn);
                storage::OfflineTable offlineTable(conn, dict.regions, dict.schemas);
                storage::PartitionDeltas deltas;
                for (int n = 0; n < kRowsPerTransaction; ++n) {
                    if (sqlite3_step(q) != SQLITE_ROW) {
                        more = false;
                        break;
                    }
                    const int64_t snapView = sqlite3_column_int64(q, 0);
                    if (!views.count(snapView))
                        continue;
                    auto id = localId(conn, snapView);
                    if (!id.ok())
                        return id.status();
                    const uint64_t hlc = static_cast<uint64_t>(sqlite3_column_int64(q, 3));
                    m_clock.observe(hlc);
                    // An entity erased here after the peer's copy was taken stays erased.
                    if (dict.erased.blocks(*id, blobOf(q, 1), sqlite3_column_int64(q, 2), hlc))
                        continue;
                    auto origin = localOrigin(conn, sqlite3_column_int64(q, 4));
                    if (!origin.ok())
                        return origin.status();
                    auto vals = localRow(conn, blobOf(q, 6));
                    if (!vals.ok())
                        return vals.status();
                    if (online) {
                        auto r = onlineTable.upsert(*id, blobOf(q, 1),
                                                    {sqlite3_column_int64(q, 2), hlc, *origin,
                                                     sqlite3_column_int64(q, 5) != 0, *vals});
                        if (!r.ok())
                            return r.status();
                    } else {
                        auto r = offlineTable.append(*id,
                                                     {blobOf(q, 1), sqlite3_column_int64(q, 2), hlc,
                                                      *origin, std::move(*vals)},
                                                     deltas);
                        if (!r.ok())
                            return r.status();
                    }
                    ++merged;
                }
                if (auto d = offlineTable.applyDeltas(deltas); !d.ok())
                    return d;
                return absl::OkStatus();
            });
            if (!st.ok()) {
                sqlite3_finalize(q);
                return st;
            }
        }
        sqlite3_finalize(q);
    }
    auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
        sqlite3_stmt* q = nullptr;
        sqlite3_prepare_v2(snap.db, "SELECT object FROM registry_objects", -1, &q, nullptr);
        while (sqlite3_step(q) == SQLITE_ROW) {
            v1::RegistryObject object;
            const std::string bytes = blobOf(q, 0);
            if (!object.ParseFromString(bytes))
                continue;
            auto stored = m_registry.putReplicated(conn, object, peer);
            if (!stored.ok()) {
                sqlite3_finalize(q);
                return stored.status();
            }
            registryChanged |= *stored;
        }
        sqlite3_finalize(q);
        storage::CursorTable cursors(conn);
        auto current = cursors.get(peer);
        if (!current.ok())
            return current.status();
        // A cursor further on in the same epoch stays; one read in another epoch (the peer's
        // log was rewound or replaced since) gives way to the snapshot's position.
        if (current->epoch == header.log_epoch() && current->seq >= header.log_seq())
            return absl::OkStatus();
        return cursors.set(peer,
                           {header.log_seq(), current->hlc, wallClockMs(), header.log_epoch()});
    });
    if (!st.ok())
        return st;
    if (registryChanged) {
        if (auto s = m_registry.load(); !s.ok())
            return s;
    }
    std::error_code ec;
    std::filesystem::remove(partPath(id), ec);
    std::lock_guard lock(m_mutex);
    m_headers.erase(id);
    m_next.erase(id);
    return merged;
}

}  // namespace meridian::replication
