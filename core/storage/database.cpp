#include "storage/database.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "storage/changelogtable.h"
#include "storage/onlinetable.h"
#include "storage/schema.h"

namespace meridian::storage {
namespace {

// WAL frames (pages) after which the checkpointer is woken: SQLite's own default.
constexpr int kCheckpointFrames = 1000;
// A WAL this long is let restart from its beginning: the next transaction waits for the
// checkpoint under way, so that the log does not grow for as long as writes keep coming.
constexpr int kRestartFrames = 16 * kCheckpointFrames;
// Most writes one transaction carries: enough to share an fsync among many clients, few enough
// that the first of them does not wait long for the last.
constexpr size_t kMaxGroup = 256;
// How long a truncating checkpoint waits for readers before it gives up until the next commit.
constexpr int kTruncateWaitMs = 200;
constexpr int kBusyTimeoutMs = 10000;

int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t fileBytes(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Said after any refusal to open a damaged database.
constexpr const char* kWayBack =
    ". The store does not serve from a damaged database: restore the data directory from a "
    "backup, or move it aside and start the region empty so that it takes a snapshot from its "
    "peers";

// Runs quick_check or integrity_check; the first problems SQLite names go in the error.
absl::Status checkOnOpen(Connection& conn, const std::string& path, OpenCheck check) {
    if (check == OpenCheck::None)
        return absl::OkStatus();
    const bool full = check == OpenCheck::Full;
    auto& q = conn.prepare(full ? "PRAGMA integrity_check(5)" : "PRAGMA quick_check(5)");
    std::vector<std::string> problems;
    while (q.step()) {
        std::string line(q.text(0));
        if (line != "ok")
            problems.push_back(std::move(line));
    }
    auto st = q.finish();
    if (!st.ok() && st.code() != absl::StatusCode::kDataLoss)
        return st;
    if (problems.empty() && st.ok())
        return absl::OkStatus();
    std::string found = st.ok() ? "" : std::string(st.message());
    for (const auto& p : problems)
        found += (found.empty() ? "" : "; ") + p;
    return absl::DataLossError(path + " is damaged (" +
                               (full ? "PRAGMA integrity_check" : "PRAGMA quick_check") +
                               "): " + found + kWayBack);
}

}  // namespace

struct Database::PendingWrite {
    const Body* body = nullptr;
    absl::Status result;
    bool done = false;
    bool leads = false;  // handed the commit loop by the writer before it
    // Each waiting writer sleeps on its own condition: a commit wakes exactly the writers it
    // answered, not every waiting thread.
    std::condition_variable wake;
    // Submitted writes: nobody waits, the body is owned here and `then` hears the outcome.
    Body owned;
    Done then;
    bool submitted() const { return static_cast<bool>(then); }
};

absl::Status withSecureDelete(Connection& conn, const std::function<absl::Status()>& body) {
    if (auto st = conn.exec("PRAGMA secure_delete = ON"); !st.ok())
        return st;
    auto st = body();
    if (auto back = conn.exec(kSecureDeleteDefault); st.ok())
        st = back;
    return st;
}

absl::StatusOr<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                         DatabaseOptions options) {
    auto writer = Connection::open(path, false);
    if (!writer.ok())
        return writer.status();
    auto& conn = **writer;
    if (auto st = conn.exec("PRAGMA journal_mode=WAL"); !st.ok()) {
        if (st.code() == absl::StatusCode::kDataLoss)
            return absl::DataLossError(path + " is not a database SQLite can read (" +
                                       std::string(st.message()) + ")" + kWayBack);
        return st;
    }
    if (auto st = checkOnOpen(conn, path, options.check); !st.ok())
        return st;
    if (auto st = conn.exec(options.durability == Durability::Full ? "PRAGMA synchronous=FULL"
                                                                   : "PRAGMA synchronous=NORMAL");
        !st.ok())
        return st;
    // Page caches are a store's main memory: 32 MiB for the writer, 8 MiB per reader (readers
    // map the database file, so theirs holds WAL pages only).
    if (auto st = conn.exec("PRAGMA cache_size=-32768"); !st.ok())
        return st;
    // What a delete or an update frees inside a page is overwritten with zeros (at no extra
    // I/O: the page is written anyway), so old values do not linger in free space. Erasures
    // and purges switch to ON, which zeroes freed pages too.
    if (auto st = conn.exec(kSecureDeleteDefault); !st.ok())
        return st;
    // Pages the cache does not hold are read through a memory map (as readers do): a write to a
    // table larger than the cache costs no read() per page it touches.
    if (auto st = conn.exec("PRAGMA mmap_size=1073741824"); !st.ok())
        return st;
    // Whenever the WAL restarts, its file is cut back to this size instead of keeping the
    // largest size it ever reached.
    if (auto st =
            conn.exec("PRAGMA journal_size_limit=" + std::to_string(options.walLimitBytes / 4));
        !st.ok())
        return st;
    if (auto st = conn.exec("BEGIN IMMEDIATE"); !st.ok())
        return st;
    if (auto st = ensureSchema(conn); !st.ok()) {
        conn.exec("ROLLBACK").IgnoreError();
        return st;
    }
    // Every opening begins an epoch of the log, after the last entry it holds.
    auto epochs = [&]() -> absl::StatusOr<std::vector<LogEpoch>> {
        auto last = ChangelogTable(conn).lastSeq();
        if (!last.ok())
            return last.status();
        return beginLogEpoch(conn, *last + 1, wallMs());
    }();
    if (!epochs.ok()) {
        conn.exec("ROLLBACK").IgnoreError();
        return epochs.status();
    }
    if (auto st = conn.exec("COMMIT"); !st.ok())
        return st;
    auto checkpointConn = Connection::open(path, false);
    if (!checkpointConn.ok())
        return checkpointConn.status();
    // A connection sees the WAL only once it has read the database; until then it would not
    // checkpoint anything.
    if (auto st = (*checkpointConn)->exec("PRAGMA journal_mode=WAL"); !st.ok())
        return st;
    std::unique_ptr<Database> db(new Database(path, options, std::move(*writer)));
    db->m_logEpochs = std::move(*epochs);
    auto& dict = db->m_dictionaries;
    if (auto st = dict.regions.load(*db->m_writer); !st.ok())
        return st;
    if (auto st = dict.schemas.load(*db->m_writer); !st.ok())
        return st;
    if (auto st = dict.erased.load(*db->m_writer); !st.ok())
        return st;
    if (auto st = registerConflictRule(*db->m_writer, dict.regions); !st.ok())
        return st;
    {
        auto& q = db->m_writer->prepare("PRAGMA page_size");
        if (q.step())
            db->m_pageSize = static_cast<int>(q.int64(0));
        q.reset();
    }
    // Replaces SQLite's automatic checkpoint on the writer (which is itself a WAL hook).
    sqlite3_wal_hook(db->m_writer->handle(), &Database::onWalCommit, db.get());
    db->m_checkpointer = std::thread([d = db.get(), c = std::move(*checkpointConn)]() mutable {
        d->checkpointLoop(std::move(c));
    });
    db->m_committer = std::thread([d = db.get()] { d->committerLoop(); });
    return db;
}

int Database::onWalCommit(void* self, sqlite3*, const char*, int frames) {
    auto* d = static_cast<Database*>(self);
    d->m_walFrames.store(frames, std::memory_order_relaxed);
    if (frames >= kCheckpointFrames) {
        {
            std::lock_guard lock(d->m_checkpointMutex);
            d->m_checkpointDue = true;
        }
        d->m_checkpointWake.notify_one();
    }
    return SQLITE_OK;
}

void Database::checkpointLoop(std::unique_ptr<Connection> conn) {
    std::unique_lock lock(m_checkpointMutex);
    while (true) {
        m_checkpointWake.wait(lock, [this] { return m_checkpointDue || m_checkpointStop; });
        if (m_checkpointStop)
            break;
        m_checkpointDue = false;
        m_checkpointRunning = true;
        lock.unlock();
        // PASSIVE: copies what no reader still needs, never waits for readers or the writer.
        sqlite3_wal_checkpoint_v2(conn->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                  nullptr);
        lock.lock();
        m_checkpointRunning = false;
        m_checkpointDone.notify_all();
    }
    lock.unlock();
    conn.reset();
}

Database::Database(std::string path, DatabaseOptions options, std::unique_ptr<Connection> writer)
    : m_path(std::move(path)), m_options(options), m_writer(std::move(writer)) {}

Database::~Database() {
    {
        // Submitted writes still queued are committed first.
        std::unique_lock lock(m_queueMutex);
        m_committerStop = true;
        m_committerWake.notify_one();
    }
    if (m_committer.joinable())
        m_committer.join();
    {
        std::lock_guard lock(m_checkpointMutex);
        m_checkpointStop = true;
    }
    m_checkpointWake.notify_one();
    m_checkpointDone.notify_all();
    if (m_checkpointer.joinable())
        m_checkpointer.join();
    m_readers.clear();
    // A clean close checkpoints the WAL into the main file.
    m_writer.reset();
}

absl::Status Database::write(const Body& body) {
    PendingWrite me;
    me.body = &body;
    std::unique_lock lock(m_queueMutex);
    m_queue.push_back(&me);
    if (m_committing)
        me.wake.wait(lock, [&] { return me.done || me.leads; });
    else
        m_committing = true;
    if (!me.done)
        lead(lock, &me);
    return me.result;
}

void Database::submit(Body body, Done then) {
    auto* entry = new PendingWrite;
    entry->owned = std::move(body);
    entry->body = &entry->owned;
    entry->then = std::move(then);
    std::unique_lock lock(m_queueMutex);
    m_queue.push_back(entry);
    if (m_committing)
        return;  // the writer committing now takes it along
    // Nobody commits: this thread does, for as long as submitted writes keep coming. A server
    // thread that does so saves a hand-off to another thread and back for every write.
    m_committing = true;
    lead(lock, nullptr);
}

void Database::committerLoop() {
    std::unique_lock lock(m_queueMutex);
    while (true) {
        m_committerWake.wait(lock, [this] { return m_committerLeads || m_committerStop; });
        if (m_committerLeads) {
            m_committerLeads = false;
            lead(lock, nullptr);
        } else if (m_committerStop) {
            break;
        }
    }
}

void Database::lead(std::unique_lock<std::mutex>& lock, PendingWrite* own) {
    // Commit what is queued, in arrival order: for a writer in write(), until its own write is
    // among the committed; for the committer thread, while submitted writes are next in line.
    while (!m_queue.empty() && !(own && own->done) && !(!own && !m_queue.front()->submitted())) {
        std::vector<PendingWrite*> group;
        while (!m_queue.empty() && group.size() < kMaxGroup) {
            group.push_back(m_queue.front());
            m_queue.pop_front();
        }
        lock.unlock();
        commitGroup(group);
        lock.lock();
        std::vector<PendingWrite*> submitted;
        for (auto* p : group) {
            p->done = true;
            if (p->submitted())
                submitted.push_back(p);
            else if (p != own)
                p->wake.notify_one();
        }
        if (!submitted.empty()) {
            lock.unlock();
            for (auto* p : submitted) {
                p->then(p->result);
                delete p;
            }
            lock.lock();
        }
    }
    // Hand over: to the writer next in line if it waits in write(), else (a writer in write()
    // whose own write is done, with submitted ones behind it) to the committer thread.
    if (m_queue.empty()) {
        m_committing = false;
    } else if (!m_queue.front()->submitted()) {
        m_queue.front()->leads = true;
        m_queue.front()->wake.notify_one();
    } else {
        m_committerLeads = true;
        m_committerWake.notify_one();
    }
}

size_t Database::pendingWrites() const {
    std::lock_guard lock(m_queueMutex);
    return m_queue.size();
}

void Database::commitGroup(const std::vector<PendingWrite*>& group) {
    keepWalBounded();
    Connection& c = *m_writer;
    auto failAll = [&](const absl::Status& st) {
        for (auto* p : group) {
            if (p->result.ok())
                p->result = st;
        }
    };
    if (auto st = c.exec("BEGIN IMMEDIATE"); !st.ok()) {
        failAll(st);
        return;
    }
    // A lone write needs no savepoint: its failure rolls back the whole transaction.
    const bool alone = group.size() == 1;
    int succeeded = 0;
    for (auto* p : group) {
        if (!c.inTransaction()) {
            // SQLite rolled the transaction back on an error of an earlier body (disk full, I/O):
            // running this one would commit each statement on its own.
            p->result = absl::UnavailableError(
                "write not attempted: an error rolled back the transaction it shared");
            continue;
        }
        const size_t mark = c.undoMark();
        if (!alone) {
            if (auto st = c.prepare("SAVEPOINT write").run(); !st.ok()) {
                p->result = st;
                continue;
            }
        }
        p->result = (*p->body)(c);
        if (p->result.ok()) {
            ++succeeded;
            if (!alone)
                p->result = c.prepare("RELEASE write").run();
            continue;
        }
        c.resetAll();
        if (!alone && c.inTransaction()) {
            c.prepare("ROLLBACK TO write").run().IgnoreError();
            c.prepare("RELEASE write").run().IgnoreError();
        }
        c.undoTo(mark);
    }
    c.resetAll();
    if (succeeded == 0 || !c.inTransaction()) {
        if (c.inTransaction())
            c.exec("ROLLBACK").IgnoreError();
        c.undoTo(0);
        failAll(absl::UnavailableError("the transaction was rolled back"));
        return;
    }
    if (auto st = c.exec("COMMIT"); !st.ok()) {
        c.exec("ROLLBACK").IgnoreError();
        c.undoTo(0);
        failAll(st);
        return;
    }
    c.dropUndo();
    m_transactions.fetch_add(1, std::memory_order_relaxed);
    m_writesCommitted.fetch_add(succeeded, std::memory_order_relaxed);
    if (m_commitListener)
        m_commitListener();
}

void Database::keepWalBounded() {
    const int frames = m_walFrames.load(std::memory_order_relaxed);
    if (frames >= kRestartFrames) {
        // SQLite restarts the WAL only in a transaction begun after a complete checkpoint.
        std::unique_lock checkpointLock(m_checkpointMutex);
        m_checkpointDone.wait(checkpointLock, [this] {
            return (!m_checkpointDue && !m_checkpointRunning) || m_checkpointStop;
        });
    }
    const bool asked = m_truncateWal.exchange(false, std::memory_order_relaxed);
    if (!asked && static_cast<int64_t>(frames) * m_pageSize < m_options.walLimitBytes)
        return;
    if (!asked && fileBytes(m_path + "-wal") < m_options.walLimitBytes)
        return;
    // Past the limit: copy everything back and cut the file to nothing once no reader needs
    // it. Readers are short, so the wait is too; if one is not, the next commit tries again.
    sqlite3_busy_timeout(m_writer->handle(), kTruncateWaitMs);
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(m_writer->handle(), nullptr,
                                             SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    sqlite3_busy_timeout(m_writer->handle(), kBusyTimeoutMs);
    if (rc == SQLITE_OK)
        m_walFrames.store(0, std::memory_order_relaxed);
}

absl::Status Database::read(const Body& body) {
    auto lease = read();
    if (!lease.ok())
        return lease.status();
    Connection& c = **lease;
    if (auto st = c.exec("BEGIN"); !st.ok())
        return st;
    absl::Status st = body(c);
    c.resetAll();
    if (auto end = c.exec(st.ok() ? "COMMIT" : "ROLLBACK"); !end.ok() && st.ok())
        st = end;
    return st;
}

absl::StatusOr<Database::Reader> Database::read() {
    const int64_t since = steadyMs();
    {
        std::lock_guard lock(m_poolMutex);
        m_leasesSinceMs.insert(since);
        if (!m_readers.empty()) {
            auto conn = std::move(m_readers.back());
            m_readers.pop_back();
            return Reader(this, std::move(conn), since);
        }
    }
    auto conn = Connection::open(m_path, true);
    if (!conn.ok()) {
        endLease(since);
        return conn.status();
    }
    (*conn)->exec("PRAGMA cache_size=-8192").IgnoreError();
    // Pages of the main file are read through a memory map rather than a read() each: point
    // lookups that miss the page cache then cost no system call and no copy.
    (*conn)->exec("PRAGMA mmap_size=1073741824").IgnoreError();
    return Reader(this, std::move(*conn), since);
}

void Database::endLease(int64_t sinceMs) {
    std::lock_guard lock(m_poolMutex);
    if (auto it = m_leasesSinceMs.find(sinceMs); it != m_leasesSinceMs.end())
        m_leasesSinceMs.erase(it);
}

void Database::giveBack(std::unique_ptr<Connection> conn, int64_t sinceMs) {
    // A statement left on a row would pin this connection to an old snapshot, and with it the
    // WAL: every lease ends with no statement active and no transaction open.
    conn->resetAll();
    if (conn->inTransaction()) {
        if (m_leaked.fetch_add(1, std::memory_order_relaxed) == 0)
            std::fprintf(stderr,
                         "meridian: a read lease on %s ended inside a transaction; rolled back\n",
                         m_path.c_str());
        conn->exec("ROLLBACK").IgnoreError();
    }
    std::lock_guard lock(m_poolMutex);
    if (auto it = m_leasesSinceMs.find(sinceMs); it != m_leasesSinceMs.end())
        m_leasesSinceMs.erase(it);
    m_readers.push_back(std::move(conn));
}

Database::Reader::~Reader() {
    if (m_conn)
        m_db->giveBack(std::move(m_conn), m_sinceMs);
}

absl::StatusOr<IntegrityReport> Database::checkIntegrity() const {
    const int64_t started = steadyMs();
    auto conn = Connection::open(m_path, true);
    if (!conn.ok())
        return conn.status();
    IntegrityReport report;
    report.checkedBytes = sizeBytes();
    auto& q = (*conn)->prepare("PRAGMA integrity_check(100)");
    while (q.step()) {
        std::string line(q.text(0));
        if (line != "ok")
            report.problems.push_back(std::move(line));
    }
    auto st = q.finish();
    if (!st.ok() && st.code() != absl::StatusCode::kDataLoss)
        return st;
    if (!st.ok())
        report.problems.insert(report.problems.begin(), std::string(st.message()));
    report.ok = report.problems.empty();
    report.elapsedMs = steadyMs() - started;
    return report;
}

StorageFigures Database::figures() const {
    StorageFigures f;
    f.databaseBytes = fileBytes(m_path);
    f.walBytes = fileBytes(m_path + "-wal");
    f.walLimitBytes = m_options.walLimitBytes;
    std::lock_guard lock(m_poolMutex);
    if (!m_leasesSinceMs.empty())
        f.oldestReadMs = steadyMs() - *m_leasesSinceMs.begin();
    return f;
}

int64_t Database::sizeBytes() const {
    return fileBytes(m_path) + fileBytes(m_path + "-wal");
}

}  // namespace meridian::storage
