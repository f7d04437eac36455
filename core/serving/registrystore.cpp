#include "serving/registrystore.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "registry/applyplan.h"
#include "registry/federation.h"
#include "registry/lineage.h"
#include "storage/audittable.h"
#include "storage/changelogtable.h"
#include "storage/registrytable.h"

namespace meridian::serving {

namespace {

// Keeps (or, once its owner withdrew or deleted it, forgets) a definition this region did not
// take because it holds another owner's under the same name.
absl::Status keepRefused(storage::Connection& conn, const v1::RegistryObject& object,
                         const std::string& region) {
    const auto key = registry::keyOf(object);
    const auto& meta = object.meta();
    if (meta.deleted() || !registry::isPublishedTo(meta, region))
        return conn
            .prepare(
                "DELETE FROM registry_refused WHERE kind = ? AND project = ? AND name = ? AND "
                "owner_region = ?")
            .bind(1, static_cast<int64_t>(key.kind))
            .bind(2, key.project)
            .bind(3, key.name)
            .bind(4, meta.owner_region())
            .run();
    const std::string bytes = object.SerializeAsString();
    return conn
        .prepare(
            "INSERT INTO registry_refused(kind, project, name, owner_region, hlc, object) "
            "VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(kind, project, name, owner_region) DO UPDATE "
            "SET hlc = excluded.hlc, object = excluded.object WHERE excluded.hlc > hlc")
        .bind(1, static_cast<int64_t>(key.kind))
        .bind(2, key.project)
        .bind(3, key.name)
        .bind(4, meta.owner_region())
        .bind(5, static_cast<int64_t>(meta.hlc()))
        .bindBlob(6, bytes)
        .run();
}

// The definition held under `key` went: the newest refused one takes its place. True when one
// did.
absl::StatusOr<bool> adoptRefused(storage::Connection& conn, const registry::ObjectKey& key) {
    auto& q = conn.prepare(
        "SELECT object FROM registry_refused WHERE kind = ? AND project = ? AND name = ? "
        "ORDER BY hlc DESC LIMIT 1");
    q.bind(1, static_cast<int64_t>(key.kind)).bind(2, key.project).bind(3, key.name);
    v1::RegistryObject next;
    const bool found =
        q.step() && next.ParseFromArray(q.blob(0).data(), static_cast<int>(q.blob(0).size()));
    if (auto st = q.finish(); !st.ok())
        return st;
    if (!found)
        return false;
    if (auto st = storage::RegistryTable(conn).put(next); !st.ok())
        return st;
    if (auto st = conn.prepare("DELETE FROM registry_refused WHERE kind = ? AND project = ? AND "
                               "name = ? AND owner_region = ?")
                      .bind(1, static_cast<int64_t>(key.kind))
                      .bind(2, key.project)
                      .bind(3, key.name)
                      .bind(4, next.meta().owner_region())
                      .run();
        !st.ok())
        return st;
    return true;
}

}  // namespace

RegistryStore::RegistryStore(storage::Database& db, replication::HybridClock& clock,
                             std::string region, registry::RegionSet regions)
    : m_db(db),
      m_clock(clock),
      m_region(std::move(region)),
      m_regions(std::move(regions)),
      m_catalog(std::make_shared<registry::Catalog>()) {}

absl::Status RegistryStore::load() {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto objects = storage::RegistryTable(**reader).current();
    if (!objects.ok())
        return objects.status();
    publish(std::make_shared<registry::Catalog>(std::move(*objects)));
    return absl::OkStatus();
}

registry::CatalogPtr RegistryStore::catalog() const {
    std::lock_guard lock(m_catalogMutex);
    return m_catalog;
}

void RegistryStore::publish(registry::CatalogPtr catalog) {
    // Under the lock: a publication racing an adoption of new hubs cannot undo it.
    std::lock_guard lock(m_catalogMutex);
    if (m_hubs)
        catalog = m_hubs->overlay(std::move(catalog));
    m_catalog = std::move(catalog);
}

absl::Status RegistryStore::checkWritable() const {
    if (!m_controlRegion.empty() && m_controlRegion != m_region)
        return absl::FailedPreconditionError(
            "registry changes are accepted only by the control region '" + m_controlRegion +
            "' (centralized control plane); this is '" + m_region + "'");
    return absl::OkStatus();
}

absl::Status RegistryStore::store(std::vector<v1::RegistryObject>& objects,
                                  const std::string& principal, const std::string& action,
                                  const std::string& requestId, const std::string& result) {
    return m_db.write([&](storage::Connection& conn) -> absl::Status {
        storage::RegistryTable table(conn);
        storage::ChangelogTable log(conn);
        storage::AuditTable audit(conn);
        for (auto& object : objects) {
            // Stamped inside the transaction, as every log entry is: the log's clock values
            // grow with its sequence.
            object.mutable_meta()->set_hlc(m_clock.tick());
            if (auto st = table.put(object); !st.ok())
                return st;
            storage::LogAppend entry;
            entry.kind =
                object.meta().deleted() ? v1::Change::REGISTRY_DELETE : v1::Change::REGISTRY_PUT;
            entry.hlc = object.meta().hlc();
            entry.commitMs = object.meta().updated_at();
            v1::Change body;
            body.set_project(object.meta().project());
            *body.mutable_object() = object;
            body.SerializeToString(&entry.body);
            if (auto st = log.append(entry); !st.ok())
                return st.status();
            const auto key = registry::keyOf(object);
            if (auto st = audit.record(
                    {.atMs = object.meta().updated_at(),
                     .principal = principal,
                     .action = action,
                     .target = key.toString(),
                     .result = result.empty() ? "version " + std::to_string(object.meta().version())
                                              : result,
                     .requestId = requestId});
                !st.ok())
                return st;
        }
        return absl::OkStatus();
    });
}

registry::ApplyContext RegistryStore::contextFor(const std::string& principal) const {
    registry::ApplyContext context;
    context.region = m_region;
    context.principal = principal;
    context.nowMs = replication::wallClockMs();
    return context;
}

absl::StatusOr<v1::ApplyResponse> RegistryStore::apply(const v1::ApplyRequest& request,
                                                       const std::string& principal,
                                                       const std::string& requestId) {
    if (auto st = checkWritable(); !st.ok())
        return st;
    std::lock_guard lock(m_applyMutex);
    const auto current = catalog();
    registry::ApplyContext context = contextFor(principal);
    std::vector<v1::RegistryObject> incoming(request.objects().begin(), request.objects().end());
    absl::StatusOr<std::vector<registry::PlannedChange>> plan;
    // One snapshot answers every object's last version.
    if (auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
            storage::RegistryTable table(conn);
            context.lastVersion = [&table](const registry::ObjectKey& key) -> int64_t {
                auto v = table.lastVersion(key);
                return v.ok() ? *v : 0;
            };
            plan = registry::planApply(*current, std::move(incoming), m_regions, context);
            return absl::OkStatus();
        });
        !st.ok())
        return st;
    if (!plan.ok())
        return plan.status();

    v1::ApplyResponse response;
    std::vector<v1::RegistryObject> changed;
    std::map<registry::ObjectKey, int> resultOf;  // per changed object, its entry in the response
    for (auto& change : *plan) {
        if (change.action != v1::ApplyResult::UNCHANGED) {
            resultOf[registry::keyOf(change.object)] = response.results_size();
            changed.push_back(change.object);
        }
        auto* result = response.add_results();
        *result->mutable_meta() = change.object.meta();
        result->set_action(change.action);
    }
    if (changed.empty())
        return response;
    if (m_federated) {
        if (auto st = federate(*current, current->with(changed), changed); !st.ok())
            return st;
    }
    auto answer = [&] {
        for (const auto& object : changed) {
            const auto it = resultOf.find(registry::keyOf(object));
            if (it != resultOf.end())
                *response.mutable_results(it->second)->mutable_meta() = object.meta();
        }
        return response;
    };
    if (request.dry_run())
        return answer();
    if (auto st = store(changed, principal, "registry.apply", requestId); !st.ok())
        return st;
    // Published at once: the region reads its own change from the moment it answers.
    publish(std::make_shared<registry::Catalog>(current->with(changed)));
    return answer();
}

