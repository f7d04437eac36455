#include "storage/sqlite.h"

#include <cerrno>
#include <cstring>

#include "absl/status/statusor.h"

namespace meridian::storage {

namespace {

bool meansDiskFull(int err) {
    return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

// The system error behind a failed write when it means the disk is full, else 0. SQLite
// reports ENOSPC as SQLITE_FULL, but a quota (EDQUOT) or a file size limit (EFBIG) as an I/O
// error of the call that hit it, and sqlite3_system_errno() does not hold it after a failed
// COMMIT; each file of the database (the main file, its WAL) keeps its last errno.
int diskFullErrno(sqlite3* db, int rc) {
    if ((rc & 0xff) == SQLITE_FULL)
        return ENOSPC;
    if ((rc & 0xff) != SQLITE_IOERR || !db)
        return 0;
    int err = 0;
    sqlite3_file* journal = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK &&
        journal && journal->pMethods &&
        journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK &&
        meansDiskFull(err))
        return err;
    err = 0;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK &&
        meansDiskFull(err))
        return err;
    return 0;
}

// The status code that says what an SQLite result code means to a caller.
absl::Status statusOf(sqlite3* db, int rc, std::string message) {
    if (const int err = diskFullErrno(db, rc)) {
        const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
        return absl::ResourceExhaustedError(
            "the disk holding " + std::string(file && *file ? file : "the database") +
            " is full (" + std::strerror(err) +
            "): the change was not made; free space there, or raise the file size limit (" +
            message + ")");
    }
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return absl::UnavailableError(message);
        case SQLITE_CONSTRAINT:
            return absl::AlreadyExistsError(message);
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return absl::DataLossError(message);
        default:
            return absl::InternalError(message);
    }
}

}  // namespace

absl::Status sqliteError(sqlite3* db, int rc, std::string_view what) {
    return statusOf(
        db, rc,
        "sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

Statement& Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
    sqlite3_bind_blob(m_stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE && m_status.ok())
        m_status = sqliteError(m_db, rc, sqlite3_sql(m_stmt));
    return false;
}

absl::Status Statement::run() {
    while (step()) {
    }
    return finish();
}

absl::Status Statement::finish() {
    absl::Status st = m_status;
    reset();
    return st;
}

absl::StatusOr<int64_t> Statement::singleInt64(int64_t ifNoRow) {
    const int64_t value = step() ? int64(0) : ifNoRow;
    if (auto st = finish(); !st.ok())
        return st;
    return value;
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_status = absl::OkStatus();
}

std::string_view Statement::text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string_view(p, sqlite3_column_bytes(m_stmt, column)) : std::string_view();
}

std::string_view Statement::blob(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
    return p ? std::string_view(p, sqlite3_column_bytes(m_stmt, column)) : std::string_view();
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::open(const std::string& path,
                                                             bool readOnly) {
    // Memory statistics take a process-wide mutex on every allocation SQLite makes; nothing
    // here reads them. Only possible before SQLite initializes, so done once, first.
    static const bool statsOff = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)statsOff;
    sqlite3* db = nullptr;
    const int flags =
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
        SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        absl::Status st = sqliteError(db, rc, "open " + path);
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
    m_statements.clear();
    sqlite3_close(m_db);
}

Statement& Connection::prepare(const char* sql) {
    auto it = m_statements.find(sql);
    if (it != m_statements.end()) {
        it->second->reset();
        return *it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    // A statement that does not prepare is a programming error in a fixed SQL string.
    if (rc != SQLITE_OK) {
        std::fprintf(stderr, "meridian: cannot prepare \"%s\": %s\n", sql, sqlite3_errmsg(m_db));
        std::abort();
    }
    auto& slot = m_statements[sql];
    slot = std::make_unique<Statement>(m_db, stmt);
    return *slot;
}

absl::Status Connection::exec(std::string_view sql) {
    char* err = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string message = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        return statusOf(m_db, rc, "sqlite: " + message + " in: " + text.substr(0, 120));
    }
    return absl::OkStatus();
}

void Connection::resetAll() {
    for (sqlite3_stmt* stmt = sqlite3_next_stmt(m_db, nullptr); stmt;
         stmt = sqlite3_next_stmt(m_db, stmt)) {
        if (sqlite3_stmt_busy(stmt))
            sqlite3_reset(stmt);
    }
}

void Connection::undoTo(size_t mark) {
    while (m_undo.size() > mark) {
        auto undo = std::move(m_undo.back());
        m_undo.pop_back();
        undo();
    }
}

absl::Status Connection::error(std::string_view what) const {
    return sqliteError(m_db, sqlite3_errcode(m_db), what);
}

}  // namespace meridian::storage
