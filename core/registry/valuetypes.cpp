#include "registry/valuetypes.h"

#include <array>
#include <sstream>
#include <utility>

namespace meridian::registry {
namespace {

constexpr std::array<std::pair<v1::ValueType, std::string_view>, 12> kTypeNames = {{
    {v1::INT64, "INT64"},
    {v1::INT32, "INT32"},
    {v1::DOUBLE, "DOUBLE"},
    {v1::FLOAT, "FLOAT"},
    {v1::STRING, "STRING"},
    {v1::BYTES, "BYTES"},
    {v1::BOOL, "BOOL"},
    {v1::UNIX_TIMESTAMP, "UNIX_TIMESTAMP"},
    {v1::INT64_LIST, "INT64_LIST"},
    {v1::DOUBLE_LIST, "DOUBLE_LIST"},
    {v1::FLOAT_LIST, "FLOAT_LIST"},
    {v1::STRING_LIST, "STRING_LIST"},
}};

template <typename List>
std::string joinList(const List& list) {
    std::ostringstream out;
    out << '[';
    for (int i = 0; i < list.val_size(); ++i) {
        if (i > 0)
            out << ", ";
        if (i == 8) {
            out << "… " << list.val_size() - i << " more";
            break;
        }
        out << list.val(i);
    }
    out << ']';
    return out.str();
}

}  // namespace

std::string_view valueTypeName(v1::ValueType type) {
    for (const auto& [t, name] : kTypeNames) {
        if (t == type)
            return name;
    }
    return "UNSPECIFIED";
}

std::optional<v1::ValueType> valueTypeFromName(std::string_view name) {
    for (const auto& [t, n] : kTypeNames) {
        if (n == name)
            return t;
    }
    return std::nullopt;
}

v1::ValueType typeOfValue(const v1::Value& value) {
    switch (value.val_case()) {
        case v1::Value::kInt64Val:
            return v1::INT64;
        case v1::Value::kInt32Val:
            return v1::INT32;
        case v1::Value::kDoubleVal:
            return v1::DOUBLE;
        case v1::Value::kFloatVal:
            return v1::FLOAT;
        case v1::Value::kStringVal:
            return v1::STRING;
        case v1::Value::kBytesVal:
            return v1::BYTES;
        case v1::Value::kBoolVal:
            return v1::BOOL;
        case v1::Value::kUnixTimestampVal:
            return v1::UNIX_TIMESTAMP;
        case v1::Value::kInt64ListVal:
            return v1::INT64_LIST;
        case v1::Value::kDoubleListVal:
            return v1::DOUBLE_LIST;
        case v1::Value::kFloatListVal:
            return v1::FLOAT_LIST;
        case v1::Value::kStringListVal:
            return v1::STRING_LIST;
        case v1::Value::VAL_NOT_SET:
            break;
    }
    return v1::VALUE_TYPE_UNSPECIFIED;
}

bool isNull(const v1::Value& value) {
    return value.val_case() == v1::Value::VAL_NOT_SET;
}

bool valueMatches(const v1::Value& value, v1::ValueType type) {
    return isNull(value) || typeOfValue(value) == type;
}

bool isJoinKeyType(v1::ValueType type) {
    return type == v1::INT64 || type == v1::INT32 || type == v1::STRING || type == v1::BYTES;
}

std::string valueToString(const v1::Value& value) {
    switch (value.val_case()) {
        case v1::Value::kInt64Val:
            return std::to_string(value.int64_val());
        case v1::Value::kInt32Val:
            return std::to_string(value.int32_val());
        case v1::Value::kDoubleVal: {
            std::ostringstream out;
            out << value.double_val();
            return out.str();
        }
        case v1::Value::kFloatVal: {
            std::ostringstream out;
            out << value.float_val();
            return out.str();
        }
        case v1::Value::kStringVal:
            return value.string_val();
        case v1::Value::kBytesVal:
            return "<" + std::to_string(value.bytes_val().size()) + " bytes>";
        case v1::Value::kBoolVal:
            return value.bool_val() ? "true" : "false";
        case v1::Value::kUnixTimestampVal:
            return std::to_string(value.unix_timestamp_val());
        case v1::Value::kInt64ListVal:
            return joinList(value.int64_list_val());
        case v1::Value::kDoubleListVal:
            return joinList(value.double_list_val());
        case v1::Value::kFloatListVal:
            return joinList(value.float_list_val());
        case v1::Value::kStringListVal:
            return joinList(value.string_list_val());
        case v1::Value::VAL_NOT_SET:
            break;
    }
    return "null";
}

}  // namespace meridian::registry