absl::Status RegistryStore::federate(const registry::Catalog& current,
                                     const registry::Catalog& after,
                                     std::vector<v1::RegistryObject>& changed) const {
    std::vector<std::string> problems;
    std::map<registry::ObjectKey, v1::RegistryObject> out;
    for (auto& object : changed) {
        const auto key = registry::keyOf(object);
        const auto* previous = current.find(key);
        auto* meta = object.mutable_meta();
        const std::string& owner = previous ? previous->meta().owner_region() : m_region;
        if (owner != m_region) {
            problems.push_back(key.toString() + " is owned by region '" + owner +
                               "' (federated control plane): change it there");
            continue;
        }
        if (object.has_feature_view() && object.feature_view().owner_region() != m_region) {
            problems.push_back(key.toString() + " names owner_region '" +
                               object.feature_view().owner_region() +
                               "': apply it there (federated control plane: a region owns what "
                               "it creates)");
            continue;
        }
        meta->set_owner_region(m_region);
        meta->clear_published_to();
        if (previous)
            *meta->mutable_published_to() = previous->meta().published_to();
        out[key] = object;
    }
    if (!problems.empty())
        return absl::FailedPreconditionError(absl::StrJoin(problems, "\n"));
    // A view's data goes to the regions it replicates to: they need its definition.
    for (const auto& object : changed) {
        const auto replicas = registry::replicaRegionsOf(object, m_region);
        if (replicas.empty())
            continue;
        if (auto st = widenAudience(after, registry::keyOf(object), replicas, out); !st.ok())
            problems.emplace_back(st.message());
    }
    if (!problems.empty())
        return absl::FailedPreconditionError(absl::StrJoin(problems, "\n"));
    // Objects only published now go first: they are what the changed ones need.
    std::set<registry::ObjectKey> planned;
    for (const auto& object : changed)
        planned.insert(registry::keyOf(object));
    std::vector<v1::RegistryObject> ordered;
    for (auto& [key, object] : out)
        if (!planned.count(key))
            ordered.push_back(std::move(object));
    for (auto& object : changed)
        ordered.push_back(std::move(out.at(registry::keyOf(object))));
    changed = std::move(ordered);
    return absl::OkStatus();
}

