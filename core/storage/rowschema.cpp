#include "storage/rowschema.h"

#include <xxhash.h>

#include <mutex>

#include "storage/varint.h"

namespace meridian::storage {

RowSchema RowSchema::make(std::vector<RowField> fields) {
    RowSchema s;
    s.fields = std::move(fields);
    const std::string bytes = s.encode();
    s.digest = XXH64(bytes.data(), bytes.size(), 0);
    return s;
}

RowSchema RowSchema::of(const v1::FeatureView& view) {
    std::vector<RowField> fields;
    fields.reserve(view.features_size());
    for (const auto& f : view.features())
        fields.push_back({f.name(), f.value_type()});
    return make(std::move(fields));
}

std::string RowSchema::encode() const {
    std::string out;
    for (const auto& f : fields) {
        appendVarint(out, static_cast<uint64_t>(f.type));
        appendVarint(out, f.name.size());
        out.append(f.name);
    }
    return out;
}

absl::StatusOr<RowSchema> RowSchema::decode(std::string_view bytes) {
    std::vector<RowField> fields;
    while (!bytes.empty()) {
        uint64_t type = 0, len = 0;
        if (!readVarint(bytes, type) || !readVarint(bytes, len) || len > bytes.size() ||
            !v1::ValueType_IsValid(static_cast<int>(type)))
            return absl::DataLossError("row schema does not decode");
        fields.push_back({std::string(bytes.substr(0, len)), static_cast<v1::ValueType>(type)});
        bytes.remove_prefix(len);
    }
    return make(std::move(fields));
}

int RowSchema::indexOf(std::string_view name) const {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

absl::Status RowSchemas::load(Connection& conn) {
    auto& q = conn.prepare("SELECT id, fields FROM row_schemas");
    std::unique_lock lock(m_mutex);
    while (q.step()) {
        auto schema = RowSchema::decode(q.blob(1));
        if (!schema.ok()) {
            q.reset();
            return absl::DataLossError("row schema " + std::to_string(q.int64(0)) +
                                       " does not decode");
        }
        const auto id = static_cast<uint32_t>(q.int64(0));
        m_idOfDigest[schema->digest] = id;
        m_byId[id] = std::make_shared<const RowSchema>(std::move(*schema));
    }
    return q.finish();
}

absl::StatusOr<uint32_t> RowSchemas::obtain(Connection& writer, const RowSchema& schema) {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_idOfDigest.find(schema.digest); it != m_idOfDigest.end())
            return it->second;
    }
    const std::string bytes = schema.encode();
    auto st = writer.prepare("INSERT INTO row_schemas(digest, fields) VALUES(?, ?)")
                  .bind(1, static_cast<int64_t>(schema.digest))
                  .bindBlob(2, bytes)
                  .run();
    if (!st.ok())
        return st;
    const auto id = static_cast<uint32_t>(writer.lastInsertRowid());
    {
        std::unique_lock lock(m_mutex);
        m_idOfDigest[schema.digest] = id;
        m_byId[id] = std::make_shared<const RowSchema>(schema);
    }
    writer.onRollback([this, id, digest = schema.digest] { forget(id, digest); });
    return id;
}

RowSchemaPtr RowSchemas::find(uint32_t id) const {
    std::shared_lock lock(m_mutex);
    auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : it->second;
}

void RowSchemas::forget(uint32_t id, uint64_t digest) {
    std::unique_lock lock(m_mutex);
    m_byId.erase(id);
    m_idOfDigest.erase(digest);
}

absl::Status RegionIds::load(Connection& conn) {
    auto& q = conn.prepare("SELECT id, name FROM regions");
    std::unique_lock lock(m_mutex);
    while (q.step()) {
        m_names[q.int64(0)] = std::string(q.text(1));
        m_ids[std::string(q.text(1))] = q.int64(0);
    }
    return q.finish();
}

absl::StatusOr<int64_t> RegionIds::obtain(Connection& writer, std::string_view name) {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_ids.find(name); it != m_ids.end())
            return it->second;
    }
    auto st = writer.prepare("INSERT INTO regions(name) VALUES(?)").bind(1, name).run();
    if (!st.ok())
        return st;
    const int64_t id = writer.lastInsertRowid();
    std::string owned(name);
    {
        std::unique_lock lock(m_mutex);
        m_names[id] = owned;
        m_ids[owned] = id;
    }
    writer.onRollback([this, id, owned] { forget(id, owned); });
    return id;
}

std::string RegionIds::name(int64_t id) const {
    std::shared_lock lock(m_mutex);
    auto it = m_names.find(id);
    return it == m_names.end() ? std::string() : it->second;
}

void RegionIds::forget(int64_t id, const std::string& name) {
    std::unique_lock lock(m_mutex);
    m_names.erase(id);
    m_ids.erase(name);
}

}  // namespace meridian::storage
