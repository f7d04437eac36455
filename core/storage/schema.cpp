#include "storage/schema.h"

#include <string>

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

-- Latest value per view and entity key; the newest event wins.
CREATE TABLE IF NOT EXISTS online(
  view_id    INTEGER NOT NULL,
  entity_key BLOB NOT NULL,
  event_ts   INTEGER NOT NULL,
  write_hlc  INTEGER NOT NULL,
  origin     TEXT NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  vals       BLOB NOT NULL,
  PRIMARY KEY(view_id, entity_key)
) WITHOUT ROWID;

-- Append-only history, partitioned by day for batch sync, indexed for point-in-time lookups.
-- Keyed for point-in-time lookups; the key also makes a row delivered twice (replay,
-- snapshot, batch copy) stored once.
CREATE TABLE IF NOT EXISTS offline(
  view_id    INTEGER NOT NULL,
  entity_key BLOB NOT NULL,
  event_ts   INTEGER NOT NULL,
  write_hlc  INTEGER NOT NULL,
  origin     TEXT NOT NULL,
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

-- The replication log, written in the same transaction as the change it records.
CREATE TABLE IF NOT EXISTS changelog(
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  hlc        INTEGER NOT NULL,
  origin     TEXT NOT NULL,
  origin_seq INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  view       TEXT NOT NULL,
  commit_ms  INTEGER NOT NULL,
  change     BLOB NOT NULL
);

-- How far this region has applied each peer's log, written with the batch it applied.
CREATE TABLE IF NOT EXISTS cursors(
  peer       TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  hlc        INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
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
  result    TEXT NOT NULL
);
)sql";

}  // namespace

absl::Status ensureSchema(Connection& conn) {
    if (auto st = conn.exec(kSchema); !st.ok())
        return st;
    auto& get = conn.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (get.step()) {
        const int version = std::stoi(std::string(get.text(0)));
        get.reset();
        if (version > kSchemaVersion) {
            return absl::FailedPreconditionError(
                "database schema version " + std::to_string(version) +
                " is newer than this build understands (" + std::to_string(kSchemaVersion) + ")");
        }
        return absl::OkStatus();
    }
    get.reset();
    return conn.prepare("INSERT INTO meta(key, value) VALUES('schema_version', ?)")
        .bind(1, std::to_string(kSchemaVersion))
        .run();
}

}  // namespace meridian::storage
