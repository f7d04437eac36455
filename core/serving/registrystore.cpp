#include "serving/registrystore.h"

#include "registry/applyplan.h"
#include "registry/lineage.h"
#include "storage/audittable.h"
#include "storage/changelogtable.h"
#include "storage/registrytable.h"

namespace meridian::serving {

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
                                  const std::string& requestId, const std::string& result,
                                  const StoreAlso& also) {
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
        return also ? also(conn) : absl::OkStatus();
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
    if (!request.dry_run()) {
        if (auto st = store(changed, principal, "registry.apply", requestId); !st.ok())
            return st;
        // Published at once: the region reads its own change from the moment it answers.
        publish(std::make_shared<registry::Catalog>(current->with(changed)));
    }
    // The metas as stored (or, in a dry run, as they would be).
    for (const auto& object : changed) {
        const auto it = resultOf.find(registry::keyOf(object));
        if (it != resultOf.end())
            *response.mutable_results(it->second)->mutable_meta() = object.meta();
    }
    return response;
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
    // Federated: a definition another region published here, kept aside while this one held
    // the name, takes it in the same transaction.
    bool adopted = false;
    auto takeFreedName = [&](storage::Connection& conn) -> absl::Status {
        auto taken = takeRefused(conn, registry::keyOf(ref));
        if (!taken.ok())
            return taken.status();
        adopted = *taken;
        return absl::OkStatus();
    };
    if (auto st = store(objects, principal, "registry.delete", requestId, {},
                        m_federated ? StoreAlso(takeFreedName) : StoreAlso());
        !st.ok())
        return st;
    if (adopted) {
        if (auto st = load(); !st.ok())
            return st;
    } else {
        publish(std::make_shared<registry::Catalog>(current->with(objects.front())));
    }
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

v1::LineageResponse RegistryStore::lineage(const std::string& project) const {
    return registry::buildLineage(*catalog(), m_regions, project);
}

}  // namespace meridian::serving
