#include "datagen/rowgenerator.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <initializer_list>
#include <set>
#include <string_view>

#include "datagen/vocabulary.h"
#include "registry/valuetypes.h"

namespace meridian::datagen {
namespace {

constexpr int64_t kMsPerHour = 3'600'000;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;

double roundTo(double value, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

std::vector<FeaturePlan> plansOf(const v1::FeatureView& view) {
    std::vector<FeaturePlan> plans;
    for (const auto& feature : view.features())
        plans.push_back(planFeature(feature));
    return plans;
}

// Regions named after Europe, by the conventions of the three clouds' region names.
bool looksEuropean(std::string_view region) {
    return nameHasAny(region, {"eu-", "europe", "-eu", "france", "germany", "sweden", "italy",
                               "poland", "spain", "netherlands", "ireland"});
}

// The countries a view's entities come from, as its residency suggests: EU member states for
// data kept in the EU, the rest of the world for data kept out of it, else the global mix.
std::span<const WeightedTerm> countriesFor(const v1::FeatureView& view) {
    const auto& residency = view.residency();
    if (residency.jurisdiction() == "eu" || view.name().starts_with("eu_"))
        return vocabulary::euCountries();
    if (!residency.jurisdiction().empty() || residency.regions().empty())
        return vocabulary::globalCountries();
    const auto european = std::count_if(residency.regions().begin(), residency.regions().end(),
                                        [](const std::string& r) { return looksEuropean(r); });
    if (european == residency.regions_size())
        return vocabulary::euCountries();
    if (european == 0)
        return vocabulary::nonEuCountries();
    return vocabulary::globalCountries();
}

v1::Value integerValue(v1::ValueType type, int64_t v) {
    v1::Value out;
    if (type == v1::INT32) {
        out.set_int32_val(static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)));
    } else {
        out.set_int64_val(v);
    }
    return out;
}

v1::Value realValue(v1::ValueType type, double v) {
    v1::Value out;
    if (type == v1::FLOAT) {
        out.set_float_val(static_cast<float>(v));
    } else {
        out.set_double_val(v);
    }
    return out;
}

v1::Value stringValue(std::string_view text) {
    v1::Value out;
    out.set_string_val(std::string(text));
    return out;
}

v1::Value flagValue(bool flag) {
    v1::Value out;
    out.set_bool_val(flag);
    return out;
}

v1::Value timestampValue(int64_t ms) {
    v1::Value out;
    out.set_unix_timestamp_val(ms);
    return out;
}

v1::Value realListValue(v1::ValueType type, const std::vector<double>& values) {
    v1::Value out;
    if (type == v1::FLOAT_LIST) {
        auto* list = out.mutable_float_list_val();
        for (double v : values)
            list->add_val(static_cast<float>(v));
    } else {
        auto* list = out.mutable_double_list_val();
        for (double v : values)
            list->add_val(v);
    }
    return out;
}

v1::Value textListValue(const std::vector<std::string>& values) {
    v1::Value out;
    auto* list = out.mutable_string_list_val();
    for (const auto& v : values)
        list->add_val(v);
    return out;
}

// Up to `count` distinct values from `draw`, giving up after a bounded number of attempts.
template <typename Draw>
std::vector<std::string> distinctValues(int64_t count, Draw draw) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (int64_t attempt = 0; attempt < 4 * count && static_cast<int64_t>(out.size()) < count;
         ++attempt) {
        std::string v(draw());
        if (seen.insert(v).second)
            out.push_back(std::move(v));
    }
    return out;
}

}  // namespace

// Draws of one row, shared by the features that depend on them.
struct RowGenerator::Row {
    int64_t eventMs = 0;
    uint64_t entityHash = 0;
    int64_t rank = 1;  // popularity rank of the first key: heavy entities are more active
    std::vector<ActivityDraw> activity;  // aligned with the activity model's indexes
    std::optional<int64_t> created;
    std::optional<int64_t> session;
    std::optional<int64_t> pageViews;
    std::optional<std::string> country;
    std::optional<std::string> itemCategory;
    std::optional<std::string> merchantCategory;
};

