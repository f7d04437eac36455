// Applying and deleting registry objects (planApply, planDelete) and what plans stand on:
// normalization, canonical encoding and spec hashes, the Catalog and object keys.

#include <QtTest>

#include <algorithm>
#include <map>

#include "registry/applyplan.h"
#include "registry/canonical.h"
#include "support/shopobjects.h"

using namespace meridian;
using namespace meridian::test;
using registry::ObjectKey;

namespace {

using Mode = v1::ReplicationPolicy;

registry::ApplyContext contextAt(int64_t nowMs) {
    registry::ApplyContext c;
    c.region = kUs;
    c.principal = "alice";
    c.nowMs = nowMs;
    return c;
}

// What a registry store does with plans: keeps the catalog and every version ever handed out.
class FakeStore {
public:
    registry::Catalog catalog;
    std::map<ObjectKey, int64_t> lastVersions;

    registry::ApplyContext context(int64_t nowMs) {
        auto c = contextAt(nowMs);
        c.lastVersion = [this](const ObjectKey& key) -> int64_t {
            auto it = lastVersions.find(key);
            return it == lastVersions.end() ? 0 : it->second;
        };
        return c;
    }

    absl::StatusOr<std::vector<registry::PlannedChange>> apply(
        std::vector<v1::RegistryObject> objects, int64_t nowMs = 1000) {
        auto plan = registry::planApply(catalog, std::move(objects), demoRegions(), context(nowMs));
        if (!plan.ok())
            return plan;
        for (const auto& change : *plan) {
            if (change.action == v1::ApplyResult::UNCHANGED)
                continue;
            catalog = catalog.with(change.object);
            lastVersions[registry::keyOf(change.object)] = change.object.meta().version();
        }
        return plan;
    }

    absl::StatusOr<v1::RegistryObject> remove(const ObjectKey& key, int64_t nowMs = 1000) {
        auto tombstone = registry::planDelete(catalog, key, context(nowMs));
        if (!tombstone.ok())
            return tombstone;
        catalog = catalog.with(*tombstone);
        lastVersions[key] = tombstone->meta().version();
        return tombstone;
    }
};

const registry::PlannedChange* changeFor(const std::vector<registry::PlannedChange>& plan,
                                         const ObjectKey& key) {
    for (const auto& c : plan) {
        if (registry::keyOf(c.object) == key)
            return &c;
    }
    return nullptr;
}

const ObjectKey kUserStats{v1::FEATURE_VIEW, "shop", "user_stats"};
const ObjectKey kScoring{v1::FEATURE_SERVICE, "shop", "scoring"};
const ObjectKey kUser{v1::ENTITY, "shop", "user"};

}  // namespace

class TestRegistryApply : public QObject {
    Q_OBJECT

private slots:
    void createdUnchangedUpdated();
    void emptyAndSpeclessRequests();
    void versionsAreMonotonic();
    void versionsAfterDeleteAndRecreate();
    void specHashStableUnderRegionReordering();
    void normalizeFillsDefaults();
    void defaultProject();
    void duplicateObjectInOneRequest();
    void changeBreakingADependentIsRefused();
    void featureTypeChangeRefused();
    void allOrNothing();
    void ownerRegionOfAView();
    void deleteRefusedWhileReferenced();
    void deleteTombstone();
    void objectsOfRepository();
    void canonicalEncoding();
    void catalogLookups();
    void dependentsOf();
    void objectKeys();
};

