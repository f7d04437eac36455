#include "replication/onlinedigest.h"

#include <xxhash.h>

#include <algorithm>
#include <set>

#include "replication/hybridclock.h"
#include "storage/rowformat.h"
#include "storage/rowschema.h"

namespace meridian::replication {
namespace {

constexpr int kKeysPerRead = 20'000;
constexpr int64_t kCacheMs = 60'000;
constexpr size_t kCacheEntries = 8;

uint64_t schemaDigestOf(const storage::RowSchemas& schemas, std::string_view vals) {
    uint32_t id = 0;
    if (!storage::rowSchemaId(vals, id))
        return 0;
    auto schema = schemas.find(id);
    return schema ? schema->digest : 0;
}

absl::StatusOr<const v1::FeatureView*> peerView(RegistryReplica& registry,
                                                const registry::CatalogPtr& catalog,
                                                const std::string& project, const std::string& name,
                                                const std::string& requester) {
    const auto* view = catalog->featureView(project, name);
    if (!view)
        return absl::NotFoundError("feature view '" + project + "/" + name + "' not found");
    if (!requester.empty() && !registry.regions().storingRegions(*view).count(requester))
        return absl::PermissionDeniedError("region '" + requester +
                                           "' holds no copy of feature view '" + name +
                                           "' (residency or replication)");
    return view;
}

// The view's id here, for a peer that may hold its data; none when it never held any.
absl::StatusOr<std::optional<int64_t>> peerViewId(storage::Database& db, storage::ViewIds& viewIds,
                                                  RegistryReplica& registry,
                                                  const std::string& project,
                                                  const std::string& name,
                                                  const std::string& requester) {
    auto view = peerView(registry, registry.catalog(), project, name, requester);
    if (!view.ok())
        return view.status();
    return storedViewId(db, viewIds, project, name);
}
}  // namespace

absl::Status scanOnlineView(storage::Database& db, int64_t viewId,
                            const std::function<void(const StoredRow&)>& visit) {
    std::string after;
    bool first = true;
    for (;;) {
        int n = 0;
        auto st = db.read([&](storage::Connection& conn) -> absl::Status {
            auto& q = first ? conn.prepare(
                                  "SELECT entity_key, event_ts, write_hlc, origin, "
                                  "deleted, vals FROM online WHERE view_id = ?1 "
                                  "ORDER BY entity_key LIMIT ?2")
                            : conn.prepare(
                                  "SELECT entity_key, event_ts, write_hlc, origin, "
                                  "deleted, vals FROM online WHERE view_id = ?1 AND "
                                  "entity_key > ?3 ORDER BY entity_key LIMIT ?2");
            q.bind(1, viewId).bind(2, static_cast<int64_t>(kKeysPerRead));
            if (!first)
                q.bindBlob(3, after);
            while (q.step()) {
                ++n;
                StoredRow row{q.blob(0),  q.int64(1),      static_cast<uint64_t>(q.int64(2)),
                              q.int64(3), q.int64(4) != 0, q.blob(5)};
                visit(row);
                after.assign(row.key);
            }
            return q.finish();
        });
        if (!st.ok())
            return st;
        first = false;
        if (n < kKeysPerRead)
            return absl::OkStatus();
    }
}

absl::StatusOr<std::optional<int64_t>> storedViewId(storage::Database& db,
                                                    storage::ViewIds& viewIds,
                                                    const std::string& project,
                                                    const std::string& name) {
    std::optional<int64_t> id;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        auto found = viewIds.find(conn, project, name);
        if (!found.ok())
            return found.status();
        id = *found;
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return id;
}

uint32_t leafBucketOf(std::string_view entityKey) {
    return static_cast<uint32_t>(XXH64(entityKey.data(), entityKey.size(), 0x6d657269) >>
                                 (64 - kLeafBits));
}

uint64_t onlineRowHash(std::string_view entityKey, int64_t eventTs, uint64_t writeHlc,
                       std::string_view origin, bool deleted, uint64_t schemaDigest,
                       std::string_view body) {
    // One buffer a thread: a digest hashes every row of a view.
    thread_local std::string buffer;
    buffer.clear();
    auto add = [](const void* p, size_t n) { buffer.append(static_cast<const char*>(p), n); };
    const uint64_t keyLen = entityKey.size(), originLen = origin.size();
    add(&keyLen, sizeof keyLen);
    add(entityKey.data(), entityKey.size());
    add(&eventTs, sizeof eventTs);
    add(&writeHlc, sizeof writeHlc);
    add(&originLen, sizeof originLen);
    add(origin.data(), origin.size());
    const uint8_t tombstone = deleted ? 1 : 0;
    add(&tombstone, 1);
    if (!deleted) {
        add(&schemaDigest, sizeof schemaDigest);
        add(body.data(), body.size());
    }
    return XXH64(buffer.data(), buffer.size(), 0);
}

std::pair<uint64_t, int64_t> OnlineDigest::at(int bits, uint32_t bucket) const {
    const int shift = kLeafBits - bits;
    const uint32_t first = bucket << shift;
    const uint32_t count = 1u << shift;
    uint64_t digest = 0;
    int64_t n = 0;
    for (uint32_t i = first; i < first + count && i < kLeafBuckets; ++i) {
        digest ^= digests[i];
        n += rows[i];
    }
    return {digest, n};
}

absl::StatusOr<OnlineDigest> digestView(storage::Database& db, int64_t viewId,
                                        int64_t writtenBeforeMs) {
    OnlineDigest d;
    auto& dict = db.dictionaries();
    std::map<int64_t, std::string> origins;
    auto st = scanOnlineView(db, viewId, [&](const StoredRow& row) {
        d.bytes += static_cast<int64_t>(row.key.size() + row.vals.size());
        if (writtenBeforeMs > 0 && HybridClock::physicalMs(row.hlc) >= writtenBeforeMs) {
            ++d.young;
            return;
        }
        auto it = origins.find(row.origin);
        if (it == origins.end())
            it = origins.emplace(row.origin, dict.regions.name(row.origin)).first;
        const uint32_t leaf = leafBucketOf(row.key);
        d.digests[leaf] ^=
            onlineRowHash(row.key, row.eventTs, row.hlc, it->second, row.deleted,
                          schemaDigestOf(dict.schemas, row.vals), storage::rowBody(row.vals));
        ++d.rows[leaf];
        ++d.total;
    });
    if (!st.ok())
        return st;
    return d;
}

absl::StatusOr<std::shared_ptr<const OnlineDigest>> DigestCache::get(storage::Database& db,
                                                                     int64_t viewId,
                                                                     int64_t writtenBeforeMs) {
    const int64_t now = wallClockMs();
    const auto key = std::make_pair(viewId, writtenBeforeMs);
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_entries,
                      [&](const auto& e) { return now - e.second.computedAtMs > kCacheMs; });
        if (auto it = m_entries.find(key); it != m_entries.end())
            return it->second.digest;
    }
    auto digest = digestView(db, viewId, writtenBeforeMs);
    if (!digest.ok())
        return digest.status();
    auto shared = std::make_shared<const OnlineDigest>(std::move(*digest));
    std::lock_guard lock(m_mutex);
    if (m_entries.size() >= kCacheEntries)
        m_entries.erase(
            std::min_element(m_entries.begin(), m_entries.end(), [](const auto& a, const auto& b) {
                return a.second.computedAtMs < b.second.computedAtMs;
            }));
    m_entries[key] = {shared, now};
    return shared;
}

