#include "replication/changeapplier.h"

#include <google/protobuf/arena.h>

#include <algorithm>

#include "meridian/v1/serving.pb.h"
#include "replication/codec.h"
#include "storage/cursortable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"

namespace meridian::replication {

ChangeApplier::ChangeApplier(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
                             RegistryReplica& registry)
    : m_db(db), m_viewIds(viewIds), m_clock(clock), m_registry(registry) {}

absl::StatusOr<uint64_t> ChangeApplier::cursor(const std::string& peer) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto c = storage::CursorTable(**reader).get(peer);
    if (!c.ok())
        return c.status();
    return c->seq;
}

absl::StatusOr<storage::Cursor> ChangeApplier::cursorRecord(const std::string& peer) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    return storage::CursorTable(**reader).get(peer);
}

absl::StatusOr<DecodedBatch> ChangeApplier::decode(const std::string& peer,
                                                   const v1::ChangeBatch& batch) {
    auto raw = decodePayload(batch.payload(), batch.codec(), batch.raw_bytes());
    if (!raw.ok())
        return raw.status();
    // Thousands of small messages: an arena makes them one allocation to free.
    DecodedBatch decoded;
    decoded.arena = std::make_unique<google::protobuf::Arena>();
    auto* list = google::protobuf::Arena::CreateMessage<v1::ChangeList>(decoded.arena.get());
    if (!list->ParseFromString(*raw))
        return absl::DataLossError("batch from '" + peer + "' does not parse");
    if (list->changes_size() != batch.change_count())
        return absl::DataLossError("batch from '" + peer + "' holds " +
                                   std::to_string(list->changes_size()) + " changes, announced " +
                                   std::to_string(batch.change_count()));
    decoded.list = list;
    return decoded;
}

absl::StatusOr<BatchApplied> ChangeApplier::apply(const std::string& peer,
                                                  const v1::ChangeBatch& batch, int64_t nowMs) {
    auto decoded = decode(peer, batch);
    if (!decoded.ok())
        return decoded.status();
    return apply(peer, batch, *decoded, nowMs);
}

