#pragma once
// Consistency of the online store between two regions, and its repair. Each region hashes every
// row of a view — key, version (event time, write clock, origin), tombstone and values in the
// form every region stores alike — into 65 536 leaf buckets by the hash of its key; a bucket's
// digest is the XOR of its rows' hashes. The checking region asks the peer for its digests
// top-down, 16 buckets under each differing one (4, 8, 12, then 16 bits), fetches the rows of
// the leaves that still differ, and compares them key by key. Rows written within the lag bound
// are left out as possibly in flight. Each differing key is decided by the conflict rule; the
// same version with different values (a copy changed behind the store's back) goes to the copy
// of the region that wrote it. The digests are computed by one scan of the view when asked for,
// in chunks of 20 000 keys a read transaction, so that no long read pins the WAL, and a row
// changed behind the store's back is seen; the peer keeps its last ones for a minute.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/registryreplica.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

inline constexpr int kLeafBits = 16;
inline constexpr uint32_t kLeafBuckets = 1u << kLeafBits;
inline constexpr int kLevelBits = 4;  // each level splits a bucket in 16

// The leaf bucket of an entity key.
uint32_t leafBucketOf(std::string_view entityKey);

// 64 bits of a row, the same in every region for the same row.
uint64_t onlineRowHash(std::string_view entityKey, int64_t eventTs, uint64_t writeHlc,
                       std::string_view origin, bool deleted, uint64_t schemaDigest,
                       std::string_view body);

// A view's rows hashed into leaf buckets.
struct OnlineDigest {
    std::vector<uint64_t> digests = std::vector<uint64_t>(kLeafBuckets);
    std::vector<int32_t> rows = std::vector<int32_t>(kLeafBuckets);
    int64_t total = 0;  // rows hashed
    int64_t young = 0;  // left out: written at or after the bound
    int64_t bytes = 0;  // keys and values scanned

    // The digest and row count of `bucket` of the level of `bits` bits.
    std::pair<uint64_t, int64_t> at(int bits, uint32_t bucket) const;
};

// Scans view `viewId` (absent: an empty digest), leaving out rows written at or after
// `writtenBeforeMs` (0: none).
absl::StatusOr<OnlineDigest> digestView(storage::Database& db, int64_t viewId,
                                        int64_t writtenBeforeMs);

// The digests a region computed for its peers' questions, kept a minute (a check asks for
// four levels of the same digest), at most eight.
class DigestCache {
public:
    absl::StatusOr<std::shared_ptr<const OnlineDigest>> get(storage::Database& db, int64_t viewId,
                                                            int64_t writtenBeforeMs);

private:
    struct Entry {
        std::shared_ptr<const OnlineDigest> digest;
        int64_t computedAtMs = 0;
    };
    std::mutex m_mutex;
    std::map<std::pair<int64_t, int64_t>, Entry> m_entries;
};

// The sender's answers, for a requester that holds a copy of the view (residency allows it).
absl::StatusOr<v1::DigestResponse> answerDigests(storage::Database& db, storage::ViewIds& viewIds,
                                                 RegistryReplica& registry, DigestCache& cache,
                                                 const v1::DigestRequest& request);
absl::StatusOr<v1::BucketRowsResponse> answerBucketRows(storage::Database& db,
                                                        storage::ViewIds& viewIds,
                                                        RegistryReplica& registry,
                                                        const v1::BucketRowsRequest& request);

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

// The views `self` and `peer` both hold a copy of.
std::vector<v1::FeatureView> sharedViews(RegistryReplica& registry, const std::string& self,
                                         const std::string& peer);

}  // namespace meridian::replication
