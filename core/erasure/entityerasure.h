#pragma once
// Erasing an entity in one region (the right to be forgotten): what an order is made of, what a
// region holds of the entity, and the erasure itself — online rows, offline history and the
// changelog entries that carry the entity, deleted with secure_delete so that the bytes leave
// the file, the WAL cut to nothing, and the key recorded (hashed) so that older rows never come
// back (storage/erasedkeys.h).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/admin.pb.h"
#include "registry/catalog.h"
#include "storage/database.h"

namespace meridian::erasure {

// The views of `request` and the entity's key as each stores it: the views named, or every
// feature view keyed by exactly the join keys `request.entity()` names. Fails, naming what is
// wrong, for a malformed entity, a value of the wrong type, an unknown view, a view keyed
// otherwise, or no view at all. The order has no id, clock or requester yet.
absl::StatusOr<v1::ErasureOrder> planErasure(const registry::Catalog& catalog,
                                             const v1::EraseRequest& request);

// What this region holds of the order's entity (log entries not counted: -1).
absl::StatusOr<v1::RegionErasure> previewErasure(storage::Database& db,
                                                 const v1::ErasureOrder& order,
                                                 const std::string& region);

// Applies the order here and returns what was deleted. Repeating an order applied already
// returns the first result; an order interrupted (the process stopped) is finished.
absl::StatusOr<v1::RegionErasure> applyErasure(storage::Database& db, const v1::ErasureOrder& order,
                                               const std::string& region);

// "12 online rows, 40 offline rows, 9 log entries": what `views` hold or had deleted, summed
// (log entries not counted are left out of the sum).
std::string describeCounts(const google::protobuf::RepeatedPtrField<v1::ErasedView>& views);

// "entity user_id, country": what an erasure request is about, without the key's values (for
// records of refused calls, which must not keep them).
std::string entityKeyNames(const std::string& entity);

// Erasures applied here, newest first (`id` non-empty: that one only).
absl::StatusOr<std::vector<v1::RegionErasure>> appliedErasures(storage::Database& db,
                                                               const std::string& id, int limit);

}  // namespace meridian::erasure
