#pragma once
// How the generator draws one feature's values, decided once per view from the feature's name,
// type and tags ("txn_count_24h" is a 24-hour count, "title_embedding" a unit vector).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/v1/registry.pb.h"

namespace meridian::datagen {

enum class FeatureShape {
    WindowCount,    // events of an activity in a trailing window: txn_count_24h
    WindowAmount,   // sum, mean or max of the amounts of those events: txn_amount_sum_24h
    DistinctCount,  // distinct counterparts in a window, at most the events: distinct_merchants_24h
    EventCount,     // a count without a window: session_page_views, review_count
    Ratio,          // a share in 0..1: declined_ratio_7d, conversion_rate_7d
    Score,          // a probability-like score in 0..1: risk_score
    Money,          // an amount in USD: price, avg_ticket_30d
    Rating,         // 1..5 stars
    AgeDays,        // days since the entity was created
    DurationSeconds,  // session_duration_seconds
    Country,          // ISO 3166 alpha-2
    Language,         // ISO 639-1, from the entity's country
    ItemCategory,
    MerchantCategory,
    Brand,
    KycLevel,
    LoyaltyTier,
    Channel,
    Currency,
    Flag,          // a boolean with a plausible rate
    HighRiskFlag,  // true for merchants of a high-risk category
    RecentTime,    // last_txn_at: the latest event, consistent with the window counts
    CreatedTime,   // signup_at, onboarded_at, listed_at
    UpdatedTime,   // consent_updated_at: between creation and now
    SessionStart,  // the event time minus the session's duration
    Embedding,     // unit-norm FLOAT_LIST / DOUBLE_LIST of a fixed dimension
    ItemIdList,    // SKUs: session_recent_items, co_purchased_items
    CategoryList,
    KeywordList,
    ByType,  // a feature the generator knows nothing about: a sensible value of its type
};

enum class Aggregation { Sum, Mean, Max };

struct FeaturePlan {
    std::string name;
    v1::ValueType type = v1::VALUE_TYPE_UNSPECIFIED;
    FeatureShape shape = FeatureShape::ByType;
    std::string activity;       // WindowCount, WindowAmount: what is counted ("txn", "item_views")
    int64_t windowSeconds = 0;  // trailing window parsed from a suffix such as _1h, _24h, _7d
    Aggregation aggregation = Aggregation::Sum;
    int dimension = 0;       // Embedding: from the feature's "dimension" tag, else 16
    bool perEntity = false;  // an attribute of the entity (same value on every row of it)
    double typical = 0.5;    // Ratio, Score, Flag: the usual value
};

inline constexpr int kDefaultEmbeddingDimension = 16;

// True when `name` contains one of `parts`: the planner's and the generator's name matching.
bool nameHasAny(std::string_view name, std::initializer_list<std::string_view> parts);

// The window of a name ending in _<n>s|m|h|d|w, in seconds; 0 if it has none.
int64_t windowSecondsOf(const std::string& featureName);

FeaturePlan planFeature(const v1::Field& feature);

}  // namespace meridian::datagen