RowGenerator::RowGenerator(const v1::FeatureView& view, std::vector<v1::JoinKey> joinKeys,
                           uint64_t seed)
    : m_view(view),
      m_joinKeys(std::move(joinKeys)),
      m_seed(seed),
      // Views drawn with one seed are independent of each other, not the same users in step.
      m_random(mixSeeds(seed, hashText(view.name()))),
      m_entityKind(m_joinKeys.empty() ? EntityKind::Other : entityKindOf(m_joinKeys.front())),
      m_plans(plansOf(view)),
      m_activity(m_plans, m_entityKind),
      m_countries(countriesFor(view)) {
    for (const auto& key : m_joinKeys)
        m_populations.emplace_back(key);

    const bool listsItems = std::any_of(m_plans.begin(), m_plans.end(), [](const FeaturePlan& p) {
        return p.shape == FeatureShape::ItemIdList;
    });
    if (listsItems) {
        v1::JoinKey sku;
        sku.set_name("item_id");
        sku.set_value_type(v1::STRING);
        m_items = std::make_unique<KeyPopulation>(sku);
    }
}

v1::FeatureRow RowGenerator::next(int64_t eventTimestampMs) {
    google::protobuf::Map<std::string, v1::Value> keys;
    int64_t firstRank = 1;
    for (size_t i = 0; i < m_populations.size(); ++i) {
        const auto& population = m_populations[i];
        const int64_t rank = population.drawRank(m_random);
        if (i == 0)
            firstRank = rank;
        keys[population.key().name()] = population.valueOf(population.idOfRank(rank));
    }
    return makeRow(keys, firstRank, eventTimestampMs);
}

absl::StatusOr<v1::FeatureRow> RowGenerator::rowFor(
    const google::protobuf::Map<std::string, v1::Value>& keys, int64_t eventTimestampMs) {
    for (const auto& key : m_joinKeys) {
        auto it = keys.find(key.name());
        if (it == keys.end() || registry::isNull(it->second))
            return absl::InvalidArgumentError("join key '" + key.name() + "' of feature view '" +
                                              m_view.name() + "' is missing");
        if (!registry::valueMatches(it->second, key.value_type()))
            return absl::InvalidArgumentError(
                "join key '" + key.name() + "' expects " +
                std::string(registry::valueTypeName(key.value_type())) + ", got " +
                registry::valueToString(it->second));
    }
    google::protobuf::Map<std::string, v1::Value> own;
    for (const auto& key : m_joinKeys)
        own[key.name()] = keys.at(key.name());
    // An entity outside the population is as busy as an ordinary member.
    int64_t rank = 1;
    if (!m_populations.empty()) {
        const auto& first = m_populations.front();
        rank = first.rankOf(own.at(first.key().name())).value_or(first.size() / 10 + 1);
    }
    return makeRow(own, rank, eventTimestampMs);
}

v1::FeatureRow RowGenerator::makeRow(const google::protobuf::Map<std::string, v1::Value>& keys,
                                     int64_t rank, int64_t eventTimestampMs) {
    if (!m_anchorMs)
        m_anchorMs = eventTimestampMs;
    Row row;
    row.eventMs = eventTimestampMs;
    row.rank = rank;
    v1::FeatureRow out;
    out.set_event_timestamp(eventTimestampMs);
    // The entity's identity, from its key values: the seed of its stable attributes.
    std::string identity;
    for (const auto& key : m_joinKeys) {
        const v1::Value& value = keys.at(key.name());
        (*out.mutable_keys())[key.name()] = value;
        identity += key.name() + "=" + registry::valueToString(value) + ";";
    }
    row.entityHash = hashText(identity);
    drawActivity(row);
    for (const auto& plan : m_plans) {
        v1::Value value = valueOf(plan, row);
        // A safety net for names that mislead the planner: never emit a mistyped value.
        if (!registry::valueMatches(value, plan.type) || registry::isNull(value))
            value = fallbackValue(plan, row);
        (*out.mutable_values())[plan.name] = std::move(value);
    }
    return out;
}