absl::Status RegistryStore::widenAudience(
    const registry::Catalog& catalog, const registry::ObjectKey& key,
    const std::set<std::string>& regions,
    std::map<registry::ObjectKey, v1::RegistryObject>& out) const {
    std::vector<std::string> problems;
    for (const auto& needed : registry::publicationClosure(catalog, key)) {
        auto it = out.find(needed);
        v1::RegistryObject object = it != out.end() ? it->second : *catalog.find(needed);
        const std::string owner = object.meta().owner_region();
        bool grown = false;
        for (const auto& region : regions) {
            if (registry::isPublishedTo(object.meta(), region))
                continue;
            if (owner != m_region) {
                problems.push_back(key.toString() + " needs " + needed.toString() +
                                   ", which region '" + owner +
                                   "' owns and has not published to '" + region +
                                   "': publish it there first, in '" + owner + "'");
                continue;
            }
            if (auto st = registry::residencyAllowsCopy(object, m_regions, region); !st.ok()) {
                problems.emplace_back(st.message());
                continue;
            }
            object.mutable_meta()->add_published_to(region);
            grown = true;
        }
        if (grown) {
            auto* list = object.mutable_meta()->mutable_published_to();
            std::sort(list->begin(), list->end());
            object.mutable_meta()->clear_withdrawn_from();
            out[needed] = std::move(object);
        }
    }
    if (!problems.empty())
        return absl::FailedPreconditionError(absl::StrJoin(problems, "\n"));
    return absl::OkStatus();
}

absl::StatusOr<v1::ObjectMeta> RegistryStore::remove(const v1::ObjectRef& ref,
                                                     const std::string& principal,
                                                     const std::string& requestId) {
    if (auto st = checkWritable(); !st.ok())
        return st;
    std::lock_guard lock(m_applyMutex);
    const auto current = catalog();
    registry::ApplyContext context = contextFor(principal);
    auto tombstone = registry::planDelete(*current, registry::keyOf(ref), context);
    if (!tombstone.ok())
        return tombstone.status();
    // Federated: the deletion goes where the object was published, and takes the copies away.
    if (m_federated && tombstone->meta().owner_region() != m_region)
        return absl::FailedPreconditionError(
            registry::keyOf(ref).toString() + " is owned by region '" +
            tombstone->meta().owner_region() + "' (federated control plane): delete it there");
    tombstone->mutable_meta()->clear_withdrawn_from();
    std::vector<v1::RegistryObject> objects{std::move(*tombstone)};
    if (auto st = store(objects, principal, "registry.delete", requestId); !st.ok())
        return st;
    // Federated: a definition published here by another region, kept aside while this one
    // held the name, takes it now.
    if (m_federated) {
        bool adopted = false;
        if (auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
                auto taken = adoptRefused(conn, registry::keyOf(ref));
                if (!taken.ok())
                    return taken.status();
                adopted = *taken;
                return absl::OkStatus();
            });
            !st.ok())
            return st;
        if (adopted) {
            if (auto st = load(); !st.ok())
                return st;
            return objects.front().meta();
        }
    }
    publish(std::make_shared<registry::Catalog>(current->with(objects.front())));
    return objects.front().meta();
}

