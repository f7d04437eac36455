#include "datagen/jsonline.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"

namespace meridian::datagen {
namespace {

using JsonValue = google::protobuf::Value;

// Largest integer a JSON number (an IEEE double) holds exactly.
constexpr int64_t kMaxExactInteger = int64_t{1} << 53;

JsonValue integerJson(int64_t v) {
    JsonValue out;
    if (v > kMaxExactInteger || v < -kMaxExactInteger) {
        out.set_string_value(std::to_string(v));
    } else {
        out.set_number_value(static_cast<double>(v));
    }
    return out;
}

JsonValue doubleJson(double v) {
    JsonValue out;
    // JSON has no NaN or infinity; these are protobuf's JSON spellings of them.
    if (std::isnan(v)) {
        out.set_string_value("NaN");
    } else if (std::isinf(v)) {
        out.set_string_value(v > 0 ? "Infinity" : "-Infinity");
    } else {
        out.set_number_value(v);
    }
    return out;
}

// The shortest decimal that reads back as the same float, as a double: 0.1f prints as 0.1,
// not 0.100000001490116.
JsonValue floatJson(float v) {
    if (!std::isfinite(v))
        return doubleJson(v);
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    double d = v;
    if (ec == std::errc())
        std::from_chars(buffer, end, d);
    return doubleJson(d);
}

JsonValue stringJson(std::string s) {
    JsonValue out;
    out.set_string_value(std::move(s));
    return out;
}

std::string render(const JsonValue& value) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = false;
    const auto status = google::protobuf::util::MessageToJsonString(value, &out, options);
    return status.ok() ? out : "null";
}

std::vector<std::string> sortedNames(const google::protobuf::Map<std::string, v1::Value>& values) {
    std::vector<std::string> names;
    names.reserve(values.size());
    for (const auto& [name, value] : values)
        names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

std::string isoTimestamp(int64_t epochMs) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(epochMs),
                            absl::UTCTimeZone());
}

JsonValue jsonValueOf(const v1::Value& value) {
    JsonValue out;
    switch (value.val_case()) {
        case v1::Value::kInt64Val:
            return integerJson(value.int64_val());
        case v1::Value::kInt32Val:
            return integerJson(value.int32_val());
        case v1::Value::kDoubleVal:
            return doubleJson(value.double_val());
        case v1::Value::kFloatVal:
            return floatJson(value.float_val());
        case v1::Value::kStringVal:
            return stringJson(value.string_val());
        case v1::Value::kBytesVal:
            return stringJson(absl::Base64Escape(value.bytes_val()));
        case v1::Value::kBoolVal:
            out.set_bool_value(value.bool_val());
            return out;
        case v1::Value::kUnixTimestampVal:
            return stringJson(isoTimestamp(value.unix_timestamp_val()));
        case v1::Value::kInt64ListVal:
            for (int64_t v : value.int64_list_val().val())
                *out.mutable_list_value()->add_values() = integerJson(v);
            out.mutable_list_value();
            return out;
        case v1::Value::kDoubleListVal:
            for (double v : value.double_list_val().val())
                *out.mutable_list_value()->add_values() = doubleJson(v);
            out.mutable_list_value();
            return out;
        case v1::Value::kFloatListVal:
            for (float v : value.float_list_val().val())
                *out.mutable_list_value()->add_values() = floatJson(v);
            out.mutable_list_value();
            return out;
        case v1::Value::kStringListVal:
            for (const auto& v : value.string_list_val().val())
                *out.mutable_list_value()->add_values() = stringJson(v);
            out.mutable_list_value();
            return out;
        case v1::Value::VAL_NOT_SET:
            break;
    }
    out.set_null_value(google::protobuf::NULL_VALUE);
    return out;
}

google::protobuf::Struct jsonObjectOf(const v1::FeatureRow& row,
                                      const std::string& timestampColumn) {
    google::protobuf::Struct out;
    auto& fields = *out.mutable_fields();
    for (const auto& [name, value] : row.keys())
        fields[name] = jsonValueOf(value);
    fields[timestampColumn] = stringJson(isoTimestamp(row.event_timestamp()));
    for (const auto& [name, value] : row.values()) {
        if (value.val_case() != v1::Value::VAL_NOT_SET)
            fields[name] = jsonValueOf(value);
    }
    return out;
}

std::string toJsonLine(const v1::FeatureRow& row, const std::string& timestampColumn) {
    const google::protobuf::Struct object = jsonObjectOf(row, timestampColumn);
    // Struct keeps no order; the line lists keys, then the time, then the features.
    std::vector<std::string> columns = sortedNames(row.keys());
    columns.push_back(timestampColumn);
    for (auto& name : sortedNames(row.values())) {
        if (object.fields().count(name) && !row.keys().count(name) && name != timestampColumn)
            columns.push_back(std::move(name));
    }
    std::string line = "{";
    for (const auto& column : columns) {
        if (line.size() > 1)
            line += ',';
        line += render(stringJson(column));
        line += ':';
        line += render(object.fields().at(column));
    }
    line += '}';
    return line;
}

}  // namespace meridian::datagen