absl::StatusOr<v1::DigestResponse> answerDigests(storage::Database& db, storage::ViewIds& viewIds,
                                                 RegistryReplica& registry, DigestCache& cache,
                                                 const v1::DigestRequest& request) {
    const int bits = request.bits();
    if (bits < kLevelBits || bits > kLeafBits || bits % kLevelBits != 0)
        return absl::InvalidArgumentError("bits must be 4, 8, 12 or 16, not " +
                                          std::to_string(bits));
    const uint32_t parents = bits == kLevelBits ? 1 : 1u << (bits - kLevelBits);
    for (const uint32_t p : request.under()) {
        if (bits == kLevelBits || p >= parents)
            return absl::InvalidArgumentError("bucket " + std::to_string(p) +
                                              " is not a bucket of the level above " +
                                              std::to_string(bits) + " bits");
    }
    auto id = peerViewId(db, viewIds, registry, request.project(), request.feature_view(),
                         request.requester());
    if (!id.ok())
        return id.status();
    v1::DigestResponse out;
    if (!*id)
        return out;
    auto digest = cache.get(db, **id, request.written_before_ms());
    if (!digest.ok())
        return digest.status();
    out.set_rows((*digest)->total);
    out.set_young_rows((*digest)->young);
    auto add = [&](uint32_t bucket) {
        const auto [d, n] = (*digest)->at(bits, bucket);
        if (n == 0 && d == 0)
            return;
        auto* b = out.add_buckets();
        b->set_bucket(bucket);
        b->set_digest(d);
        b->set_rows(n);
    };
    if (request.under().empty()) {
        for (uint32_t b = 0; b < (1u << bits); ++b)
            add(b);
    } else {
        for (const uint32_t p : request.under())
            for (uint32_t c = 0; c < (1u << kLevelBits); ++c)
                add((p << kLevelBits) | c);
    }
    return out;
}