absl::StatusOr<v1::RegistryObject> RegistryStore::get(const v1::ObjectRef& ref,
                                                      int64_t version) const {
    const auto key = registry::keyOf(ref);
    if (version == 0) {
        const auto current = catalog();
        if (const auto* o = current->find(key))
            return *o;
        return absl::NotFoundError(key.toString() + " not found");
    }
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto o = storage::RegistryTable(**reader).get(key, version);
    if (!o.ok())
        return o.status();
    if (!*o)
        return absl::NotFoundError(key.toString() + " has no version " + std::to_string(version));
    return **o;
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegistryStore::list(
    const v1::ListObjectsRequest& request) const {
    std::vector<v1::RegistryObject> all;
    if (request.include_deleted()) {
        auto reader = m_db.read();
        if (!reader.ok())
            return reader.status();
        auto objects = storage::RegistryTable(**reader).current(true);
        if (!objects.ok())
            return objects.status();
        all = std::move(*objects);
    } else {
        const auto current = catalog();
        for (const auto& [key, o] : current->objects())
            all.push_back(o);
    }
    std::vector<v1::RegistryObject> out;
    for (auto& o : all) {
        const auto key = registry::keyOf(o);
        if (request.kind() != v1::OBJECT_KIND_UNSPECIFIED && key.kind != request.kind())
            continue;
        const std::string& project = key.kind == v1::PROJECT ? key.name : key.project;
        if (!request.project().empty() && project != request.project())
            continue;
        out.push_back(std::move(o));
    }
    return out;
}

absl::StatusOr<std::vector<v1::RegistryObject>> RegistryStore::history(
    const v1::ObjectRef& ref) const {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto versions = storage::RegistryTable(**reader).history(registry::keyOf(ref));
    if (!versions.ok())
        return versions.status();
    if (versions->empty())
        return absl::NotFoundError(registry::keyOf(ref).toString() + " not found");
    return versions;
}

absl::StatusOr<bool> RegistryStore::putReplicated(storage::Connection& conn,
                                                  const v1::RegistryObject& object,
                                                  const std::string& origin) {
    storage::RegistryTable table(conn);
    auto current = table.get(registry::keyOf(object));
    if (!current.ok())
        return current.status();
    const v1::RegistryObject* held = *current ? &**current : nullptr;
    const std::string& owner = object.meta().owner_region();
    // Federated: what this region holds changes by its owner only. Another region's definition
    // of the same name is a conflict for discovery to report, never an overwrite; it is kept
    // aside and takes the name if the held definition goes.
    if (m_federated && owner != m_region && held && !held->meta().deleted() &&
        held->meta().owner_region() != owner) {
        if (auto st = keepRefused(conn, object, m_region); !st.ok())
            return st;
        return false;
    }
    if (held && held->meta().hlc() >= object.meta().hlc())
        return false;
    // Centralized: only the control region changes the registry. Another region sends what it
    // owned under a federated control plane once, when the deployment turns centralized; it
    // is taken where the name is free, and never replaces the control region's definition.
    if (!m_federated && !m_controlRegion.empty() && origin != m_controlRegion && held &&
        !held->meta().deleted())
        return false;
    if (m_federated && owner != m_region) {
        if (!registry::isPublishedTo(object.meta(), m_region)) {
            // Withdrawn from this region: the copy goes (its history stays).
            if (!held || held->meta().deleted() || held->meta().owner_region() != owner)
                return false;
            v1::RegistryObject gone = object;
            gone.mutable_meta()->set_deleted(true);
            if (auto st = table.put(gone); !st.ok())
                return st;
            if (auto st = adoptRefused(conn, registry::keyOf(object)); !st.ok())
                return st.status();
            return true;
        }
    }
    if (auto st = table.put(object); !st.ok())
        return st;
    if (m_federated && object.meta().deleted()) {
        if (auto st = adoptRefused(conn, registry::keyOf(object)); !st.ok())
            return st.status();
    }
    return true;
}

absl::Status RegistryStore::adoptControlPlane() {
    const std::string now =
        m_federated ? "federated"
                    : "centralized:" + (m_controlRegion.empty() ? m_region : m_controlRegion);
    std::string previous;
    if (auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
            auto& q = conn.prepare("SELECT value FROM meta WHERE key = 'control_plane'");
            if (q.step())
                previous = std::string(q.text(0));
            return q.finish();
        });
        !st.ok())
        return st;
    if (previous == now)
        return absl::OkStatus();
    const bool wasFederated = previous == "federated";
    std::lock_guard lock(m_applyMutex);
    const auto current = catalog();
    std::vector<v1::RegistryObject> changes;
    // A first start has nothing to hand over; centralized under another control region
    // neither (every region holds everything either way).
    if (!previous.empty() && wasFederated != m_federated) {
        for (const auto& [key, object] : current->objects()) {
            if (object.meta().owner_region() != m_region)
                continue;
            v1::RegistryObject sent = object;
            auto* meta = sent.mutable_meta();
            meta->clear_published_to();
            meta->clear_withdrawn_from();
            if (m_federated) {
                // Published where it and everything it needs may go.
                const auto closure = registry::publicationClosure(*current, key);
                for (const auto& region : m_regions.names()) {
                    if (region == m_region)
                        continue;
                    bool allowed = true;
                    for (const auto& needed : closure)
                        allowed = allowed && registry::residencyAllowsCopy(*current->find(needed),
                                                                           m_regions, region)
                                                 .ok();
                    if (allowed)
                        meta->add_published_to(region);
                    else
                        meta->add_withdrawn_from(region);
                }
            }
            changes.push_back(std::move(sent));
        }
    }
    if (!changes.empty()) {
        if (auto st = store(changes, "meridian-store", "registry.control_plane", {},
                            "control plane " + previous + " -> " + now);
            !st.ok())
            return st;
    }
    if (auto st = m_db.write([&](storage::Connection& conn) {
            return conn
                .prepare(
                    "INSERT INTO meta(key, value) VALUES('control_plane', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                .bind(1, now)
                .run();
        });
        !st.ok())
        return st;
    if (!changes.empty())
        publish(std::make_shared<registry::Catalog>(current->with(changes)));
    return absl::OkStatus();
}

