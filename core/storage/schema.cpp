#include "storage/schema.h"

#include <string>

#include "storage/schemaupgrade.h"

namespace meridian::storage {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- Current version of every registry object (deleted ones kept as tombstones).
CREATE TABLE IF NOT EXISTS registry_objects(
  kind    INTEGER NOT NULL,
  project TEXT NOT NULL,
  name    TEXT NOT NULL,
  version INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  object  BLOB NOT NULL,
  PRIMARY KEY(kind, project, name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS registry_history(
  kind    INTEGER NOT NULL,
  project TEXT NOT NULL,
  name    TEXT NOT NULL,
  version INTEGER NOT NULL,
  object  BLOB NOT NULL,
  PRIMARY KEY(kind, project, name, version)
) WITHOUT ROWID;

-- Small integer ids keep the feature tables' keys short.
CREATE TABLE IF NOT EXISTS views(
  id      INTEGER PRIMARY KEY,
  project TEXT NOT NULL,
  name    TEXT NOT NULL,
  UNIQUE(project, name)
);

-- Names of the regions rows came from; the feature tables keep the small id.
CREATE TABLE IF NOT EXISTS regions(
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- The layouts feature values are stored in (core/storage/rowschema.h), by content digest.
CREATE TABLE IF NOT EXISTS row_schemas(
  id     INTEGER PRIMARY KEY,
  digest INTEGER NOT NULL UNIQUE,
  fields BLOB NOT NULL
);

-- Latest value per view and entity key; the newest event wins (meridian_newer, the conflict
-- rule, is registered by the database on its writer connection).
CREATE TABLE IF NOT EXISTS online(
  view_id    INTEGER NOT NULL,
  entity_key BLOB NOT NULL,
  event_ts   INTEGER NOT NULL,
  write_hlc  INTEGER NOT NULL,
  origin     INTEGER NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  vals       BLOB NOT NULL,
  PRIMARY KEY(view_id, entity_key)
) WITHOUT ROWID;

-- Keys per view of the online table, kept by its triggers so that nobody counts rows.
CREATE TABLE IF NOT EXISTS online_counts(
  view_id INTEGER PRIMARY KEY,
  keys    INTEGER NOT NULL,
  deleted INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS online_key_added AFTER INSERT ON online BEGIN
  INSERT INTO online_counts(view_id, keys, deleted) VALUES(NEW.view_id, 1, NEW.deleted)
  ON CONFLICT(view_id) DO UPDATE SET keys = keys + 1, deleted = deleted + NEW.deleted;
END;
CREATE TRIGGER IF NOT EXISTS online_key_deleted AFTER UPDATE OF deleted ON online
WHEN OLD.deleted != NEW.deleted BEGIN
  UPDATE online_counts SET deleted = deleted + NEW.deleted - OLD.deleted
  WHERE view_id = NEW.view_id;
END;
CREATE TRIGGER IF NOT EXISTS online_key_removed AFTER DELETE ON online BEGIN
  UPDATE online_counts SET keys = keys - 1, deleted = deleted - OLD.deleted
  WHERE view_id = OLD.view_id;
END;

-- Append-only history, partitioned by day for batch sync, indexed for point-in-time lookups.
-- Keyed for point-in-time lookups; the key also makes a row delivered twice (replay,
-- snapshot, batch copy) stored once.
CREATE TABLE IF NOT EXISTS offline(
  view_id    INTEGER NOT NULL,
  entity_key BLOB NOT NULL,
  event_ts   INTEGER NOT NULL,
  write_hlc  INTEGER NOT NULL,
  origin     INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  vals       BLOB NOT NULL,
  PRIMARY KEY(view_id, entity_key, event_ts, write_hlc, origin)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS offline_day ON offline(view_id, day, event_ts);

-- Per view and day: row count and the XOR of row hashes, kept current on every append, so
-- two regions compare partitions without reading them.
CREATE TABLE IF NOT EXISTS offline_partitions(
  view_id INTEGER NOT NULL,
  day     INTEGER NOT NULL,
  rows    INTEGER NOT NULL,
  digest  INTEGER NOT NULL,
  PRIMARY KEY(view_id, day)
) WITHOUT ROWID;

-- The replication log, written in the same transaction as the change it records: routing
-- fields in columns, the rest of the change serialized (core/storage/changelogtable.h).
CREATE TABLE IF NOT EXISTS changelog(
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  hlc       INTEGER NOT NULL,
  kind      INTEGER NOT NULL,
  view_id   INTEGER,
  commit_ms INTEGER NOT NULL,
  schema_id INTEGER,
  change    BLOB NOT NULL
);

-- The epochs of the changelog, one per opening of the database (core/storage/logepochs.h).
CREATE TABLE IF NOT EXISTS log_epochs(
  n          INTEGER PRIMARY KEY,
  id         INTEGER NOT NULL,
  first_seq  INTEGER NOT NULL,
  started_ms INTEGER NOT NULL
);

-- How far this region has applied each peer's log (up to seq, read in epoch), written with
-- the batch it applied.
CREATE TABLE IF NOT EXISTS cursors(
  peer       TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  hlc        INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  epoch      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Conflicts met applying peers' changes, per peer and view.
CREATE TABLE IF NOT EXISTS conflicts(
  peer  TEXT NOT NULL,
  view  TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY(peer, view)
) WITHOUT ROWID;

-- Bytes this region sent, per minute, destination, view and kind of transfer.
CREATE TABLE IF NOT EXISTS egress(
  minute_ms INTEGER NOT NULL,
  to_region TEXT NOT NULL,
  view      TEXT NOT NULL,
  kind      TEXT NOT NULL,
  bytes     INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  changes   INTEGER NOT NULL,
  PRIMARY KEY(minute_ms, to_region, view, kind)
) WITHOUT ROWID;

-- Sync jobs this region ran (it is the receiving end of each).
CREATE TABLE IF NOT EXISTS sync_jobs(
  id         TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  job        BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sync_jobs_created ON sync_jobs(created_ms);

CREATE TABLE IF NOT EXISTS alerts(
  id         TEXT PRIMARY KEY,
  raised_ms  INTEGER NOT NULL,
  cleared_ms INTEGER NOT NULL,
  alert      BLOB NOT NULL
) WITHOUT ROWID;

-- Who did what, for every state-changing call.
CREATE TABLE IF NOT EXISTS audit(
  id        INTEGER PRIMARY KEY,
  at_ms     INTEGER NOT NULL,
  principal TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  result    TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  denied    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at_ms);

-- Entity keys erased here (storage/erasedkeys.h): a SHA-256 of the key, never the key, with
-- the clock and time of the erasure, kept for good so that older rows never come back.
CREATE TABLE IF NOT EXISTS erased_keys(
  view_id    INTEGER NOT NULL,
  key_sha256 BLOB NOT NULL,
  erasure_id TEXT NOT NULL,
  hlc        INTEGER NOT NULL,
  at_ms      INTEGER NOT NULL,
  PRIMARY KEY(view_id, key_sha256)
) WITHOUT ROWID;

-- Erasures applied here: what was deleted (a v1::RegionErasure), and the last log entry the
-- erasure reads (entries after it were written after the key was erased).
CREATE TABLE IF NOT EXISTS erasures(
  id         TEXT PRIMARY KEY,
  applied_ms INTEGER NOT NULL,
  log_upto   INTEGER NOT NULL,
  record     BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS erasures_applied ON erasures(applied_ms);

-- Erasures this region coordinates (a v1::ErasureJob), with the order sent to every region:
-- it holds the entity's key, and is dropped once every region has confirmed.
CREATE TABLE IF NOT EXISTS erasure_jobs(
  id            TEXT PRIMARY KEY,
  created_ms    INTEGER NOT NULL,
  job           BLOB NOT NULL,
  pending_order BLOB
) WITHOUT ROWID;
-- Hubs of hub-and-spoke views as promotions left them (a v1::HubAssignment per view), and the
-- highest epoch this region promised a promotion of each view. epoch 0: never promoted.
CREATE TABLE IF NOT EXISTS hub_epochs(
  feature_view TEXT PRIMARY KEY,
  epoch        INTEGER NOT NULL,
  promised     INTEGER NOT NULL,
  assignment   BLOB
) WITHOUT ROWID;

-- Changes this region acknowledged as a view's hub that never reached the hub that replaced
-- it (a v1::OrphanedChange each), kept for the operator to see and re-write.
CREATE TABLE IF NOT EXISTS orphaned_changes(
  feature_view TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  record       BLOB NOT NULL,
  PRIMARY KEY(feature_view, seq)
) WITHOUT ROWID;

-- Federated control plane: definitions published to this region that it did not take because
-- it held another region's (or its own) under the same name, newest per owner. When the held
-- definition goes, the newest of them takes its place.
CREATE TABLE IF NOT EXISTS registry_refused(
  kind         INTEGER NOT NULL,
  project      TEXT NOT NULL,
  name         TEXT NOT NULL,
  owner_region TEXT NOT NULL,
  hlc          INTEGER NOT NULL,
  object       BLOB NOT NULL,
  PRIMARY KEY(kind, project, name, owner_region)
) WITHOUT ROWID;
)sql";

}  // namespace

absl::Status ensureSchema(Connection& conn) {
    int version = 0;
    {
        auto& hasMeta =
            conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
        const bool exists = hasMeta.step();
        hasMeta.reset();
        if (exists) {
            auto& get = conn.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
            if (get.step())
                version = std::stoi(std::string(get.text(0)));
            get.reset();
        }
    }
    if (version > kSchemaVersion)
        return absl::FailedPreconditionError(
            "database schema version " + std::to_string(version) +
            " is newer than this build of meridian-store understands (" +
            std::to_string(kSchemaVersion) + "): run the release that wrote it");
    if (version == 1) {
        // Set the version-1 tables aside under other names; the new ones are created below and
        // filled from them.
        if (auto st = detachVersion1(conn); !st.ok())
            return st;
    }
    if (auto st = conn.exec(kSchema); !st.ok())
        return st;
    if (version == 1) {
        if (auto st = upgradeFromVersion1(conn); !st.ok())
            return absl::Status(st.code(), "upgrading the database from schema version 1: " +
                                               std::string(st.message()));
    }
    if (version == 1 || version == 2) {
        // Version 3: cursors name the epoch of the peer's log they were read in (0: before
        // epochs, taken as read in the peer's history).
        if (auto st = conn.exec("ALTER TABLE cursors ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0");
            !st.ok())
            return absl::Status(st.code(), "upgrading the database to schema version 3: " +
                                               std::string(st.message()));
    }
    if (version >= 1 && version <= 3) {
        // Version 4: audit entries carry the request's id and whether the call was refused.
        if (auto st = conn.exec("ALTER TABLE audit ADD COLUMN request_id TEXT NOT NULL DEFAULT '';"
                                "ALTER TABLE audit ADD COLUMN denied INTEGER NOT NULL DEFAULT 0;"
                                "CREATE INDEX IF NOT EXISTS audit_at ON audit(at_ms);");
            !st.ok())
            return absl::Status(st.code(), "upgrading the database to schema version 4: " +
                                               std::string(st.message()));
    }
    // Version 5 adds the erasure tables, created above like any missing table.
    return conn
        .prepare(
            "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, std::to_string(kSchemaVersion))
        .run();
}

}  // namespace meridian::storage
