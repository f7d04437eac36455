#pragma once
// Typed values from loosely typed input (JSON values of row files, text of command-line
// arguments), converted to the type a feature or join key declares, and typed values back to
// JSON.

#include <google/protobuf/struct.pb.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "meridian/v1/types.pb.h"

namespace meridian::rows {

// `what` names the column in messages: valueFromJson(…, DOUBLE, "feature 'amount'") fails with
// "feature 'amount' expects DOUBLE, got string \"abc\"". JSON null is a null value. INT64 also
// accepts a decimal string (JSON numbers are exact only up to 2^53), BYTES takes base64 text
// and UNIX_TIMESTAMP epoch milliseconds or ISO-8601 text.
absl::StatusOr<v1::Value> valueFromJson(const google::protobuf::Value& json, v1::ValueType type,
                                        std::string_view what);

// From command-line text: integers, numbers, true/false, text as given, bytes in base64.
absl::StatusOr<v1::Value> valueFromText(std::string_view text, v1::ValueType type,
                                        std::string_view what);

// The JSON text of a value: numbers (INT64 beyond 2^53 as a string), strings, booleans, bytes
// in base64, lists as arrays, null for a null value.
std::string valueToJson(const v1::Value& value);

// A JSON value as error messages show it: string "abc", number 3.5, boolean true, a list, ….
std::string describeJson(const google::protobuf::Value& json);

}  // namespace meridian::rows
