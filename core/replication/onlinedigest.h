#pragma once
// The peer's half of a consistency check (consistency.h): every row of a view hashed into
// 65 536 leaf buckets by the hash of its key — key, version (event time, write clock, origin),
// tombstone and values in the form every region stores alike, so the same row hashes the same
// in every region — a bucket's digest the XOR of its rows' hashes; the digests of any level and
// the rows of chosen leaves, answered to a peer that may hold the view. Digests are computed
// by one scan when asked for, in chunks of 20 000 keys a read transaction, so that no long read
// pins the WAL, and kept a minute for the four levels of one check.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "meridian/v1/serving.pb.h"
#include "replication/registryreplica.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

// One stored online row; fields point into SQLite's memory, valid during the visit.
struct StoredRow {
    std::string_view key;
    int64_t eventTs = 0;
    uint64_t hlc = 0;
    int64_t origin = 0;  // RegionIds id
    bool deleted = false;
    std::string_view vals;
};

// Every stored row of view `viewId`, in key order, 20 000 keys a read transaction.
absl::Status scanOnlineView(storage::Database& db, int64_t viewId,
                            const std::function<void(const StoredRow&)>& visit);

// The view's id in this database; none when it never held data.
absl::StatusOr<std::optional<int64_t>> storedViewId(storage::Database& db,
                                                    storage::ViewIds& viewIds,
                                                    const std::string& project,
                                                    const std::string& name);

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

}  // namespace meridian::replication
