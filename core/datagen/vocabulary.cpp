#include "datagen/vocabulary.h"

#include <algorithm>
#include <array>
#include <utility>

namespace meridian::datagen {

std::string_view pick(std::span<const WeightedTerm> terms, RandomSource& random) {
    double total = 0;
    for (const auto& t : terms)
        total += t.weight;
    double u = random.uniform() * total;
    for (const auto& t : terms) {
        if (u < t.weight)
            return t.term;
        u -= t.weight;
    }
    return terms.back().term;
}

namespace vocabulary {
namespace {

constexpr WeightedTerm kGlobalCountries[] = {
    {"US", 30}, {"GB", 6}, {"DE", 6}, {"FR", 5}, {"IN", 6}, {"BR", 5}, {"JP", 5}, {"CA", 4},
    {"ES", 3},  {"IT", 3}, {"MX", 3}, {"AU", 3}, {"SG", 3}, {"ID", 3}, {"KR", 3}, {"NL", 2},
    {"PH", 2},  {"VN", 2}, {"TH", 2}, {"MY", 2}, {"PL", 2}, {"SE", 1}, {"IE", 1}, {"NG", 1}};

constexpr WeightedTerm kEuCountries[] = {{"DE", 22}, {"FR", 17}, {"IT", 12}, {"ES", 11}, {"NL", 8},
                                         {"PL", 7},  {"BE", 4},  {"SE", 4},  {"AT", 3},  {"IE", 3},
                                         {"PT", 3},  {"DK", 2},  {"FI", 2},  {"CZ", 2}};

constexpr WeightedTerm kNonEuCountries[] = {
    {"US", 30}, {"GB", 6}, {"IN", 6}, {"BR", 5}, {"JP", 5}, {"CA", 4}, {"MX", 3}, {"AU", 3},
    {"SG", 3},  {"ID", 3}, {"KR", 3}, {"PH", 2}, {"VN", 2}, {"TH", 2}, {"MY", 2}, {"NG", 1}};

constexpr std::pair<std::string_view, std::string_view> kLanguages[] = {
    {"DE", "de"}, {"AT", "de"}, {"FR", "fr"}, {"BE", "fr"}, {"IT", "it"}, {"ES", "es"},
    {"MX", "es"}, {"NL", "nl"}, {"PL", "pl"}, {"SE", "sv"}, {"PT", "pt"}, {"BR", "pt"},
    {"DK", "da"}, {"FI", "fi"}, {"CZ", "cs"}, {"JP", "ja"}, {"KR", "ko"}, {"ID", "id"},
    {"VN", "vi"}, {"TH", "th"}, {"MY", "ms"}};

constexpr WeightedTerm kItemCategories[] = {
    {"electronics", 14},    {"fashion", 18},   {"home_kitchen", 14}, {"beauty", 10},
    {"sports_outdoors", 7}, {"toys_games", 6}, {"grocery", 9},       {"books", 6},
    {"health", 5},          {"automotive", 3}, {"pet_supplies", 4},  {"jewelry", 4}};

constexpr WeightedTerm kMerchantCategories[] = {
    {"grocery", 14},         {"fashion", 16},       {"electronics", 12},  {"restaurants", 10},
    {"travel", 6},           {"digital_goods", 8},  {"gift_cards", 3},    {"gaming", 5},
    {"home_improvement", 8}, {"health_beauty", 10}, {"subscriptions", 5}, {"jewelry", 3}};

constexpr std::string_view kHighRiskCategories[] = {"digital_goods", "gift_cards", "gaming",
                                                    "travel", "jewelry"};

constexpr WeightedTerm kBrands[] = {
    {"Nordlicht", 5}, {"Acorn & Co", 4}, {"Blue Heron", 4}, {"Kestrel", 3},    {"Lumora", 3},
    {"Maple Row", 3}, {"Orbitron", 3},   {"Pinecrest", 2},  {"Quartzline", 2}, {"Riverstone", 2},
    {"Solenne", 2},   {"Tidewater", 2},  {"Urbanite", 2},   {"Velvet Fox", 1}, {"Wildgrain", 1},
    {"Zephyr", 1},    {"Generic", 6}};

constexpr WeightedTerm kKycLevels[] = {{"none", 10}, {"basic", 55}, {"full", 35}};
constexpr WeightedTerm kLoyaltyTiers[] = {
    {"bronze", 55}, {"silver", 28}, {"gold", 13}, {"platinum", 4}};
constexpr WeightedTerm kChannels[] = {{"web", 38}, {"ios", 27}, {"android", 30}, {"pos", 5}};
constexpr WeightedTerm kCurrencies[] = {{"USD", 45}, {"EUR", 25}, {"GBP", 6},
                                        {"JPY", 5},  {"INR", 5},  {"BRL", 4},
                                        {"SGD", 4},  {"AUD", 3},  {"CAD", 3}};

struct CategoryKeywords {
    std::string_view category;
    std::array<WeightedTerm, 8> words;
};

constexpr CategoryKeywords kKeywords[] = {
    {"electronics",
     {{{"wireless", 3},
       {"bluetooth", 2},
       {"usb-c", 2},
       {"4k", 1},
       {"noise-cancelling", 1},
       {"smart", 2},
       {"charger", 1},
       {"portable", 2}}}},
    {"fashion",
     {{{"cotton", 3},
       {"slim-fit", 2},
       {"summer", 2},
       {"leather", 1},
       {"oversized", 1},
       {"linen", 1},
       {"vintage", 1},
       {"sneakers", 2}}}},
    {"home_kitchen",
     {{{"stainless", 2},
       {"non-stick", 2},
       {"ceramic", 1},
       {"bamboo", 1},
       {"storage", 2},
       {"dishwasher-safe", 2},
       {"cast-iron", 1},
       {"set", 2}}}},
    {"beauty",
     {{{"vegan", 2},
       {"spf", 1},
       {"serum", 2},
       {"fragrance-free", 1},
       {"hyaluronic", 1},
       {"matte", 1},
       {"travel-size", 1},
       {"organic", 2}}}},
    {"grocery",
     {{{"organic", 3},
       {"gluten-free", 2},
       {"fair-trade", 1},
       {"bulk", 1},
       {"snack", 2},
       {"coffee", 2},
       {"vegan", 1},
       {"family-size", 1}}}},
};

constexpr std::array<WeightedTerm, 8> kGenericKeywords = {{{"bestseller", 3},
                                                           {"new", 3},
                                                           {"gift", 2},
                                                           {"sale", 3},
                                                           {"premium", 1},
                                                           {"eco", 1},
                                                           {"bundle", 1},
                                                           {"limited", 1}}};

}  // namespace

std::span<const WeightedTerm> globalCountries() {
    return kGlobalCountries;
}
std::span<const WeightedTerm> euCountries() {
    return kEuCountries;
}
std::span<const WeightedTerm> nonEuCountries() {
    return kNonEuCountries;
}

std::string_view languageOf(std::string_view country) {
    for (const auto& [code, language] : kLanguages) {
        if (code == country)
            return language;
    }
    return "en";
}

std::span<const WeightedTerm> itemCategories() {
    return kItemCategories;
}
std::span<const WeightedTerm> merchantCategories() {
    return kMerchantCategories;
}

bool isHighRiskMerchantCategory(std::string_view category) {
    return std::find(std::begin(kHighRiskCategories), std::end(kHighRiskCategories), category) !=
           std::end(kHighRiskCategories);
}

std::span<const WeightedTerm> brands() {
    return kBrands;
}
std::span<const WeightedTerm> kycLevels() {
    return kKycLevels;
}
std::span<const WeightedTerm> loyaltyTiers() {
    return kLoyaltyTiers;
}
std::span<const WeightedTerm> channels() {
    return kChannels;
}
std::span<const WeightedTerm> currencies() {
    return kCurrencies;
}

std::span<const WeightedTerm> keywordsOf(std::string_view category) {
    for (const auto& k : kKeywords) {
        if (k.category == category)
            return k.words;
    }
    return kGenericKeywords;
}

}  // namespace vocabulary
}  // namespace meridian::datagen
