#pragma once
// Registry objects for people: the rows `meridianctl list` shows for each kind, and the
// readable detail of `meridianctl describe`.

#include <string>
#include <vector>

#include "meridian/v1/registry.pb.h"
#include "texttable.h"

namespace meridian::ctl {

// One row per object, with the columns that matter for `kind`; a PROJECT column is added when
// `showProject` (the objects span several projects).
TextTable objectTable(v1::ObjectKind kind, const std::vector<v1::RegistryObject>& objects,
                      bool showProject);

// Labelled lines and, for views and entities, a table of features or join keys.
std::string objectDetail(const v1::RegistryObject& object);

// "shop/user_stats", or the name alone for a project.
std::string qualifiedName(const v1::RegistryObject& object);

// "eu", "regions aws-eu-west-1, gcp-europe-west4", "anywhere".
std::string residencyText(const v1::ResidencyPolicy& residency);

}  // namespace meridian::ctl
