#pragma once
// A thin RAII layer over the SQLite C API: connections with a cache of prepared statements.

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace meridian::storage {

class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Text and blobs are bound without a copy: they must stay alive until the statement has
    // run (every caller binds and steps in one expression or scope).
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bindNull(int index);

    // SQLITE_ROW: true; SQLITE_DONE: false; anything else: error kept in status().
    bool step();
    // Runs to completion (for statements without rows).
    absl::Status run();
    void reset();
    absl::Status status() const { return m_status; }
    // After reading rows: how the reading went, and the statement reset for its next use.
    absl::Status finish();
    // For a query of one value: column 0 of the first row, or `ifNoRow`; then resets.
    absl::StatusOr<int64_t> singleInt64(int64_t ifNoRow = 0);

    int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::string_view text(int column) const;
    std::string_view blob(int column) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
    absl::Status m_status;
};

class Connection {
public:
    static absl::StatusOr<std::unique_ptr<Connection>> open(const std::string& path, bool readOnly);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // A cached prepared statement, reset and with bindings cleared. `sql` must outlive the
    // connection (string literals).
    Statement& prepare(const char* sql);
    absl::Status exec(std::string_view sql);
    // Resets every statement still positioned on a row, ending the read snapshot it holds.
    void resetAll();
    // Whether a transaction is open (explicitly, or held by a statement still on a row).
    bool inTransaction() const { return sqlite3_txn_state(m_db, nullptr) != SQLITE_TXN_NONE; }

    // In-memory effects of the current transaction to undo should it (or the savepoint that
    // made them) roll back — a cache entry for a row the rollback removes. Run newest first.
    void onRollback(std::function<void()> undo) { m_undo.push_back(std::move(undo)); }
    size_t undoMark() const { return m_undo.size(); }
    // Runs and drops the undo entries registered since `mark`.
    void undoTo(size_t mark);
    // The transaction committed: nothing left to undo.
    void dropUndo() { m_undo.clear(); }
    int64_t changes() const { return sqlite3_changes(m_db); }
    int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(m_db); }
    sqlite3* handle() const { return m_db; }

    absl::Status error(std::string_view what) const;

private:
    explicit Connection(sqlite3* db) : m_db(db) {}
    sqlite3* m_db;
    std::unordered_map<const char*, std::unique_ptr<Statement>> m_statements;
    std::vector<std::function<void()>> m_undo;
};

absl::Status sqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace meridian::storage
