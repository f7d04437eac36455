#pragma once
// A made-up registry lineage of realistic shape and any size, for the lineage layout test and
// benchmark: sources and entities feed feature views (mostly within a project), views are stored
// in one to four regions (a few outside their jurisdiction), services project several views,
// consumer models read services. Deterministic for a given seed.

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "console/consoledata.h"

namespace meridian::test {

struct LineageShape {
    int sources = 100;
    int entities = 300;
    int views = 1200;
    int services = 300;
    int consumers = 100;
    int projects = 12;
    unsigned seed = 20240501;
};

struct GeneratedRegion {
    const char* name;
    const char* jurisdiction;
};

inline const std::vector<GeneratedRegion>& generatedRegions() {
    static const std::vector<GeneratedRegion> regions = {
        {"aws-us-east-1", "us"},         {"aws-us-west-2", "us"},    {"gcp-us-central1", "us"},
        {"aws-eu-west-1", "eu"},         {"aws-eu-central-1", "eu"}, {"gcp-europe-west4", "eu"},
        {"azure-southeastasia", "apac"}, {"azure-japaneast", "apac"}};
    return regions;
}

inline console::LineageGraph generateLineage(const LineageShape& shape = {}) {
    using Kind = console::LineageNode::Kind;
    std::mt19937 rng(shape.seed);
    auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    static const char* const kWords[] = {"user",    "merchant", "item",    "session", "card",
                                         "device",  "order",    "payment", "store",   "basket",
                                         "address", "review",   "search",  "ad",      "coupon"};
    static const char* const kAggregates[] = {"counts_1h", "sums_24h", "profile",   "velocity_7d",
                                              "embedding", "risk",     "stats_30d", "recency"};
    console::LineageGraph g;
    auto add = [&g](Kind kind, const std::string& prefix, const std::string& project,
                    const std::string& name, std::vector<std::string> regions = {}) {
        console::LineageNode n;
        n.kind = kind;
        n.project = project;
        n.name = name;
        n.id = prefix + ":" + (project.empty() ? "" : project + "/") + name;
        n.regions = std::move(regions);
        g.nodes.push_back(std::move(n));
        return static_cast<int>(g.nodes.size() - 1);
    };
    auto edge = [&g](int from, int to, bool crosses = false) {
        g.edges.push_back({g.nodes[from].id, g.nodes[to].id, crosses});
    };
    auto project = [&](int i) { return "team" + std::to_string(i % shape.projects); };

    const auto& regions = generatedRegions();
    std::vector<int> regionNodes;
    for (const auto& r : regions)
        regionNodes.push_back(add(Kind::Region, "region", "", r.name));
    std::vector<int> sources;
    std::vector<int> sourceJurisdiction;  // index into {us, eu, apac}
    for (int i = 0; i < shape.sources; ++i) {
        sources.push_back(add(Kind::DataSource, "data_source", project(i),
                              std::string(kWords[i % 15]) + "_events_" + std::to_string(i)));
        sourceJurisdiction.push_back(pick(3));
    }
    std::vector<int> entities;
    for (int i = 0; i < shape.entities; ++i)
        entities.push_back(add(Kind::Entity, "entity", project(i),
                               std::string(kWords[i % 15]) + "_" + std::to_string(i)));
    std::vector<int> views;
    for (int i = 0; i < shape.views; ++i) {
        const int p = i % shape.projects;
        const int source =
            (pick(shape.sources / shape.projects) * shape.projects + p) % shape.sources;
        const int j = sourceJurisdiction[source];
        // Mostly stored in the source's jurisdiction; one view in thirty is replicated abroad.
        const bool abroad = pick(30) == 0;
        std::vector<std::string> stored;
        const int copies = 1 + pick(3);
        for (int c = 0; c < copies; ++c) {
            const int jj = abroad && c == copies - 1 ? (j + 1) % 3 : j;
            const int base = jj == 0 ? 0 : jj == 1 ? 3 : 6;
            const int span = jj == 2 ? 2 : 3;
            const std::string r = regions[base + pick(span)].name;
            if (std::find(stored.begin(), stored.end(), r) == stored.end())
                stored.push_back(r);
        }
        const int v = add(
            Kind::FeatureView, "feature_view", project(p),
            std::string(kWords[pick(15)]) + "_" + kAggregates[pick(8)] + "_" + std::to_string(i),
            stored);
        views.push_back(v);
        const int entityCount = 1 + (pick(4) == 0 ? 1 : 0);
        for (int e = 0; e < entityCount; ++e)
            edge(entities[(pick(shape.entities / shape.projects) * shape.projects + p) %
                          shape.entities],
                 v);
        edge(sources[source], v, abroad);
        if (pick(3) == 0)
            edge(sources[(source + shape.projects) % shape.sources], v);
        for (const auto& r : stored) {
            for (size_t k = 0; k < regions.size(); ++k) {
                if (r == regions[k].name)
                    edge(v, regionNodes[k]);
            }
        }
    }
    std::vector<int> services;
    for (int i = 0; i < shape.services; ++i) {
        const int p = i % shape.projects;
        const int s = add(Kind::FeatureService, "feature_service", project(p),
                          std::string(kWords[pick(15)]) + "_scoring_" + std::to_string(i));
        services.push_back(s);
        const int used = 3 + pick(6);
        for (int k = 0; k < used; ++k)
            edge(views[(pick(shape.views / shape.projects) * shape.projects + p) % shape.views], s);
    }
    for (int i = 0; i < shape.consumers; ++i) {
        const int p = i % shape.projects;
        const int c = add(Kind::Consumer, "consumer", project(p),
                          std::string(kWords[pick(15)]) + "-model-v" + std::to_string(1 + i));
        const int reads = 1 + pick(3);
        for (int k = 0; k < reads; ++k)
            edge(services[(pick(shape.services / shape.projects) * shape.projects + p) %
                          shape.services],
                 c);
    }
    return g;
}

}  // namespace meridian::test