void TestRegistryApply::createdUnchangedUpdated() {
    FakeStore store;
    auto first = store.apply(shopObjects(), 1000);
    QVERIFY2(first.ok(), qPrintable(describe(first.status())));
    QCOMPARE(first->size(), shopObjects().size());
    for (const auto& c : *first) {
        QCOMPARE(c.action, v1::ApplyResult::CREATED);
        QCOMPARE(c.object.meta().version(), int64_t(1));
        QCOMPARE(c.object.meta().created_at(), int64_t(1000));
        QCOMPARE(c.object.meta().updated_at(), int64_t(1000));
        QCOMPARE(c.object.meta().applied_by(), std::string("alice"));
        QCOMPARE(c.object.meta().owner_region(), std::string(kUs));
        QCOMPARE(c.object.meta().spec_hash(), registry::specHash(c.object));
        QCOMPARE(c.object.meta().spec_hash().size(), size_t(32));
        const auto key = registry::keyOf(c.object);
        QCOMPARE(c.object.meta().kind(), key.kind);
        QCOMPARE(c.object.meta().name(), key.name);
        QCOMPARE(c.object.meta().project(), key.project);
        QVERIFY(!c.object.meta().deleted());
    }
    QCOMPARE(store.catalog.size(), shopObjects().size());

    // The same repository again changes nothing; metadata stays that of version 1.
    auto second = store.apply(shopObjects(), 2000);
    QVERIFY2(second.ok(), qPrintable(describe(second.status())));
    for (const auto& c : *second) {
        QCOMPARE(c.action, v1::ApplyResult::UNCHANGED);
        QCOMPARE(c.object.meta().version(), int64_t(1));
        QCOMPARE(c.object.meta().updated_at(), int64_t(1000));
    }

    // One changed view: updated to version 2, creation time kept; the rest unchanged.
    auto objects = shopObjects();
    for (auto& o : objects) {
        if (registry::keyOf(o) == kUserStats)
            o.mutable_feature_view()->set_ttl_seconds(7200);
    }
    auto third = store.apply(objects, 3000);
    QVERIFY2(third.ok(), qPrintable(describe(third.status())));
    for (const auto& c : *third) {
        if (registry::keyOf(c.object) == kUserStats) {
            QCOMPARE(c.action, v1::ApplyResult::UPDATED);
            QCOMPARE(c.object.meta().version(), int64_t(2));
            QCOMPARE(c.object.meta().created_at(), int64_t(1000));
            QCOMPARE(c.object.meta().updated_at(), int64_t(3000));
            QCOMPARE(c.object.feature_view().ttl_seconds(), int64_t(7200));
            QVERIFY(c.object.meta().spec_hash() !=
                    changeFor(*first, kUserStats)->object.meta().spec_hash());
        } else {
            QCOMPARE(c.action, v1::ApplyResult::UNCHANGED);
        }
    }
    QCOMPARE(store.catalog.featureView("shop", "user_stats")->ttl_seconds(), int64_t(7200));
}

void TestRegistryApply::emptyAndSpeclessRequests() {
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, {}, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument, "nothing to apply");
    std::vector<v1::RegistryObject> objects{projectObject("shop"), v1::RegistryObject()};
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, objects, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument, "object #2 has no spec");
    objects[1] = projectObject("other");
    objects[1].mutable_meta()->set_kind(v1::ENTITY);
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, objects, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument,
                          "object #2: meta.kind is ENTITY but its spec is a PROJECT");
    objects[1].mutable_meta()->set_kind(static_cast<v1::ObjectKind>(99));
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, objects, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument,
                          "object #2: meta.kind is 99 but its spec is a PROJECT");
    objects[1].mutable_meta()->set_kind(v1::PROJECT);
    QVERIFY(registry::planApply({}, objects, demoRegions(), contextAt(1)).ok());
}

void TestRegistryApply::versionsAreMonotonic() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    for (int i = 2; i <= 5; ++i) {
        auto view = objectNamed("user_stats");
        view.mutable_feature_view()->set_ttl_seconds(100 * i);
        auto plan = store.apply({view}, 1000 + i);
        QVERIFY2(plan.ok(), qPrintable(describe(plan.status())));
        QCOMPARE(plan->at(0).object.meta().version(), int64_t(i));
    }
    // Without a lastVersion callback the previous version is the base.
    auto view = objectNamed("user_stats");
    view.mutable_feature_view()->set_ttl_seconds(1);
    auto plan = registry::planApply(store.catalog, {view}, demoRegions(), contextAt(9000));
    QVERIFY(plan.ok());
    QCOMPARE(plan->at(0).object.meta().version(), int64_t(6));
}

void TestRegistryApply::versionsAfterDeleteAndRecreate() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    auto view = objectNamed("click_stats");
    view.mutable_feature_view()->set_ttl_seconds(60);
    QVERIFY(store.apply({view}).ok());  // version 2
    const ObjectKey key{v1::FEATURE_VIEW, "shop", "click_stats"};
    auto tombstone = store.remove(key, 5000);
    QVERIFY2(tombstone.ok(), qPrintable(describe(tombstone.status())));
    QCOMPARE(tombstone->meta().version(), int64_t(3));
    QVERIFY(tombstone->meta().deleted());
    QVERIFY(!store.catalog.find(key));

    // Recreated: a new version above every earlier one, never version 1 again.
    auto plan = store.apply({objectNamed("click_stats")}, 6000);
    QVERIFY2(plan.ok(), qPrintable(describe(plan.status())));
    QCOMPARE(plan->at(0).action, v1::ApplyResult::CREATED);
    QCOMPARE(plan->at(0).object.meta().version(), int64_t(4));
    QCOMPARE(plan->at(0).object.meta().created_at(), int64_t(6000));
    QVERIFY(!plan->at(0).object.meta().deleted());
}

