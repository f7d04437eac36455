#pragma once
// Payload compression for everything regions send each other (zstd).

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"

namespace meridian::replication {

std::string encodePayload(std::string_view raw, v1::Codec codec);
// `rawBytes` is the size before compression, checked against what comes out.
absl::StatusOr<std::string> decodePayload(std::string_view payload, v1::Codec codec,
                                          int64_t rawBytes);

}  // namespace meridian::replication
