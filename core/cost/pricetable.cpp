#include "cost/pricetable.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace meridian::cost {
namespace {

constexpr const char* kClasses[] = {"same_region", "same_continent", "cross_continent", "internet"};

absl::Status errorAt(const std::string& name, const YAML::Node& node, const std::string& field,
                     const std::string& what) {
    std::string where = name;
    if (node.IsDefined() && node.Mark().line >= 0)
        where += ":" + std::to_string(node.Mark().line + 1);
    return absl::InvalidArgumentError(where + ": " + field + ": " + what);
}

absl::StatusOr<double> priceAt(const std::string& name, const YAML::Node& node,
                               const std::string& field) {
    if (!node.IsScalar())
        return errorAt(name, node, field, "expected a price in USD per GB");
    try {
        const double v = node.as<double>();
        if (v < 0)
            return errorAt(name, node, field, "a price cannot be negative");
        return v;
    } catch (const YAML::Exception&) {
        return errorAt(name, node, field, "'" + node.Scalar() + "' is not a number");
    }
}

}  // namespace

absl::StatusOr<PriceTable> PriceTable::parse(const std::string& text, const std::string& name) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(name + ":" + std::to_string(e.mark.line + 1) + ": " +
                                          e.msg);
    }
    PriceTable table;
    table.m_path = name;
    const auto clouds = root["clouds"];
    if (!clouds.IsMap())
        return errorAt(name, root, "clouds", "expected a mapping of clouds to prices");
    for (const auto& kv : clouds) {
        const std::string cloud = kv.first.as<std::string>();
        const auto& node = kv.second;
        CloudPrices prices;
        if (!node["source"].IsScalar())
            return errorAt(name, node, "clouds." + cloud + ".source",
                           "every price needs its source");
        if (!node["recorded"].IsScalar())
            return errorAt(name, node, "clouds." + cloud + ".recorded",
                           "every price needs the date it was recorded");
        prices.source = node["source"].as<std::string>();
        prices.recorded = node["recorded"].as<std::string>();
        for (const char* cls : kClasses) {
            const std::string field = "clouds." + cloud + "." + cls;
            const auto c = node[cls];
            if (!c.IsMap())
                return errorAt(name, c.IsDefined() ? c : node, field,
                               "missing (expected {usd_per_gb: N})");
            auto base = priceAt(name, c["usd_per_gb"], field + ".usd_per_gb");
            if (!base.ok())
                return base.status();
            ClassPrice cp{*base, {}};
            if (const auto from = c["from"]; from.IsDefined()) {
                if (!from.IsMap())
                    return errorAt(name, from, field + ".from", "expected continent: price");
                for (const auto& f : from) {
                    auto p = priceAt(name, f.second, field + ".from." + f.first.as<std::string>());
                    if (!p.ok())
                        return p.status();
                    cp.fromContinent[f.first.as<std::string>()] = *p;
                }
            }
            prices.classes[cls] = cp;
        }
        table.m_clouds[cloud] = std::move(prices);
    }
    return table;
}

absl::StatusOr<PriceTable> PriceTable::load(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return absl::NotFoundError("cannot read price table '" + path + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str(), path);
}

Price PriceTable::priceOf(const registry::RegionInfo& from, const registry::RegionInfo& to) const {
    auto it = m_clouds.find(from.cloud);
    if (it == m_clouds.end())
        return {0, "unpriced (no prices for cloud '" + from.cloud + "')", {}, {}};
    const auto& cloud = it->second;
    std::string cls, label;
    if (from.cloud != to.cloud) {
        cls = "internet";
        label = from.cloud + " internet egress (to " +
                (to.cloud.empty() ? "another network" : to.cloud) + ")";
    } else if (from.providerRegion == to.providerRegion && !from.providerRegion.empty()) {
        cls = "same_region";
        label = from.cloud + " within " + from.providerRegion;
    } else if (!from.continent.empty() && from.continent == to.continent) {
        cls = "same_continent";
        label = from.cloud + " inter-region, same continent";
    } else {
        cls = "cross_continent";
        label = from.cloud + " inter-region, across continents";
    }
    const auto& cp = cloud.classes.at(cls);
    double usd = cp.usdPerGb;
    if (auto f = cp.fromContinent.find(from.continent); f != cp.fromContinent.end())
        usd = f->second;
    return {usd, label, cloud.source, cloud.recorded};
}

}  // namespace meridian::cost
