#pragma once
// Names of value types and the check that a value has the type its feature declares.

#include <optional>
#include <string>
#include <string_view>

#include "meridian/v1/types.pb.h"

namespace meridian::registry {

std::string_view valueTypeName(v1::ValueType type);
std::optional<v1::ValueType> valueTypeFromName(std::string_view name);

// The type a value carries, or VALUE_TYPE_UNSPECIFIED for a null value.
v1::ValueType typeOfValue(const v1::Value& value);

bool isNull(const v1::Value& value);

// True when `value` is null or of `type`.
bool valueMatches(const v1::Value& value, v1::ValueType type);

// Types a join key may have: exact, hashable scalars.
bool isJoinKeyType(v1::ValueType type);

// A short human rendering of a value, for tables and error messages.
std::string valueToString(const v1::Value& value);

}  // namespace meridian::registry
