#include "storage/entitykey.h"

#include <algorithm>

#include "registry/valuetypes.h"
#include "storage/varint.h"

namespace meridian::storage {
namespace {

enum Tag : char { kInt64 = 1, kInt32 = 2, kString = 3, kBytes = 4 };

// Big-endian with the sign bit flipped, so byte order is numeric order.
void putOrderedInt(std::string& out, int64_t v, int bytes) {
    uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << (bytes * 8 - 1));
    for (int i = bytes - 1; i >= 0; --i)
        out.push_back(static_cast<char>((u >> (i * 8)) & 0xff));
}

int64_t getOrderedInt(std::string_view in, int bytes) {
    uint64_t u = 0;
    for (int i = 0; i < bytes; ++i)
        u = (u << 8) | static_cast<unsigned char>(in[i]);
    u ^= uint64_t{1} << (bytes * 8 - 1);
    if (bytes == 4)
        return static_cast<int32_t>(static_cast<uint32_t>(u));
    return static_cast<int64_t>(u);
}

}  // namespace

absl::StatusOr<std::string> encodeEntityKey(std::vector<KeyPart> parts) {
    if (parts.empty())
        return absl::InvalidArgumentError("entity key has no join keys");
    std::sort(parts.begin(), parts.end(),
              [](const KeyPart& a, const KeyPart& b) { return a.first < b.first; });
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        const auto& [name, value] = parts[i];
        if (i > 0 && parts[i - 1].first == name)
            return absl::InvalidArgumentError("join key '" + name + "' given twice");
        appendVarint(out, name.size());
        out += name;
        switch (value.val_case()) {
            case v1::Value::kInt64Val:
                out.push_back(kInt64);
                putOrderedInt(out, value.int64_val(), 8);
                break;
            case v1::Value::kInt32Val:
                out.push_back(kInt32);
                putOrderedInt(out, value.int32_val(), 4);
                break;
            case v1::Value::kStringVal:
                out.push_back(kString);
                appendVarint(out, value.string_val().size());
                out += value.string_val();
                break;
            case v1::Value::kBytesVal:
                out.push_back(kBytes);
                appendVarint(out, value.bytes_val().size());
                out += value.bytes_val();
                break;
            case v1::Value::VAL_NOT_SET:
                return absl::InvalidArgumentError("join key '" + name + "' is null");
            default:
                return absl::InvalidArgumentError(
                    "join key '" + name + "' has type " +
                    std::string(registry::valueTypeName(registry::typeOfValue(value))) +
                    ", which cannot be a key (INT64, INT32, STRING or BYTES)");
        }
    }
    return out;
}

absl::StatusOr<std::vector<KeyPart>> decodeEntityKey(std::string_view in) {
    std::vector<KeyPart> parts;
    auto corrupt = [] { return absl::DataLossError("malformed entity key"); };
    while (!in.empty()) {
        uint64_t len = 0;
        if (!readVarint(in, len) || len > in.size())
            return corrupt();
        KeyPart part;
        part.first = std::string(in.substr(0, len));
        in.remove_prefix(len);
        if (in.empty())
            return corrupt();
        const char tag = in.front();
        in.remove_prefix(1);
        switch (tag) {
            case kInt64:
                if (in.size() < 8)
                    return corrupt();
                part.second.set_int64_val(getOrderedInt(in, 8));
                in.remove_prefix(8);
                break;
            case kInt32:
                if (in.size() < 4)
                    return corrupt();
                part.second.set_int32_val(static_cast<int32_t>(getOrderedInt(in, 4)));
                in.remove_prefix(4);
                break;
            case kString:
            case kBytes: {
                uint64_t n = 0;
                if (!readVarint(in, n) || n > in.size())
                    return corrupt();
                if (tag == kString) {
                    part.second.set_string_val(std::string(in.substr(0, n)));
                } else {
                    part.second.set_bytes_val(std::string(in.substr(0, n)));
                }
                in.remove_prefix(n);
                break;
            }
            default:
                return corrupt();
        }
        parts.push_back(std::move(part));
    }
    return parts;
}

std::string entityKeyToString(std::string_view bytes) {
    auto parts = decodeEntityKey(bytes);
    if (!parts.ok())
        return "<malformed key>";
    std::string out;
    for (const auto& [name, value] : *parts) {
        if (!out.empty())
            out += ", ";
        out += name + "=" + registry::valueToString(value);
    }
    return out;
}

}  // namespace meridian::storage
