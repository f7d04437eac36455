#pragma once
// Bytes a table takes in a running store's region.db, read from SQLite's dbstat virtual table
// through a read-only connection opened for the one query and closed at once.

#include <cstdint>
#include <string>

namespace meridian::bench {

struct TableFootprint {
    bool ok = false;
    bool estimated = false;  // dbstat missing: whole-file page count, not this table's pages
    std::string error;
    int64_t bytes = 0;    // whole pages of the table's b-tree (cells, headers and free space)
    int64_t payload = 0;  // bytes of the rows themselves, as SQLite records
    int64_t rows = 0;     // entries, counted from the pages' cells
    int64_t pages = 0;

    double bytesPerRow() const { return rows > 0 ? static_cast<double>(bytes) / rows : 0; }
    double payloadPerRow() const { return rows > 0 ? static_cast<double>(payload) / rows : 0; }
};

// `withoutRowid`: the table is a WITHOUT ROWID table, an index b-tree whose interior cells are
// rows too; in a rowid table only leaf cells are. `knownRows` is used when dbstat is missing.
TableFootprint tableFootprint(const std::string& dbPath, const std::string& table,
                              bool withoutRowid, int64_t knownRows = 0);

}  // namespace meridian::bench
