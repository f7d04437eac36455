#include "storage/database.h"

#include <sys/stat.h>

#include "storage/schema.h"

namespace meridian::storage {
namespace {

// WAL frames (pages) after which the checkpointer is woken: SQLite's own default.
constexpr int kCheckpointFrames = 1000;
// A WAL this long is let restart from its beginning: the next transaction waits for the
// checkpoint under way, so that the log does not grow for as long as writes keep coming.
constexpr int kRestartFrames = 16 * kCheckpointFrames;

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                         Durability durability) {
    auto writer = Connection::open(path, false);
    if (!writer.ok())
        return writer.status();
    auto& conn = **writer;
    if (auto st = conn.exec("PRAGMA journal_mode=WAL"); !st.ok())
        return st;
    if (auto st = conn.exec(durability == Durability::Full ? "PRAGMA synchronous=FULL"
                                                           : "PRAGMA synchronous=NORMAL");
        !st.ok())
        return st;
    if (auto st = conn.exec("PRAGMA cache_size=-65536"); !st.ok())
        return st;
    if (auto st = conn.exec("BEGIN IMMEDIATE"); !st.ok())
        return st;
    if (auto st = ensureSchema(conn); !st.ok()) {
        conn.exec("ROLLBACK").IgnoreError();
        return st;
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
    std::unique_ptr<Database> db(new Database(path, std::move(*writer)));
    db->m_durability = durability;
    // Replaces SQLite's automatic checkpoint on the writer (which is itself a WAL hook).
    sqlite3_wal_hook(db->m_writer->handle(), &Database::onWalCommit, db.get());
    db->m_checkpointer = std::thread([d = db.get(), c = std::move(*checkpointConn)]() mutable {
        d->checkpointLoop(std::move(c));
    });
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

Database::Database(std::string path, std::unique_ptr<Connection> writer)
    : m_path(std::move(path)), m_writer(std::move(writer)) {}

Database::~Database() {
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

absl::Status Database::write(const std::function<absl::Status(Connection&)>& body) {
    std::lock_guard lock(m_writeMutex);
    if (m_walFrames.load(std::memory_order_relaxed) >= kRestartFrames) {
        // SQLite restarts the WAL only in a transaction begun after a complete checkpoint.
        std::unique_lock checkpointLock(m_checkpointMutex);
        m_checkpointDone.wait(checkpointLock, [this] {
            return (!m_checkpointDue && !m_checkpointRunning) || m_checkpointStop;
        });
    }
    if (auto st = m_writer->exec("BEGIN IMMEDIATE"); !st.ok())
        return st;
    absl::Status st = body(*m_writer);
    if (st.ok())
        st = m_writer->exec("COMMIT");
    if (!st.ok()) {
        m_writer->exec("ROLLBACK").IgnoreError();
        return st;
    }
    if (m_commitListener)
        m_commitListener();
    return st;
}

absl::StatusOr<Database::Reader> Database::read() {
    {
        std::lock_guard lock(m_poolMutex);
        if (!m_readers.empty()) {
            auto conn = std::move(m_readers.back());
            m_readers.pop_back();
            return Reader(this, std::move(conn));
        }
    }
    auto conn = Connection::open(m_path, true);
    if (!conn.ok())
        return conn.status();
    (*conn)->exec("PRAGMA cache_size=-16384").IgnoreError();
    // Pages of the main file are read through a memory map rather than a read() each: point
    // lookups that miss the page cache then cost no system call and no copy.
    (*conn)->exec("PRAGMA mmap_size=1073741824").IgnoreError();
    return Reader(this, std::move(*conn));
}

void Database::giveBack(std::unique_ptr<Connection> conn) {
    // A statement left on a row would pin this connection to an old snapshot.
    conn->resetAll();
    if (!sqlite3_get_autocommit(conn->handle()))
        conn->exec("ROLLBACK").IgnoreError();
    std::lock_guard lock(m_poolMutex);
    m_readers.push_back(std::move(conn));
}

Database::Reader::~Reader() {
    if (m_conn)
        m_db->giveBack(std::move(m_conn));
}

int64_t Database::sizeBytes() const {
    int64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
        struct stat st {};
        if (::stat((m_path + suffix).c_str(), &st) == 0)
            total += st.st_size;
    }
    return total;
}

}  // namespace meridian::storage
