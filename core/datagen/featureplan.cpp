#include "datagen/featureplan.h"

#include <charconv>
#include <initializer_list>
#include <string_view>

namespace meridian::datagen {
namespace {

// "txn_count_24h" -> "txn_count"; a name without a window is returned whole.
std::string withoutWindow(const std::string& name) {
    if (windowSecondsOf(name) == 0)
        return name;
    return name.substr(0, name.rfind('_'));
}

// The activity a windowed count counts: "txn_count_24h" -> "txn", "item_views_1h" -> "item_views".
std::string activityOfCount(const std::string& name) {
    std::string base = withoutWindow(name);
    if (const auto at = base.find("_count"); at != std::string::npos && at > 0) {
        base.erase(at, 6);
        return base;
    }
    for (std::string_view prefix : {"count_", "num_", "n_"}) {
        if (base.starts_with(prefix) && base.size() > prefix.size())
            return base.substr(prefix.size());
    }
    return base;
}

// Typical rates of the shares a storefront measures.
double typicalRatio(std::string_view name) {
    if (nameHasAny(name, {"chargeback"}))
        return 0.004;
    if (nameHasAny(name, {"declin"}))
        return 0.05;
    if (nameHasAny(name, {"cross_border", "foreign"}))
        return 0.08;
    if (nameHasAny(name, {"refund", "return"}))
        return 0.03;
    if (nameHasAny(name, {"add_to_cart", "cart"}))
        return 0.07;
    if (nameHasAny(name, {"conversion", "purchase"}))
        return 0.025;
    if (nameHasAny(name, {"click"}))
        return 0.04;
    return 0.2;
}

void planInteger(FeaturePlan& plan) {
    const std::string& name = plan.name;
    if (name.starts_with("distinct_") || nameHasAny(name, {"unique_"})) {
        plan.shape = FeatureShape::DistinctCount;
    } else if (name.ends_with("_days") || nameHasAny(name, {"age_days"})) {
        plan.shape = FeatureShape::AgeDays;
        plan.perEntity = true;
        plan.windowSeconds = 0;
    } else if (nameHasAny(name, {"seconds", "duration"})) {
        plan.shape = FeatureShape::DurationSeconds;
        plan.windowSeconds = 0;
    } else if (plan.windowSeconds > 0) {
        plan.shape = FeatureShape::WindowCount;
        plan.activity = activityOfCount(name);
    } else {
        plan.shape = FeatureShape::EventCount;
        plan.perEntity = nameHasAny(name, {"review"});
    }
}

void planFloating(FeaturePlan& plan) {
    const std::string& name = plan.name;
    if (const auto at = name.find("_amount"); at != std::string::npos && plan.windowSeconds > 0) {
        plan.shape = FeatureShape::WindowAmount;
        plan.activity = name.substr(0, at);
        if (nameHasAny(name, {"avg", "mean"}))
            plan.aggregation = Aggregation::Mean;
        if (nameHasAny(name, {"max"}))
            plan.aggregation = Aggregation::Max;
    } else if (nameHasAny(name, {"ratio", "rate", "share", "pct"})) {
        plan.shape = FeatureShape::Ratio;
        plan.typical = typicalRatio(name);
        plan.perEntity = true;  // the entity's usual rate; rows vary around it
    } else if (nameHasAny(name, {"score", "prob"})) {
        plan.shape = FeatureShape::Score;
        plan.perEntity = nameHasAny(name, {"risk", "fraud"});
        plan.typical = plan.perEntity ? 0.03 : nameHasAny(name, {"trend"}) ? 0.15 : 0.3;
    } else if (nameHasAny(name, {"rating", "stars"})) {
        plan.shape = FeatureShape::Rating;
        plan.perEntity = true;
    } else if (nameHasAny(name, {"price", "amount", "ticket", "spend", "revenue", "gmv"})) {
        plan.shape = FeatureShape::Money;
        plan.perEntity = nameHasAny(name, {"price", "ticket"});
    }
}

void planString(FeaturePlan& plan) {
    const std::string& name = plan.name;
    if (nameHasAny(name, {"country"})) {
        plan.shape = FeatureShape::Country;
        plan.perEntity = !nameHasAny(name, {"last", "txn", "ip_", "shipping"});
    } else if (nameHasAny(name, {"language", "locale"})) {
        plan.shape = FeatureShape::Language;
    } else if (nameHasAny(name, {"mcc", "merchant_categ"})) {
        plan.shape = FeatureShape::MerchantCategory;
    } else if (nameHasAny(name, {"categ"})) {
        plan.shape = FeatureShape::ItemCategory;
    } else if (nameHasAny(name, {"brand"})) {
        plan.shape = FeatureShape::Brand;
    } else if (nameHasAny(name, {"kyc"})) {
        plan.shape = FeatureShape::KycLevel;
    } else if (nameHasAny(name, {"tier", "loyalty"})) {
        plan.shape = FeatureShape::LoyaltyTier;
    } else if (nameHasAny(name, {"channel", "platform", "device"})) {
        plan.shape = FeatureShape::Channel;
    } else if (nameHasAny(name, {"currency"})) {
        plan.shape = FeatureShape::Currency;
    }
    plan.perEntity = plan.perEntity || plan.shape == FeatureShape::ItemCategory ||
                     plan.shape == FeatureShape::MerchantCategory ||
                     plan.shape == FeatureShape::Brand || plan.shape == FeatureShape::KycLevel ||
                     plan.shape == FeatureShape::LoyaltyTier;
}

void planFlag(FeaturePlan& plan) {
    const std::string& name = plan.name;
    plan.shape = FeatureShape::Flag;
    struct Rule {
        std::initializer_list<std::string_view> parts;
        double typical;
        bool perEntity;
    };
    // First match wins: specific words before generic prefixes.
    static const Rule kRules[] = {
        {{"high_risk"}, 0, true},
        {{"marketing"}, 0.45, true},
        {{"consent"}, 0.62, true},
        {{"verified"}, 0.9, true},
        {{"in_stock", "available"}, 0.92, false},
        {{"mobile", "is_app", "_app"}, 0.64, false},
        {{"fraud", "chargeback", "blocked"}, 0.01, false},
        {{"is_", "has_"}, 0.3, false},
    };
    for (const auto& rule : kRules) {
        if (nameHasAny(name, rule.parts)) {
            plan.typical = rule.typical;
            plan.perEntity = rule.perEntity;
            if (rule.typical == 0)
                plan.shape = FeatureShape::HighRiskFlag;
            return;
        }
    }
}

void planTimestamp(FeaturePlan& plan) {
    const std::string& name = plan.name;
    if (nameHasAny(name, {"session"}) && nameHasAny(name, {"start"})) {
        plan.shape = FeatureShape::SessionStart;
    } else if (nameHasAny(name,
                          {"signup", "onboard", "listed", "created", "registered", "first_"})) {
        plan.shape = FeatureShape::CreatedTime;
        plan.perEntity = true;
    } else if (nameHasAny(name, {"updated", "changed", "consent", "verified"})) {
        plan.shape = FeatureShape::UpdatedTime;
        plan.perEntity = true;
    } else if (nameHasAny(name, {"last_", "latest", "recent"})) {
        plan.shape = FeatureShape::RecentTime;
    }
}

void planList(FeaturePlan& plan, const v1::Field& feature) {
    const std::string& name = plan.name;
    if (plan.type == v1::FLOAT_LIST || plan.type == v1::DOUBLE_LIST) {
        int dimension = 0;
        for (const char* tag : {"dimension", "dim"}) {
            if (auto it = feature.tags().find(tag); it != feature.tags().end()) {
                const auto& text = it->second;
                std::from_chars(text.data(), text.data() + text.size(), dimension);
            }
        }
        if (dimension > 0 || nameHasAny(name, {"embed", "vector"})) {
            plan.shape = FeatureShape::Embedding;
            plan.dimension = dimension > 0 ? dimension : kDefaultEmbeddingDimension;
            plan.perEntity = !nameHasAny(name, {"session", "intent", "query", "context"});
        }
    } else if (plan.type == v1::STRING_LIST) {
        if (nameHasAny(name, {"item", "sku", "product"})) {
            plan.shape = FeatureShape::ItemIdList;
            plan.perEntity = nameHasAny(name, {"co_", "also", "similar"});
        } else if (nameHasAny(name, {"categ"})) {
            plan.shape = FeatureShape::CategoryList;
        } else if (nameHasAny(name, {"keyword", "tag", "term"})) {
            plan.shape = FeatureShape::KeywordList;
            plan.perEntity = true;
        }
    }
}

}  // namespace

bool nameHasAny(std::string_view name, std::initializer_list<std::string_view> parts) {
    for (auto part : parts) {
        if (name.find(part) != std::string_view::npos)
            return true;
    }
    return false;
}

int64_t windowSecondsOf(const std::string& featureName) {
    const auto at = featureName.rfind('_');
    if (at == std::string::npos || featureName.size() < at + 3)
        return 0;
    const char* begin = featureName.data() + at + 1;
    const char* unit = featureName.data() + featureName.size() - 1;
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(begin, unit, n);
    if (ec != std::errc() || end != unit || n <= 0)
        return 0;
    switch (*unit) {
        case 's':
            return n;
        case 'm':
            return n * 60;
        case 'h':
            return n * 3600;
        case 'd':
            return n * 86400;
        case 'w':
            return n * 7 * 86400;
        default:
            return 0;
    }
}

FeaturePlan planFeature(const v1::Field& feature) {
    FeaturePlan plan;
    plan.name = feature.name();
    plan.type = feature.value_type();
    plan.windowSeconds = windowSecondsOf(plan.name);
    switch (plan.type) {
        case v1::INT64:
        case v1::INT32:
            planInteger(plan);
            break;
        case v1::DOUBLE:
        case v1::FLOAT:
            planFloating(plan);
            break;
        case v1::STRING:
            planString(plan);
            break;
        case v1::BOOL:
            planFlag(plan);
            break;
        case v1::UNIX_TIMESTAMP:
            planTimestamp(plan);
            break;
        case v1::FLOAT_LIST:
        case v1::DOUBLE_LIST:
        case v1::STRING_LIST:
            planList(plan, feature);
            break;
        default:
            break;
    }
    return plan;
}

}  // namespace meridian::datagen
