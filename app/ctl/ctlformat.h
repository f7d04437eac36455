#pragma once
// How meridianctl shows things: wire messages as JSON for scripts, and times, durations,
// counts, sizes, clock values and feature values for people.

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>

#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/types.pb.h"

namespace meridian::ctl {

// Indented JSON with the proto field names (as in repository files) and every field printed,
// so scripts find each key even when its value is zero. Link states are written by name
// ("streaming"), as the tables show them.
std::string jsonOf(const google::protobuf::Message& message);
void printJson(const google::protobuf::Message& message);
// `text` with every line after the first indented by `spaces`, to nest JSON documents.
std::string indented(std::string text, int spaces);

std::string formatTime(int64_t ms);           // ISO-8601 UTC; "-" for 0
std::string formatDuration(int64_t seconds);  // whole units: "90s", "15m", "1h", "7d"
std::string formatElapsed(int64_t ms);        // two largest units: "3h 12m", "45s"
std::string formatCount(int64_t n);           // "12,345"
std::string formatBytes(int64_t bytes);       // "3.2 MB"
std::string formatFixed(double value, int decimals);
// A clock value as its time and logical counter: "2026-11-26T09:00:00.123Z +2".
std::string formatHlc(uint64_t hlc);
// A feature value for a table cell (timestamps as ISO-8601).
std::string formatValue(const v1::Value& value);
// `text` cut to at most `width` characters, ending in "…" when cut: long lists stay readable.
std::string ellipsize(const std::string& text, size_t width);
// The start of a spec hash, enough to tell versions apart.
std::string shortHash(const std::string& hash);
// A link's state as the console names it too: "streaming", "partitioned", …
std::string linkStateName(v1::LinkState state);
// A link's lag in seconds, the figure the console shows too: the age of the oldest change not
// yet applied, 0 when caught up.
double lagSeconds(const v1::LinkStats& link);
// "created", "updated", "unchanged".
std::string actionName(v1::ApplyResult::Action action);

}  // namespace meridian::ctl