void RowGenerator::drawActivity(Row& row) {
    const double size = m_populations.empty() ? 1.0 : double(m_populations.front().size());
    // The head of the population is busier than the tail.
    const double boost = std::clamp(std::sqrt(size / 100.0 / double(row.rank + 10)), 0.3, 4.0);
    row.activity = m_activity.draw(
        [&](std::string_view aspect) { return entityRandom(row, aspect); }, boost, m_random);
}

RandomSource RowGenerator::entityRandom(const Row& row, std::string_view aspect) const {
    return RandomSource(mixSeeds(mixSeeds(m_seed, row.entityHash), hashText(aspect)));
}

RandomSource& RowGenerator::randomFor(const FeaturePlan& plan, Row& row,
                                      std::optional<RandomSource>& slot) {
    if (!plan.perEntity)
        return m_random;
    slot.emplace(entityRandom(row, plan.name));
    return *slot;
}

int64_t RowGenerator::createdMs(Row& row) {
    if (!row.created) {
        const double meanDays = m_entityKind == EntityKind::Merchant ? 900
                                : m_entityKind == EntityKind::Item   ? 400
                                : m_entityKind == EntityKind::User   ? 700
                                                                     : 500;
        // Exponential ages truncated at ten years (inverse CDF), without a spike at the bound.
        constexpr double kMaxDays = 3650;
        const double u = entityRandom(row, "created").uniform();
        const double ageDays = -meanDays * std::log(1 - u * (1 - std::exp(-kMaxDays / meanDays)));
        const int64_t created = *m_anchorMs - static_cast<int64_t>(ageDays * double(kMsPerDay));
        // Rows before the anchor still see an entity that already existed.
        row.created = std::min(created, row.eventMs - kMsPerHour);
    }
    return *row.created;
}

int64_t RowGenerator::sessionSeconds(Row& row) {
    if (!row.session)
        row.session = std::clamp<int64_t>(std::llround(m_random.logNormal(240, 1.0)), 5, 4 * 3600);
    return *row.session;
}

int64_t RowGenerator::pageViews(Row& row) {
    // About one page every 40 seconds of a session.
    if (!row.pageViews)
        row.pageViews = 1 + m_random.poisson(double(sessionSeconds(row)) / 40.0);
    return *row.pageViews;
}

const std::string& RowGenerator::homeCountry(Row& row) {
    if (!row.country) {
        auto random = entityRandom(row, "home_country");
        row.country = std::string(pick(m_countries, random));
    }
    return *row.country;
}

const std::string& RowGenerator::itemCategory(Row& row) {
    if (!row.itemCategory) {
        auto random = entityRandom(row, "item_category");
        row.itemCategory = std::string(pick(vocabulary::itemCategories(), random));
    }
    return *row.itemCategory;
}

const std::string& RowGenerator::merchantCategory(Row& row) {
    if (!row.merchantCategory) {
        auto random = entityRandom(row, "merchant_category");
        row.merchantCategory = std::string(pick(vocabulary::merchantCategories(), random));
    }
    return *row.merchantCategory;
}

