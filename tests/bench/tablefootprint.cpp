#include "tablefootprint.h"

#include <sqlite3.h>

namespace meridian::bench {
namespace {

struct Statement {
    sqlite3_stmt* stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

struct ReadOnlyDb {
    sqlite3* db = nullptr;
    ~ReadOnlyDb() { sqlite3_close(db); }
};

}  // namespace

TableFootprint tableFootprint(const std::string& dbPath, const std::string& table,
                              bool withoutRowid, int64_t knownRows) {
    TableFootprint out;
    ReadOnlyDb conn;
    if (sqlite3_open_v2(dbPath.c_str(), &conn.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        out.error = "cannot open " + dbPath + ": " + sqlite3_errmsg(conn.db);
        return out;
    }
    // A writer may hold the lock for a moment; the query itself takes one read transaction.
    sqlite3_busy_timeout(conn.db, 10000);
    Statement q;
    const std::string rowsExpr =
        withoutRowid ? "sum(ncell)" : "sum(CASE WHEN pagetype = 'leaf' THEN ncell ELSE 0 END)";
    const std::string sql = "SELECT coalesce(sum(pgsize), 0), coalesce(sum(payload), 0), " +
                            rowsExpr + ", count(*) FROM dbstat WHERE name = ?1";
    if (sqlite3_prepare_v2(conn.db, sql.c_str(), -1, &q.stmt, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(q.stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q.stmt) != SQLITE_ROW) {
            out.error = std::string("dbstat query failed: ") + sqlite3_errmsg(conn.db);
            return out;
        }
        out.bytes = sqlite3_column_int64(q.stmt, 0);
        out.payload = sqlite3_column_int64(q.stmt, 1);
        out.rows = sqlite3_column_int64(q.stmt, 2);
        out.pages = sqlite3_column_int64(q.stmt, 3);
        out.ok = true;
        return out;
    }
    // Without SQLITE_ENABLE_DBSTAT_VTAB: the whole file (every table) over the known rows, an
    // upper bound for the one table.
    out.error = std::string("dbstat unavailable (") + sqlite3_errmsg(conn.db) +
                "); page_count x page_size of the whole file instead";
    Statement pc;
    if (sqlite3_prepare_v2(conn.db,
                           "SELECT page_count * page_size FROM pragma_page_count(), "
                           "pragma_page_size()",
                           -1, &pc.stmt, nullptr) != SQLITE_OK ||
        sqlite3_step(pc.stmt) != SQLITE_ROW)
        return out;
    out.bytes = sqlite3_column_int64(pc.stmt, 0);
    out.rows = knownRows;
    out.estimated = true;
    out.ok = knownRows > 0;
    return out;
}

}  // namespace meridian::bench