absl::StatusOr<BatchApplied> ChangeApplier::apply(const std::string& peer,
                                                  const v1::ChangeBatch& batch,
                                                  const DecodedBatch& decoded, int64_t nowMs) {
    const v1::ChangeList& list = *decoded.list;
    BatchApplied result;
    std::map<std::string, int64_t> viewIdOf;
    // Changes of a hub-and-spoke view come from its hub only (of the epoch this region knows):
    // an old hub's are refused, and a new hub's wait until this region has heard of it.
    const auto catalog = m_registry.catalog();
    auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
        storage::CursorTable cursors(conn);
        auto current = cursors.get(peer);
        if (!current.ok())
            return current.status();
        // A peer whose log no longer holds what this cursor reached has it read again from
        // where its history continues.
        uint64_t base = current->seq;
        if (batch.has_diverged()) {
            base = batch.diverged().resumed_after();
            result.diverged = true;
        }
        result.cursor = base;
        result.epoch = current->epoch;
        if (batch.first_seq() > base + 1)
            return absl::FailedPreconditionError("batch from '" + peer + "' starts at seq " +
                                                 std::to_string(batch.first_seq()) + " but seq " +
                                                 std::to_string(base + 1) + " is next");
        if (batch.last_seq() <= base) {
            if (!batch.has_diverged() && batch.epoch() == current->epoch)
                return absl::OkStatus();  // already applied
            // Nothing new, but the cursor now counts in the log's current epoch.
            result.epoch = batch.epoch();
            return cursors.set(peer, {base, current->hlc, nowMs, batch.epoch()});
        }

        auto& dict = m_db.dictionaries();
        storage::OnlineTable online(conn);
        storage::OfflineTable offline(conn, dict.regions, dict.schemas);
        storage::PartitionDeltas deltas;
        // The sender's row schema ids, as this database numbers the same schemas.
        std::map<uint32_t, uint32_t> schemaIdOf;
        for (const auto& def : batch.schemas()) {
            auto schema = storage::RowSchema::decode(def.fields());
            if (!schema.ok())
                return absl::DataLossError("batch from '" + peer + "': row schema " +
                                           std::to_string(def.id()) + " does not decode");
            auto id = dict.schemas.obtain(conn, *schema);
            if (!id.ok())
                return id.status();
            schemaIdOf[def.id()] = *id;
        }
        std::map<std::string, int64_t, std::less<>> originIdOf;
        std::map<std::string, int64_t> conflictsPerView;
        uint64_t maxHlc = batch.sender_hlc();
        std::string viewKey;
        for (const auto& c : list.changes()) {
            if (c.seq() <= base)
                continue;
            maxHlc = std::max(maxHlc, c.hlc());
            if (c.kind() == v1::Change::REGISTRY_PUT || c.kind() == v1::Change::REGISTRY_DELETE) {
                auto stored = m_registry.putReplicated(conn, c.object(), c.origin());
                if (!stored.ok())
                    return stored.status();
                result.registryChanged |= *stored;
                auto& v = result.views[""];
                ++v.changes;
                v.latencyMs.push_back(static_cast<double>(nowMs - c.commit_ms()));
                ++result.changes;
                continue;
            }
            if (c.kind() != v1::Change::FEATURE_ROW)
                continue;
            viewKey.assign(c.project()).append("/").append(c.feature_view());
            auto idIt = viewIdOf.find(viewKey);
            if (idIt == viewIdOf.end()) {
                auto id = dict.views.obtain(conn, c.project(), c.feature_view());
                if (!id.ok())
                    return id.status();
                idIt = viewIdOf.emplace(viewKey, *id).first;
            }
            const int64_t viewId = idIt->second;
            if (const auto* fv = catalog->featureView(c.project(), c.feature_view());
                fv && fv->replication().mode() == v1::ReplicationPolicy::HUB_SPOKE &&
                fv->replication().hub() != peer)
                return absl::UnavailableError(
                    "batch from '" + peer + "' holds changes of feature view '" + viewKey +
                    "', whose hub here is '" + fv->replication().hub() +
                    "': refused until the two regions agree on the view's hub epoch");
            // A materialized row keeps the clock and origin of its original write.
            const uint64_t rowHlc = c.row_hlc() ? c.row_hlc() : c.hlc();
            const std::string& rowOrigin = c.row_origin().empty() ? c.origin() : c.row_origin();
            auto originIt = originIdOf.find(rowOrigin);
            if (originIt == originIdOf.end()) {
                auto id = dict.regions.obtain(conn, rowOrigin);
                if (!id.ok())
                    return id.status();
                originIt = originIdOf.emplace(rowOrigin, *id).first;
            }
            const int64_t origin = originIt->second;
            uint32_t senderSchema = 0;
            if (!storage::rowSchemaId(c.values(), senderSchema) || !schemaIdOf.count(senderSchema))
                return absl::DataLossError("batch from '" + peer + "': change " +
                                           std::to_string(c.seq()) +
                                           " names a row schema the batch does not carry");
            const uint32_t localSchema = schemaIdOf[senderSchema];
            std::string renumbered;
            if (localSchema != senderSchema) {
                auto row = storage::withSchemaId(c.values(), localSchema);
                if (!row.ok())
                    return row.status();
                renumbered = std::move(*row);
            }
            const std::string& vals = localSchema != senderSchema ? renumbered : c.values();
            auto& v = result.views[viewKey];
            // A row of an entity erased here, written before the erasure: it stays erased.
            if (dict.erased.blocks(viewId, c.entity_key(), c.event_timestamp(), rowHlc)) {
                ++v.changes;
                ++result.changes;
                continue;
            }
            const bool toOnline = c.target() == v1::ONLINE || c.target() == v1::ONLINE_AND_OFFLINE;
            const bool toOffline =
                c.target() == v1::OFFLINE || c.target() == v1::ONLINE_AND_OFFLINE;
            if (toOnline) {
                auto won = online.upsert(viewId, c.entity_key(),
                                         {c.event_timestamp(), rowHlc, origin, false, vals});
                if (!won.ok())
                    return won.status();
                if (!*won) {
                    // It lost to what is stored: a conflict when that came from another region.
                    storage::OnlineRecordView stored;
                    auto found = online.get(viewId, c.entity_key(), stored);
                    if (!found.ok())
                        return found.status();
                    if (*found && stored.origin != origin) {
                        ++v.conflicts;
                        ++conflictsPerView[viewKey];
                    }
                }
            }
            if (toOffline) {
                auto added = offline.append(
                    viewId, {c.entity_key(), c.event_timestamp(), rowHlc, origin, vals}, deltas);
                if (!added.ok())
                    return added.status();
            }
            ++v.changes;
            v.latencyMs.push_back(static_cast<double>(nowMs - c.commit_ms()));
            ++result.changes;
        }
        if (auto s = offline.applyDeltas(deltas); !s.ok())
            return s;
        // One clock update for the whole batch.
        m_clock.observe(maxHlc);
        for (const auto& [view, n] : conflictsPerView) {
            if (auto s = cursors.addConflicts(peer, view, n); !s.ok())
                return s;
            result.conflicts += n;
        }
        result.cursor = batch.last_seq();
        result.epoch = batch.epoch();
        return cursors.set(peer, {batch.last_seq(), batch.sender_hlc(), nowMs, batch.epoch()});
    });
    if (!st.ok())
        return st;
    if (result.registryChanged) {
        if (auto s = m_registry.load(); !s.ok())
            return s;
    }
    return result;
}

}  // namespace meridian::replication