void TestRegistryApply::specHashStableUnderRegionReordering() {
    auto a = viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}}, kEu);
    auto b = a;
    auto* ra = a.mutable_feature_view();
    ra->mutable_replication()->set_mode(Mode::ACTIVE_ACTIVE);
    for (auto r : {kEu, kEu4})
        ra->mutable_replication()->add_regions(r);
    for (auto r : {kEu, kEu4})
        ra->mutable_residency()->add_regions(r);
    (*ra->mutable_tags())["team"] = "risk";
    (*ra->mutable_tags())["tier"] = "gold";
    auto* rb = b.mutable_feature_view();
    rb->mutable_replication()->set_mode(Mode::ACTIVE_ACTIVE);
    for (auto r : {kEu4, kEu, kEu4})
        rb->mutable_replication()->add_regions(r);
    for (auto r : {kEu4, kEu})
        rb->mutable_residency()->add_regions(r);
    (*rb->mutable_tags())["tier"] = "gold";
    (*rb->mutable_tags())["team"] = "risk";
    registry::normalize(a, {"shop", kEu});
    registry::normalize(b, {"shop", kEu});
    QCOMPARE(registry::canonicalEncoding(a), registry::canonicalEncoding(b));
    QCOMPARE(registry::specHash(a), registry::specHash(b));
    QCOMPARE(b.feature_view().replication().regions_size(), 2);  // duplicates dropped

    // Through planApply: reordering regions of a stored view is UNCHANGED.
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    auto reordered = objectNamed("merchant_risk");
    auto* regions = reordered.mutable_feature_view()->mutable_replication()->mutable_regions();
    std::reverse(regions->begin(), regions->end());
    auto plan = store.apply({reordered});
    QVERIFY2(plan.ok(), qPrintable(describe(plan.status())));
    QCOMPARE(plan->at(0).action, v1::ApplyResult::UNCHANGED);
}

void TestRegistryApply::normalizeFillsDefaults() {
    v1::RegistryObject o;
    auto* v = o.mutable_feature_view();
    v->set_name("v");
    v->add_entities("user");
    o.mutable_meta()->set_version(42);
    o.mutable_meta()->set_spec_hash("junk");
    registry::normalize(o, {"shop", kEu4});
    QCOMPARE(o.feature_view().project(), std::string("shop"));
    QCOMPARE(o.feature_view().owner_region(), std::string(kEu4));
    QVERIFY(o.feature_view().has_online() && o.feature_view().online());
    QVERIFY(o.feature_view().has_offline() && o.feature_view().offline());
    QCOMPARE(o.feature_view().replication().mode(), Mode::LOCAL);
    QCOMPARE(o.meta().kind(), v1::FEATURE_VIEW);
    QCOMPARE(o.meta().version(), int64_t(0));
    QVERIFY(o.meta().spec_hash().empty());

    // Explicit choices are kept.
    v->set_project("other");
    v->set_owner_region(kUs);
    v->set_online(false);
    v->mutable_replication()->set_mode(Mode::BATCH);
    registry::normalize(o, {"shop", kEu4});
    QCOMPARE(o.feature_view().project(), std::string("other"));
    QCOMPARE(o.feature_view().owner_region(), std::string(kUs));
    QVERIFY(!o.feature_view().online());
    QCOMPARE(o.feature_view().replication().mode(), Mode::BATCH);

    // Absent online/offline and explicit true hash alike.
    auto implicit = viewObject("shop", "w", {"user"}, {{"f", v1::INT64}});
    implicit.mutable_feature_view()->clear_online();
    implicit.mutable_feature_view()->clear_offline();
    implicit.mutable_feature_view()->clear_replication();
    auto explicitly = viewObject("shop", "w", {"user"}, {{"f", v1::INT64}});
    registry::normalize(implicit, {"shop", kUs});
    registry::normalize(explicitly, {"shop", kUs});
    QCOMPARE(registry::specHash(implicit), registry::specHash(explicitly));

    // Other kinds get the default project.
    auto e = entityObject("", "user", {{"user_id", v1::INT64}});
    registry::normalize(e, {"shop", kUs});
    QCOMPARE(e.entity().project(), std::string("shop"));
    auto s = sourceObject("", "payments");
    registry::normalize(s, {"shop", kUs});
    QCOMPARE(s.data_source().project(), std::string("shop"));
    auto fs = serviceObject("", "scoring", {{"v", {}}});
    registry::normalize(fs, {"shop", kUs});
    QCOMPARE(fs.feature_service().project(), std::string("shop"));
}

