#include "replication/consistency.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>

#include "replication/hybridclock.h"
#include "storage/entitykey.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"
#include "storage/rowschema.h"

namespace meridian::replication {
namespace {

constexpr int kBucketsPerRowsCall = 256;
// At most this many leaf buckets' rows are fetched by one check of a view (a sixteenth).
constexpr size_t kMaxLeavesCompared = 4096;

std::string valueText(const v1::Value& v) {
    char buf[64];
    switch (v.val_case()) {
        case v1::Value::kInt64Val:
            return std::to_string(v.int64_val());
        case v1::Value::kInt32Val:
            return std::to_string(v.int32_val());
        case v1::Value::kDoubleVal:
            std::snprintf(buf, sizeof buf, "%.17g", v.double_val());
            return buf;
        case v1::Value::kFloatVal:
            std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v.float_val()));
            return buf;
        case v1::Value::kStringVal:
            return "\"" + v.string_val() + "\"";
        case v1::Value::kBytesVal:
            return std::to_string(v.bytes_val().size()) + " bytes";
        case v1::Value::kBoolVal:
            return v.bool_val() ? "true" : "false";
        case v1::Value::kUnixTimestampVal:
            return std::to_string(v.unix_timestamp_val()) + " ms";
        case v1::Value::kInt64ListVal:
            return "[" + std::to_string(v.int64_list_val().val_size()) + " int64]";
        case v1::Value::kDoubleListVal:
            return "[" + std::to_string(v.double_list_val().val_size()) + " double]";
        case v1::Value::kFloatListVal:
            return "[" + std::to_string(v.float_list_val().val_size()) + " float]";
        case v1::Value::kStringListVal:
            return "[" + std::to_string(v.string_list_val().val_size()) + " string]";
        default:
            return "null";
    }
}

// A row's fields as "name=value" texts (null fields left out), and a note when it cannot be
// read to the end.
struct RowFields {
    std::vector<std::pair<std::string, std::string>> fields;
    std::string problem;  // "(unknown row schema)", "(damaged row)"
};

RowFields rowFields(std::string_view vals, const storage::RowSchema* schema) {
    RowFields out;
    if (!schema) {
        out.problem = "(unknown row schema)";
        return out;
    }
    storage::RowReader reader(vals, *schema);
    int field = -1;
    while (reader.next(field)) {
        v1::Value value;
        if (!reader.read(&value))
            break;
        out.fields.emplace_back(schema->fields[field].name, valueText(value));
    }
    if (!reader.ok())
        out.problem = "(damaged row)";
    return out;
}

// "score=1.5, label=\"x\"": the fields of `row` that `other` does not hold alike (all of them
// when every field is alike, or when there is no other row to compare with).
std::string rowText(const RowFields& row, const RowFields* other) {
    std::vector<std::string> parts;
    for (const auto& f : row.fields) {
        const bool alike = other && std::find(other->fields.begin(), other->fields.end(), f) !=
                                        other->fields.end();
        if (!alike)
            parts.push_back(f.first + "=" + f.second);
    }
    if (other && parts.empty() && row.fields.size() != other->fields.size()) {
        // The other row has fields this one leaves null.
        for (const auto& f : other->fields) {
            if (std::find(row.fields.begin(), row.fields.end(), f) == row.fields.end())
                parts.push_back(f.first + "=null");
        }
    }
    if (parts.empty()) {
        for (const auto& f : row.fields)
            parts.push_back(f.first + "=" + f.second);
    }
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    if (!row.problem.empty())
        out += (out.empty() ? "" : " ") + row.problem;
    return out.empty() ? "(all null)" : out;
}

std::string entityText(std::string_view key) {
    auto parts = storage::decodeEntityKey(key);
    if (!parts.ok())
        return "(undecodable key)";
    std::string out;
    for (const auto& [name, value] : *parts) {
        if (!out.empty())
            out += ",";
        out += name + "=" + valueText(value);
    }
    return out;
}

