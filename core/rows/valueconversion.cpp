#include "rows/valueconversion.h"

#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/escaping.h"
#include "registry/valuetypes.h"
#include "rows/eventtime.h"

namespace meridian::rows {
namespace {

using google::protobuf::ListValue;
using JsonValue = google::protobuf::Value;

// Beyond this a JSON number (an IEEE double) may not be the integer that was written:
// 2^53 + 1 reads back as 2^53.
constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

std::string typeName(v1::ValueType type) {
    return std::string(registry::valueTypeName(type));
}

std::string numberText(double d) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
    return ec == std::errc() ? std::string(buffer, end) : std::to_string(d);
}

absl::Status mismatch(std::string_view what, v1::ValueType type, const JsonValue& json,
                      const std::string& detail = {}) {
    return absl::InvalidArgumentError(std::string(what) + " expects " + typeName(type) + ", got " +
                                      describeJson(json) + detail);
}

template <typename Int>
bool parseInteger(std::string_view text, Int& out) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, out);
    return begin != end && ec == std::errc() && ptr == end;
}

absl::StatusOr<int64_t> integerOf(const JsonValue& json, v1::ValueType type, std::string_view what,
                                  int64_t min, int64_t max) {
    if (json.kind_case() == JsonValue::kStringValue) {
        int64_t v = 0;
        if (!parseInteger(json.string_value(), v) || v < min || v > max)
            return mismatch(what, type, json);
        return v;
    }
    if (json.kind_case() != JsonValue::kNumberValue)
        return mismatch(what, type, json);
    const double d = json.number_value();
    if (!std::isfinite(d) || std::trunc(d) != d)
        return mismatch(what, type, json, " (not a whole number)");
    if (std::fabs(d) > static_cast<double>(kMaxSafeInteger))
        return mismatch(what, type, json,
                        " beyond the exact range of JSON numbers (2^53); write it as a string");
    const auto v = static_cast<int64_t>(d);
    if (v < min || v > max)
        return mismatch(what, type, json, " (out of range)");
    return v;
}

