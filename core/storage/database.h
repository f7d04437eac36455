#pragma once
// One region's SQLite database in WAL mode: a single writer connection on which concurrent
// writes are committed in groups (one transaction and one fsync for all of them), and a pool of
// reader connections that read concurrently with it.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/erasedkeys.h"
#include "storage/logepochs.h"
#include "storage/rowschema.h"
#include "storage/sqlite.h"
#include "storage/viewids.h"

namespace meridian::storage {

// The writer's secure_delete setting between erasures and purges (which set it ON, then back
// to this).
inline constexpr const char* kSecureDeleteDefault = "PRAGMA secure_delete = FAST";
// Runs `body` on `conn` with secure_delete ON: whatever it deletes is overwritten with zeros,
// freed pages included.
absl::Status withSecureDelete(Connection& conn, const std::function<absl::Status()>& body);

enum class Durability {
    Full,    // fsync on every commit: survives power loss
    Normal,  // fsync at checkpoints: survives a process crash, not a power loss
};

// What a database is checked with when it is opened, before anything reads or writes it.
enum class OpenCheck {
    None,   // nothing: for a database checked some other way
    Quick,  // PRAGMA quick_check: every page and cell, not indexes against tables (default)
    Full,   // PRAGMA integrity_check: quick_check, and every index against its table
};

struct DatabaseOptions {
    Durability durability = Durability::Full;
    // Damage found refuses the open (absl::DataLossError naming the file and the way back). Both
    // checks read the whole file: seconds per GB.
    OpenCheck check = OpenCheck::Quick;
    // Past this size the WAL is checkpointed and truncated as soon as no reader needs it, and
    // the alert board hears of it (figures().walOverLimit).
    int64_t walLimitBytes = 64 << 20;
};

// Sizes of the files, for status and alerts.
struct StorageFigures {
    int64_t databaseBytes = 0;
    int64_t walBytes = 0;
    int64_t walLimitBytes = 0;
    // The longest any reader has held its connection right now (0: none out), in ms.
    int64_t oldestReadMs = 0;
};

// What a full check on demand found (Database::checkIntegrity).
struct IntegrityReport {
    bool ok = false;
    std::vector<std::string> problems;  // SQLite's first 100, when not ok
    int64_t checkedBytes = 0;
    int64_t elapsedMs = 0;
};

// What the feature tables store instead of names — small ids of views and regions, row schemas —
// cached, and kept by the database so that the caches follow its transactions.
struct Dictionaries {
    ViewIds views;
    RegionIds regions;
    RowSchemas schemas;
    ErasedKeys erased;
};

class Database {
public:
    using Body = std::function<absl::Status(Connection&)>;
    using Done = std::function<void(const absl::Status&)>;

    static absl::StatusOr<std::unique_ptr<Database>> open(const std::string& path,
                                                          DatabaseOptions options = {});
    static absl::StatusOr<std::unique_ptr<Database>> open(const std::string& path,
                                                          Durability durability) {
        return open(path, DatabaseOptions{durability});
    }
    ~Database();

    // Runs `body` in a transaction on the writer connection and returns once it is durable.
    // Writes that arrive while another commits are committed together: each body runs inside a
    // savepoint of one shared transaction, so an error from a body undoes that body alone (and
    // the in-memory effects it registered with Connection::onRollback), and one fsync covers
    // the group. A body may therefore run on another writer's thread: it must not wait for a
    // lock that a caller of write() may hold while it waits.
    absl::Status write(const Body& body);
    // The same without waiting for it: `then` is called with the outcome once the write is
    // durable (or failed), on the thread that committed it — this one if no commit was under
    // way. For servers that must not block a thread per request.
    void submit(Body body, Done then);

    // Runs `body` in one read transaction (one consistent snapshot) on a reader connection and
    // ends it before returning, so no read can keep the WAL from being reset.
    absl::Status read(const Body& body);

    // A reader connection, returned to the pool when the lease ends. Statements are reset and
    // any transaction left open is rolled back on return; a lease is for short reads — long
    // scans page through read(fn) calls instead.
    class Reader {
    public:
        Reader(Database* db, std::unique_ptr<Connection> c, int64_t sinceMs)
            : m_db(db), m_conn(std::move(c)), m_sinceMs(sinceMs) {}
        Reader(Reader&&) = default;
        ~Reader();
        Connection& operator*() { return *m_conn; }
        Connection* operator->() { return m_conn.get(); }

