// A snapshot as a peer sends it: the bytes as a snapshot chunk (checked and refused when they
// do not verify), and as the database file of a whole, well-formed one-chunk snapshot that the
// region merges — a damaged or foreign SQLite file must be refused, never crash the region.

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzzsupport.h"
#include "replication/codec.h"
#include "replication/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& region = meridian::fuzz::exampleRegion();
    static const std::string directory = region.database().path() + "-snapshots";
    static meridian::replication::SnapshotInstaller installer(
        region.database(), region.viewIds(), region.clock(), region.registry(), directory);
    static uint64_t serial = 0;
    const std::string input(reinterpret_cast<const char*>(data), size);

    meridian::v1::SnapshotChunk hostile;
    if (hostile.ParseFromString(input) && installer.receive(hostile).ok())
        (void)installer.install("aws-eu-west-1", hostile.snapshot_id());

    meridian::v1::SnapshotChunk chunk;
    chunk.set_snapshot_id("fuzz-" + std::to_string(++serial));
    chunk.set_index(0);
    chunk.set_total_chunks(1);
    chunk.set_total_bytes(static_cast<int64_t>(input.size()));
    chunk.set_raw_bytes(static_cast<int64_t>(input.size()));
    chunk.set_data(meridian::replication::encodePayload(input, meridian::v1::CODEC_ZSTD));
    chunk.set_checksum(XXH64(input.data(), input.size(), 0));
    chunk.set_file_checksum(chunk.checksum());
    if (installer.receive(chunk).ok())
        (void)installer.install("aws-eu-west-1", chunk.snapshot_id());
    std::filesystem::remove(directory + "/" + chunk.snapshot_id() + ".part");
    return 0;
}