bool RegistryStore::sendsTo(const v1::RegistryObject& object, const std::string& peer) const {
    return !m_federated || registry::reachesPeer(object, m_region, peer);
}

absl::StatusOr<v1::PublishResponse> RegistryStore::publish(const v1::PublishRequest& request,
                                                           const std::string& principal,
                                                           const std::string& requestId) {
    const bool withdraw = request.withdraw();
    const char* verb = withdraw ? "unpublish" : "publish";
    if (!m_federated)
        return absl::FailedPreconditionError(
            std::string(verb) +
            " needs a federated control plane (control_plane: {mode: federated}); in a "
            "centralized one every region holds the whole registry already");
    if (request.ref().name().empty())
        return absl::InvalidArgumentError("object name is missing");
    if (request.all_regions() && request.regions_size() > 0)
        return absl::InvalidArgumentError("name regions or ask for all of them, not both");
    std::lock_guard lock(m_applyMutex);
    const auto current = catalog();
    const auto key = registry::keyOf(request.ref());
    const auto* found = current->find(key);
    if (!found)
        return absl::NotFoundError(key.toString() + " does not exist in region '" + m_region + "'");
    if (found->meta().owner_region() != m_region)
        return absl::FailedPreconditionError(key.toString() + " is owned by region '" +
                                             found->meta().owner_region() + "': " + verb +
                                             " it there (this region holds a read-only copy)");

    std::set<std::string> targets;
    if (request.all_regions()) {
        for (const auto& name : m_regions.names())
            if (name != m_region)
                targets.insert(name);
    }
    for (const auto& region : request.regions()) {
        if (!m_regions.contains(region))
            return absl::InvalidArgumentError(
                "unknown region '" + region +
                "' (the deployment's: " + absl::StrJoin(m_regions.names(), ", ") + ")");
        if (region == m_region)
            return absl::InvalidArgumentError("'" + region + "' is this region, which owns " +
                                              key.toString() + "; name the regions to " + verb +
                                              " it " + (withdraw ? "from" : "to"));
        targets.insert(region);
    }
    if (targets.empty())
        return absl::InvalidArgumentError(std::string("name the regions to ") + verb + " " +
                                          key.toString() + (withdraw ? " from" : " to") +
                                          ", or all of them");

    v1::PublishResponse response;
    for (const auto& region : targets)
        response.add_regions(region);
    std::map<registry::ObjectKey, v1::RegistryObject> out;
    std::string audit;
    if (withdraw) {
        v1::RegistryObject object = *found;
        auto* meta = object.mutable_meta();
        const auto replicas = registry::replicaRegionsOf(object, m_region);
        const auto dependents = current->dependentsOf(key);
        std::vector<std::string> problems;
        std::vector<std::string> keep;
        meta->clear_withdrawn_from();
        for (const auto& region : meta->published_to()) {
            if (!targets.count(region)) {
                keep.push_back(region);
                continue;
            }
            if (replicas.count(region)) {
                problems.push_back(key.toString() + " replicates its data to '" + region +
                                   "', which needs its definition: change its replication "
                                   "policy first");
                keep.push_back(region);
                continue;
            }
            bool needed = false;
            for (const auto& d : dependents) {
                const auto* dependent = current->find(d);
                if (dependent && dependent->meta().owner_region() == m_region &&
                    registry::isPublishedTo(dependent->meta(), region)) {
                    problems.push_back(d.toString() + " is published to '" + region +
                                       "' and needs " + key.toString() + ": unpublish it first");
                    needed = true;
                }
            }
            if (needed) {
                keep.push_back(region);
                continue;
            }
            meta->add_withdrawn_from(region);
        }
        if (!problems.empty())
            return absl::FailedPreconditionError(absl::StrJoin(problems, "\n"));
        if (meta->withdrawn_from_size() > 0) {
            meta->clear_published_to();
            for (auto& region : keep)
                meta->add_published_to(std::move(region));
            audit = "withdrawn from " + absl::StrJoin(meta->withdrawn_from(), ", ");
            out[key] = std::move(object);
        }
    } else {
        if (auto st = widenAudience(*current, key, targets, out); !st.ok())
            return st;
        // The object itself is sent again even where it is published already: publishing
        // again delivers a copy that a region refused (while it owned the same name) or lost.
        if (!out.count(key)) {
            out[key] = *found;
            out[key].mutable_meta()->clear_withdrawn_from();
        }
        audit = "published to " + absl::StrJoin(targets, ", ");
    }

    std::vector<v1::RegistryObject> changed;
    for (const auto& needed : withdraw ? std::vector<registry::ObjectKey>{key}
                                       : registry::publicationClosure(*current, key)) {
        auto it = out.find(needed);
        if (it != out.end())
            changed.push_back(std::move(it->second));
        else
            *response.add_unchanged() = current->find(needed)->meta();
    }
    for (const auto& object : changed)
        *response.add_changed() = object.meta();
    if (request.dry_run() || changed.empty())
        return response;
    if (auto st = store(changed, principal, withdraw ? "registry.unpublish" : "registry.publish",
                        requestId, audit);
        !st.ok())
        return st;
    response.clear_changed();
    for (const auto& object : changed)
        *response.add_changed() = object.meta();
    publish(std::make_shared<registry::Catalog>(current->with(changed)));
    return response;
}

