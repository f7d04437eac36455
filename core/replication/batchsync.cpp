#include "replication/batchsync.h"

#include <map>

#include "replication/codec.h"
#include "replication/hybridclock.h"
#include "replication/replicationpolicy.h"
#include "storage/offlinetable.h"

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
    auto parts = storage::OfflineTable(**reader).partitions(**id);
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
    auto reader = db.read();
    if (!reader.ok())
        return reader.status();
    if (auto st = (*reader)->exec("BEGIN"); !st.ok())
        return st;
    struct EndRead {
        storage::Connection& c;
        ~EndRead() { c.exec("COMMIT").IgnoreError(); }
    } endRead{**reader};
    auto id = viewIds.find(**reader, request.project(), request.feature_view());
    if (!id.ok())
        return id.status();
    v1::PartitionDigest digest;
    digest.set_day(request.day());
    storage::OfflineTable table(**reader);
    if (*id) {
        auto parts = table.partitions(**id);
        if (!parts.ok())
            return parts.status();
        for (const auto& p : *parts) {
            if (p.day == request.day()) {
                digest.set_digest(p.digest);
                digest.set_rows(p.rows);
            }
        }
    }
    v1::OfflineRowList list;
    bool alive = true;
    auto flush = [&](bool last) {
        v1::PartitionChunk chunk;
        const std::string raw = list.SerializeAsString();
        chunk.set_codec(request.codec());
        chunk.set_payload(encodePayload(raw, request.codec()));
        chunk.set_raw_bytes(static_cast<int64_t>(raw.size()));
        chunk.set_row_count(list.rows_size());
        chunk.set_last(last);
        if (last)
            *chunk.mutable_partition() = digest;
        list.Clear();
        alive = write(chunk);
    };
    if (*id) {
        auto st = table.scanPartition(**id, request.day(), [&](const storage::OfflineRecord& r) {
            auto* row = list.add_rows();
            row->set_entity_key(r.entityKey);
            row->set_event_timestamp(r.eventTs);
            row->set_write_hlc(r.writeHlc);
            row->set_origin(r.origin);
            row->mutable_values()->ParseFromString(r.vals);
            if (list.rows_size() >= kRowsPerChunk)
                flush(false);
            return alive;
        });
        if (!st.ok())
            return st;
    }
    if (alive)
        flush(true);
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
            auto parts = storage::OfflineTable(**reader).partitions(**id);
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
            auto id = viewIds.obtain(conn, project, name);
            if (!id.ok())
                return id.status();
            storage::OfflineTable table(conn);
            if (auto s = table.dropPartition(*id, p.day()); !s.ok())
                return s;
            for (const auto& r : rows) {
                auto added = table.append(*id, {r.entity_key(), r.event_timestamp(), r.write_hlc(),
                                                r.origin(), r.values().SerializeAsString()});
                if (!added.ok())
                    return added.status();
            }
            auto parts = table.partitions(*id);
            if (!parts.ok())
                return parts.status();
            for (const auto& q : *parts) {
                if (q.day == p.day() &&
                    (q.digest != expected.digest() || q.rows != expected.rows()))
                    return absl::DataLossError(
                        "partition " + std::to_string(p.day()) + " of " + view +
                        " does not match the sender's digest after the copy");
            }
            return absl::OkStatus();
        });
        if (!w.ok()) {
            viewIds.forget(project, name);
            return w;
        }
        ++totals.partitionsCopied;
        totals.rows += static_cast<int64_t>(rows.size());
        if (!progress(totals))
            return absl::CancelledError("batch sync cancelled");
    }
    return absl::OkStatus();
}

}  // namespace meridian::replication