v1::Value RowGenerator::valueOf(const FeaturePlan& plan, Row& row) {
    switch (plan.shape) {
        case FeatureShape::WindowCount:
        case FeatureShape::WindowAmount:
        case FeatureShape::DistinctCount:
        case FeatureShape::EventCount:
        case FeatureShape::Ratio:
        case FeatureShape::Score:
        case FeatureShape::Money:
        case FeatureShape::Rating:
        case FeatureShape::AgeDays:
        case FeatureShape::DurationSeconds:
            return numericValue(plan, row);
        case FeatureShape::Country:
        case FeatureShape::Language:
        case FeatureShape::ItemCategory:
        case FeatureShape::MerchantCategory:
        case FeatureShape::Brand:
        case FeatureShape::KycLevel:
        case FeatureShape::LoyaltyTier:
        case FeatureShape::Channel:
        case FeatureShape::Currency:
        case FeatureShape::Flag:
        case FeatureShape::HighRiskFlag:
            return categoricalValue(plan, row);
        case FeatureShape::RecentTime:
        case FeatureShape::CreatedTime:
        case FeatureShape::UpdatedTime:
        case FeatureShape::SessionStart:
            return timeValue(plan, row);
        case FeatureShape::Embedding:
        case FeatureShape::ItemIdList:
        case FeatureShape::CategoryList:
        case FeatureShape::KeywordList:
            return listValue(plan, row);
        case FeatureShape::ByType:
            break;
    }
    return fallbackValue(plan, row);
}

v1::Value RowGenerator::numericValue(const FeaturePlan& plan, Row& row) {
    const std::string& name = plan.name;
    // The count of an activity over the plan's window, or over its longest window if it has none.
    auto countOf = [&](int activity) {
        const auto& counts = row.activity[size_t(activity)].counts;
        return plan.windowSeconds > 0 ? counts[m_activity.windowIndex(activity, plan.windowSeconds)]
                                      : counts.back();
    };
    switch (plan.shape) {
        case FeatureShape::WindowCount: {
            return integerValue(plan.type, countOf(m_activity.indexOf(plan.activity)));
        }
        case FeatureShape::WindowAmount: {
            const int a = m_activity.indexOf(plan.activity);
            const auto& draw = row.activity[size_t(a)];
            const size_t w = m_activity.windowIndex(a, plan.windowSeconds);
            switch (plan.aggregation) {
                case Aggregation::Sum:
                    return realValue(plan.type, draw.sums[w]);
                case Aggregation::Max:
                    return realValue(plan.type, draw.maxima[w]);
                case Aggregation::Mean:
                    return realValue(plan.type,
                                     draw.counts[w] == 0
                                         ? 0.0
                                         : roundTo(draw.sums[w] / double(draw.counts[w]), 2));
            }
            break;
        }
        case FeatureShape::DistinctCount: {
            // Without a window of its own, the longest window counted.
            const int64_t events = countOf(m_activity.primary(plan.windowSeconds));
            return integerValue(plan.type,
                                events == 0 ? 0 : 1 + m_random.binomial(events - 1, 0.45));
        }
        case FeatureShape::EventCount: {
            if (nameHasAny(name, {"view", "click", "page"}))
                return integerValue(plan.type, pageViews(row));
            if (nameHasAny(name, {"cart"}))
                return integerValue(plan.type, std::min(pageViews(row), m_random.poisson(0.9)));
            if (plan.perEntity) {
                auto random = entityRandom(row, name);
                return integerValue(plan.type, std::llround(random.logNormal(25, 1.6)));
            }
            return integerValue(plan.type, m_random.poisson(m_random.logNormal(8, 1.0)));
        }
        case FeatureShape::Ratio: {
            const double usual = entityRandom(row, name).logitNormal(plan.typical, 0.8);
            // A share of counted events is a fraction of them: k of n, or 0 of none.
            if (const int a = m_activity.primary(plan.windowSeconds);
                a >= 0 && plan.windowSeconds > 0) {
                const int64_t n = countOf(a);
                const double share = n == 0 ? 0.0 : double(m_random.binomial(n, usual)) / double(n);
                return realValue(plan.type, roundTo(share, 4));
            }
            return realValue(plan.type, roundTo(m_random.logitNormal(usual, 0.15), 4));
        }
        case FeatureShape::Score: {
            if (!plan.perEntity)
                return realValue(plan.type, roundTo(m_random.logitNormal(plan.typical, 1.0), 4));
            const double usual = entityRandom(row, name).logitNormal(plan.typical, 1.2);
            return realValue(plan.type, roundTo(m_random.logitNormal(usual, 0.2), 4));
        }
        case FeatureShape::Rating: {
            auto random = entityRandom(row, name);
            return realValue(plan.type, roundTo(std::clamp(random.normal(4.2, 0.45), 1.0, 5.0), 1));
        }
        case FeatureShape::Money: {
            if (nameHasAny(name, {"price"})) {
                // List prices end in .99.
                auto random = entityRandom(row, name);
                return realValue(plan.type, std::floor(random.logNormal(24, 1.1)) + 0.99);
            }
            if (plan.perEntity) {
                const double usual = entityRandom(row, name).logNormal(45, 0.7);
                return realValue(plan.type,
                                 roundTo(std::max(0.5, usual * (1 + m_random.normal(0, 0.05))), 2));
            }
            return realValue(plan.type, roundTo(std::max(0.5, m_random.logNormal(38, 1.0)), 2));
        }
        case FeatureShape::AgeDays:
            return integerValue(plan.type, (row.eventMs - createdMs(row)) / kMsPerDay);
        case FeatureShape::DurationSeconds:
            return integerValue(plan.type, sessionSeconds(row));
        default:
            break;
    }
    return fallbackValue(plan, row);
}

