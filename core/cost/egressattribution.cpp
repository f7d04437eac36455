#include "cost/egressattribution.h"

namespace meridian::cost {

int64_t wireBytes(size_t messageBytes) {
    const auto framed = static_cast<int64_t>(messageBytes) + 5;
    return framed + 9 * ((framed + 16383) / 16384);
}

std::vector<EgressShare> changeBatchShares(const v1::ChangeBatch& batch) {
    std::vector<EgressShare> shares;
    shares.reserve(static_cast<size_t>(batch.view_bytes_size()) + 1);
    int64_t attributed = 0;
    for (const auto& vb : batch.view_bytes()) {
        shares.push_back({vb.feature_view(), "stream", vb.bytes(), vb.raw_bytes(), vb.changes()});
        attributed += vb.bytes();
    }
    const int64_t control = wireBytes(batch.ByteSizeLong()) - attributed;
    shares.push_back({"", "control", control, control, 0});
    return shares;
}

std::vector<EgressShare> snapshotChunkShares(const v1::SnapshotChunk& chunk,
                                             const std::vector<std::string>& views) {
    const int64_t bytes = wireBytes(chunk.ByteSizeLong());
    const auto n = static_cast<int64_t>(views.size());
    const int64_t share = n == 0 ? 0 : bytes / n;
    std::vector<EgressShare> shares;
    shares.reserve(views.size() + 1);
    for (const auto& v : views)
        shares.push_back({v, "snapshot", share, share, 0});
    shares.push_back({"", "snapshot", bytes - share * n, 0, 0});
    return shares;
}

EgressShare partitionChunkShare(const v1::PartitionChunk& chunk, const std::string& view) {
    return {view, "batch", wireBytes(chunk.ByteSizeLong()), chunk.raw_bytes(), chunk.row_count()};
}

}  // namespace meridian::cost
