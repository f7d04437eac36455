#pragma once
// Realistic feature rows for any feature view, for demos, load tests and examples.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datagen/activitymodel.h"
#include "datagen/featureplan.h"
#include "datagen/keypopulation.h"
#include "datagen/randomsource.h"
#include "datagen/vocabulary.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"

namespace meridian::datagen {

// Entity keys come from skewed populations and feature values from plausible distributions
// chosen by each feature's name and type; unknown features get a sensible value of their type.
// The same view, join keys and seed give the same rows.
class RowGenerator {
public:
    // `joinKeys` are the join keys of the view's entities (serving::joinKeysOf gives them).
    RowGenerator(const v1::FeatureView& view, std::vector<v1::JoinKey> joinKeys, uint64_t seed);

    // One row at `eventTimestampMs`: a key for every join key and a value for every feature.
    // Attributes of an entity (country, category, signup time, embedding) are the same on every
    // row of that entity; windowed counts grow with their window.
    v1::FeatureRow next(int64_t eventTimestampMs);

    // A row for a given entity instead of a drawn one (the users of a training set, say), with
    // the same attributes next() gives that entity. Fails naming a missing or mistyped join key.
    absl::StatusOr<v1::FeatureRow> rowFor(const google::protobuf::Map<std::string, v1::Value>& keys,
                                          int64_t eventTimestampMs);

    const v1::FeatureView& view() const { return m_view; }
    const std::vector<v1::JoinKey>& joinKeys() const { return m_joinKeys; }
    const std::vector<FeaturePlan>& plans() const { return m_plans; }
    // The population behind each join key, in the order of joinKeys().
    const std::vector<KeyPopulation>& populations() const { return m_populations; }

private:
    struct Row;

    v1::FeatureRow makeRow(const google::protobuf::Map<std::string, v1::Value>& keys, int64_t rank,
                           int64_t eventTimestampMs);
    void drawActivity(Row& row);
    v1::Value valueOf(const FeaturePlan& plan, Row& row);
    v1::Value numericValue(const FeaturePlan& plan, Row& row);
    v1::Value categoricalValue(const FeaturePlan& plan, Row& row);
    v1::Value timeValue(const FeaturePlan& plan, Row& row);
    v1::Value listValue(const FeaturePlan& plan, Row& row);
    v1::Value fallbackValue(const FeaturePlan& plan, Row& row);

    // A random source that depends only on the seed, the entity and `aspect`: what makes an
    // entity's attributes stable from row to row.
    RandomSource entityRandom(const Row& row, std::string_view aspect) const;
    RandomSource& randomFor(const FeaturePlan& plan, Row& row, std::optional<RandomSource>& slot);

    // Shared quantities of a row, drawn once and used by every feature that depends on them.
    int64_t createdMs(Row& row);
    int64_t sessionSeconds(Row& row);
    int64_t pageViews(Row& row);
    const std::string& homeCountry(Row& row);
    const std::string& itemCategory(Row& row);
    const std::string& merchantCategory(Row& row);

    v1::FeatureView m_view;
    std::vector<v1::JoinKey> m_joinKeys;
    uint64_t m_seed;
    RandomSource m_random;
    EntityKind m_entityKind;  // from the first join key
    std::vector<FeaturePlan> m_plans;
    ActivityModel m_activity;
    std::span<const WeightedTerm> m_countries;  // where the view's entities live
    std::vector<KeyPopulation> m_populations;
    std::unique_ptr<KeyPopulation> m_items;  // SKUs for item lists
    std::optional<int64_t> m_anchorMs;  // the first event time: entities were created before it
};

}  // namespace meridian::datagen
