#pragma once
// An immutable in-memory view of the current registry objects, indexed for lookups.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "meridian/v1/registry.pb.h"

namespace meridian::registry {

struct ObjectKey {
    v1::ObjectKind kind = v1::OBJECT_KIND_UNSPECIFIED;
    std::string project;  // empty for projects
    std::string name;

    auto operator<=>(const ObjectKey&) const = default;
    std::string toString() const;  // "feature view fraud/user_stats"
};

std::string_view kindName(v1::ObjectKind kind);         // "feature view"
std::string_view kindKeyword(v1::ObjectKind kind);      // "feature_view"
v1::ObjectKind kindFromKeyword(std::string_view word);  // accepts singular and plural forms

// Kind, project and name of an object, read from its spec.
ObjectKey keyOf(const v1::RegistryObject& object);
ObjectKey keyOf(const v1::ObjectRef& ref);

class Catalog {
public:
    Catalog() = default;
    explicit Catalog(std::vector<v1::RegistryObject> objects);

    // Deleted objects are not part of a catalog.
    const v1::RegistryObject* find(const ObjectKey& key) const;
    const v1::Project* project(std::string_view name) const;
    const v1::Entity* entity(std::string_view project, std::string_view name) const;
    const v1::DataSource* dataSource(std::string_view project, std::string_view name) const;
    const v1::FeatureView* featureView(std::string_view project, std::string_view name) const;
    const v1::FeatureService* featureService(std::string_view project, std::string_view name) const;

    const std::map<ObjectKey, v1::RegistryObject>& objects() const { return m_objects; }
    std::vector<const v1::RegistryObject*> ofKind(v1::ObjectKind kind) const;
    size_t size() const { return m_objects.size(); }

    // A copy with `object` added or replaced, or removed when it is marked deleted.
    Catalog with(const v1::RegistryObject& object) const;
    // The same for many objects, in one copy.
    Catalog with(const std::vector<v1::RegistryObject>& objects) const;

    // Objects whose spec refers to `key` (a view naming an entity, a service a view, …).
    std::vector<ObjectKey> dependentsOf(const ObjectKey& key) const;
    // dependentsOf() for every key at once, in one pass over the catalog.
    std::map<ObjectKey, std::vector<ObjectKey>> dependents() const;

private:
    const v1::RegistryObject* findSpec(v1::ObjectKind kind, std::string_view project,
                                       std::string_view name) const;
    std::map<ObjectKey, v1::RegistryObject> m_objects;
};

using CatalogPtr = std::shared_ptr<const Catalog>;

}  // namespace meridian::registry
