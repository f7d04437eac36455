// RegistryStore under either control plane (registry/federation.h): what a federated region
// may change and whom it tells, publication, the catalogue discovery reads, what a region takes
// from its peers, and switching between centralized and federated.

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "registry/federation.h"
#include "serving/registrystore.h"
#include "storage/registrytable.h"

namespace meridian::serving {

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

absl::StatusOr<bool> RegistryStore::putReplicated(storage::Connection& conn,
                                                  const v1::RegistryObject& object,
                                                  const std::string& origin) {
    storage::RegistryTable table(conn);
    const auto key = registry::keyOf(object);
    auto current = table.get(key);
    if (!current.ok())
        return current.status();
    const v1::RegistryObject* held = *current ? &**current : nullptr;
    const bool heldLive = held && !held->meta().deleted();
    const auto& meta = object.meta();
    const bool copy = m_federated && meta.owner_region() != m_region;
    // Federated: what this region holds changes by its owner only. Another region's definition
    // of the same name is a conflict for discovery to report, never an overwrite; it is kept
    // aside (until its owner withdraws or deletes it) and takes the name if the held one goes.
    if (copy && heldLive && held->meta().owner_region() != meta.owner_region()) {
        const bool offered = !meta.deleted() && registry::isPublishedTo(meta, m_region);
        if (auto st =
                offered ? table.keepRefused(object) : table.forgetRefused(key, meta.owner_region());
            !st.ok())
            return st;
        return false;
    }
    if (held && held->meta().hlc() >= meta.hlc())
        return false;
    // Centralized: only the control region changes the registry. Another region sends what it
    // owned under a federated control plane once, when the deployment turns centralized; it
    // is taken where the name is free, and never replaces the control region's definition.
    if (!m_federated && !m_controlRegion.empty() && origin != m_controlRegion && heldLive)
        return false;
    v1::RegistryObject stored = object;
    if (copy && !registry::isPublishedTo(meta, m_region)) {
        // Withdrawn from this region: the copy goes (its history stays).
        if (!heldLive)
            return false;
        stored.mutable_meta()->set_deleted(true);
    }
    if (auto st = table.put(stored); !st.ok())
        return st;
    if (m_federated && stored.meta().deleted()) {
        if (auto st = takeRefused(conn, key); !st.ok())
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
            auto recorded = storage::RegistryTable(conn).recordedControlPlane();
            if (!recorded.ok())
                return recorded.status();
            previous = std::move(*recorded);
            return absl::OkStatus();
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
    // The handover and the record of the new mode commit together.
    auto record = [&now](storage::Connection& conn) {
        return storage::RegistryTable(conn).recordControlPlane(now);
    };
    if (auto st = changes.empty() ? m_db.write(record)
                                  : store(changes, "meridian-store", "registry.control_plane", {},
                                          "control plane " + previous + " -> " + now, record);
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
    if (!request.dry_run() && !changed.empty()) {
        if (auto st = store(changed, principal,
                            withdraw ? "registry.unpublish" : "registry.publish", requestId, audit);
            !st.ok())
            return st;
        publish(std::make_shared<registry::Catalog>(current->with(changed)));
    }
    for (const auto& object : changed)
        *response.add_changed() = object.meta();
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

absl::StatusOr<bool> RegistryStore::takeRefused(storage::Connection& conn,
                                                const registry::ObjectKey& key) const {
    storage::RegistryTable table(conn);
    auto next = table.newestRefused(key);
    if (!next.ok())
        return next.status();
    if (!*next)
        return false;
    if (auto st = table.put(**next); !st.ok())
        return st;
    if (auto st = table.forgetRefused(key, (*next)->meta().owner_region()); !st.ok())
        return st;
    return true;
}

}  // namespace meridian::serving
