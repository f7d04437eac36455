#pragma once
// Request sizes a region accepts; larger requests are refused whole with a message naming the
// limit.

namespace meridian::serving {

inline constexpr int kMaxEntitiesPerRead = 10'000;
inline constexpr int kMaxRowsPerWrite = 50'000;
inline constexpr int kMaxHistoricalRows = 100'000;
// Requests up to kMaxMessageBytes are answered; larger ones up to kTransportMessageBytes reach
// the service and are refused with INVALID_ARGUMENT naming their size; beyond that gRPC itself
// refuses them (RESOURCE_EXHAUSTED).
inline constexpr long kMaxMessageBytes = 64l * 1024 * 1024;
inline constexpr int kTransportMessageBytes = 128 * 1024 * 1024;

}  // namespace meridian::serving
