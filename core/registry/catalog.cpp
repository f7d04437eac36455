#include "registry/catalog.h"

#include <algorithm>

namespace meridian::registry {
namespace {

// How each kind is said in prose ("feature view") and written in commands ("feature_view").
struct KindWords {
    v1::ObjectKind kind;
    std::string_view name;
    std::string_view keyword;
};

constexpr KindWords kKindWords[] = {
    {v1::PROJECT, "project", "project"},
    {v1::ENTITY, "entity", "entity"},
    {v1::DATA_SOURCE, "data source", "data_source"},
    {v1::FEATURE_VIEW, "feature view", "feature_view"},
    {v1::FEATURE_SERVICE, "feature service", "feature_service"},
};

const KindWords* wordsFor(v1::ObjectKind kind) {
    for (const auto& words : kKindWords)
        if (words.kind == kind)
            return &words;
    return nullptr;
}

}  // namespace

std::string ObjectKey::toString() const {
    std::string out(kindName(kind));
    out += ' ';
    if (!project.empty())
        out += project + "/";
    out += name;
    return out;
}

std::string_view kindName(v1::ObjectKind kind) {
    const KindWords* words = wordsFor(kind);
    return words ? words->name : "object";
}

std::string_view kindKeyword(v1::ObjectKind kind) {
    const KindWords* words = wordsFor(kind);
    return words ? words->keyword : "object";
}

v1::ObjectKind kindFromKeyword(std::string_view word) {
    std::string w(word);
    std::replace(w.begin(), w.end(), '-', '_');
    if (w == "project" || w == "projects")
        return v1::PROJECT;
    if (w == "entity" || w == "entities")
        return v1::ENTITY;
    if (w == "data_source" || w == "data_sources" || w == "source" || w == "sources")
        return v1::DATA_SOURCE;
    if (w == "feature_view" || w == "feature_views" || w == "view" || w == "views")
        return v1::FEATURE_VIEW;
    if (w == "feature_service" || w == "feature_services" || w == "service" || w == "services")
        return v1::FEATURE_SERVICE;
    return v1::OBJECT_KIND_UNSPECIFIED;
}

ObjectKey keyOf(const v1::RegistryObject& object) {
    switch (object.spec_case()) {
        case v1::RegistryObject::kProject:
            return {v1::PROJECT, "", object.project().name()};
        case v1::RegistryObject::kEntity:
            return {v1::ENTITY, object.entity().project(), object.entity().name()};
        case v1::RegistryObject::kDataSource:
            return {v1::DATA_SOURCE, object.data_source().project(), object.data_source().name()};
        case v1::RegistryObject::kFeatureView:
            return {v1::FEATURE_VIEW, object.feature_view().project(),
                    object.feature_view().name()};
        case v1::RegistryObject::kFeatureService:
            return {v1::FEATURE_SERVICE, object.feature_service().project(),
                    object.feature_service().name()};
        case v1::RegistryObject::SPEC_NOT_SET:
            break;
    }
    return {object.meta().kind(), object.meta().project(), object.meta().name()};
}

ObjectKey keyOf(const v1::ObjectRef& ref) {
    return {ref.kind(), ref.kind() == v1::PROJECT ? "" : ref.project(), ref.name()};
}

Catalog::Catalog(std::vector<v1::RegistryObject> objects) {
    for (auto& o : objects) {
        if (o.meta().deleted())
            continue;
        auto key = keyOf(o);
        m_objects.insert_or_assign(std::move(key), std::move(o));
    }
}

const v1::RegistryObject* Catalog::find(const ObjectKey& key) const {
    auto it = m_objects.find(key);
    return it == m_objects.end() ? nullptr : &it->second;
}

const v1::RegistryObject* Catalog::findSpec(v1::ObjectKind kind, std::string_view project,
                                            std::string_view name) const {
    return find(ObjectKey{kind, std::string(project), std::string(name)});
}

const v1::Project* Catalog::project(std::string_view name) const {
    auto* o = findSpec(v1::PROJECT, "", name);
    return o ? &o->project() : nullptr;
}

const v1::Entity* Catalog::entity(std::string_view project, std::string_view name) const {
    auto* o = findSpec(v1::ENTITY, project, name);
    return o ? &o->entity() : nullptr;
}

const v1::DataSource* Catalog::dataSource(std::string_view project, std::string_view name) const {
    auto* o = findSpec(v1::DATA_SOURCE, project, name);
    return o ? &o->data_source() : nullptr;
}

const v1::FeatureView* Catalog::featureView(std::string_view project, std::string_view name) const {
    auto* o = findSpec(v1::FEATURE_VIEW, project, name);
    return o ? &o->feature_view() : nullptr;
}

const v1::FeatureService* Catalog::featureService(std::string_view project,
                                                  std::string_view name) const {
    auto* o = findSpec(v1::FEATURE_SERVICE, project, name);
    return o ? &o->feature_service() : nullptr;
}

std::vector<const v1::RegistryObject*> Catalog::ofKind(v1::ObjectKind kind) const {
    std::vector<const v1::RegistryObject*> out;
    for (const auto& [key, object] : m_objects) {
        if (key.kind == kind)
            out.push_back(&object);
    }
    return out;
}

Catalog Catalog::with(const v1::RegistryObject& object) const {
    Catalog copy = *this;
    auto key = keyOf(object);
    if (object.meta().deleted()) {
        copy.m_objects.erase(key);
    } else {
        copy.m_objects.insert_or_assign(std::move(key), object);
    }
    return copy;
}

Catalog Catalog::with(const std::vector<v1::RegistryObject>& objects) const {
    Catalog copy = *this;
    for (const auto& object : objects) {
        auto key = keyOf(object);
        if (object.meta().deleted())
            copy.m_objects.erase(key);
        else
            copy.m_objects.insert_or_assign(std::move(key), object);
    }
    return copy;
}

std::map<ObjectKey, std::vector<ObjectKey>> Catalog::dependents() const {
    std::map<ObjectKey, std::vector<ObjectKey>> out;
    for (const auto& [k, o] : m_objects) {
        if (k.kind == v1::PROJECT)
            continue;
        out[{v1::PROJECT, "", k.project}].push_back(k);
        if (o.has_feature_view()) {
            for (const auto& entity : o.feature_view().entities())
                out[{v1::ENTITY, k.project, entity}].push_back(k);
            for (const auto& source : o.feature_view().sources())
                out[{v1::DATA_SOURCE, k.project, source}].push_back(k);
        } else if (o.has_feature_service()) {
            for (const auto& p : o.feature_service().features()) {
                auto& list = out[{v1::FEATURE_VIEW, k.project, p.feature_view()}];
                if (list.empty() || list.back() != k)
                    list.push_back(k);
            }
        }
    }
    return out;
}

std::vector<ObjectKey> Catalog::dependentsOf(const ObjectKey& key) const {
    std::vector<ObjectKey> out;
    auto names = [](const auto& list, const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    for (const auto& [k, o] : m_objects) {
        if (k == key)
            continue;
        bool depends = false;
        if (key.kind == v1::PROJECT) {
            depends = k.project == key.name;
        } else if (k.project != key.project) {
            continue;
        } else if (o.has_feature_view()) {
            const auto& v = o.feature_view();
            depends = (key.kind == v1::ENTITY && names(v.entities(), key.name)) ||
                      (key.kind == v1::DATA_SOURCE && names(v.sources(), key.name));
        } else if (o.has_feature_service() && key.kind == v1::FEATURE_VIEW) {
            for (const auto& p : o.feature_service().features()) {
                depends = depends || p.feature_view() == key.name;
            }
        }
        if (depends)
            out.push_back(k);
    }
    return out;
}

}  // namespace meridian::registry
