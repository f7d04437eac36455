#pragma once
// Batch synchronisation of offline data: both sides keep a digest per view and day partition
// (row count and XOR of row hashes, kept current on every append); the receiver compares them
// with the sender's and copies only the partitions that differ.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/registryreplica.h"
#include "storage/database.h"
#include "storage/viewids.h"

namespace meridian::replication {

// Sender: the partitions of a view, if `requester` may hold the view's data.
absl::StatusOr<v1::ListPartitionsResponse> listPartitions(storage::Database& db,
                                                          storage::ViewIds& viewIds,
                                                          RegistryReplica& registry,
                                                          const v1::ListPartitionsRequest& request);

// Sender: one partition's rows in compressed chunks; `write` returns false when the peer left.
absl::Status streamPartition(storage::Database& db, storage::ViewIds& viewIds,
                             RegistryReplica& registry, const v1::FetchPartitionRequest& request,
                             const std::function<bool(const v1::PartitionChunk&)>& write);

struct BatchSyncProgress {
    int64_t partitionsTotal = 0;
    int64_t partitionsCompared = 0;
    int64_t partitionsCopied = 0;
    int64_t rows = 0;
    int64_t bytes = 0;
};

// Receiver: brings the offline partitions of `view` ("project/view") in line with `peer`'s.
// `progress` returns false to cancel.
absl::Status syncPartitions(storage::Database& db, storage::ViewIds& viewIds,
                            v1::Replication::Stub& peer, const std::string& self,
                            const std::string& view,
                            const std::function<bool(const BatchSyncProgress&)>& progress,
                            BatchSyncProgress& totals);

}  // namespace meridian::replication
