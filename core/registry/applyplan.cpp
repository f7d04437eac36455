#include "registry/applyplan.h"

#include <map>
#include <set>

#include "absl/strings/str_join.h"
#include "registry/canonical.h"
#include "registry/validation.h"

namespace meridian::registry {

std::vector<v1::RegistryObject> objectsOf(const v1::FeatureRepository& repository) {
    std::vector<v1::RegistryObject> out;
    if (repository.has_project())
        *out.emplace_back().mutable_project() = repository.project();
    for (const auto& p : repository.projects())
        *out.emplace_back().mutable_project() = p;
    for (const auto& e : repository.entities())
        *out.emplace_back().mutable_entity() = e;
    for (const auto& s : repository.data_sources())
        *out.emplace_back().mutable_data_source() = s;
    for (const auto& v : repository.feature_views())
        *out.emplace_back().mutable_feature_view() = v;
    for (const auto& s : repository.feature_services())
        *out.emplace_back().mutable_feature_service() = s;
    return out;
}

absl::StatusOr<std::vector<PlannedChange>> planApply(const Catalog& current,
                                                     std::vector<v1::RegistryObject> incoming,
                                                     const RegionSet& regions,
                                                     const ApplyContext& context) {
    if (incoming.empty())
        return absl::InvalidArgumentError("nothing to apply: the request holds no objects");

    // Objects that name no project join the request's only project, if it has exactly one.
    NormalizeContext norm{context.defaultProject, context.region};
    if (norm.defaultProject.empty()) {
        std::set<std::string> projects;
        for (const auto& o : incoming) {
            if (o.has_project())
                projects.insert(o.project().name());
        }
        if (projects.size() == 1)
            norm.defaultProject = *projects.begin();
    }

    std::map<ObjectKey, v1::RegistryObject> overlay = current.objects();
    std::vector<ObjectKey> order;
    std::set<ObjectKey> named;
    for (auto& o : incoming) {
        if (o.spec_case() == v1::RegistryObject::SPEC_NOT_SET)
            return absl::InvalidArgumentError("object #" + std::to_string(order.size() + 1) +
                                              " has no spec");
        // The spec says what the object is; a meta that says otherwise is a mistake, not a hint.
        if (const auto kind = o.meta().kind();
            kind != v1::OBJECT_KIND_UNSPECIFIED && kind != keyOf(o).kind) {
            const std::string named = v1::ObjectKind_Name(kind);
            return absl::InvalidArgumentError(
                "object #" + std::to_string(order.size() + 1) + ": meta.kind is " +
                (named.empty() ? std::to_string(kind) : named) + " but its spec is a " +
                v1::ObjectKind_Name(keyOf(o).kind));
        }
        normalize(o, norm);
        auto key = keyOf(o);
        if (!named.insert(key).second)
            return absl::InvalidArgumentError(key.toString() + " appears twice in the request");
        order.push_back(key);
        overlay.insert_or_assign(key, o);
    }
    std::vector<v1::RegistryObject> merged;
    merged.reserve(overlay.size());
    for (auto& [k, o] : overlay)
        merged.push_back(o);
    const Catalog after(std::move(merged));

    std::vector<std::string> problems;
    std::vector<PlannedChange> plan;
    for (const auto& key : order) {
        const v1::RegistryObject& object = after.objects().at(key);
        const v1::RegistryObject* previous = current.find(key);
        if (auto st = validateObject(object, after, regions, previous); !st.ok()) {
            problems.emplace_back(st.message());
            continue;
        }
        PlannedChange change;
        change.object = object;
        auto* meta = change.object.mutable_meta();
        meta->Clear();  // a request's meta says the kind and nothing else
        meta->set_kind(key.kind);
        meta->set_project(key.project);
        meta->set_name(key.name);
        meta->set_spec_hash(specHash(object));
        meta->set_applied_by(context.principal);
        if (previous && previous->meta().spec_hash() == meta->spec_hash()) {
            change.object = *previous;
            change.action = v1::ApplyResult::UNCHANGED;
        } else {
            const int64_t last = context.lastVersion ? context.lastVersion(key)
                                                     : (previous ? previous->meta().version() : 0);
            meta->set_version(last + 1);
            meta->set_created_at(previous ? previous->meta().created_at() : context.nowMs);
            meta->set_updated_at(context.nowMs);
            meta->set_owner_region(previous ? previous->meta().owner_region() : context.region);
            if (object.has_feature_view())
                meta->set_owner_region(object.feature_view().owner_region());
            change.action = previous ? v1::ApplyResult::UPDATED : v1::ApplyResult::CREATED;
        }
        plan.push_back(std::move(change));
    }
    // A change must not break what already refers to it (a service projecting a removed feature).
    std::set<ObjectKey> checked(order.begin(), order.end());
    const auto dependents = after.dependents();
    for (const auto& key : order) {
        const auto it = dependents.find(key);
        if (it == dependents.end())
            continue;
        for (const auto& dependent : it->second) {
            if (!checked.insert(dependent).second)
                continue;
            if (auto st = validateObject(*after.find(dependent), after, regions); !st.ok())
                problems.emplace_back(std::string(st.message()) + " (after the change to " +
                                      key.toString() + ")");
        }
    }
    if (!problems.empty()) {
        return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
    }
    return plan;
}

absl::StatusOr<v1::RegistryObject> planDelete(const Catalog& current, const ObjectKey& key,
                                              const ApplyContext& context) {
    const auto* existing = current.find(key);
    if (!existing)
        return absl::NotFoundError(key.toString() + " does not exist");
    const auto dependents = current.dependentsOf(key);
    if (!dependents.empty()) {
        std::vector<std::string> names;
        for (const auto& d : dependents)
            names.push_back(d.toString());
        return absl::FailedPreconditionError(key.toString() + " is still used by " +
                                             absl::StrJoin(names, ", ") + "; delete those first");
    }
    v1::RegistryObject tombstone = *existing;
    auto* meta = tombstone.mutable_meta();
    const int64_t last = context.lastVersion ? context.lastVersion(key) : meta->version();
    meta->set_version(last + 1);
    meta->set_deleted(true);
    meta->set_updated_at(context.nowMs);
    meta->set_applied_by(context.principal);
    return tombstone;
}

}  // namespace meridian::registry
