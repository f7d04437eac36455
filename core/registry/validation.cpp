#include "registry/validation.h"

#include <set>
#include <sstream>

#include "absl/strings/str_join.h"
#include "registry/valuetypes.h"

namespace meridian::registry {
namespace {

// Collects every problem of one object so a repository author sees them all at once.
class Problems {
public:
    explicit Problems(std::string subject) : m_subject(std::move(subject)) {}
    void add(std::string message) { m_messages.push_back(std::move(message)); }
    absl::Status status() const {
        if (m_messages.empty())
            return absl::OkStatus();
        return absl::InvalidArgumentError(m_subject + ": " + absl::StrJoin(m_messages, "; "));
    }

private:
    std::string m_subject;
    std::vector<std::string> m_messages;
};

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

void checkName(Problems& p, std::string_view what, std::string_view name) {
    if (name.empty()) {
        p.add(std::string(what) + " is empty");
    } else if (!isValidName(name)) {
        p.add(std::string(what) + " " + quoted(name) +
              " is not a valid name (a letter or '_', then letters, digits, '_' or '-')");
    }
}

void checkProject(Problems& p, const Catalog& catalog, const std::string& project) {
    if (project.empty()) {
        p.add("no project given");
    } else if (!catalog.project(project)) {
        p.add("unknown project " + quoted(project) +
              " (apply the project first or in the same file)");
    }
}

void checkRegion(Problems& p, const RegionSet& regions, std::string_view what,
                 std::string_view region) {
    if (!regions.contains(region)) {
        p.add(std::string(what) + " " + quoted(region) + " is not a region of this deployment (" +
              absl::StrJoin(regions.names(), ", ") + ")");
    }
}

void checkFields(Problems& p, std::string_view what,
                 const google::protobuf::RepeatedPtrField<v1::Field>& fields,
                 std::set<std::string>& seen) {
    for (const auto& f : fields) {
        checkName(p, std::string(what) + " name", f.name());
        if (!seen.insert(f.name()).second)
            p.add("duplicate " + std::string(what) + " " + quoted(f.name()));
        if (f.value_type() == v1::VALUE_TYPE_UNSPECIFIED ||
            valueTypeName(f.value_type()) == "UNSPECIFIED") {
            p.add(std::string(what) + " " + quoted(f.name()) +
                  " has no supported value_type (INT64, INT32, DOUBLE, FLOAT, STRING, BYTES, BOOL, "
                  "UNIX_TIMESTAMP, INT64_LIST, DOUBLE_LIST, FLOAT_LIST, STRING_LIST)");
        }
    }
}

void validateProject(Problems& p, const v1::Project& project) {
    checkName(p, "project name", project.name());
}

void validateEntity(Problems& p, const v1::Entity& e, const Catalog& catalog,
                    const v1::RegistryObject* previous) {
    checkName(p, "entity name", e.name());
    checkProject(p, catalog, e.project());
    if (e.join_keys().empty())
        p.add("no join_keys: an entity needs at least one join key");
    std::set<std::string> seen;
    for (const auto& k : e.join_keys()) {
        checkName(p, "join key name", k.name());
        if (!seen.insert(k.name()).second)
            p.add("duplicate join key " + quoted(k.name()));
        if (!isJoinKeyType(k.value_type())) {
            p.add("join key " + quoted(k.name()) + " has unsupported type " +
                  std::string(valueTypeName(k.value_type())) +
                  " (join keys are INT64, INT32, STRING or BYTES)");
        }
    }
    if (previous && previous->has_entity()) {
        const auto& old = previous->entity();
        bool same = old.join_keys_size() == e.join_keys_size();
        for (int i = 0; same && i < e.join_keys_size(); ++i) {
            same = old.join_keys(i).name() == e.join_keys(i).name() &&
                   old.join_keys(i).value_type() == e.join_keys(i).value_type();
        }
        if (!same)
            p.add(
                "join keys cannot change once defined (stored data is keyed by them); create a new "
                "entity");
    }
}

void validateDataSource(Problems& p, const v1::DataSource& s, const Catalog& catalog,
                        const RegionSet& regions) {
    checkName(p, "data source name", s.name());
    checkProject(p, catalog, s.project());
    if (s.kind() == v1::DataSource::KIND_UNSPECIFIED)
        p.add("kind is missing (BATCH, STREAM or PUSH)");
    std::set<std::string> seen;
    checkFields(p, "schema field", s.schema(), seen);
    if (s.timestamp_field().empty()) {
        p.add("timestamp_field is missing");
    } else if (!s.schema().empty()) {
        const v1::Field* ts = nullptr;
        for (const auto& f : s.schema()) {
            if (f.name() == s.timestamp_field())
                ts = &f;
        }
        if (!ts) {
            p.add("timestamp_field " + quoted(s.timestamp_field()) + " is not in the schema");
        } else if (ts->value_type() != v1::UNIX_TIMESTAMP && ts->value_type() != v1::INT64) {
            p.add("timestamp_field " + quoted(s.timestamp_field()) + " is " +
                  std::string(valueTypeName(ts->value_type())) +
                  ", expected UNIX_TIMESTAMP or INT64");
        }
    }
    if (!s.origin_region().empty())
        checkRegion(p, regions, "origin_region", s.origin_region());
}

void validateReplication(Problems& p, const v1::FeatureView& v, const RegionSet& regions) {
    const auto& r = v.replication();
    for (const auto& region : r.regions())
        checkRegion(p, regions, "replication region", region);
    switch (r.mode()) {
        case v1::ReplicationPolicy::LOCAL:
        case v1::ReplicationPolicy::MODE_UNSPECIFIED:
            if (!r.hub().empty())
                p.add("replication mode LOCAL takes no hub");
            if (r.regions_size() > 1 || (r.regions_size() == 1 && r.regions(0) != v.owner_region()))
                p.add("replication mode LOCAL keeps data in its owner region " +
                      quoted(v.owner_region()) + "; list no other regions");
            break;
        case v1::ReplicationPolicy::HUB_SPOKE: {
            if (r.hub().empty()) {
                p.add("replication mode HUB_SPOKE needs a hub");
                break;
            }
            checkRegion(p, regions, "hub", r.hub());
            if (std::find(r.regions().begin(), r.regions().end(), r.hub()) == r.regions().end())
                p.add("hub " + quoted(r.hub()) + " is not in the replication regions [" +
                      absl::StrJoin(r.regions(), ", ") + "]");
            if (r.regions_size() < 2)
                p.add("replication mode HUB_SPOKE needs the hub and at least one spoke");
            break;
        }
        case v1::ReplicationPolicy::ACTIVE_ACTIVE:
            if (!r.hub().empty())
                p.add("replication mode ACTIVE_ACTIVE takes no hub (every region accepts writes)");
            if (r.regions_size() < 2)
                p.add("replication mode ACTIVE_ACTIVE needs at least two regions");
            break;
        case v1::ReplicationPolicy::BATCH:
            if (!v.offline())
                p.add("replication mode BATCH copies offline data, but the view is not offline");
            if (r.regions_size() < 2)
                p.add("replication mode BATCH needs at least two regions");
            if (!r.schedule().empty() && parseDurationSeconds(r.schedule()) <= 0)
                p.add("schedule " + quoted(r.schedule()) +
                      " is not a duration such as 15m, 1h or 1d");
            break;
        default:
            p.add("unknown replication mode");
            break;
    }
    if (r.mode() != v1::ReplicationPolicy::LOCAL && r.regions_size() > 0 &&
        std::find(r.regions().begin(), r.regions().end(), v.owner_region()) == r.regions().end()) {
        p.add("owner_region " + quoted(v.owner_region()) + " is not in the replication regions [" +
              absl::StrJoin(r.regions(), ", ") + "]");
    }
}

void validateResidency(Problems& p, const v1::FeatureView& v, const RegionSet& regions) {
    const auto& res = v.residency();
    for (const auto& region : res.regions())
        checkRegion(p, regions, "residency region", region);
    if (!res.jurisdiction().empty() && !regions.hasJurisdiction(res.jurisdiction())) {
        p.add("residency jurisdiction " + quoted(res.jurisdiction()) +
              " has no region in this deployment");
    }
    const auto allowed = regions.allowedRegions(res);
    if (regions.contains(v.owner_region()) && !allowed.count(v.owner_region())) {
        p.add("residency excludes the owner region " + quoted(v.owner_region()) + " (allowed: " +
              (allowed.empty() ? std::string("none") : absl::StrJoin(allowed, ", ")) + ")");
    }
    for (const auto& region : v.replication().regions()) {
        if (regions.contains(region) && !allowed.count(region)) {
            p.add("replication to " + quoted(region) + " breaks residency (allowed: " +
                  (allowed.empty() ? std::string("none") : absl::StrJoin(allowed, ", ")) + ")");
        }
    }
}

void validateFeatureView(Problems& p, const v1::FeatureView& v, const Catalog& catalog,
                         const RegionSet& regions, const v1::RegistryObject* previous) {
    checkName(p, "feature view name", v.name());
    checkProject(p, catalog, v.project());
    if (v.entities().empty())
        p.add("no entities: a feature view is keyed by at least one entity");
    std::set<std::string> joinKeys;
    std::set<std::string> entities;
    for (const auto& name : v.entities()) {
        if (!entities.insert(name).second)
            p.add("entity " + quoted(name) + " listed twice");
        const auto* e = catalog.entity(v.project(), name);
        if (!e) {
            p.add("unknown entity " + quoted(name) + " referenced");
            continue;
        }
        for (const auto& k : e->join_keys()) {
            if (!joinKeys.insert(k.name()).second)
                p.add("join key " + quoted(k.name()) + " comes from two entities");
        }
    }
    if (v.features().empty())
        p.add("no features");
    std::set<std::string> seen;
    checkFields(p, "feature", v.features(), seen);
    for (const auto& f : v.features()) {
        if (joinKeys.count(f.name()))
            p.add("feature " + quoted(f.name()) + " has the name of a join key");
    }
    for (const auto& s : v.sources()) {
        if (!catalog.dataSource(v.project(), s))
            p.add("unknown data source " + quoted(s) + " referenced");
    }
    if (v.ttl_seconds() < 0)
        p.add("ttl_seconds is negative");
    if (!v.online() && !v.offline())
        p.add("online and offline are both false: the view would store nothing");
    if (v.owner_region().empty()) {
        p.add("owner_region is missing");
    } else {
        checkRegion(p, regions, "owner_region", v.owner_region());
    }
    validateReplication(p, v, regions);
    validateResidency(p, v, regions);

    if (previous && previous->has_feature_view()) {
        for (const auto& old : previous->feature_view().features()) {
            for (const auto& f : v.features()) {
                if (f.name() == old.name() && f.value_type() != old.value_type()) {
                    p.add("feature " + quoted(f.name()) + " changes type from " +
                          std::string(valueTypeName(old.value_type())) + " to " +
                          std::string(valueTypeName(f.value_type())) +
                          " (stored values would no longer match); add a new feature instead");
                }
            }
        }
        std::vector<std::string> oldEntities(previous->feature_view().entities().begin(),
                                             previous->feature_view().entities().end());
        std::vector<std::string> newEntities(v.entities().begin(), v.entities().end());
        std::sort(oldEntities.begin(), oldEntities.end());
        std::sort(newEntities.begin(), newEntities.end());
        if (oldEntities != newEntities)
            p.add(
                "entities cannot change once defined (stored rows are keyed by them); create a new "
                "view");
    }
}

void validateFeatureService(Problems& p, const v1::FeatureService& s, const Catalog& catalog) {
    checkName(p, "feature service name", s.name());
    checkProject(p, catalog, s.project());
    if (s.features().empty())
        p.add("no features: list at least one feature view projection");
    std::set<std::string> views;
    for (const auto& proj : s.features()) {
        if (!views.insert(proj.feature_view()).second)
            p.add("feature view " + quoted(proj.feature_view()) + " projected twice");
        const auto* view = catalog.featureView(s.project(), proj.feature_view());
        if (!view) {
            p.add("unknown feature view " + quoted(proj.feature_view()) + " referenced");
            continue;
        }
        std::set<std::string> names;
        for (const auto& f : proj.features()) {
            bool found = false;
            for (const auto& vf : view->features())
                found = found || vf.name() == f;
            if (!found)
                p.add("feature view " + quoted(proj.feature_view()) + " has no feature " +
                      quoted(f));
            if (!names.insert(f).second)
                p.add("feature " + quoted(f) + " projected twice");
        }
    }
    for (const auto& c : s.consumers()) {
        if (c.model().empty())
            p.add("a consumer has no model name");
    }
}

}  // namespace

bool isValidName(std::string_view name) {
    if (name.empty() || name.size() > 128)
        return false;
    auto alpha = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!alpha(name[0]))
        return false;
    for (char c : name) {
        if (!alpha(c) && !digit(c) && c != '-')
            return false;
    }
    return true;
}