absl::StatusOr<v1::BucketRowsResponse> answerBucketRows(storage::Database& db,
                                                        storage::ViewIds& viewIds,
                                                        RegistryReplica& registry,
                                                        const v1::BucketRowsRequest& request) {
    if (request.buckets_size() > 4096)
        return absl::InvalidArgumentError("at most 4096 buckets a request, not " +
                                          std::to_string(request.buckets_size()));
    std::set<uint32_t> wanted;
    for (const uint32_t b : request.buckets()) {
        if (b >= kLeafBuckets)
            return absl::InvalidArgumentError("bucket " + std::to_string(b) +
                                              " is not a leaf bucket (16 bits)");
        wanted.insert(b);
    }
    auto id = peerViewId(db, viewIds, registry, request.project(), request.feature_view(),
                         request.requester());
    if (!id.ok())
        return id.status();
    v1::BucketRowsResponse out;
    if (!*id || wanted.empty())
        return out;
    auto& dict = db.dictionaries();
    std::set<uint32_t> schemaIds;
    auto st = scanOnlineView(db, **id, [&](const StoredRow& row) {
        if (!wanted.count(leafBucketOf(row.key)))
            return;
        auto* c = out.add_rows();
        c->set_kind(row.deleted ? v1::Change::ONLINE_DELETE : v1::Change::FEATURE_ROW);
        c->set_target(v1::ONLINE);
        c->set_project(request.project());
        c->set_feature_view(request.feature_view());
        c->set_entity_key(std::string(row.key));
        c->set_event_timestamp(row.eventTs);
        c->set_hlc(row.hlc);
        c->set_row_hlc(row.hlc);
        const std::string origin = dict.regions.name(row.origin);
        c->set_origin(origin);
        c->set_row_origin(origin);
        c->set_values(std::string(row.vals));
        uint32_t schemaId = 0;
        if (storage::rowSchemaId(row.vals, schemaId))
            schemaIds.insert(schemaId);
    });
    if (!st.ok())
        return st;
    for (const uint32_t sid : schemaIds) {
        if (auto schema = dict.schemas.find(sid)) {
            auto* def = out.add_schemas();
            def->set_id(sid);
            def->set_fields(schema->encode());
        }
    }
    return out;
}

}  // namespace meridian::replication
