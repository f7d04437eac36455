#include "datagen/keypopulation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <tuple>
#include <utility>

namespace meridian::datagen {
namespace {

// x with a * x = 1 (mod m), for a coprime with m (extended Euclid).
int64_t inverseModulo(int64_t a, int64_t m) {
    if (m == 1)
        return 0;
    int64_t r0 = m, r1 = a, t0 = 0, t1 = 1;
    while (r1 != 0) {
        const int64_t q = r0 / r1;
        std::tie(r0, r1) = std::make_pair(r1, r0 - q * r1);
        std::tie(t0, t1) = std::make_pair(t1, t0 - q * t1);
    }
    return (t0 % m + m) % m;
}

}  // namespace

EntityKind entityKindOf(const v1::JoinKey& key) {
    const std::string& name = key.name();
    auto has = [&](std::string_view part) { return name.find(part) != std::string::npos; };
    if (has("user") || has("customer") || has("account"))
        return EntityKind::User;
    if (has("merchant") || has("seller") || has("store"))
        return EntityKind::Merchant;
    if (has("item") || has("sku") || has("product"))
        return EntityKind::Item;
    return EntityKind::Other;
}

PopulationShape populationShapeFor(const v1::JoinKey& key) {
    // Calibrated so that the top 1% of members make ~35-45% of the rows.
    switch (entityKindOf(key)) {
        case EntityKind::User:
            return {100'000, 1.0, 50.0, "user-"};
        case EntityKind::Merchant:
            return {5'000, 1.0, 5.0, "merchant-"};
        case EntityKind::Item:
            return {50'000, 0.9, 5.0, "sku-"};
        case EntityKind::Other:
            break;
    }
    std::string prefix = key.name();
    if (prefix.ends_with("_id"))
        prefix.resize(prefix.size() - 3);
    return {10'000, 1.0, 10.0, prefix + "-"};
}

KeyPopulation::KeyPopulation(v1::JoinKey key, PopulationShape shape)
    : m_key(std::move(key)), m_shape(std::move(shape)) {
    m_shape.size = std::max<int64_t>(1, m_shape.size);
    m_cumulative.resize(static_cast<size_t>(m_shape.size));
    double total = 0;
    for (int64_t rank = 1; rank <= m_shape.size; ++rank) {
        total += std::pow(static_cast<double>(rank) + m_shape.offset, -m_shape.exponent);
        m_cumulative[static_cast<size_t>(rank - 1)] = total;
    }
    for (auto& c : m_cumulative)
        c /= total;
    // A large prime stride, stepped until it shares no factor with the size.
    m_stride = 7919 % m_shape.size;
    while (std::gcd(m_stride, m_shape.size) != 1)
        ++m_stride;
    m_inverseStride = inverseModulo(m_stride, m_shape.size);
    // The golden ratio of the size: rank 1 is not id 1.
    m_offset = static_cast<int64_t>(double(m_shape.size) * 0.6180339887) % m_shape.size;
}

int64_t KeyPopulation::drawRank(RandomSource& random) const {
    const double u = random.uniform();
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), u);
    const auto index = std::min<int64_t>(it - m_cumulative.begin(), m_shape.size - 1);
    return index + 1;
}

int64_t KeyPopulation::idOfRank(int64_t rank) const {
    // Populations are at most a few million: these products stay far inside int64.
    return ((rank - 1) * m_stride + m_offset) % m_shape.size + 1;
}

std::optional<int64_t> KeyPopulation::rankOf(const v1::Value& key) const {
    int64_t id = 0;
    switch (key.val_case()) {
        case v1::Value::kInt64Val:
            id = key.int64_val();
            break;
        case v1::Value::kInt32Val:
            id = key.int32_val();
            break;
        case v1::Value::kStringVal:
        case v1::Value::kBytesVal: {
            const std::string& text = key.has_string_val() ? key.string_val() : key.bytes_val();
            if (!text.starts_with(m_shape.prefix))
                return std::nullopt;
            const char* begin = text.data() + m_shape.prefix.size();
            const char* end = text.data() + text.size();
            if (std::from_chars(begin, end, id).ptr != end)
                return std::nullopt;
            break;
        }
        default:
            return std::nullopt;
    }
    if (id < 1 || id > m_shape.size)
        return std::nullopt;
    const int64_t scattered = ((id - 1 - m_offset) % m_shape.size + m_shape.size) % m_shape.size;
    return scattered * m_inverseStride % m_shape.size + 1;
}

std::string KeyPopulation::textOf(int64_t id) const {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(id));
    return m_shape.prefix + digits;
}

v1::Value KeyPopulation::valueOf(int64_t id) const {
    v1::Value value;
    switch (m_key.value_type()) {
        case v1::INT32:
            value.set_int32_val(static_cast<int32_t>(id));
            break;
        case v1::STRING:
            value.set_string_val(textOf(id));
            break;
        case v1::BYTES:
            value.set_bytes_val(textOf(id));
            break;
        default:
            value.set_int64_val(id);
            break;
    }
    return value;
}

}  // namespace meridian::datagen
