#pragma once
// Points in time as people write them (ISO-8601, epoch milliseconds, "now", "-24h") and as
// Meridian carries them: milliseconds since the Unix epoch, UTC.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace meridian::rows {

// Epoch milliseconds below this (March 1973) are taken for seconds given by mistake.
inline constexpr int64_t kSmallestEpochMs = 100'000'000'000;

// ISO-8601 with a zone ("2026-11-26T09:00:00Z", "2026-11-26T10:00:00.250+01:00"), a date alone
// ("2026-11-26", midnight UTC) or milliseconds since the epoch ("1795683600000").
absl::StatusOr<int64_t> parseTimestamp(std::string_view text);

// What parseTimestamp accepts, plus "now" and offsets from now: "-24h", "-15m", "+1d", "now-90s".
absl::StatusOr<int64_t> parseTimeArgument(std::string_view text, int64_t nowMs);

// "2026-11-26T09:00:00Z", with milliseconds only when there are some ("…09:00:00.250Z").
std::string formatTimestamp(int64_t ms);

// Milliseconds since the epoch, now.
int64_t nowMs();

}  // namespace meridian::rows
