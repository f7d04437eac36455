#pragma once
// Snapshots for replicas that are new or too far behind the log: the sender copies its database
// with SQLite's backup API, strips every view the receiver may not hold (residency) and all
// local bookkeeping, and serves the file in checksummed, resumable chunks; the receiver
// verifies it and merges it under the conflict rule, then resumes the log from its position.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "replication/hybridclock.h"
#include "replication/registryreplica.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

inline constexpr int64_t kSnapshotChunkBytes = 1 << 20;
// How long a snapshot file stays after its last chunk was read, for a peer whose stream broke
// on that chunk to ask for it again.
inline constexpr int64_t kSnapshotResumeMs = 10'000;

struct SnapshotFile {
    std::string id;
    std::string requester;
    std::string path;
    int64_t totalBytes = 0;
    int64_t totalChunks = 0;
    uint64_t fileChecksum = 0;
    uint64_t logSeq = 0;
    uint64_t logEpoch = 0;  // the epoch of the log at logSeq
    int64_t rows = 0;
    std::vector<std::string> views;    // "project/view"
    std::vector<std::string> refused;  // asked for (or everything was) but residency forbids
    int64_t refusedRows = 0;           // their online and offline rows, left out
    int64_t createdMs = 0;
};

// Snapshots made for peers, as files in `directory`. A file lives while its peer fetches it:
// shortly after its last chunk was read it goes, and a file from before a restart (which no
// peer can resume) is removed at construction.
class SnapshotSource {
public:
    SnapshotSource(storage::Database& db, RegistryReplica& registry, std::string directory);

    // A snapshot for `requester` (reused while it is fresh), limited to `scope` when not empty.
    absl::StatusOr<SnapshotFile> prepare(const std::string& requester,
                                         const std::vector<std::string>& scope,
                                         const std::string& existingId);
    absl::StatusOr<v1::SnapshotChunk> chunk(const SnapshotFile& file, int64_t index);
    // Removes snapshot files older than `maxAgeMs`, and those whose last chunk was read more
    // than kSnapshotResumeMs ago (time enough for the peer to ask for it again).
    void prune(int64_t nowMs, int64_t maxAgeMs);
    // Files kept, for status and tests.
    size_t files() const;

private:
    storage::Database& m_db;
    RegistryReplica& m_registry;
    std::string m_directory;
    mutable std::mutex m_mutex;
    std::map<std::string, SnapshotFile> m_files;
    std::map<std::string, int64_t> m_lastChunkReadMs;  // by snapshot id
};

struct SnapshotProgress {
    int64_t chunks = 0;
    int64_t totalChunks = 0;
    int64_t bytes = 0;
    int64_t totalBytes = 0;
};

// Receives a peer's snapshot into `directory` and merges it. Partial files from before a
// restart (which cannot be resumed) are removed at construction.
class SnapshotInstaller {
public:
    SnapshotInstaller(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
                      RegistryReplica& registry, std::string directory);

    // Writes one received chunk; the chunks must come in order, each verified.
    absl::Status receive(const v1::SnapshotChunk& chunk);
    // Index of the next chunk wanted for snapshot `id` (to resume after a broken stream).
    int64_t nextChunk(const std::string& id) const;
    // Verifies the whole file and merges it; sets the cursor of `peer` to the snapshot's position.
    // Returns the number of rows merged.
    absl::StatusOr<int64_t> install(const std::string& peer, const std::string& id);

private:
    std::string partPath(const std::string& id) const;

    storage::Database& m_db;
    storage::ViewIds& m_viewIds;
    HybridClock& m_clock;
    RegistryReplica& m_registry;
    std::string m_directory;
    // Snapshot jobs from several peers run at once (each on its own snapshot id).
    mutable std::mutex m_mutex;
    std::map<std::string, v1::SnapshotChunk> m_headers;  // last chunk seen per snapshot (no data)
    std::map<std::string, int64_t> m_next;
};

}  // namespace meridian::replication