// One side's version of a key, with what hashing and showing it needs.
struct Version {
    bool present = false;
    int64_t eventTs = 0;
    uint64_t hlc = 0;
    std::string origin;
    bool deleted = false;
    std::string vals;
    storage::RowSchemaPtr schema;
    const v1::Change* change = nullptr;  // the peer's rows

    uint64_t hash(std::string_view key) const {
        return onlineRowHash(key, eventTs, hlc, origin, deleted, schema ? schema->digest : 0,
                             storage::rowBody(vals));
    }
    // With `other`, the values show only the fields where the two differ.
    v1::RowVersion toWire(const Version* other) const {
        v1::RowVersion out;
        out.set_present(present);
        if (!present)
            return out;
        out.set_event_timestamp(eventTs);
        out.set_write_hlc(hlc);
        out.set_origin(origin);
        out.set_deleted(deleted);
        if (deleted) {
            out.set_values("(deleted)");
            return out;
        }
        const RowFields mine = rowFields(vals, schema.get());
        if (other && other->present && !other->deleted) {
            const RowFields theirs = rowFields(other->vals, other->schema.get());
            out.set_values(rowText(mine, &theirs));
        } else {
            out.set_values(rowText(mine, nullptr));
        }
        return out;
    }
};

std::string orderReason(const Version& a, const Version& b) {
    if (a.eventTs != b.eventTs)
        return "greater event time";
    if (a.hlc != b.hlc)
        return "greater write clock";
    return "greater origin region";
}

absl::Status peerError(const std::string& peer, const grpc::Status& st) {
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                        "region '" + peer + "': " + st.error_message());
}
}  // namespace