v1::Value RowGenerator::categoricalValue(const FeaturePlan& plan, Row& row) {
    std::optional<RandomSource> slot;
    RandomSource& random = randomFor(plan, row, slot);
    switch (plan.shape) {
        case FeatureShape::Country: {
            const std::string& home = homeCountry(row);
            // Where an event happened: mostly at home, sometimes abroad.
            if (plan.perEntity || m_random.bernoulli(0.88))
                return stringValue(home);
            return stringValue(pick(m_countries, m_random));
        }
        case FeatureShape::Language:
            return stringValue(vocabulary::languageOf(homeCountry(row)));
        case FeatureShape::ItemCategory:
            return stringValue(m_entityKind == EntityKind::Merchant ? merchantCategory(row)
                                                                    : itemCategory(row));
        case FeatureShape::MerchantCategory:
            return stringValue(merchantCategory(row));
        case FeatureShape::Brand:
            return stringValue(pick(vocabulary::brands(), random));
        case FeatureShape::KycLevel:
            return stringValue(pick(vocabulary::kycLevels(), random));
        case FeatureShape::LoyaltyTier:
            return stringValue(pick(vocabulary::loyaltyTiers(), random));
        case FeatureShape::Channel:
            return stringValue(pick(vocabulary::channels(), random));
        case FeatureShape::Currency:
            return stringValue(pick(vocabulary::currencies(), random));
        case FeatureShape::Flag:
            return flagValue(random.bernoulli(plan.typical));
        case FeatureShape::HighRiskFlag:
            return flagValue(vocabulary::isHighRiskMerchantCategory(merchantCategory(row)));
        default:
            break;
    }
    return fallbackValue(plan, row);
}

v1::Value RowGenerator::timeValue(const FeaturePlan& plan, Row& row) {
    switch (plan.shape) {
        case FeatureShape::CreatedTime:
            return timestampValue(createdMs(row));
        case FeatureShape::UpdatedTime: {
            const int64_t created = createdMs(row);
            const int64_t span = std::max<int64_t>(0, *m_anchorMs - created);
            const int64_t updated =
                created + int64_t(entityRandom(row, plan.name).uniform() * double(span));
            return timestampValue(std::clamp(updated, created, row.eventMs));
        }
        case FeatureShape::SessionStart:
            return timestampValue(row.eventMs - sessionSeconds(row) * 1000);
        case FeatureShape::RecentTime: {
            // The latest event lies in the first window that counted one.
            const int a = m_activity.primary(0);
            const auto& windows = m_activity.windows(a);
            const auto& counts = row.activity[size_t(a)].counts;
            int64_t previousMs = 0;
            for (size_t i = 0; i < windows.size(); ++i) {
                if (counts[i] > 0)
                    return timestampValue(row.eventMs -
                                          m_random.uniformInt(previousMs, windows[i] * 1000));
                previousMs = windows[i] * 1000 + 1;
            }
            const int64_t quiet = int64_t(m_random.exponential(3.0 * double(kMsPerDay)));
            return timestampValue(row.eventMs - previousMs - quiet);
        }
        default:
            break;
    }
    return fallbackValue(plan, row);
}