void TestRegistryApply::defaultProject() {
    // Objects naming no project join the request's only project.
    auto objects = shopObjects();
    for (auto& o : objects) {
        if (o.has_entity())
            o.mutable_entity()->clear_project();
        if (o.has_data_source())
            o.mutable_data_source()->clear_project();
        if (o.has_feature_view())
            o.mutable_feature_view()->clear_project();
        if (o.has_feature_service())
            o.mutable_feature_service()->clear_project();
    }
    FakeStore store;
    auto plan = store.apply(objects);
    QVERIFY2(plan.ok(), qPrintable(describe(plan.status())));
    QVERIFY(store.catalog.featureView("shop", "user_stats"));
    QVERIFY(store.catalog.entity("shop", "user"));

    // With two projects in the request nothing is guessed.
    auto two = objects;
    two.push_back(projectObject("ads"));
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, two, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument, "entity user: ", "no project given");

    // The context's default project wins.
    std::vector<v1::RegistryObject> lone{entityObject("", "account", {{"account_id", v1::STRING}})};
    auto ctx = contextAt(1);
    ctx.defaultProject = "shop";
    auto withDefault = registry::planApply(store.catalog, lone, demoRegions(), ctx);
    QVERIFY2(withDefault.ok(), qPrintable(describe(withDefault.status())));
    QCOMPARE(withDefault->at(0).object.entity().project(), std::string("shop"));
    QCOMPARE(withDefault->at(0).object.meta().project(), std::string("shop"));
}

void TestRegistryApply::duplicateObjectInOneRequest() {
    auto objects = shopObjects();
    objects.push_back(entityObject("shop", "user", {{"user_id", v1::INT64}}));
    MERIDIAN_EXPECT_ERROR(registry::planApply({}, objects, demoRegions(), contextAt(1)).status(),
                          absl::StatusCode::kInvalidArgument,
                          "entity shop/user appears twice in the request");
}

void TestRegistryApply::changeBreakingADependentIsRefused() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    // Dropping a feature the service projects breaks the service.
    auto view = objectNamed("user_stats");
    view.mutable_feature_view()->mutable_features()->DeleteSubrange(1, 1);  // avg_amount
    auto plan = store.apply({view});
    MERIDIAN_EXPECT_ERROR(plan.status(), absl::StatusCode::kInvalidArgument,
                          "feature service shop/scoring", "has no feature 'avg_amount'",
                          "after the change to feature view shop/user_stats");
    QCOMPARE(store.catalog.featureView("shop", "user_stats")->features_size(), 3);

    // Dropping a feature nobody projects is fine.
    view = objectNamed("user_stats");
    view.mutable_feature_view()->mutable_features()->DeleteSubrange(2, 1);  // country
    auto ok = store.apply({view});
    QVERIFY2(ok.ok(), qPrintable(describe(ok.status())));
    QCOMPARE(ok->at(0).action, v1::ApplyResult::UPDATED);

    // Changing the service in the same request repairs it.
    view = objectNamed("user_stats");
    view.mutable_feature_view()->mutable_features()->DeleteSubrange(1, 2);
    auto service = serviceObject(
        "shop", "scoring", {{"user_stats", {"txn_count"}}, {"merchant_risk", {}}}, {"fraud_v1"});
    auto both = store.apply({view, service});
    QVERIFY2(both.ok(), qPrintable(describe(both.status())));
}

