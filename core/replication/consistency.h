#pragma once
// Consistency of the online store between two regions, and its repair. The checking region
// asks the peer for its digests (onlinedigest.h) top-down, 16 buckets under each differing one
// (4, 8, 12, then 16 bits), fetches the rows of the leaves that still differ, and compares them
// key by key. Rows written within the lag bound are left out as possibly in flight. Each
// differing key is decided by the conflict rule; the same version with different values (a
// copy changed behind the store's back) goes to the copy of the region that wrote it.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/onlinedigest.h"
#include "replication/registryreplica.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

struct CheckOptions {
    int64_t lagBoundMs = 5000;
    int maxDifferences = 100;
    int64_t callTimeoutMs = 30'000;
};

// The peer's rows that win over this region's, to apply by repair, with their schemas.
struct RepairSet {
    std::vector<v1::Change> rows;
    std::vector<v1::RowSchemaDef> schemas;
    int64_t unresolved = 0;
};

// Compares `view` here (`self`) with `peer`. `repairs`, when given, receives the peer's rows
// that win; `fullCopyBytes` what copying the peer's rows would take (estimated from the size of
// the rows here).
absl::StatusOr<v1::ViewConsistency> checkView(storage::Database& db, storage::ViewIds& viewIds,
                                              const v1::FeatureView& view, const std::string& self,
                                              const std::string& peer, v1::Replication::Stub& stub,
                                              const CheckOptions& options,
                                              RepairSet* repairs = nullptr,
                                              int64_t* fullCopyBytes = nullptr);

// Applies the rows of `repairs` here by the conflict rule — a row of the same version replaces
// the stored one only when the check decided for the peer's copy (its writer's) — skipping
// erased keys. Answers the rows changed.
absl::StatusOr<int64_t> applyRepairs(storage::Database& db, storage::ViewIds& viewIds,
                                     const v1::FeatureView& view, const RepairSet& repairs);

// The views of `scope` ("project/view"; empty: every online view both hold) for a check or
// repair between `self` and `peer`: NOT_FOUND for an unknown view, FAILED_PRECONDITION for one
// the two do not both hold.
absl::StatusOr<std::vector<v1::FeatureView>> viewsInScope(
    RegistryReplica& registry, const std::string& self, const std::string& peer,
    const google::protobuf::RepeatedPtrField<std::string>& scope);

// The views `self` and `peer` both hold a copy of.
std::vector<v1::FeatureView> sharedViews(RegistryReplica& registry, const std::string& self,
                                         const std::string& peer);

}  // namespace meridian::replication
