#pragma once
// Which features a read asks for: a feature service or "view:feature" references, resolved
// against the catalog into the views to look up and the order of the answer's columns.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/serving.pb.h"
#include "registry/catalog.h"
#include "storage/viewids.h"

namespace meridian::serving {

struct SelectedView {
    const v1::FeatureView* view = nullptr;
    std::vector<v1::JoinKey> joinKeys;  // from the view's entities
    std::vector<int> features;          // indices into view->features()
    std::vector<int> columns;           // answer column of each selected feature
};

struct FeatureSelection {
    std::vector<SelectedView> views;
    std::vector<std::string> columnNames;  // "view:feature"
};

// `service` non-empty: the feature service's projections; otherwise `refs` ("view:feature"
// or "view:*"). The catalog must outlive the selection.
absl::StatusOr<FeatureSelection> selectFeatures(const registry::Catalog& catalog,
                                                const std::string& project,
                                                const std::string& service,
                                                const std::vector<std::string>& refs);

// The join keys of a view, gathered from its entities.
absl::StatusOr<std::vector<v1::JoinKey>> joinKeysOf(const registry::Catalog& catalog,
                                                    const v1::FeatureView& view);

// The stored id of each selected view, in the selection's order; none for a view that never
// held data.
absl::StatusOr<std::vector<std::optional<int64_t>>> storedViewIds(const FeatureSelection& selection,
                                                                  storage::ViewIds& ids,
                                                                  storage::Connection& conn);

// A stored row of a selected view that cannot be read: "stored row of feature view 'v' <problem>".
absl::Status storedRowError(const SelectedView& view, std::string_view problem);

}  // namespace meridian::serving