void TestRegistryApply::featureTypeChangeRefused() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    auto view = objectNamed("user_stats");
    view.mutable_feature_view()->mutable_features(0)->set_value_type(v1::DOUBLE);
    MERIDIAN_EXPECT_ERROR(store.apply({view}).status(), absl::StatusCode::kInvalidArgument,
                          "feature view shop/user_stats",
                          "feature 'txn_count' changes type from INT64 to DOUBLE");
    QCOMPARE(store.catalog.featureView("shop", "user_stats")->features(0).value_type(), v1::INT64);
    QCOMPARE(store.lastVersions[kUserStats], int64_t(1));
}

void TestRegistryApply::allOrNothing() {
    // A valid new object together with two invalid ones: nothing is planned, both problems named.
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    const auto before = store.catalog.size();
    auto badView = viewObject("shop", "bad_view", {"ghost"}, {{"f", v1::INT64}});
    auto badService = serviceObject("shop", "bad_service", {{"nope", {}}});
    auto plan = store.apply(
        {entityObject("shop", "account", {{"account_id", v1::STRING}}), badView, badService});
    MERIDIAN_EXPECT_ERROR(plan.status(), absl::StatusCode::kInvalidArgument,
                          "feature view shop/bad_view: unknown entity 'ghost'",
                          "feature service shop/bad_service: unknown feature view 'nope'");
    QCOMPARE(store.catalog.size(), before);
    QVERIFY(!store.catalog.entity("shop", "account"));

    // Objects of one request may refer to each other whatever their order.
    std::vector<v1::RegistryObject> reversed = shopObjects();
    std::reverse(reversed.begin(), reversed.end());
    FakeStore fresh;
    auto ok = fresh.apply(reversed);
    QVERIFY2(ok.ok(), qPrintable(describe(ok.status())));
}

void TestRegistryApply::ownerRegionOfAView() {
    FakeStore store;
    auto objects = shopObjects();
    objects.push_back(viewObject("shop", "eu_view", {"user"}, {{"f", v1::INT64}}, kEu));
    auto plan = store.apply(objects);
    QVERIFY2(plan.ok(), qPrintable(describe(plan.status())));
    QCOMPARE(changeFor(*plan, {v1::FEATURE_VIEW, "shop", "eu_view"})->object.meta().owner_region(),
             std::string(kEu));
    QCOMPARE(changeFor(*plan, kUser)->object.meta().owner_region(), std::string(kUs));
}

void TestRegistryApply::deleteRefusedWhileReferenced() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects()).ok());
    MERIDIAN_EXPECT_ERROR(store.remove(kUser).status(), absl::StatusCode::kFailedPrecondition,
                          "entity shop/user is still used by", "feature view shop/user_stats",
                          "feature view shop/click_stats");
    MERIDIAN_EXPECT_ERROR(store.remove(kUserStats).status(), absl::StatusCode::kFailedPrecondition,
                          "feature service shop/scoring");
    MERIDIAN_EXPECT_ERROR(store.remove({v1::DATA_SOURCE, "shop", "payments"}).status(),
                          absl::StatusCode::kFailedPrecondition, "feature view shop/user_stats");
    MERIDIAN_EXPECT_ERROR(store.remove({v1::PROJECT, "", "shop"}).status(),
                          absl::StatusCode::kFailedPrecondition, "project shop is still used by",
                          "entity shop/device");
    MERIDIAN_EXPECT_ERROR(store.remove({v1::ENTITY, "shop", "ghost"}).status(),
                          absl::StatusCode::kNotFound, "entity shop/ghost does not exist");
    QVERIFY(store.catalog.entity("shop", "user"));

    // Deleting top-down works.
    QVERIFY(store.remove(kScoring).ok());
    QVERIFY(store.remove(kUserStats).ok());
    QVERIFY(store.remove({v1::FEATURE_VIEW, "shop", "click_stats"}).ok());
    QVERIFY(store.remove(kUser).ok());
    QVERIFY(!store.catalog.entity("shop", "user"));
}