long long parseDurationSeconds(std::string_view text) {
    if (text.size() < 2)
        return -1;
    long long n = 0;
    size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        n = n * 10 + (text[i] - '0');
        if (n > 100000000)
            return -1;
    }
    if (i == 0 || i + 1 != text.size())
        return -1;
    switch (text[i]) {
        case 's':
            return n;
        case 'm':
            return n * 60;
        case 'h':
            return n * 3600;
        case 'd':
            return n * 86400;
        default:
            return -1;
    }
}

absl::Status validateObject(const v1::RegistryObject& object, const Catalog& catalog,
                            const RegionSet& regions, const v1::RegistryObject* previous) {
    const auto key = keyOf(object);
    Problems p(key.toString());
    switch (object.spec_case()) {
        case v1::RegistryObject::kProject:
            validateProject(p, object.project());
            break;
        case v1::RegistryObject::kEntity:
            validateEntity(p, object.entity(), catalog, previous);
            break;
        case v1::RegistryObject::kDataSource:
            validateDataSource(p, object.data_source(), catalog, regions);
            break;
        case v1::RegistryObject::kFeatureView:
            validateFeatureView(p, object.feature_view(), catalog, regions, previous);
            break;
        case v1::RegistryObject::kFeatureService:
            validateFeatureService(p, object.feature_service(), catalog);
            break;
        case v1::RegistryObject::SPEC_NOT_SET:
            return absl::InvalidArgumentError(
                "registry object has no spec (project, entity, data_source, feature_view or "
                "feature_service)");
    }
    return p.status();
}

}  // namespace meridian::registry
