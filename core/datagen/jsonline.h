#pragma once
// Feature rows as JSON Lines, the format `meridianctl push` reads: one flat object per row with
// the join keys, the event time (ISO-8601 UTC with milliseconds) and the features.

#include <google/protobuf/struct.pb.h>

#include <cstdint>
#include <string>

#include "meridian/v1/serving.pb.h"

namespace meridian::datagen {

// "2026-11-26T09:00:00.000Z".
std::string isoTimestamp(int64_t epochMs);

// One typed value as JSON: numbers (INT64 beyond 2^53 as a decimal string), strings, booleans,
// bytes in base64, timestamps in ISO-8601, lists as arrays; null for a null value.
google::protobuf::Value jsonValueOf(const v1::Value& value);

// The row as a flat object: join keys, `timestampColumn`, then the features. Null features are
// left out (a missing column is null to the reader).
google::protobuf::Struct jsonObjectOf(const v1::FeatureRow& row,
                                      const std::string& timestampColumn);

// The object on one line, columns in that order (join keys and features each sorted by name),
// without a trailing newline.
std::string toJsonLine(const v1::FeatureRow& row,
                       const std::string& timestampColumn = "event_timestamp");

}  // namespace meridian::datagen