v1::Value RowGenerator::listValue(const FeaturePlan& plan, Row& row) {
    std::optional<RandomSource> slot;
    RandomSource& random = randomFor(plan, row, slot);
    switch (plan.shape) {
        case FeatureShape::Embedding: {
            std::vector<double> v(size_t(plan.dimension));
            double norm = 0;
            for (auto& x : v) {
                x = random.normal(0, 1);
                norm += x * x;
            }
            norm = std::sqrt(norm);
            for (auto& x : v)
                x = roundTo(x / norm, 6);
            return realListValue(plan.type, v);
        }
        case FeatureShape::ItemIdList: {
            const int64_t count = std::min<int64_t>(12, 1 + random.poisson(3));
            return textListValue(distinctValues(count, [&] {
                return m_items->textOf(m_items->idOfRank(m_items->drawRank(random)));
            }));
        }
        case FeatureShape::CategoryList: {
            const int64_t count = 1 + std::min<int64_t>(4, random.poisson(1.0));
            return textListValue(
                distinctValues(count, [&] { return pick(vocabulary::itemCategories(), random); }));
        }
        case FeatureShape::KeywordList: {
            const auto words = vocabulary::keywordsOf(itemCategory(row));
            const int64_t count = random.uniformInt(3, 5);
            return textListValue(distinctValues(count, [&] { return pick(words, random); }));
        }
        default:
            break;
    }
    return fallbackValue(plan, row);
}

v1::Value RowGenerator::fallbackValue(const FeaturePlan& plan, Row& row) {
    RandomSource& random = m_random;
    auto word = [&] {
        return plan.name + "_" +
               std::to_string(std::min<int64_t>(19, int64_t(random.exponential(3))));
    };
    switch (plan.type) {
        case v1::INT64:
        case v1::INT32:
            return integerValue(plan.type, random.poisson(random.logNormal(10, 1.0)));
        case v1::DOUBLE:
        case v1::FLOAT:
            return realValue(plan.type, roundTo(random.logNormal(1.0, 1.0), 4));
        case v1::STRING:
            return stringValue(word());
        case v1::BYTES: {
            v1::Value out;
            std::string bytes(16, '\0');
            for (auto& b : bytes)
                b = static_cast<char>(random.nextU64() & 0xff);
            out.set_bytes_val(std::move(bytes));
            return out;
        }
        case v1::BOOL:
            return flagValue(random.bernoulli(0.5));
        case v1::UNIX_TIMESTAMP:
            return timestampValue(row.eventMs - int64_t(random.exponential(double(kMsPerDay))));
        case v1::INT64_LIST: {
            v1::Value out;
            auto* list = out.mutable_int64_list_val();
            for (int64_t i = random.uniformInt(3, 8); i > 0; --i)
                list->add_val(random.poisson(5));
            return out;
        }
        case v1::DOUBLE_LIST:
        case v1::FLOAT_LIST: {
            std::vector<double> values(size_t(random.uniformInt(3, 8)));
            for (auto& v : values)
                v = roundTo(random.logNormal(10, 1.0), 2);
            return realListValue(plan.type, values);
        }
        case v1::STRING_LIST:
            return textListValue(distinctValues(random.uniformInt(1, 4), word));
        default:
            break;
    }
    return {};  // an unsupported type: null
}

}  // namespace meridian::datagen
