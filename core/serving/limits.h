#pragma once
// Request sizes a region accepts; larger requests are refused whole with a message naming the
// limit.

#include <cstddef>
#include <cstdint>

namespace meridian::serving {

inline constexpr int kMaxEntitiesPerRead = 10'000;
inline constexpr int kMaxRowsPerWrite = 50'000;
inline constexpr int kMaxHistoricalRows = 100'000;
// Requests up to kMaxMessageBytes are answered; larger ones up to kTransportMessageBytes reach
// the service and are refused with INVALID_ARGUMENT naming their size; beyond that gRPC itself
// refuses them (RESOURCE_EXHAUSTED).
inline constexpr long kMaxMessageBytes = 64l * 1024 * 1024;
inline constexpr int kTransportMessageBytes = 128 * 1024 * 1024;
// A join key's value (a STRING or BYTES key; numbers are small anyway).
inline constexpr size_t kMaxKeyValueBytes = 1024;
// One feature value: a STRING or BYTES value, or a list with all its elements.
inline constexpr size_t kMaxFeatureValueBytes = 1024 * 1024;
// How far into the future an event time may be by default: a later event wins every conflict,
// so a key written with a time years ahead could never change again.
inline constexpr int64_t kDefaultMaxEventAheadMs = 24 * 3600 * 1000;

}  // namespace meridian::serving
