#pragma once
// JSON Lines files of feature rows (to push) and of entity rows (for point-in-time retrieval),
// each line a flat JSON object whose columns are converted to the types the registry declares.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"
#include "registry/catalog.h"

namespace meridian::rows {

// The column every row file falls back on for event times.
inline constexpr std::string_view kEventTimeColumn = "event_timestamp";

// The columns of a feature row file for one view: join keys, event time, features.
struct FeatureRowSchema {
    std::string viewName;
    std::vector<v1::JoinKey> joinKeys;
    std::string timeColumn{kEventTimeColumn};
    std::vector<v1::Field> features;
};

// Join keys from the view's entities, the time column from its first data source's
// timestamp_field (else "event_timestamp"), the features as declared.
absl::StatusOr<FeatureRowSchema> featureRowSchema(const registry::Catalog& catalog,
                                                  const v1::FeatureView& view);

// Called every few thousand lines while a file is read: bytes read so far and in all.
using ReadProgressFn = std::function<void(size_t bytesRead, size_t totalBytes)>;

// Every row of the file, or the first problem as "rows.jsonl:12: feature 'amount' expects
// DOUBLE, got string \"abc\"". Join keys and the event time are required; a feature column
// left out is null; a column the view does not have is an error. Blank lines are skipped.
absl::StatusOr<std::vector<v1::FeatureRow>> readFeatureRows(const std::string& path,
                                                            const FeatureRowSchema& schema,
                                                            const ReadProgressFn& progress = {});
// The same from text; `name` stands for the path in messages.
absl::StatusOr<std::vector<v1::FeatureRow>> parseFeatureRows(std::string_view text,
                                                             const std::string& name,
                                                             const FeatureRowSchema& schema,
                                                             const ReadProgressFn& progress = {});

// The columns of an entity row file: join keys and the point in time of each row.
struct EntityRowSchema {
    std::vector<v1::JoinKey> joinKeys;
    std::string timeColumn{kEventTimeColumn};
};

absl::StatusOr<std::vector<v1::EntityRow>> readEntityRows(const std::string& path,
                                                          const EntityRowSchema& schema);
absl::StatusOr<std::vector<v1::EntityRow>> parseEntityRows(std::string_view text,
                                                           const std::string& name,
                                                           const EntityRowSchema& schema);

}  // namespace meridian::rows
