#pragma once
// From wire rows to stored form: the entity key of a view and the typed feature values,
// checked against the view's definition.

#include <string>
#include <vector>

#include <google/protobuf/map.h>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/replication.pb.h"

namespace meridian::serving {

using ValueMap = google::protobuf::Map<std::string, v1::Value>;

// The canonical key of a row for a view keyed by `joinKeys`; the error names the missing or
// mistyped key.
absl::StatusOr<std::string> entityKeyFor(const std::vector<v1::JoinKey>& joinKeys,
                                         const ValueMap& keys);

// Every key given names a join key of one of `joinKeys` (the views a request reads or writes);
// the error names the first stray key.
absl::Status onlyJoinKeys(const ValueMap& keys,
                          const std::vector<const std::vector<v1::JoinKey>*>& joinKeys);

// A row's values in the view's feature order (the order storage::RowSchema::of(view) lays
// them out in), null where absent: every value must name a feature of the view and have its
// type. The pointers point into `values`.
absl::StatusOr<std::vector<const v1::Value*>> featureValuesFor(const v1::FeatureView& view,
                                                               const ValueMap& values);

}  // namespace meridian::serving
