#include "registry/canonical.h"

#include <algorithm>
#include <cstdio>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <xxhash.h>

#include "registry/catalog.h"

namespace meridian::registry {
namespace {

void sortUnique(google::protobuf::RepeatedPtrField<std::string>* list) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
}

void setProject(std::string* project, const NormalizeContext& context) {
    if (project->empty())
        *project = context.defaultProject;
}

}  // namespace

void normalize(v1::RegistryObject& object, const NormalizeContext& context) {
    const auto kind = keyOf(object).kind;
    object.mutable_meta()->Clear();
    object.mutable_meta()->set_kind(kind);
    switch (object.spec_case()) {
        case v1::RegistryObject::kEntity:
            setProject(object.mutable_entity()->mutable_project(), context);
            break;
        case v1::RegistryObject::kDataSource:
            setProject(object.mutable_data_source()->mutable_project(), context);
            break;
        case v1::RegistryObject::kFeatureService:
            setProject(object.mutable_feature_service()->mutable_project(), context);
            break;
        case v1::RegistryObject::kFeatureView: {
            auto* view = object.mutable_feature_view();
            setProject(view->mutable_project(), context);
            if (view->owner_region().empty())
                view->set_owner_region(context.applyingRegion);
            if (!view->has_online())
                view->set_online(true);
            if (!view->has_offline())
                view->set_offline(true);
            auto* replication = view->mutable_replication();
            if (replication->mode() == v1::ReplicationPolicy::MODE_UNSPECIFIED)
                replication->set_mode(v1::ReplicationPolicy::LOCAL);
            sortUnique(replication->mutable_regions());
            // Entities and sources are sets: the entity key orders join keys by name anyway.
            sortUnique(view->mutable_entities());
            sortUnique(view->mutable_sources());
            sortUnique(view->mutable_residency()->mutable_regions());
            break;
        }
        default:
            break;
    }
}

std::string canonicalEncoding(const v1::RegistryObject& object) {
    v1::RegistryObject spec = object;
    spec.clear_meta();
    std::string out;
    {
        google::protobuf::io::StringOutputStream stream(&out);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        spec.SerializeToCodedStream(&coded);
    }
    return out;
}

std::string specHash(const v1::RegistryObject& object) {
    const std::string bytes = canonicalEncoding(object);
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return hex;
}

}  // namespace meridian::registry
