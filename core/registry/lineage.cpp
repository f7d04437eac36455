#include "registry/lineage.h"

#include <set>

namespace meridian::registry {
namespace {

std::string_view prefixOf(v1::LineageNode::Kind kind) {
    switch (kind) {
        case v1::LineageNode::ENTITY:
            return "entity";
        case v1::LineageNode::DATA_SOURCE:
            return "data_source";
        case v1::LineageNode::FEATURE_VIEW:
            return "feature_view";
        case v1::LineageNode::FEATURE_SERVICE:
            return "feature_service";
        case v1::LineageNode::CONSUMER:
            return "consumer";
        case v1::LineageNode::REGION:
            return "region";
        default:
            return "node";
    }
}

class Builder {
public:
    explicit Builder(v1::LineageResponse& out) : m_out(out) {}

    std::string node(v1::LineageNode::Kind kind, const std::string& project,
                     const std::string& name) {
        std::string id = lineageId(kind, project, name);
        if (m_ids.insert(id).second) {
            auto* n = m_out.add_nodes();
            n->set_id(id);
            n->set_kind(kind);
            n->set_project(project);
            n->set_name(name);
        }
        return id;
    }

    void edge(const std::string& from, const std::string& to, bool crosses = false) {
        auto* e = m_out.add_edges();
        e->set_from(from);
        e->set_to(to);
        e->set_crosses_residency(crosses);
    }

    v1::LineageNode* find(const std::string& id) {
        for (auto& n : *m_out.mutable_nodes()) {
            if (n.id() == id)
                return &n;
        }
        return nullptr;
    }

private:
    v1::LineageResponse& m_out;
    std::set<std::string> m_ids;
};

}  // namespace

std::string lineageId(v1::LineageNode::Kind kind, std::string_view project, std::string_view name) {
    std::string id(prefixOf(kind));
    id += ':';
    if (!project.empty()) {
        id += project;
        id += '/';
    }
    id += name;
    return id;
}

v1::LineageResponse buildLineage(const Catalog& catalog, const RegionSet& regions,
                                 const std::string& project) {
    v1::LineageResponse out;
    Builder b(out);
    auto inScope = [&](const std::string& p) { return project.empty() || p == project; };

    for (const auto* o : catalog.ofKind(v1::FEATURE_VIEW)) {
        const auto& v = o->feature_view();
        if (!inScope(v.project()))
            continue;
        const std::string viewId = b.node(v1::LineageNode::FEATURE_VIEW, v.project(), v.name());
        const auto storing = regions.storingRegions(v);
        const auto allowed = regions.allowedRegions(v.residency());
        for (const auto& r : storing)
            b.find(viewId)->add_regions(r);

        for (const auto& e : v.entities()) {
            b.edge(b.node(v1::LineageNode::ENTITY, v.project(), e), viewId);
        }
        for (const auto& s : v.sources()) {
            // Data born in one jurisdiction and stored outside it crosses a residency boundary.
            bool crosses = false;
            if (const auto* src = catalog.dataSource(v.project(), s)) {
                if (const auto* origin = regions.find(src->origin_region());
                    origin && !origin->jurisdiction.empty()) {
                    for (const auto& r : storing) {
                        const auto* info = regions.find(r);
                        crosses = crosses || (info && info->jurisdiction != origin->jurisdiction);
                    }
                }
            }
            b.edge(b.node(v1::LineageNode::DATA_SOURCE, v.project(), s), viewId, crosses);
        }
        std::set<std::string> targets(v.replication().regions().begin(),
                                      v.replication().regions().end());
        targets.insert(storing.begin(), storing.end());
        for (const auto& r : targets) {
            b.edge(viewId, b.node(v1::LineageNode::REGION, "", r), !allowed.count(r));
        }
    }
    for (const auto* o : catalog.ofKind(v1::FEATURE_SERVICE)) {
        const auto& s = o->feature_service();
        if (!inScope(s.project()))
            continue;
        const std::string serviceId =
            b.node(v1::LineageNode::FEATURE_SERVICE, s.project(), s.name());
        for (const auto& p : s.features()) {
            b.edge(b.node(v1::LineageNode::FEATURE_VIEW, s.project(), p.feature_view()), serviceId);
        }
        for (const auto& c : s.consumers()) {
            b.edge(serviceId, b.node(v1::LineageNode::CONSUMER, s.project(), c.model()));
        }
    }
    // Entities and sources nothing uses yet still belong on the map.
    for (const auto* o : catalog.ofKind(v1::ENTITY)) {
        if (inScope(o->entity().project()))
            b.node(v1::LineageNode::ENTITY, o->entity().project(), o->entity().name());
    }
    for (const auto* o : catalog.ofKind(v1::DATA_SOURCE)) {
        if (inScope(o->data_source().project()))
            b.node(v1::LineageNode::DATA_SOURCE, o->data_source().project(),
                   o->data_source().name());
    }
    return out;
}

}  // namespace meridian::registry
