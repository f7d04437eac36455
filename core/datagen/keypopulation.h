#pragma once
// The entities behind a join key: a population of realistic size whose members are drawn with a
// Zipf-like skew (a few heavy users, merchants, best-selling items; a long tail of the rest).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datagen/randomsource.h"
#include "meridian/v1/registry.pb.h"

namespace meridian::datagen {

// What a join key identifies, judged by its name: user_id, merchant_id, item_id, …
enum class EntityKind { Other, User, Merchant, Item };
EntityKind entityKindOf(const v1::JoinKey& key);

struct PopulationShape {
    int64_t size = 10'000;
    double exponent = 1.0;  // Zipf-Mandelbrot: weight of rank k is (k + offset)^-exponent
    double offset = 10.0;   // flattens the head so that no single member dominates
    std::string prefix;     // for STRING/BYTES keys: "sku-" makes "sku-000123"
};

// Sizes and skew by join key name: user_id ~100k, merchant_id ~5k, item_id ~50k SKUs.
PopulationShape populationShapeFor(const v1::JoinKey& key);

class KeyPopulation {
public:
    KeyPopulation(v1::JoinKey key, PopulationShape shape);
    explicit KeyPopulation(const v1::JoinKey& key) : KeyPopulation(key, populationShapeFor(key)) {}

    const v1::JoinKey& key() const { return m_key; }
    int64_t size() const { return m_shape.size; }

    // A popularity rank, 1 (the most frequent member) to size().
    int64_t drawRank(RandomSource& random) const;
    // The member of a rank: ids are scattered over 1..size so that hot ids are not all small.
    int64_t idOfRank(int64_t rank) const;
    // The rank of a member given by its id or its text ("sku-000123"); none when it is not one.
    std::optional<int64_t> rankOf(const v1::Value& key) const;
    // The typed value of a member: the id itself, or text such as "sku-000123".
    v1::Value valueOf(int64_t id) const;
    std::string textOf(int64_t id) const;

private:
    v1::JoinKey m_key;
    PopulationShape m_shape;
    int64_t m_stride = 1;         // coprime with size: rank -> id is a bijection
    int64_t m_inverseStride = 1;  // m_stride * m_inverseStride = 1 (mod size)
    int64_t m_offset = 0;
    std::vector<double> m_cumulative;  // cumulative weights by rank, normalised to 1
};

}  // namespace meridian::datagen
