#include "objectdetail.h"

#include <map>

#include "absl/strings/str_join.h"
#include "ctlformat.h"
#include "registry/catalog.h"
#include "registry/valuetypes.h"
#include "replication/replicationpolicy.h"

namespace meridian::ctl {
namespace {

std::string orDash(const std::string& s) {
    return s.empty() ? "-" : s;
}

std::string tagsText(const google::protobuf::Map<std::string, std::string>& tags) {
    // Sorted, so the output does not depend on hash order.
    std::map<std::string, std::string> sorted(tags.begin(), tags.end());
    std::vector<std::string> parts;
    for (const auto& [k, v] : sorted)
        parts.push_back(k + "=" + v);
    return absl::StrJoin(parts, ", ");
}

std::string joinKeysText(const v1::Entity& e) {
    std::vector<std::string> parts;
    for (const auto& k : e.join_keys())
        parts.push_back(k.name() + ":" + std::string(registry::valueTypeName(k.value_type())));
    return absl::StrJoin(parts, ", ");
}

std::string ttlText(int64_t seconds) {
    return seconds == 0 ? "never" : formatDuration(seconds);
}

std::string storesText(const v1::FeatureView& v) {
    std::vector<std::string> stores;
    if (!v.has_online() || v.online())
        stores.push_back("online");
    if (!v.has_offline() || v.offline())
        stores.push_back("offline");
    return stores.empty() ? "none" : absl::StrJoin(stores, "+");
}

std::string regionsText(const v1::FeatureView& v) {
    if (v.replication().regions().empty())
        return orDash(v.owner_region());
    return absl::StrJoin(v.replication().regions(), ",");
}

std::string replicationText(const v1::ReplicationPolicy& r) {
    std::string out = replication::modeName(r.mode());
    if (!r.hub().empty())
        out += ", hub " + r.hub();
    if (!r.regions().empty())
        out += ", regions " + absl::StrJoin(r.regions(), ", ");
    if (!r.schedule().empty())
        out += ", every " + r.schedule();
    return out;
}

std::string sourceKindName(v1::DataSource::Kind kind) {
    switch (kind) {
        case v1::DataSource::BATCH:
            return "batch";
        case v1::DataSource::STREAM:
            return "stream";
        case v1::DataSource::PUSH:
            return "push";
        default:
            return "-";
    }
}

std::string projectionsText(const v1::FeatureService& s) {
    std::vector<std::string> parts;
    for (const auto& p : s.features())
        parts.push_back(p.feature_view() + (p.features().empty()
                                                ? std::string(":*")
                                                : "[" + absl::StrJoin(p.features(), ",") + "]"));
    return absl::StrJoin(parts, " ");
}

std::string consumersText(const v1::FeatureService& s) {
    std::vector<std::string> parts;
    for (const auto& c : s.consumers())
        parts.push_back(c.team().empty() ? c.model() : c.model() + " (" + c.team() + ")");
    return absl::StrJoin(parts, ", ");
}

// "label   value" lines with the values aligned; empty values are left out.
class Lines {
public:
    void add(std::string label, std::string value) {
        if (!value.empty())
            m_lines.emplace_back(std::move(label), std::move(value));
    }
    std::string render() const {
        size_t width = 0;
        for (const auto& [label, value] : m_lines)
            width = std::max(width, label.size());
        std::string out;
        for (const auto& [label, value] : m_lines)
            out += label + std::string(width - label.size() + 2, ' ') + value + "\n";
        return out;
    }

private:
    std::vector<std::pair<std::string, std::string>> m_lines;
};

std::string fieldsTable(const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                        const std::string& title) {
    TextTable t({title, "TYPE", "DESCRIPTION"});
    for (const auto& f : fields)
        t.addRow({f.name(), std::string(registry::valueTypeName(f.value_type())), f.description()});
    return t.render();
}

}  // namespace

std::string residencyText(const v1::ResidencyPolicy& residency) {
    std::vector<std::string> parts;
    if (!residency.jurisdiction().empty())
        parts.push_back(residency.jurisdiction());
    if (!residency.regions().empty())
        parts.push_back(absl::StrJoin(residency.regions(), ","));
    return parts.empty() ? "anywhere" : absl::StrJoin(parts, " ");
}

std::string qualifiedName(const v1::RegistryObject& object) {
    const auto key = registry::keyOf(object);
    return key.project.empty() ? key.name : key.project + "/" + key.name;
}

TextTable objectTable(v1::ObjectKind kind, const std::vector<v1::RegistryObject>& objects,
                      bool showProject) {
    std::vector<std::string> headers;
    if (showProject && kind != v1::PROJECT)
        headers.push_back("PROJECT");
    const size_t first = headers.size();
    switch (kind) {
        case v1::PROJECT:
            headers.insert(headers.end(), {"NAME", "DESCRIPTION", "OWNER"});
            break;
        case v1::ENTITY:
            headers.insert(headers.end(), {"NAME", "JOIN KEYS", "DESCRIPTION", "OWNER"});
            break;
        case v1::DATA_SOURCE:
            headers.insert(headers.end(),
                           {"NAME", "KIND", "TIMESTAMP FIELD", "ORIGIN REGION", "URI"});
            break;
        case v1::FEATURE_VIEW:
            headers.insert(headers.end(), {"NAME", "ENTITIES", "FEATURES", "TTL", "STORES", "MODE",
                                           "REGIONS", "RESIDENCY", "OWNER REGION"});
            break;
        case v1::FEATURE_SERVICE:
            headers.insert(headers.end(), {"NAME", "FEATURES", "CONSUMERS", "OWNER"});
            break;
        default:
            headers.push_back("NAME");
            break;
    }
    headers.insert(headers.end(), {"VERSION", "UPDATED"});
    TextTable table(headers);
    if (kind == v1::FEATURE_VIEW)
        table.alignRight(first + 2);
    table.alignRight(headers.size() - 2);
    for (const auto& o : objects) {
        std::vector<std::string> row;
        if (showProject && kind != v1::PROJECT)
            row.push_back(registry::keyOf(o).project);
        switch (o.spec_case()) {
            case v1::RegistryObject::kProject: {
                const auto& p = o.project();
                row.insert(row.end(), {p.name(), p.description(), p.owner()});
                break;
            }
            case v1::RegistryObject::kEntity: {
                const auto& e = o.entity();
                row.insert(row.end(), {e.name(), joinKeysText(e), e.description(), e.owner()});
                break;
            }
            case v1::RegistryObject::kDataSource: {
                const auto& s = o.data_source();
                row.insert(row.end(),
                           {s.name(), sourceKindName(s.kind()), orDash(s.timestamp_field()),
                            orDash(s.origin_region()), s.uri()});
                break;
            }
            case v1::RegistryObject::kFeatureView: {
                const auto& v = o.feature_view();
                row.insert(row.end(), {v.name(), absl::StrJoin(v.entities(), ","),
                                       std::to_string(v.features_size()), ttlText(v.ttl_seconds()),
                                       storesText(v), replication::modeName(v.replication().mode()),
                                       regionsText(v), residencyText(v.residency()),
                                       orDash(v.owner_region())});
                break;
            }
            case v1::RegistryObject::kFeatureService: {
                const auto& s = o.feature_service();
                row.insert(row.end(), {s.name(), projectionsText(s), consumersText(s), s.owner()});
                break;
            }
            default:
                row.push_back(o.meta().name());
                break;
        }
        row.push_back(std::to_string(o.meta().version()));
        row.push_back(formatTime(o.meta().updated_at()));
        table.addRow(std::move(row));
    }
    return table;
}

std::string objectDetail(const v1::RegistryObject& object) {
    const auto key = registry::keyOf(object);
    const auto& meta = object.meta();
    Lines lines;
    lines.add(std::string(registry::kindName(key.kind)), qualifiedName(object));
    lines.add("version", std::to_string(meta.version()) + (meta.deleted() ? " (deleted)" : "") +
                             ", spec " + shortHash(meta.spec_hash()));
    lines.add("owner region", meta.owner_region());
    // Federated control plane: where the owner has published it (empty lines are left out).
    lines.add("published to", absl::StrJoin(meta.published_to(), ", "));
    lines.add("created", formatTime(meta.created_at()));
    lines.add("updated", formatTime(meta.updated_at()) +
                             (meta.applied_by().empty() ? "" : " by " + meta.applied_by()));
    std::string tables;
    switch (object.spec_case()) {
        case v1::RegistryObject::kProject: {
            const auto& p = object.project();
            lines.add("description", p.description());
            lines.add("owner", p.owner());
            lines.add("tags", tagsText(p.tags()));
            break;
        }
        case v1::RegistryObject::kEntity: {
            const auto& e = object.entity();
            lines.add("description", e.description());
            lines.add("owner", e.owner());
            lines.add("tags", tagsText(e.tags()));
            TextTable t({"JOIN KEY", "TYPE"});
            for (const auto& k : e.join_keys())
                t.addRow({k.name(), std::string(registry::valueTypeName(k.value_type()))});
            tables = t.render();
            break;
        }
        case v1::RegistryObject::kDataSource: {
            const auto& s = object.data_source();
            lines.add("kind", sourceKindName(s.kind()));
            lines.add("timestamp field", s.timestamp_field());
            lines.add("origin region", s.origin_region());
            lines.add("uri", s.uri());
            lines.add("description", s.description());
            lines.add("owner", s.owner());
            lines.add("tags", tagsText(s.tags()));
            if (!s.schema().empty())
                tables = fieldsTable(s.schema(), "FIELD");
            break;
        }
        case v1::RegistryObject::kFeatureView: {
            const auto& v = object.feature_view();
            lines.add("description", v.description());
            lines.add("entities", absl::StrJoin(v.entities(), ", "));
            lines.add("sources", absl::StrJoin(v.sources(), ", "));
            lines.add("ttl", ttlText(v.ttl_seconds()));
            lines.add("stores", storesText(v));
            lines.add("replication", replicationText(v.replication()));
            lines.add("residency", residencyText(v.residency()));
            lines.add("owner", v.owner());
            lines.add("tags", tagsText(v.tags()));
            tables = fieldsTable(v.features(), "FEATURE");
            break;
        }
        case v1::RegistryObject::kFeatureService: {
            const auto& s = object.feature_service();
            lines.add("description", s.description());
            lines.add("owner", s.owner());
            lines.add("tags", tagsText(s.tags()));
            TextTable t({"FEATURE VIEW", "FEATURES"});
            for (const auto& p : s.features())
                t.addRow({p.feature_view(),
                          p.features().empty() ? "* (all)" : absl::StrJoin(p.features(), ", ")});
            tables = t.render();
            if (!s.consumers().empty()) {
                TextTable c({"CONSUMER MODEL", "TEAM", "DESCRIPTION"});
                for (const auto& m : s.consumers())
                    c.addRow({m.model(), m.team(), m.description()});
                tables += "\n" + c.render();
            }
            break;
        }
        default:
            break;
    }
    std::string out = lines.render();
    if (!tables.empty())
        out += "\n" + tables;
    return out;
}

}  // namespace meridian::ctl
