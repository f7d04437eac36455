#pragma once
// The price table (resources/pricing.yaml): $/GB for traffic leaving a region, by class —
// same region, same continent, across continents within one cloud, across clouds — with the
// source and date of each price.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "registry/regionset.h"

namespace meridian::cost {

struct Price {
    double usdPerGb = 0;
    std::string priceClass;  // e.g. "aws inter-region, across continents"
    std::string source;
    std::string recorded;
};

class PriceTable {
public:
    static absl::StatusOr<PriceTable> load(const std::string& path);
    static absl::StatusOr<PriceTable> parse(const std::string& text, const std::string& name);

    // What a byte from `from` to `to` costs; an unknown cloud costs nothing and says so.
    Price priceOf(const registry::RegionInfo& from, const registry::RegionInfo& to) const;
    const std::string& path() const { return m_path; }

private:
    struct ClassPrice {
        double usdPerGb = 0;
        std::map<std::string, double> fromContinent;
    };
    struct CloudPrices {
        std::string source;
        std::string recorded;
        std::map<std::string, ClassPrice>
            classes;  // same_region, same_continent, cross_continent, internet
    };
    std::map<std::string, CloudPrices> m_clouds;
    std::string m_path;
};

}  // namespace meridian::cost