absl::StatusOr<double> floatingOf(const JsonValue& json, v1::ValueType type,
                                  std::string_view what) {
    if (json.kind_case() == JsonValue::kNumberValue)
        return json.number_value();
    if (json.kind_case() == JsonValue::kStringValue) {
        // The spellings protobuf's JSON mapping uses for what JSON numbers cannot hold.
        const auto& s = json.string_value();
        if (s == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return mismatch(what, type, json);
}

absl::StatusOr<std::string> bytesOf(const JsonValue& json, std::string_view what) {
    if (json.kind_case() != JsonValue::kStringValue)
        return mismatch(what, v1::BYTES, json);
    std::string out;
    if (absl::Base64Unescape(json.string_value(), &out) ||
        absl::WebSafeBase64Unescape(json.string_value(), &out))
        return out;
    return mismatch(what, v1::BYTES, json, " that is not base64");
}

// One scalar of `type` (a list's element type for lists) into `out`.
absl::Status scalarInto(const JsonValue& json, v1::ValueType type, std::string_view what,
                        v1::Value& out) {
    switch (type) {
        case v1::INT64: {
            auto v = integerOf(json, type, what, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max());
            if (!v.ok())
                return v.status();
            out.set_int64_val(*v);
            return absl::OkStatus();
        }
        case v1::INT32: {
            auto v = integerOf(json, type, what, std::numeric_limits<int32_t>::min(),
                               std::numeric_limits<int32_t>::max());
            if (!v.ok())
                return v.status();
            out.set_int32_val(static_cast<int32_t>(*v));
            return absl::OkStatus();
        }
        case v1::DOUBLE: {
            auto v = floatingOf(json, type, what);
            if (!v.ok())
                return v.status();
            out.set_double_val(*v);
            return absl::OkStatus();
        }
        case v1::FLOAT: {
            auto v = floatingOf(json, type, what);
            if (!v.ok())
                return v.status();
            if (std::isfinite(*v) && std::fabs(*v) > std::numeric_limits<float>::max())
                return mismatch(what, type, json, " (out of FLOAT range)");
            out.set_float_val(static_cast<float>(*v));
            return absl::OkStatus();
        }
        case v1::STRING:
            if (json.kind_case() != JsonValue::kStringValue)
                return mismatch(what, type, json);
            out.set_string_val(json.string_value());
            return absl::OkStatus();
        case v1::BYTES: {
            auto v = bytesOf(json, what);
            if (!v.ok())
                return v.status();
            out.set_bytes_val(std::move(*v));
            return absl::OkStatus();
        }
        case v1::BOOL:
            if (json.kind_case() != JsonValue::kBoolValue)
                return mismatch(what, type, json);
            out.set_bool_val(json.bool_value());
            return absl::OkStatus();
        case v1::UNIX_TIMESTAMP: {
            if (json.kind_case() == JsonValue::kStringValue) {
                auto t = parseTimestamp(json.string_value());
                if (!t.ok())
                    return absl::InvalidArgumentError(
                        std::string(what) +
                        " expects UNIX_TIMESTAMP: " + std::string(t.status().message()));
                out.set_unix_timestamp_val(*t);
                return absl::OkStatus();
            }
            auto v = integerOf(json, type, what, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max());
            if (!v.ok())
                return v.status();
            out.set_unix_timestamp_val(*v);
            return absl::OkStatus();
        }
        default:
            return absl::InvalidArgumentError(std::string(what) + " has unsupported type " +
                                              typeName(type));
    }
}

v1::ValueType elementType(v1::ValueType list) {
    switch (list) {
        case v1::INT64_LIST:
            return v1::INT64;
        case v1::DOUBLE_LIST:
            return v1::DOUBLE;
        case v1::FLOAT_LIST:
            return v1::FLOAT;
        case v1::STRING_LIST:
            return v1::STRING;
        default:
            return v1::VALUE_TYPE_UNSPECIFIED;
    }
}

absl::StatusOr<v1::Value> listFromJson(const JsonValue& json, v1::ValueType type,
                                       std::string_view what) {
    if (json.kind_case() != JsonValue::kListValue)
        return mismatch(what, type, json, " (expected a list)");
    const v1::ValueType element = elementType(type);
    v1::Value out;
    const auto& items = json.list_value().values();
    for (int i = 0; i < items.size(); ++i) {
        v1::Value item;
        const auto& j = items[i];
        absl::Status st = j.kind_case() == JsonValue::kNullValue
                              ? absl::InvalidArgumentError("null")
                              : scalarInto(j, element, what, item);
        if (!st.ok())
            return absl::InvalidArgumentError(std::string(what) + " expects " + typeName(type) +
                                              ", element " + std::to_string(i + 1) + " is " +
                                              describeJson(j));
        switch (type) {
            case v1::INT64_LIST:
                out.mutable_int64_list_val()->add_val(item.int64_val());
                break;
            case v1::DOUBLE_LIST:
                out.mutable_double_list_val()->add_val(item.double_val());
                break;
            case v1::FLOAT_LIST:
                out.mutable_float_list_val()->add_val(item.float_val());
                break;
            default:
                out.mutable_string_list_val()->add_val(item.string_val());
                break;
        }
    }
    // An empty list is a value, not null: make sure the oneof is set.
    if (items.empty()) {
        switch (type) {
            case v1::INT64_LIST:
                out.mutable_int64_list_val();
                break;
            case v1::DOUBLE_LIST:
                out.mutable_double_list_val();
                break;
            case v1::FLOAT_LIST:
                out.mutable_float_list_val();
                break;
            default:
                out.mutable_string_list_val();
                break;
        }
    }
    return out;
}

JsonValue numberJson(double d) {
    JsonValue out;
    if (std::isnan(d)) {
        out.set_string_value("NaN");
    } else if (std::isinf(d)) {
        out.set_string_value(d > 0 ? "Infinity" : "-Infinity");
    } else {
        out.set_number_value(d);
    }
    return out;
}

JsonValue int64Json(int64_t v) {
    JsonValue out;
    if (v > kMaxSafeInteger || v < -kMaxSafeInteger) {
        out.set_string_value(std::to_string(v));
    } else {
        out.set_number_value(static_cast<double>(v));
    }
    return out;
}

// A float printed as the shortest text that reads back as the same float ("0.1", not
// "0.10000000149011612"), then carried as a double.
JsonValue floatJson(float f) {
    if (!std::isfinite(f))
        return numberJson(f);
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, f);
    double d = f;
    if (ec == std::errc())
        std::from_chars(buffer, end, d);
    return numberJson(d);
}

template <typename List, typename Convert>
JsonValue listJson(const List& list, Convert convert) {
    JsonValue out;
    auto* values = out.mutable_list_value();
    for (const auto& v : list.val())
        *values->add_values() = convert(v);
    return out;
}

JsonValue toJsonValue(const v1::Value& value) {
    JsonValue out;
    switch (value.val_case()) {
        case v1::Value::kInt64Val:
            return int64Json(value.int64_val());
        case v1::Value::kInt32Val:
            out.set_number_value(value.int32_val());
            break;
        case v1::Value::kDoubleVal:
            return numberJson(value.double_val());
        case v1::Value::kFloatVal:
            return floatJson(value.float_val());
        case v1::Value::kStringVal:
            out.set_string_value(value.string_val());
            break;
        case v1::Value::kBytesVal:
            out.set_string_value(absl::Base64Escape(value.bytes_val()));
            break;
        case v1::Value::kBoolVal:
            out.set_bool_value(value.bool_val());
            break;
        case v1::Value::kUnixTimestampVal:
            return int64Json(value.unix_timestamp_val());
        case v1::Value::kInt64ListVal:
            return listJson(value.int64_list_val(), int64Json);
        case v1::Value::kDoubleListVal:
            return listJson(value.double_list_val(), numberJson);
        case v1::Value::kFloatListVal:
            return listJson(value.float_list_val(), floatJson);
        case v1::Value::kStringListVal:
            return listJson(value.string_list_val(), [](const std::string& s) {
                JsonValue v;
                v.set_string_value(s);
                return v;
            });
        case v1::Value::VAL_NOT_SET:
            out.set_null_value(google::protobuf::NULL_VALUE);
            break;
    }
    return out;
}

}  // namespace

