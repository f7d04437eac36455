#pragma once
// Changing a region's database behind its store's back, as a bad disk, a bad restore or a
// hand-run UPDATE would: for consistency checks to find.

#include <QString>

#include <cstdint>
#include <string>

namespace meridian::test {

// Rewrites the values of user `user`'s online row of `project/view` (features score DOUBLE and
// label STRING, as in tests/data) in the database under `dataDir`, keeping its version. The
// store may be running (its WAL allows the write). False if there is no such row.
bool rewriteOnlineRow(const QString& dataDir, const std::string& project, const std::string& view,
                      int64_t user, double score, const std::string& label);

}  // namespace meridian::test