    private:
        Database* m_db;
        std::unique_ptr<Connection> m_conn;
        int64_t m_sinceMs;
    };
    absl::StatusOr<Reader> read();

    // Called after every successful commit of write() (on the committing thread).
    void setCommitListener(std::function<void()> listener) {
        m_commitListener = std::move(listener);
    }

    Dictionaries& dictionaries() { return m_dictionaries; }
    ViewIds& viewIds() { return m_dictionaries.views; }

    const std::string& path() const { return m_path; }
    // PRAGMA integrity_check of the whole file on a connection of its own, beside the running
    // store: it reads every page and holds one read transaction while it does (the WAL cannot
    // be truncated meanwhile). Seconds per GB.
    absl::StatusOr<IntegrityReport> checkIntegrity() const;
    // The next commit begins with a checkpoint that copies the whole WAL back and cuts it to
    // nothing (if no reader needs it within a moment), e.g. so that deleted rows leave the WAL.
    void truncateWalBeforeNextCommit() { m_truncateWal.store(true, std::memory_order_relaxed); }
    // The epochs of the changelog, oldest first; the last began when this object opened it.
    const std::vector<LogEpoch>& logEpochs() const { return m_logEpochs; }
    uint64_t logEpoch() const { return m_logEpochs.back().id; }
    const DatabaseOptions& options() const { return m_options; }
    StorageFigures figures() const;
    // Database and WAL files together.
    int64_t sizeBytes() const;

    // For tests and benchmarks: transactions committed, and writes they carried.
    int64_t transactions() const { return m_transactions.load(std::memory_order_relaxed); }
    int64_t writesCommitted() const { return m_writesCommitted.load(std::memory_order_relaxed); }
    // Leases returned with a transaction still open (each rolled back, and reported once).
    int64_t leakedTransactions() const { return m_leaked.load(std::memory_order_relaxed); }
    // Writes waiting for the commit under way to finish.
    size_t pendingWrites() const;

private:
    struct PendingWrite;

    Database(std::string path, DatabaseOptions options, std::unique_ptr<Connection> writer);
    void commitGroup(const std::vector<PendingWrite*>& group);
    // Runs the commit loop with m_queueMutex held through `lock` (see write()).
    void lead(std::unique_lock<std::mutex>& lock, PendingWrite* own);
    void committerLoop();
    void keepWalBounded();
    void giveBack(std::unique_ptr<Connection> conn, int64_t sinceMs);
    void endLease(int64_t sinceMs);
    static int onWalCommit(void* self, sqlite3* db, const char* name, int frames);
    void checkpointLoop(std::unique_ptr<Connection> conn);

    std::string m_path;
    DatabaseOptions m_options;
    int m_pageSize = 4096;
    std::unique_ptr<Connection> m_writer;
    std::function<void()> m_commitListener;
    std::atomic<bool> m_truncateWal{false};
    Dictionaries m_dictionaries;
    std::vector<LogEpoch> m_logEpochs;

    // The commit queue: the first writer to find no commit under way commits everything queued,
    // and hands over to the next waiting writer when its own write is done.
    mutable std::mutex m_queueMutex;
    std::deque<PendingWrite*> m_queue;
    bool m_committing = false;
    // Submitted writes have no thread of their own: this one commits them when the writer that
    // committed last leaves with submitted writes still queued.
    std::thread m_committer;
    std::condition_variable m_committerWake;
    bool m_committerLeads = false;
    bool m_committerStop = false;

    mutable std::mutex m_poolMutex;
    std::vector<std::unique_ptr<Connection>> m_readers;
    std::multiset<int64_t> m_leasesSinceMs;  // start of every lease out now

    // The WAL is copied back into the database file on a thread of its own, so that a commit
    // does not wait for a checkpoint (SQLite's automatic one runs inside COMMIT).
    std::thread m_checkpointer;
    std::mutex m_checkpointMutex;
    std::condition_variable m_checkpointWake;
    std::condition_variable m_checkpointDone;
    bool m_checkpointDue = false;
    bool m_checkpointRunning = false;
    bool m_checkpointStop = false;
    std::atomic<int> m_walFrames{0};  // WAL size after the latest commit

    std::atomic<int64_t> m_transactions{0};
    std::atomic<int64_t> m_writesCommitted{0};
    std::atomic<int64_t> m_leaked{0};
};

}  // namespace meridian::storage