void TestRegistryApply::deleteTombstone() {
    FakeStore store;
    QVERIFY(store.apply(shopObjects(), 1000).ok());
    auto tombstone = store.remove({v1::ENTITY, "shop", "device"}, 7000);
    QVERIFY2(tombstone.ok(), qPrintable(describe(tombstone.status())));
    QVERIFY(tombstone->meta().deleted());
    QCOMPARE(tombstone->meta().version(), int64_t(2));
    QCOMPARE(tombstone->meta().updated_at(), int64_t(7000));
    QCOMPARE(tombstone->meta().created_at(), int64_t(1000));
    QCOMPARE(tombstone->meta().applied_by(), std::string("alice"));
    QCOMPARE(tombstone->entity().name(), std::string("device"));
    // Without lastVersion the current version is the base.
    FakeStore other;
    QVERIFY(other.apply(shopObjects()).ok());
    auto t = registry::planDelete(other.catalog, {v1::ENTITY, "shop", "device"}, contextAt(1));
    QVERIFY(t.ok());
    QCOMPARE(t->meta().version(), int64_t(2));
}

void TestRegistryApply::objectsOfRepository() {
    v1::FeatureRepository repo;
    *repo.add_feature_services() = objectNamed("scoring").feature_service();
    *repo.add_feature_views() = objectNamed("user_stats").feature_view();
    *repo.add_data_sources() = objectNamed("payments").data_source();
    *repo.add_entities() = objectNamed("user").entity();
    *repo.add_projects() = projectObject("ads").project();
    *repo.mutable_project() = projectObject("shop").project();
    const auto objects = registry::objectsOf(repo);
    QCOMPARE(objects.size(), size_t(6));
    QCOMPARE(registry::keyOf(objects[0]), (ObjectKey{v1::PROJECT, "", "shop"}));
    QCOMPARE(registry::keyOf(objects[1]), (ObjectKey{v1::PROJECT, "", "ads"}));
    QCOMPARE(registry::keyOf(objects[2]), kUser);
    QCOMPARE(registry::keyOf(objects[3]), (ObjectKey{v1::DATA_SOURCE, "shop", "payments"}));
    QCOMPARE(registry::keyOf(objects[4]), kUserStats);
    QCOMPARE(registry::keyOf(objects[5]), kScoring);
    QVERIFY(registry::objectsOf({}).empty());
}