absl::StatusOr<v1::Value> valueFromJson(const JsonValue& json, v1::ValueType type,
                                        std::string_view what) {
    if (json.kind_case() == JsonValue::kNullValue || json.kind_case() == JsonValue::KIND_NOT_SET)
        return v1::Value();
    if (elementType(type) != v1::VALUE_TYPE_UNSPECIFIED)
        return listFromJson(json, type, what);
    v1::Value out;
    if (auto st = scalarInto(json, type, what, out); !st.ok())
        return st;
    return out;
}

absl::StatusOr<v1::Value> valueFromText(std::string_view text, v1::ValueType type,
                                        std::string_view what) {
    JsonValue json;
    json.set_string_value(std::string(text));
    switch (type) {
        case v1::DOUBLE:
        case v1::FLOAT: {
            double d = 0;
            auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec == std::errc() && ptr == text.data() + text.size())
                json.set_number_value(d);
            break;
        }
        case v1::BOOL:
            if (text == "true" || text == "false")
                json.set_bool_value(text == "true");
            break;
        case v1::INT64_LIST:
        case v1::DOUBLE_LIST:
        case v1::FLOAT_LIST:
        case v1::STRING_LIST:
            return absl::InvalidArgumentError(std::string(what) + " is a " + typeName(type) +
                                              ", which cannot be given as text");
        default:
            break;
    }
    auto value = valueFromJson(json, type, what);
    if (!value.ok() && json.kind_case() == JsonValue::kStringValue)
        return absl::InvalidArgumentError(std::string(what) + " expects " + typeName(type) +
                                          ", got '" + std::string(text) + "'");
    return value;
}

std::string valueToJson(const v1::Value& value) {
    std::string out;
    if (!google::protobuf::util::MessageToJsonString(toJsonValue(value), &out).ok())
        return "null";
    return out;
}

std::string describeJson(const JsonValue& json) {
    switch (json.kind_case()) {
        case JsonValue::kStringValue: {
            JsonValue shown;
            const std::string& s = json.string_value();
            shown.set_string_value(s.size() > 40 ? s.substr(0, 37) + "..." : s);
            std::string out;
            if (!google::protobuf::util::MessageToJsonString(shown, &out).ok())
                out = "\"" + s + "\"";
            return "string " + out;
        }
        case JsonValue::kNumberValue:
            return "number " + numberText(json.number_value());
        case JsonValue::kBoolValue:
            return json.bool_value() ? "boolean true" : "boolean false";
        case JsonValue::kListValue:
            return "a list";
        case JsonValue::kStructValue:
            return "an object";
        default:
            return "null";
    }
}

}  // namespace meridian::rows
