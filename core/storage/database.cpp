#include "storage/database.h"

#include <sys/stat.h>

#include "storage/schema.h"

namespace meridian::storage {

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
    std::unique_ptr<Database> db(new Database(path, std::move(*writer)));
    db->m_durability = durability;
    return db;
}

Database::Database(std::string path, std::unique_ptr<Connection> writer)
    : m_path(std::move(path)), m_writer(std::move(writer)) {}

Database::~Database() {
    m_readers.clear();
    // A clean close checkpoints the WAL into the main file.
    m_writer.reset();
}

absl::Status Database::write(const std::function<absl::Status(Connection&)>& body) {
    std::lock_guard lock(m_writeMutex);
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
