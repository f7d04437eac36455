#pragma once
// The one canonical binary encoding of an entity key, used for storage, hashing and digests:
// join keys sorted by name, each as (length-prefixed name, type tag, typed value).

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/types.pb.h"

namespace meridian::storage {

using KeyPart = std::pair<std::string, v1::Value>;

// Fails for an empty key, a null value, a repeated name or a type that cannot be a key.
absl::StatusOr<std::string> encodeEntityKey(std::vector<KeyPart> parts);
absl::StatusOr<std::vector<KeyPart>> decodeEntityKey(std::string_view bytes);

// "user_id=42, country=DE", for messages and tables.
std::string entityKeyToString(std::string_view bytes);

}  // namespace meridian::storage