void TestRegistryApply::canonicalEncoding() {
    auto a = objectNamed("user_stats");
    auto b = a;
    b.mutable_meta()->set_version(7);
    b.mutable_meta()->set_updated_at(123);
    b.mutable_meta()->set_spec_hash("whatever");
    QCOMPARE(registry::canonicalEncoding(a), registry::canonicalEncoding(b));
    QCOMPARE(registry::specHash(a), registry::specHash(b));
    const std::string hash = registry::specHash(a);
    QCOMPARE(hash.size(), size_t(32));
    QVERIFY(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    // Deterministic across calls, and any spec change changes it.
    QCOMPARE(registry::specHash(a), hash);
    b.mutable_feature_view()->set_description("now documented");
    QVERIFY(registry::specHash(b) != hash);
    // The encoding is the spec alone: it parses back without metadata.
    v1::RegistryObject parsed;
    QVERIFY(parsed.ParseFromString(registry::canonicalEncoding(b)));
    QVERIFY(!parsed.has_meta());
    QCOMPARE(parsed.feature_view().description(), std::string("now documented"));
    // Different kinds with the same name differ.
    QVERIFY(registry::specHash(entityObject("shop", "x", {{"id", v1::INT64}})) !=
            registry::specHash(sourceObject("shop", "x")));
}

void TestRegistryApply::catalogLookups() {
    auto objects = shopObjects();
    auto deleted = entityObject("shop", "gone", {{"id", v1::INT64}});
    deleted.mutable_meta()->set_deleted(true);
    objects.push_back(deleted);
    const registry::Catalog catalog(objects);
    QCOMPARE(catalog.size(), shopObjects().size());
    QVERIFY(!catalog.entity("shop", "gone"));
    QVERIFY(catalog.project("shop"));
    QVERIFY(!catalog.project("ads"));
    QCOMPARE(catalog.entity("shop", "user")->join_keys(0).name(), std::string("user_id"));
    QVERIFY(!catalog.entity("ads", "user"));
    QVERIFY(catalog.dataSource("shop", "payments"));
    QVERIFY(!catalog.dataSource("shop", "user"));  // kinds do not mix
    QCOMPARE(catalog.featureView("shop", "user_stats")->ttl_seconds(), int64_t(3600));
    QVERIFY(catalog.featureService("shop", "scoring"));
    QVERIFY(!catalog.featureService("shop", "user_stats"));
    QVERIFY(catalog.find(kUserStats));
    QVERIFY(!catalog.find({v1::FEATURE_VIEW, "", "user_stats"}));
    QCOMPARE(catalog.ofKind(v1::ENTITY).size(), size_t(3));
    QCOMPARE(catalog.ofKind(v1::FEATURE_VIEW).size(), size_t(3));
    QCOMPARE(catalog.ofKind(v1::PROJECT).size(), size_t(1));

    // with(): add, replace, remove; the original is untouched.
    const auto added = catalog.with(entityObject("shop", "account", {{"a", v1::STRING}}));
    QVERIFY(added.entity("shop", "account"));
    QVERIFY(!catalog.entity("shop", "account"));
    auto changed = objectNamed("user_stats");
    changed.mutable_feature_view()->set_ttl_seconds(1);
    QCOMPARE(catalog.with(changed).featureView("shop", "user_stats")->ttl_seconds(), int64_t(1));
    auto tombstone = objectNamed("device");
    tombstone.mutable_meta()->set_deleted(true);
    const auto removed = catalog.with(tombstone);
    QVERIFY(!removed.entity("shop", "device"));
    QCOMPARE(removed.size(), catalog.size() - 1);
}

void TestRegistryApply::dependentsOf() {
    auto objects = shopObjects();
    objects.push_back(projectObject("ads"));
    objects.push_back(entityObject("ads", "user", {{"user_id", v1::INT64}}));
    objects.push_back(viewObject("ads", "user_stats", {"user"}, {{"f", v1::INT64}}));
    const registry::Catalog catalog(objects);
    auto keys = [](std::vector<ObjectKey> v) {
        QStringList out;
        for (const auto& k : v)
            out << QString::fromStdString(k.toString());
        out.sort();
        return out;
    };
    QCOMPARE(keys(catalog.dependentsOf(kUser)),
             QStringList({"feature view shop/click_stats", "feature view shop/user_stats"}));
    QCOMPARE(keys(catalog.dependentsOf({v1::DATA_SOURCE, "shop", "eu_clicks"})),
             QStringList({"feature view shop/click_stats"}));
    QCOMPARE(keys(catalog.dependentsOf(kUserStats)), QStringList({"feature service shop/scoring"}));
    QCOMPARE(keys(catalog.dependentsOf({v1::FEATURE_VIEW, "shop", "merchant_risk"})),
             QStringList({"feature service shop/scoring"}));
    QVERIFY(catalog.dependentsOf(kScoring).empty());
    QVERIFY(catalog.dependentsOf({v1::ENTITY, "shop", "device"}).empty());
    QCOMPARE(keys(catalog.dependentsOf({v1::ENTITY, "ads", "user"})),
             QStringList({"feature view ads/user_stats"}));
    QCOMPARE(keys(catalog.dependentsOf({v1::PROJECT, "", "ads"})),
             QStringList({"entity ads/user", "feature view ads/user_stats"}));
    QCOMPARE(catalog.dependentsOf({v1::PROJECT, "", "shop"}).size(), shopObjects().size() - 1);
}

void TestRegistryApply::objectKeys() {
    QCOMPARE(kUserStats.toString(), std::string("feature view shop/user_stats"));
    QCOMPARE((ObjectKey{v1::PROJECT, "", "shop"}).toString(), std::string("project shop"));
    QCOMPARE(registry::keyOf(objectNamed("payments")),
             (ObjectKey{v1::DATA_SOURCE, "shop", "payments"}));
    v1::ObjectRef ref;
    ref.set_kind(v1::PROJECT);
    ref.set_project("ignored");
    ref.set_name("shop");
    QCOMPARE(registry::keyOf(ref), (ObjectKey{v1::PROJECT, "", "shop"}));
    QCOMPARE(registry::kindFromKeyword("feature-views"), v1::FEATURE_VIEW);
    QCOMPARE(registry::kindFromKeyword("services"), v1::FEATURE_SERVICE);
    QCOMPARE(registry::kindFromKeyword("data_source"), v1::DATA_SOURCE);
    QCOMPARE(registry::kindFromKeyword("entities"), v1::ENTITY);
    QCOMPARE(registry::kindFromKeyword("widgets"), v1::OBJECT_KIND_UNSPECIFIED);
    QCOMPARE(registry::kindKeyword(v1::FEATURE_SERVICE), std::string_view("feature_service"));
}

QTEST_APPLESS_MAIN(TestRegistryApply)
#include "tst_registryapply.moc"
