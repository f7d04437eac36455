#pragma once
// What one region of a running deployment looks like from outside, for the soak test: the sizes
// of its database files, its changelog read through a short read-only query (so the probe never
// pins the WAL), its process in /proc and its own Stats.

#include <QString>

#include <cstdint>
#include <optional>
#include <string>

#include "support/testclient.h"

namespace meridian::test {

struct RegionSample {
    double seconds = 0;             // since the soak began
    int64_t dbBytes = -1;           // region.db; -1 when it could not be read
    int64_t walBytes = -1;          // region.db-wal
    int64_t changelogEntries = -1;  // rows in the changelog
    // Sum of length(change), estimated: what the store's retention counts against max_mb.
    int64_t changelogBytes = -1;
    int64_t rssBytes = -1;   // VmRSS of the store's process
    int64_t anonBytes = -1;  // its RssAnon: heap and stacks, what a leak grows
    int fds = -1;            // open file descriptors of the store's process
    int64_t changes = -1;    // Stats.changelog_seq: changes logged since the region began
    int64_t rows = -1;       // Stats: online + offline rows held
    double writeRate = -1;   // Stats: rows written per second, last minute
    double cpuSeconds = -1;  // user + system time of the store's process so far
};

struct ChangelogSize {
    int64_t entries = 0;
    int64_t bytes = 0;
};

// Size of `path` in bytes, -1 when it does not exist.
int64_t fileBytes(const QString& path);
// A field of /proc/<pid>/status given in kB ("VmRSS", "RssAnon"), in bytes; -1 when unknown.
// VmRSS also counts the file pages a process maps (a store maps region.db for its readers and
// the WAL index), which grow with the data and are reclaimable; RssAnon is heap and stacks.
int64_t statusBytes(int pid, const char* field);
// Entries in /proc/<pid>/fd, -1 when unknown.
int openFileDescriptors(int pid);
// User + system CPU seconds of `pid` so far, -1 when unknown.
double cpuSeconds(int pid);
// The changelog of the database at `dbPath`, from a read-only connection closed before returning:
// entries from max(seq) - min(seq) (retention only removes from the front) and bytes from the mean
// change length of the newest `sampleEntries` entries, so that a log of millions of rows costs
// three index look-ups and a bounded scan rather than a count(*).
std::optional<ChangelogSize> changelogSize(const QString& dbPath, std::string* error,
                                           int sampleEntries = 2000);

class RegionProbe {
public:
    RegionProbe(std::string region, const std::string& endpoint, const QString& dataDir, int pid);

    RegionSample sample(double seconds);
    const std::string& region() const { return m_region; }
    int pid() const { return m_pid; }
    const QString& dbPath() const { return m_dbPath; }
    // Why the latest changelog or Stats read failed (empty when both worked).
    const std::string& lastError() const { return m_lastError; }

private:
    std::string m_region;
    QString m_dbPath;
    int m_pid;
    TestClient m_client;
    std::string m_lastError;
};

}  // namespace meridian::test
