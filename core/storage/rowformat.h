#pragma once
// The stored form of a row's feature values: varint schema id (storage/rowschema.h), a presence
// bitmap with one bit per field of the schema (least significant bit first; a field without its
// bit is null), then each present value in field order, typed by the field: integers as zigzag
// varints, DOUBLE as a short decimal where one reads back exactly (else IEEE bytes), FLOAT as
// IEEE bytes, BOOL as one byte, strings and bytes length-prefixed, lists as a count and their
// elements. No names, no tags: a 20-feature row of numbers takes a fifth to a tenth of the
// same row as protobuf NamedValues.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/types.pb.h"
#include "storage/rowschema.h"

namespace meridian::storage {

// `values[i]` is the value of field i, or null (absent, or a Value with nothing set). Every
// present value must have its field's type (checked by the caller against the view).
std::string encodeRow(uint32_t schemaId, const RowSchema& schema,
                      const std::vector<const v1::Value*>& values);

// The schema id a stored row names (false if it does not start with one).
bool rowSchemaId(std::string_view row, uint32_t& schemaId);
// The row with its schema id replaced (moving rows between databases).
absl::StatusOr<std::string> withSchemaId(std::string_view row, uint32_t schemaId);
// Everything after the schema id: the same bytes in every region for the same values.
std::string_view rowBody(std::string_view row);

// Walks a stored row field by field.
class RowReader {
public:
    // A row too short for the schema's presence bitmap leaves ok() false (a damaged row).
    RowReader(std::string_view row, const RowSchema& schema);
    // Moves to the next present field; false at the end or on a damaged row (then ok() is
    // false). Each next() is followed by one read() of the field's value.
    bool next(int& field);
    // Decodes the field's value into `out`, or steps over it when `out` is null.
    bool read(v1::Value* out);
    bool ok() const { return m_ok; }

private:
    bool decodeValue(v1::ValueType type, v1::Value* out);

    const RowSchema& m_schema;
    std::string_view m_bitmap;
    std::string_view m_rest;
    int m_field = -1;
    bool m_ok = true;
};

}  // namespace meridian::storage
