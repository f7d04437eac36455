#pragma once
// Who pays for each byte a region sends: the wire size of a replication message and its split
// into feature views and kinds of transfer, as the egress ledger counts them. Everything on the
// wire is attributed to something, framing and control traffic included.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "meridian/v1/replication.pb.h"

namespace meridian::cost {

// One part of a message: the bytes it takes on the wire and before compression.
struct EgressShare {
    std::string view;  // "project/view"; empty for what belongs to no view
    std::string kind;  // "stream", "control", "snapshot" or "batch"
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    int64_t changes = 0;
};

// Bytes a message takes on the wire: gRPC's 5-byte length prefix, and a 9-byte HTTP/2 frame
// header per 16 KiB DATA frame.
int64_t wireBytes(size_t messageBytes);

// A batch of the change stream: each view's share of the payload as "stream", the rest of the
// message and its framing as "control".
std::vector<EgressShare> changeBatchShares(const v1::ChangeBatch& batch);
// A chunk of a snapshot carrying `views`: equal shares to each, and what does not divide evenly
// (all of it for a snapshot of no view) to no view, with no raw bytes.
std::vector<EgressShare> snapshotChunkShares(const v1::SnapshotChunk& chunk,
                                             const std::vector<std::string>& views);
// A chunk of one of `view`'s offline partitions, copied by a batch sync.
EgressShare partitionChunkShare(const v1::PartitionChunk& chunk, const std::string& view);

}  // namespace meridian::cost
