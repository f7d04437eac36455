#include "replication/batchsync.h"

#include <map>
#include <optional>
#include <set>

#include "replication/codec.h"
#include "replication/hybridclock.h"
#include "replication/replicationpolicy.h"
#include "storage/offlinetable.h"
#include "storage/rowformat.h"

namespace meridian::replication {
namespace {

constexpr int kRowsPerChunk = 5000;

absl::StatusOr<const v1::FeatureView*> checkedView(RegistryReplica& registry,
                                                   const std::string& requester,
                                                   const std::string& project,
                                                   const std::string& name,
                                                   const registry::CatalogPtr& catalog) {
    const auto* view = catalog->featureView(project, name);
    if (!view)
        return absl::NotFoundError("feature view '" + project + "/" + name + "' not found");
    if (!view->offline())
        return absl::FailedPreconditionError("feature view '" + name + "' keeps no offline data");
    switch (copyOf(*view, requester, registry.regions())) {
        case Delivery::Residency:
            return absl::PermissionDeniedError("residency forbids sending feature view '" + name +
                                               "' to region '" + requester + "'");
        case Delivery::Local:
            return absl::FailedPreconditionError("feature view '" + name + "' is local to '" +
                                                 view->owner_region() + "'");
        case Delivery::NotReplica:
            return absl::FailedPreconditionError("region '" + requester +
                                                 "' holds no copy of feature view '" + name + "'");
        default:
            return view;
    }
}

}  // namespace

absl::StatusOr<v1::ListPartitionsResponse> listPartitions(
    storage::Database& db, storage::ViewIds& viewIds, RegistryReplica& registry,
    const v1::ListPartitionsRequest& request) {
    const auto catalog = registry.catalog();
    auto view = checkedView(registry, request.requester(), request.project(),
                            request.feature_view(), catalog);
    if (!view.ok())
        return view.status();
    auto reader = db.read();
    if (!reader.ok())
        return reader.status();
    v1::ListPartitionsResponse out;
    auto id = viewIds.find(**reader, request.project(), request.feature_view());
    if (!id.ok())
        return id.status();
    if (!*id)
        return out;
    auto& dict = db.dictionaries();
    auto parts = storage::OfflineTable(**reader, dict.regions, dict.schemas).partitions(**id);
    if (!parts.ok())
        return parts.status();
    for (const auto& p : *parts) {
        auto* d = out.add_partitions();
        d->set_day(p.day);
        d->set_digest(p.digest);
        d->set_rows(p.rows);
    }
    return out;
}

absl::Status streamPartition(storage::Database& db, storage::ViewIds& viewIds,
                             RegistryReplica& registry, const v1::FetchPartitionRequest& request,
                             const std::function<bool(const v1::PartitionChunk&)>& write) {
    const auto catalog = registry.catalog();
    auto view = checkedView(registry, request.requester(), request.project(),
                            request.feature_view(), catalog);
    if (!view.ok())
        return view.status();
    auto& dict = db.dictionaries();
    std::optional<int64_t> id;
    if (auto st = db.read([&](storage::Connection& conn) -> absl::Status {
            auto found = viewIds.find(conn, request.project(), request.feature_view());
            if (!found.ok())
                return found.status();
            id = *found;
            return absl::OkStatus();
        });
        !st.ok())
        return st;

    // The partition is read a chunk at a time, each in a read transaction of its own (a slow
    // peer must not hold the database's log back). The digest that goes with the last chunk is
    // that of the rows sent, so the receiver checks its copy against exactly what it got.
    v1::PartitionDigest digest;
    digest.set_day(request.day());
    uint64_t xorOfRows = 0;
    int64_t rowsSent = 0;
    std::optional<storage::OfflineRecord> last;
    while (id) {
        v1::OfflineRowList list;
        std::set<uint32_t> schemaIds;
        absl::Status failed;
        auto st = db.read([&](storage::Connection& conn) -> absl::Status {
            storage::OfflineTable table(conn, dict.regions, dict.schemas);
            return table.scanPartition(*id, request.day(), last ? &*last : nullptr, kRowsPerChunk,
                                       [&](const storage::OfflineRecord& r) {
                                           auto hash = table.hashOf(r);
                                           if (!hash.ok()) {
                                               failed = hash.status();
                                               return false;
                                           }
                                           xorOfRows ^= *hash;
                                           uint32_t schemaId = 0;
                                           storage::rowSchemaId(r.vals, schemaId);
                                           schemaIds.insert(schemaId);
                                           auto* row = list.add_rows();
                                           row->set_entity_key(r.entityKey);
                                           row->set_event_timestamp(r.eventTs);
                                           row->set_write_hlc(r.writeHlc);
                                           row->set_origin(dict.regions.name(r.origin));
                                           row->set_values(r.vals);
                                           last = r;
                                           return true;
                                       });
        });
        if (!st.ok())
            return st;
        if (!failed.ok())
            return failed;
        rowsSent += list.rows_size();
        const bool end = list.rows_size() < kRowsPerChunk;
        v1::PartitionChunk chunk;
        for (uint32_t schemaId : schemaIds) {
            auto schema = dict.schemas.find(schemaId);
            if (!schema)
                return absl::DataLossError("offline row names row schema " +
                                           std::to_string(schemaId) + ", which is unknown");
            auto* def = chunk.add_schemas();
            def->set_id(schemaId);
            def->set_fields(schema->encode());
        }
        const std::string raw = list.SerializeAsString();
        chunk.set_codec(request.codec());
        chunk.set_payload(encodePayload(raw, request.codec()));
        chunk.set_raw_bytes(static_cast<int64_t>(raw.size()));
        chunk.set_row_count(list.rows_size());
        if (end) {
            digest.set_rows(rowsSent);
            digest.set_digest(xorOfRows);
            chunk.set_last(true);
            *chunk.mutable_partition() = digest;
        }
        if (!write(chunk) || end)
            return absl::OkStatus();
    }
    v1::PartitionChunk empty;
    empty.set_codec(request.codec());
    empty.set_last(true);
    *empty.mutable_partition() = digest;
    write(empty);
    return absl::OkStatus();
}

absl::Status syncPartitions(storage::Database& db, storage::ViewIds& viewIds,
                            v1::Replication::Stub& peer, const std::string& self,
                            const std::string& view,
                            const std::function<bool(const BatchSyncProgress&)>& progress,
                            BatchSyncProgress& totals) {
    const auto slash = view.find('/');
    if (slash == std::string::npos)
        return absl::InvalidArgumentError("scope '" + view + "' is not project/view");
    const std::string project = view.substr(0, slash), name = view.substr(slash + 1);

    v1::ListPartitionsRequest listRequest;
    listRequest.set_requester(self);
    listRequest.set_project(project);
    listRequest.set_feature_view(name);
    v1::ListPartitionsResponse remote;
    {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        auto st = peer.ListPartitions(&ctx, listRequest, &remote);
        if (!st.ok())
            return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
    }
    std::map<int64_t, storage::OfflineTable::Partition> local;
    {
        auto reader = db.read();
        if (!reader.ok())
            return reader.status();
        auto id = viewIds.find(**reader, project, name);
        if (!id.ok())
            return id.status();
        if (*id) {
            auto& dict = db.dictionaries();
            auto parts =
                storage::OfflineTable(**reader, dict.regions, dict.schemas).partitions(**id);
            if (!parts.ok())
                return parts.status();
            for (const auto& p : *parts)
                local[p.day] = p;
        }
    }
    totals.partitionsTotal += remote.partitions_size();
    for (const auto& p : remote.partitions()) {
        ++totals.partitionsCompared;
        auto it = local.find(p.day());
        const bool same =
            it != local.end() && it->second.digest == p.digest() && it->second.rows == p.rows();
        if (same) {
            if (!progress(totals))
                return absl::CancelledError("batch sync cancelled");
            continue;
        }
        v1::FetchPartitionRequest fetch;
        fetch.set_requester(self);
        fetch.set_project(project);
        fetch.set_feature_view(name);
        fetch.set_day(p.day());
        fetch.set_codec(v1::CODEC_ZSTD);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
        auto reader = peer.FetchPartition(&ctx, fetch);
        std::vector<v1::OfflineRow> rows;
        std::map<uint32_t, std::string> schemaDefs;  // the sender's ids
        v1::PartitionChunk chunk;
        v1::PartitionDigest expected;
        bool complete = false;
        while (reader->Read(&chunk)) {
            totals.bytes += static_cast<int64_t>(chunk.ByteSizeLong()) + 5;
            auto raw = decodePayload(chunk.payload(), chunk.codec(), chunk.raw_bytes());
            if (!raw.ok())
                return raw.status();
            v1::OfflineRowList list;
            if (!list.ParseFromString(*raw))
                return absl::DataLossError("partition chunk does not parse");
            for (auto& r : *list.mutable_rows())
                rows.push_back(std::move(r));
            for (const auto& def : chunk.schemas())
                schemaDefs[def.id()] = def.fields();
            if (chunk.last()) {
                expected = chunk.partition();
                complete = true;
            }
        }
        auto st = reader->Finish();
        if (!st.ok())
            return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
        if (!complete)
            return absl::DataLossError("partition " + std::to_string(p.day()) + " of " + view +
                                       " ended early");
        // Replace the partition in one transaction, and check the result against the sender's
        // digest.
        auto w = db.write([&](storage::Connection& conn) -> absl::Status {
            auto& dict = db.dictionaries();
            auto id = viewIds.obtain(conn, project, name);
            if (!id.ok())
                return id.status();
            std::map<uint32_t, uint32_t> schemaIdOf;
            for (const auto& [senderId, fields] : schemaDefs) {
                auto schema = storage::RowSchema::decode(fields);
                if (!schema.ok())
                    return schema.status();
                auto local = dict.schemas.obtain(conn, *schema);
                if (!local.ok())
                    return local.status();
                schemaIdOf[senderId] = *local;
            }
            storage::OfflineTable table(conn, dict.regions, dict.schemas);
            if (auto s = table.dropPartition(*id, p.day()); !s.ok())
                return s;
            storage::PartitionDeltas deltas;
            // Rows of entities erased here stay out; the sender's digest is compared without
            // them (it may not have applied the erasure yet).
            int64_t expectedRows = expected.rows();
            uint64_t expectedDigest = expected.digest();
            for (const auto& r : rows) {
                uint32_t senderSchema = 0;
                if (!storage::rowSchemaId(r.values(), senderSchema) ||
                    !schemaIdOf.count(senderSchema))
                    return absl::DataLossError("partition " + std::to_string(p.day()) + " of " +
                                               view + ": a row names an unsent row schema");
                auto vals = storage::withSchemaId(r.values(), schemaIdOf[senderSchema]);
                if (!vals.ok())
                    return vals.status();
                auto origin = dict.regions.obtain(conn, r.origin());
                if (!origin.ok())
                    return origin.status();
                storage::OfflineRecord record{r.entity_key(), r.event_timestamp(), r.write_hlc(),
                                              *origin, std::move(*vals)};
                if (dict.erased.blocks(*id, r.entity_key(), r.event_timestamp(), r.write_hlc())) {
                    auto hash = table.hashOf(record);
                    if (!hash.ok())
                        return hash.status();
                    --expectedRows;
                    expectedDigest ^= *hash;
                    continue;
                }
                auto added = table.append(*id, record, deltas);
                if (!added.ok())
                    return added.status();
            }
            if (auto s = table.applyDeltas(deltas); !s.ok())
                return s;
            auto parts = table.partitions(*id);
            if (!parts.ok())
                return parts.status();
            bool matches = expectedRows == 0;
            for (const auto& q : *parts) {
                if (q.day == p.day())
                    matches = q.digest == expectedDigest && q.rows == expectedRows;
            }
            if (!matches)
                return absl::DataLossError("partition " + std::to_string(p.day()) + " of " + view +
                                           " does not match the sender's digest after the copy");
            return absl::OkStatus();
        });
        if (!w.ok())
            return w;
        ++totals.partitionsCopied;
        totals.rows += static_cast<int64_t>(rows.size());
        if (!progress(totals))
            return absl::CancelledError("batch sync cancelled");
    }
    return absl::OkStatus();
}

}  // namespace meridian::replication