v1::DiscoverResponse RegistryStore::discover(const v1::DiscoverRequest& request) const {
    v1::DiscoverResponse response;
    response.set_region(m_region);
    response.set_control_mode(m_federated ? "federated" : "centralized");
    if (!m_federated)
        response.set_control_region(m_controlRegion.empty() ? m_region : m_controlRegion);
    const std::string query = absl::AsciiStrToLower(request.query());
    const auto current = catalog();
    std::map<std::pair<std::string, std::string>, v1::CatalogueGroup*> groups;
    std::string text;
    for (const auto& [key, object] : current->objects()) {
        if (request.kind() != v1::OBJECT_KIND_UNSPECIFIED && key.kind != request.kind())
            continue;
        const auto& meta = object.meta();
        if (!query.empty()) {
            text = key.project.empty() ? key.name : key.project + "/" + key.name;
            text += '\n';
            text += meta.owner_region();
            if (absl::AsciiStrToLower(text).find(query) == std::string::npos)
                continue;
        }
        auto& group = groups[{key.project, meta.owner_region()}];
        if (!group) {
            group = response.add_groups();
            group->set_project(key.project);
            group->set_owner_region(meta.owner_region());
        }
        auto* entry = group->add_entries();
        entry->set_kind(key.kind);
        entry->set_name(key.name);
        entry->set_version(meta.version());
        entry->set_spec_hash(registry::shortSpecHash(meta.spec_hash()));
        *entry->mutable_published_to() = meta.published_to();
        entry->set_updated_at(meta.updated_at());
    }
    return response;
}

v1::LineageResponse RegistryStore::lineage(const std::string& project) const {
    return registry::buildLineage(*catalog(), m_regions, project);
}

}  // namespace meridian::serving
