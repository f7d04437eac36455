#pragma once
// The sample feature repository (resources/examples/feature_repo.yaml) applied against the demo
// deployment in memory, turned into what the console receives: registry entries, a second
// version of one view with its real diff, and the lineage built by core/registry. Lets page
// tests and screenshots use real data without starting a region.

#include <QString>

#include <string>

#include "console/consoleconvert.h"
#include "deployment/deployment.h"
#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "registry/lineage.h"
#include "registry/objectdiff.h"
#include "support/fakeregionservice.h"

namespace meridian::test {

// Fills `service` with the sample repository; false (and `error`) when a file does not load.
inline bool loadSampleRegistry(FakeRegionService* service, const std::string& sourceDir,
                               std::string* error) {
    auto d = deployment::loadDeployment(sourceDir + "/resources/demo/deployment.yaml");
    auto repo = deployment::loadRepositoryFile(sourceDir + "/resources/examples/feature_repo.yaml");
    if (!d.ok() || !repo.ok()) {
        *error = !d.ok() ? d.status().ToString() : repo.status().ToString();
        return false;
    }
    const registry::RegionSet regions = d->regionSet();
    registry::ApplyContext context;
    context.region = d->controlRegion;
    context.principal = "alice@commerce.example";
    context.nowMs = 1'764'000'000'000;  // 2025-11-24
    auto plan =
        registry::planApply(registry::Catalog(), registry::objectsOf(*repo), regions, context);
    if (!plan.ok()) {
        *error = plan.status().ToString();
        return false;
    }
    std::vector<v1::RegistryObject> objects;
    for (const auto& change : *plan)
        objects.push_back(change.object);
    registry::Catalog catalog(objects);

    // A second version of the velocity view, as its owners would apply it: a longer ttl, one
    // feature more, a tag changed.
    const v1::RegistryObject* found =
        catalog.find({v1::FEATURE_VIEW, "commerce", "user_transaction_aggregates"});
    if (!found) {
        *error = "the sample has no view user_transaction_aggregates";
        return false;
    }
    const v1::RegistryObject before = *found;
    v1::RegistryObject edited = before;
    auto* view = edited.mutable_feature_view();
    view->set_ttl_seconds(259200);
    auto* feature = view->add_features();
    feature->set_name("txn_count_30d");
    feature->set_value_type(v1::INT64);
    feature->set_description("Payment attempts in the last 30 days");
    (*view->mutable_tags())["freshness"] = "minutes";
    context.nowMs += 3 * 86'400'000;
    context.principal = "bob@commerce.example";
    context.lastVersion = [](const registry::ObjectKey&) { return int64_t(1); };
    auto second = registry::planApply(catalog, {edited}, regions, context);
    if (!second.ok() || second->empty()) {
        *error = second.ok() ? "no change planned" : second.status().ToString();
        return false;
    }
    const v1::RegistryObject after = second->front().object;
    catalog = catalog.with(after);

    service->snapshot = {};
    for (const auto& r : d->regions) {
        console::RegionStatus s;
        s.name = r.info.name;
        s.cloud = r.info.cloud;
        s.providerRegion = r.info.providerRegion;
        s.jurisdiction = r.info.jurisdiction;
        s.endpoint = r.endpoint;
        s.latitude = r.latitude;
        s.longitude = r.longitude;
        s.role = r.info.name == d->controlRegion ? "control" : "replica";
        s.up = true;
        service->snapshot.regions.push_back(s);
    }
    service->registry.clear();
    service->versions.clear();
    for (const auto& [key, object] : catalog.objects()) {
        const auto entry = console::toEntry(object, regions);
        service->registry.push_back(entry);
        service
            ->versions[FakeRegionService::versionKey(entry.kind,
                                                     QString::fromStdString(entry.project),
                                                     QString::fromStdString(entry.name))]
            .push_back(entry);
    }
    auto& history = service->versions[FakeRegionService::versionKey(
        console::ObjectKind::FeatureView, "commerce", "user_transaction_aggregates")];
    history.prepend(console::toEntry(before, regions));
    const auto diffs = console::toDiffs(registry::diffObjects(before, after));
    service->diffAnswer = QVector<console::FieldDiff>(diffs.begin(), diffs.end());
    service->graph = console::toGraph(registry::buildLineage(catalog, regions));
    return true;
}

}  // namespace meridian::test
