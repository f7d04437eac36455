#pragma once
// The layout of stored feature rows. A row is encoded against a schema — its view's features,
// in definition order, with their types — and names that schema by a small id of the database
// it is stored in. Schemas are content-addressed (the digest of their canonical encoding is the
// same in every region), so rows keep their meaning after a view changes and can be moved
// between regions by carrying the schemas they use along.

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/registry.pb.h"
#include "storage/sqlite.h"

namespace meridian::storage {

struct RowField {
    std::string name;
    v1::ValueType type = v1::VALUE_TYPE_UNSPECIFIED;
    bool operator==(const RowField&) const = default;
};

struct RowSchema {
    std::vector<RowField> fields;
    uint64_t digest = 0;  // of encode(); set by make() and decode()

    static RowSchema make(std::vector<RowField> fields);
    static RowSchema of(const v1::FeatureView& view);
    // The canonical bytes: per field, varint type, varint name length, name.
    std::string encode() const;
    static absl::StatusOr<RowSchema> decode(std::string_view bytes);
    // The field's position, or -1.
    int indexOf(std::string_view name) const;
};

using RowSchemaPtr = std::shared_ptr<const RowSchema>;

// The row_schemas table of one database: id <-> schema, all of it cached (it holds one entry
// per distinct shape any view ever had).
class RowSchemas {
public:
    absl::Status load(Connection& conn);
    // Inside a write transaction: the id of `schema`, stored on first use (and forgotten again
    // if that transaction rolls back).
    absl::StatusOr<uint32_t> obtain(Connection& writer, const RowSchema& schema);
    // The schema stored under `id`, or null.
    RowSchemaPtr find(uint32_t id) const;

private:
    void forget(uint32_t id, uint64_t digest);

    mutable std::shared_mutex m_mutex;
    std::map<uint32_t, RowSchemaPtr> m_byId;
    std::map<uint64_t, uint32_t> m_idOfDigest;
};

// Small ids for region names in the feature tables (origin of each row). Names are few and
// never removed; all of them are cached.
class RegionIds {
public:
    absl::Status load(Connection& conn);
    absl::StatusOr<int64_t> obtain(Connection& writer, std::string_view name);
    // The name of `id`; empty if there is none.
    std::string name(int64_t id) const;

private:
    void forget(int64_t id, const std::string& name);

    mutable std::shared_mutex m_mutex;
    std::map<int64_t, std::string> m_names;
    std::map<std::string, int64_t, std::less<>> m_ids;
};

}  // namespace meridian::storage
