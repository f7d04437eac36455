#pragma once
// Weighted vocabularies for plausible categorical values: countries, languages, categories,
// brands, tiers, and the words of a category.

#include <span>
#include <string_view>

#include "datagen/randomsource.h"

namespace meridian::datagen {

struct WeightedTerm {
    std::string_view term;
    double weight;
};

// One term, drawn by weight.
std::string_view pick(std::span<const WeightedTerm> terms, RandomSource& random);

namespace vocabulary {

// ISO 3166-1 alpha-2 codes weighted by a global marketplace's customer mix.
std::span<const WeightedTerm> globalCountries();
// EU member states only, for views whose data stays in the EU.
std::span<const WeightedTerm> euCountries();
// The global mix without EU member states, for views kept out of EU regions.
std::span<const WeightedTerm> nonEuCountries();
// The storefront language of a country ("de" for DE and AT, "en" when unknown).
std::string_view languageOf(std::string_view country);

std::span<const WeightedTerm> itemCategories();
std::span<const WeightedTerm> merchantCategories();
// Merchant categories the card schemes treat as high risk (gift cards, gaming, …).
bool isHighRiskMerchantCategory(std::string_view category);
std::span<const WeightedTerm> brands();
std::span<const WeightedTerm> kycLevels();
std::span<const WeightedTerm> loyaltyTiers();
std::span<const WeightedTerm> channels();
std::span<const WeightedTerm> currencies();
// Search keywords of an item category; a generic set for an unknown one.
std::span<const WeightedTerm> keywordsOf(std::string_view category);

}  // namespace vocabulary
}  // namespace meridian::datagen