absl::StatusOr<v1::ViewConsistency> checkView(storage::Database& db, storage::ViewIds& viewIds,
                                              const v1::FeatureView& view, const std::string& self,
                                              const std::string& peer, v1::Replication::Stub& stub,
                                              const CheckOptions& options, RepairSet* repairs,
                                              int64_t* fullCopyBytes) {
    const auto started = std::chrono::steady_clock::now();
    v1::ViewConsistency out;
    out.set_feature_view(view.project() + "/" + view.name());
    const int64_t writtenBefore = wallClockMs() - std::max<int64_t>(0, options.lagBoundMs);
    auto id = storedViewId(db, viewIds, view.project(), view.name());
    if (!id.ok())
        return id.status();
    OnlineDigest local;
    if (*id) {
        auto d = digestView(db, **id, writtenBefore);
        if (!d.ok())
            return d.status();
        local = std::move(*d);
    }
    out.set_rows_here(local.total);
    auto deadline = [&] {
        return std::chrono::system_clock::now() + std::chrono::milliseconds(options.callTimeoutMs);
    };

    // Top-down: the buckets of each level that differ, and then their children.
    std::vector<uint32_t> differing;
    int64_t bytes = 0;
    int64_t young = local.young;
    int32_t compared = 0;
    for (int bits = kLevelBits; bits <= kLeafBits; bits += kLevelBits) {
        if (bits > kLevelBits && differing.empty())
            break;
        v1::DigestRequest request;
        request.set_project(view.project());
        request.set_feature_view(view.name());
        request.set_written_before_ms(writtenBefore);
        request.set_bits(bits);
        request.set_requester(self);
        for (const uint32_t b : differing)
            request.add_under(b);
        v1::DigestResponse response;
        grpc::ClientContext ctx;
        ctx.set_deadline(deadline());
        if (auto st = stub.Digests(&ctx, request, &response); !st.ok())
            return peerError(peer, st);
        bytes += static_cast<int64_t>(response.ByteSizeLong());
        if (bits == kLevelBits) {
            out.set_rows_there(response.rows());
            young += response.young_rows();
        }
        std::map<uint32_t, std::pair<uint64_t, int64_t>> remote;
        for (const auto& b : response.buckets())
            remote[b.bucket()] = {b.digest(), b.rows()};
        std::vector<uint32_t> candidates;
        if (bits == kLevelBits) {
            for (uint32_t b = 0; b < (1u << kLevelBits); ++b)
                candidates.push_back(b);
        } else {
            for (const uint32_t p : differing)
                for (uint32_t c = 0; c < (1u << kLevelBits); ++c)
                    candidates.push_back((p << kLevelBits) | c);
        }
        std::vector<uint32_t> next;
        for (const uint32_t b : candidates) {
            auto it = remote.find(b);
            const auto there = it == remote.end() ? std::pair<uint64_t, int64_t>{0, 0} : it->second;
            if (local.at(bits, b) != there)
                next.push_back(b);
        }
        compared += static_cast<int32_t>(candidates.size());
        differing = std::move(next);
    }
    out.set_buckets_compared(compared);
    out.set_buckets_differing(static_cast<int32_t>(differing.size()));
    out.set_young_rows(young);
    // So many leaves differ that comparing their rows would move most of the view: one side is
    // far behind (lag, which the lag alerts report) rather than diverged.
    if (differing.size() > kMaxLeavesCompared)
        return absl::FailedPreconditionError(
            std::to_string(differing.size()) + " of " + std::to_string(kLeafBuckets) +
            " buckets of " + out.feature_view() + " differ between '" + self + "' and '" + peer +
            "': one of them is far behind (see meridianctl lag); rows not compared");

    if (!differing.empty()) {
        // The peer's rows of those leaves, and then ours.
        std::map<std::string, Version> theirs, ours;
        std::vector<v1::BucketRowsResponse> answers;
        std::map<uint32_t, storage::RowSchemaPtr> theirSchemas;
        for (size_t i = 0; i < differing.size(); i += kBucketsPerRowsCall) {
            v1::BucketRowsRequest request;
            request.set_project(view.project());
            request.set_feature_view(view.name());
            request.set_requester(self);
            for (size_t j = i; j < std::min(differing.size(), i + kBucketsPerRowsCall); ++j)
                request.add_buckets(differing[j]);
            grpc::ClientContext ctx;
            ctx.set_deadline(deadline());
            answers.emplace_back();
            if (auto st = stub.BucketRows(&ctx, request, &answers.back()); !st.ok())
                return peerError(peer, st);
            bytes += static_cast<int64_t>(answers.back().ByteSizeLong());
            for (const auto& def : answers.back().schemas()) {
                auto schema = storage::RowSchema::decode(def.fields());
                if (schema.ok())
                    theirSchemas[def.id()] =
                        std::make_shared<storage::RowSchema>(std::move(*schema));
                if (repairs)
                    repairs->schemas.push_back(def);
            }
        }
        for (const auto& answer : answers) {
            for (const auto& c : answer.rows()) {
                Version v;
                v.present = true;
                v.eventTs = c.event_timestamp();
                v.hlc = c.row_hlc() ? c.row_hlc() : c.hlc();
                v.origin = c.row_origin().empty() ? c.origin() : c.row_origin();
                v.deleted = c.kind() == v1::Change::ONLINE_DELETE;
                v.vals = c.values();
                uint32_t sid = 0;
                if (storage::rowSchemaId(v.vals, sid) && theirSchemas.count(sid))
                    v.schema = theirSchemas[sid];
                v.change = &c;
                theirs[c.entity_key()] = std::move(v);
            }
        }
        const std::set<uint32_t> leaves(differing.begin(), differing.end());
        if (*id) {
            auto& dict = db.dictionaries();
            auto st = scanOnlineView(db, **id, [&](const StoredRow& row) {
                if (!leaves.count(leafBucketOf(row.key)))
                    return;
                Version v;
                v.present = true;
                v.eventTs = row.eventTs;
                v.hlc = row.hlc;
                v.origin = dict.regions.name(row.origin);
                v.deleted = row.deleted;
                v.vals = std::string(row.vals);
                uint32_t sid = 0;
                if (storage::rowSchemaId(row.vals, sid))
                    v.schema = dict.schemas.find(sid);
                ours[std::string(row.key)] = std::move(v);
            });
            if (!st.ok())
                return st;
        }
        std::set<std::string> keys;
        for (const auto& [k, v] : theirs)
            keys.insert(k);
        for (const auto& [k, v] : ours)
            keys.insert(k);
        int64_t total = 0;
        const Version none;
        for (const auto& key : keys) {
            auto h = ours.find(key);
            auto t = theirs.find(key);
            const Version& here = h == ours.end() ? none : h->second;
            const Version& there = t == theirs.end() ? none : t->second;
            if (here.present && there.present && here.hash(key) == there.hash(key))
                continue;
            // Written within the lag bound on either side: possibly still on its way.
            if ((here.present && HybridClock::physicalMs(here.hlc) >= writtenBefore) ||
                (there.present && HybridClock::physicalMs(there.hlc) >= writtenBefore))
                continue;
            v1::KeyDifference d;
            if (!there.present) {
                d.set_winner(v1::KeyDifference::HERE);
                d.set_reason("only " + self + " holds it");
            } else if (!here.present) {
                d.set_winner(v1::KeyDifference::THERE);
                d.set_reason("only " + peer + " holds it");
            } else if (storage::isNewer(here.eventTs, here.hlc, here.origin, there.eventTs,
                                        there.hlc, there.origin)) {
                d.set_winner(v1::KeyDifference::HERE);
                d.set_reason(orderReason(here, there) + " in " + self);
            } else if (storage::isNewer(there.eventTs, there.hlc, there.origin, here.eventTs,
                                        here.hlc, here.origin)) {
                d.set_winner(v1::KeyDifference::THERE);
                d.set_reason(orderReason(there, here) + " in " + peer);
            } else if (here.origin == self) {
                d.set_winner(v1::KeyDifference::HERE);
                d.set_reason("same version, different values: " + self +
                             " wrote it, its copy stands");
            } else if (there.origin == peer) {
                d.set_winner(v1::KeyDifference::THERE);
                d.set_reason("same version, different values: " + peer +
                             " wrote it, its copy stands");
            } else {
                d.set_winner(v1::KeyDifference::UNRESOLVED);
                d.set_reason("same version, different values, written by " + here.origin +
                             ": compare with it");
            }
            ++total;
            if (repairs) {
                if (d.winner() == v1::KeyDifference::THERE)
                    repairs->rows.push_back(*there.change);
                else if (d.winner() == v1::KeyDifference::UNRESOLVED)
                    ++repairs->unresolved;
            }
            if (out.differences_size() < options.maxDifferences) {
                d.set_entity(entityText(key));
                d.set_entity_key(key);
                *d.mutable_here() = here.toWire(&there);
                *d.mutable_there() = there.toWire(&here);
                *out.add_differences() = std::move(d);
            }
        }
        out.set_differences_total(total);
    }
    out.set_bytes_exchanged(bytes);
    if (fullCopyBytes) {
        const int64_t scanned = local.total + local.young;
        *fullCopyBytes = scanned > 0 ? out.rows_there() * (local.bytes / scanned) : 0;
    }
    out.set_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return out;
}

