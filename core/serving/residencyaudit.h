#pragma once
// Data a region holds but may no longer hold. Residency is enforced on every path in (writes,
// the log, snapshots, batch copies), but a view's policy can change after its rows arrived, and
// so can the jurisdiction a deployment gives a region: the rows already in region.db stay until
// this audit finds them and an operator has them purged.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/admin.pb.h"
#include "registry/catalog.h"
#include "registry/regionset.h"
#include "storage/database.h"

namespace meridian::serving {

// Every view whose residency does not allow `region` and of which region.db still holds online
// or offline rows (or, with `countChangelog`, log entries: that reads the whole log). Online and
// offline counts come from the tables' own counters, so the audit without the log is cheap.
absl::StatusOr<std::vector<v1::ResidencyFinding>> findNonResident(
    storage::Database& db, const registry::Catalog& catalog, const registry::RegionSet& regions,
    const std::string& region, bool countChangelog);

struct PurgeResult {
    std::vector<v1::ResidencyFinding> purged;  // what was deleted, per view
    bool walTruncated = false;                 // and the WAL no longer holds it either
};

// Deletes every online row, offline row and log entry of `views` ("project/view"; empty: every
// view findNonResident finds), in batches so that writes go on meanwhile, with SQLite's
// secure_delete so that the freed pages are zeroed, then truncates the WAL. A view that
// residency still allows here is refused (FAILED_PRECONDITION) before anything is deleted.
absl::StatusOr<PurgeResult> purgeNonResident(storage::Database& db,
                                             const registry::Catalog& catalog,
                                             const registry::RegionSet& regions,
                                             const std::string& region,
                                             const std::vector<std::string>& views);

// "jurisdiction eu", "regions a, b", or "anywhere".
std::string describeResidency(const v1::ResidencyPolicy& residency);

}  // namespace meridian::serving
