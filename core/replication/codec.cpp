#include "replication/codec.h"

#include <zstd.h>

namespace meridian::replication {
namespace {

// Level 3: zstd's default, a good ratio at several hundred MB/s on one core.
constexpr int kZstdLevel = 3;

}  // namespace

std::string encodePayload(std::string_view raw, v1::Codec codec) {
    if (codec != v1::CODEC_ZSTD)
        return std::string(raw);
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), kZstdLevel);
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

absl::StatusOr<std::string> decodePayload(std::string_view payload, v1::Codec codec,
                                          int64_t rawBytes) {
    if (codec == v1::CODEC_NONE) {
        if (static_cast<int64_t>(payload.size()) != rawBytes)
            return absl::DataLossError("payload is " + std::to_string(payload.size()) +
                                       " bytes, expected " + std::to_string(rawBytes));
        return std::string(payload);
    }
    if (codec != v1::CODEC_ZSTD)
        return absl::InvalidArgumentError("unknown payload codec " + std::to_string(codec));
    if (rawBytes < 0 || rawBytes > (1ll << 31))
        return absl::DataLossError("implausible payload size");
    // The frame says how much it holds (encodePayload always records it): a size that does not
    // match is refused before anything that large is allocated.
    const unsigned long long content = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (content == ZSTD_CONTENTSIZE_ERROR)
        return absl::DataLossError("payload is not a zstd frame");
    if (content == ZSTD_CONTENTSIZE_UNKNOWN)
        return absl::DataLossError("zstd frame does not record its size");
    if (content != static_cast<unsigned long long>(rawBytes))
        return absl::DataLossError("zstd frame holds " + std::to_string(content) +
                                   " bytes, announced " + std::to_string(rawBytes));
    std::string out(static_cast<size_t>(rawBytes), '\0');
    const size_t n = ZSTD_decompress(out.data(), out.size(), payload.data(), payload.size());
    if (ZSTD_isError(n))
        return absl::DataLossError(std::string("zstd: ") + ZSTD_getErrorName(n));
    if (static_cast<int64_t>(n) != rawBytes)
        return absl::DataLossError("decompressed payload has the wrong size");
    return out;
}

}  // namespace meridian::replication