absl::StatusOr<int64_t> applyRepairs(storage::Database& db, storage::ViewIds& viewIds,
                                     const v1::FeatureView& view, const RepairSet& repairs) {
    if (repairs.rows.empty())
        return 0;
    int64_t changed = 0;
    auto st = db.write([&](storage::Connection& conn) -> absl::Status {
        auto& dict = db.dictionaries();
        auto viewId = viewIds.obtain(conn, view.project(), view.name());
        if (!viewId.ok())
            return viewId.status();
        std::map<uint32_t, uint32_t> schemaIdOf;
        for (const auto& def : repairs.schemas) {
            if (schemaIdOf.count(def.id()))
                continue;
            auto schema = storage::RowSchema::decode(def.fields());
            if (!schema.ok())
                return absl::DataLossError("row schema " + std::to_string(def.id()) +
                                           " does not decode");
            auto local = dict.schemas.obtain(conn, *schema);
            if (!local.ok())
                return local.status();
            schemaIdOf[def.id()] = *local;
        }
        storage::OnlineTable online(conn);
        for (const auto& c : repairs.rows) {
            const uint64_t hlc = c.row_hlc() ? c.row_hlc() : c.hlc();
            const std::string& originName = c.row_origin().empty() ? c.origin() : c.row_origin();
            if (dict.erased.blocks(*viewId, c.entity_key(), c.event_timestamp(), hlc))
                continue;
            auto origin = dict.regions.obtain(conn, originName);
            if (!origin.ok())
                return origin.status();
            uint32_t sid = 0;
            if (!storage::rowSchemaId(c.values(), sid) || !schemaIdOf.count(sid))
                return absl::DataLossError("a repaired row names a row schema not sent with it");
            auto vals = storage::withSchemaId(c.values(), schemaIdOf[sid]);
            if (!vals.ok())
                return vals.status();
            const bool deleted = c.kind() == v1::Change::ONLINE_DELETE;
            auto won = online.upsert(*viewId, c.entity_key(),
                                     {c.event_timestamp(), hlc, *origin, deleted, *vals});
            if (!won.ok())
                return won.status();
            if (*won) {
                ++changed;
                continue;
            }
            // The same version here with other values: the check chose the writer's copy.
            auto& q = conn.prepare(
                "UPDATE online SET vals = ?1, deleted = ?2 WHERE view_id = ?3 AND entity_key = ?4 "
                "AND event_ts = ?5 AND write_hlc = ?6 AND origin = ?7");
            q.bindBlob(1, *vals)
                .bind(2, static_cast<int64_t>(deleted ? 1 : 0))
                .bind(3, *viewId)
                .bindBlob(4, c.entity_key())
                .bind(5, c.event_timestamp())
                .bind(6, static_cast<int64_t>(hlc))
                .bind(7, *origin);
            if (auto s = q.run(); !s.ok())
                return s;
            changed += conn.changes();
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return changed;
}

std::vector<v1::FeatureView> sharedViews(RegistryReplica& registry, const std::string& self,
                                         const std::string& peer) {
    std::vector<v1::FeatureView> out;
    const auto catalog = registry.catalog();
    for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
        const auto& v = o->feature_view();
        if (v.has_online() && !v.online())
            continue;
        const auto storing = registry.regions().storingRegions(v);
        if (storing.count(self) && storing.count(peer))
            out.push_back(v);
    }
    return out;
}

absl::StatusOr<std::vector<v1::FeatureView>> viewsInScope(
    RegistryReplica& registry, const std::string& self, const std::string& peer,
    const google::protobuf::RepeatedPtrField<std::string>& scope) {
    if (scope.empty())
        return sharedViews(registry, self, peer);
    std::vector<v1::FeatureView> views;
    const auto catalog = registry.catalog();
    for (const auto& s : scope) {
        const auto slash = s.find('/');
        if (slash == std::string::npos)
            return absl::InvalidArgumentError("scope '" + s + "' is not of the form project/view");
        const auto* v = catalog->featureView(s.substr(0, slash), s.substr(slash + 1));
        if (!v)
            return absl::NotFoundError("feature view '" + s + "' not found");
        const auto storing = registry.regions().storingRegions(*v);
        if (!storing.count(self) || !storing.count(peer))
            return absl::FailedPreconditionError("feature view '" + s + "' is not held by both '" +
                                                 self + "' and '" + peer + "'");
        views.push_back(*v);
    }
    return views;
}

}  // namespace meridian::replication
