#include "storage/rowformat.h"

#include <cmath>
#include <cstring>

#include "storage/varint.h"

namespace meridian::storage {
namespace {

template <typename T>
void appendFixed(std::string& out, T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));  // little-endian hosts only (x86-64, arm64)
    out.append(bytes, sizeof(T));
}

template <typename T>
bool readFixed(std::string_view& in, T& v) {
    if (in.size() < sizeof(T))
        return false;
    std::memcpy(&v, in.data(), sizeof(T));
    in.remove_prefix(sizeof(T));
    return true;
}

bool readBytes(std::string_view& in, std::string_view& bytes) {
    uint64_t n = 0;
    if (!readVarint(in, n) || n > in.size())
        return false;
    bytes = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

// Doubles with a short decimal form (prices, rates, most measured features) are stored as that
// decimal: one varint of zigzag(mantissa) << 3 | (exponent + 1), for value == mantissa / 10^exp
// exactly, exp 0..6. Anything else is a 0 byte and the IEEE bytes. The check divides exactly as
// the reading side does, so every double reads back bit for bit.
constexpr double kPowersOfTen[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
constexpr double kMaxExactMantissa = 9007199254740992.0;  // 2^53

void appendDouble(std::string& out, double v) {
    if (std::isfinite(v) && !(v == 0 && std::signbit(v))) {
        for (int e = 0; e < 7; ++e) {
            const double scaled = v * kPowersOfTen[e];
            if (std::fabs(scaled) >= kMaxExactMantissa)
                break;
            const double mantissa = std::nearbyint(scaled);
            if (static_cast<double>(static_cast<int64_t>(mantissa)) / kPowersOfTen[e] == v) {
                appendVarint(out, zigzag(static_cast<int64_t>(mantissa)) << 3 |
                                      static_cast<uint64_t>(e + 1));
                return;
            }
        }
    }
    out.push_back('\0');
    appendFixed(out, v);
}

bool readDouble(std::string_view& in, double& v) {
    uint64_t head = 0;
    if (!readVarint(in, head))
        return false;
    if (head == 0)
        return readFixed(in, v);
    const uint64_t e = (head & 7) - 1;
    if (e > 6)
        return false;
    v = static_cast<double>(unzigzag(head >> 3)) / kPowersOfTen[e];
    return true;
}

void appendBytes(std::string& out, std::string_view bytes) {
    appendVarint(out, bytes.size());
    out.append(bytes);
}

void appendValue(std::string& out, const v1::Value& v) {
    switch (v.val_case()) {
        case v1::Value::kInt64Val:
            appendVarint(out, zigzag(v.int64_val()));
            break;
        case v1::Value::kInt32Val:
            appendVarint(out, zigzag(v.int32_val()));
            break;
        case v1::Value::kUnixTimestampVal:
            appendVarint(out, zigzag(v.unix_timestamp_val()));
            break;
        case v1::Value::kDoubleVal:
            appendDouble(out, v.double_val());
            break;
        case v1::Value::kFloatVal:
            appendFixed(out, v.float_val());
            break;
        case v1::Value::kBoolVal:
            out.push_back(v.bool_val() ? 1 : 0);
            break;
        case v1::Value::kStringVal:
            appendBytes(out, v.string_val());
            break;
        case v1::Value::kBytesVal:
            appendBytes(out, v.bytes_val());
            break;
        case v1::Value::kInt64ListVal:
            appendVarint(out, v.int64_list_val().val_size());
            for (auto x : v.int64_list_val().val())
                appendVarint(out, zigzag(x));
            break;
        case v1::Value::kDoubleListVal:
            appendVarint(out, v.double_list_val().val_size());
            for (auto x : v.double_list_val().val())
                appendDouble(out, x);
            break;
        case v1::Value::kFloatListVal:
            appendVarint(out, v.float_list_val().val_size());
            for (auto x : v.float_list_val().val())
                appendFixed(out, x);
            break;
        case v1::Value::kStringListVal:
            appendVarint(out, v.string_list_val().val_size());
            for (const auto& x : v.string_list_val().val())
                appendBytes(out, x);
            break;
        case v1::Value::VAL_NOT_SET:
            break;
    }
}

}  // namespace

std::string encodeRow(uint32_t schemaId, const RowSchema& schema,
                      const std::vector<const v1::Value*>& values) {
    const size_t n = schema.fields.size();
    std::string out;
    out.reserve(4 + (n + 7) / 8 + n * 9);
    appendVarint(out, schemaId);
    const size_t bitmapAt = out.size();
    out.append((n + 7) / 8, '\0');
    for (size_t i = 0; i < n && i < values.size(); ++i) {
        const v1::Value* v = values[i];
        if (!v || v->val_case() == v1::Value::VAL_NOT_SET)
            continue;
        out[bitmapAt + i / 8] = static_cast<char>(out[bitmapAt + i / 8] | (1 << (i % 8)));
        appendValue(out, *v);
    }
    return out;
}

bool rowSchemaId(std::string_view row, uint32_t& schemaId) {
    uint64_t id = 0;
    if (!readVarint(row, id) || id > UINT32_MAX)
        return false;
    schemaId = static_cast<uint32_t>(id);
    return true;
}

std::string_view rowBody(std::string_view row) {
    uint64_t id = 0;
    if (!readVarint(row, id))
        return {};
    return row;
}

absl::StatusOr<std::string> withSchemaId(std::string_view row, uint32_t schemaId) {
    uint64_t old = 0;
    if (!readVarint(row, old))
        return absl::DataLossError("stored row has no schema id");
    std::string out;
    out.reserve(row.size() + 5);
    appendVarint(out, schemaId);
    out.append(row);
    return out;
}

RowReader::RowReader(std::string_view row, const RowSchema& schema) : m_schema(schema) {
    uint64_t id = 0;
    const size_t bitmapBytes = (schema.fields.size() + 7) / 8;
    if (!readVarint(row, id) || row.size() < bitmapBytes) {
        m_ok = false;
        return;
    }
    m_bitmap = row.substr(0, bitmapBytes);
    m_rest = row.substr(bitmapBytes);
}

bool RowReader::next(int& field) {
    if (!m_ok)
        return false;
    const int n = static_cast<int>(m_schema.fields.size());
    while (++m_field < n) {
        if (static_cast<unsigned char>(m_bitmap[m_field / 8]) & (1u << (m_field % 8))) {
            field = m_field;
            return true;
        }
    }
    // Whatever follows the last field is damage too.
    if (!m_rest.empty())
        m_ok = false;
    return false;
}

bool RowReader::read(v1::Value* out) {
    if (!m_ok || m_field < 0 || m_field >= static_cast<int>(m_schema.fields.size()))
        return false;
    if (!decodeValue(m_schema.fields[m_field].type, out))
        m_ok = false;
    return m_ok;
}

bool RowReader::decodeValue(v1::ValueType type, v1::Value* out) {
    auto& in = m_rest;
    uint64_t u = 0;
    std::string_view bytes;
    switch (type) {
        case v1::INT64:
            if (!readVarint(in, u))
                return false;
            if (out)
                out->set_int64_val(unzigzag(u));
            return true;
        case v1::INT32:
            if (!readVarint(in, u))
                return false;
            if (out)
                out->set_int32_val(static_cast<int32_t>(unzigzag(u)));
            return true;
        case v1::UNIX_TIMESTAMP:
            if (!readVarint(in, u))
                return false;
            if (out)
                out->set_unix_timestamp_val(unzigzag(u));
            return true;
        case v1::DOUBLE: {
            double d = 0;
            if (!readDouble(in, d))
                return false;
            if (out)
                out->set_double_val(d);
            return true;
        }
        case v1::FLOAT: {
            float f = 0;
            if (!readFixed(in, f))
                return false;
            if (out)
                out->set_float_val(f);
            return true;
        }
        case v1::BOOL:
            if (in.empty())
                return false;
            if (out)
                out->set_bool_val(in.front() != 0);
            in.remove_prefix(1);
            return true;
        case v1::STRING:
            if (!readBytes(in, bytes))
                return false;
            if (out)
                out->set_string_val(bytes.data(), bytes.size());
            return true;
        case v1::BYTES:
            if (!readBytes(in, bytes))
                return false;
            if (out)
                out->set_bytes_val(bytes.data(), bytes.size());
            return true;
        case v1::INT64_LIST: {
            uint64_t n = 0;
            if (!readVarint(in, n) || n > in.size())
                return false;
            auto* list = out ? out->mutable_int64_list_val() : nullptr;
            for (uint64_t i = 0; i < n; ++i) {
                if (!readVarint(in, u))
                    return false;
                if (list)
                    list->add_val(unzigzag(u));
            }
            return true;
        }
        case v1::DOUBLE_LIST: {
            uint64_t n = 0;
            if (!readVarint(in, n) || n > in.size())
                return false;
            auto* list = out ? out->mutable_double_list_val() : nullptr;
            for (uint64_t i = 0; i < n; ++i) {
                double d = 0;
                if (!readDouble(in, d))
                    return false;
                if (list)
                    list->add_val(d);
            }
            return true;
        }
        case v1::FLOAT_LIST: {
            uint64_t n = 0;
            if (!readVarint(in, n) || n > in.size() / sizeof(float))
                return false;
            auto* list = out ? out->mutable_float_list_val() : nullptr;
            for (uint64_t i = 0; i < n; ++i) {
                float f = 0;
                readFixed(in, f);
                if (list)
                    list->add_val(f);
            }
            return true;
        }
        case v1::STRING_LIST: {
            uint64_t n = 0;
            if (!readVarint(in, n) || n > in.size())
                return false;
            auto* list = out ? out->mutable_string_list_val() : nullptr;
            for (uint64_t i = 0; i < n; ++i) {
                if (!readBytes(in, bytes))
                    return false;
                if (list)
                    list->add_val(std::string(bytes));
            }
            return true;
        }
        default:
            return false;
    }
}

}  // namespace meridian::storage
