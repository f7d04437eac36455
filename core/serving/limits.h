#pragma once
// Request sizes a region accepts; larger requests are refused whole with a message naming the limit.

namespace meridian::serving {

inline constexpr int kMaxEntitiesPerRead = 10'000;
inline constexpr int kMaxRowsPerWrite = 50'000;
inline constexpr int kMaxHistoricalRows = 100'000;
inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

}  // namespace meridian::serving
