// The federated control plane's rules (registry/federation.h) and the global view merged from
// every region's catalogue (registry/globalregistry.h): owners and copies, conflicts, each kind
// of drift, centralized deployments, regions that did not answer or disagree on the mode.

#include <QtTest>

#include "registry/federation.h"
#include "registry/globalregistry.h"

using namespace meridian;
using namespace meridian::registry;

namespace {

// A catalogue entry with the project and owner of the group it goes into.
struct Entry {
    std::string project;
    std::string owner;
    v1::CatalogueEntry entry;
};

Entry entry(v1::ObjectKind kind, const std::string& project, const std::string& name,
            int64_t version, uint64_t hash, const std::string& owner,
            std::vector<std::string> publishedTo = {}) {
    Entry e{kind == v1::PROJECT ? "" : project, owner, {}};
    e.entry.set_kind(kind);
    e.entry.set_name(name);
    e.entry.set_version(version);
    e.entry.set_spec_hash(hash);
    for (auto& r : publishedTo)
        e.entry.add_published_to(r);
    return e;
}

// Each entry in a group of its own: the merge must not depend on how a region groups them.
v1::DiscoverResponse catalogue(const std::string& region, std::vector<Entry> entries,
                               const std::string& mode = "federated",
                               const std::string& control = {}) {
    v1::DiscoverResponse c;
    c.set_region(region);
    c.set_control_mode(mode);
    c.set_control_region(control);
    for (auto& e : entries) {
        auto* group = c.add_groups();
        group->set_project(e.project);
        group->set_owner_region(e.owner);
        *group->add_entries() = std::move(e.entry);
    }
    return c;
}

v1::RegistryObject viewObject(const std::string& project, const std::string& name,
                              std::vector<std::string> entities, std::vector<std::string> sources) {
    v1::RegistryObject o;
    auto* v = o.mutable_feature_view();
    v->set_project(project);
    v->set_name(name);
    for (auto& e : entities)
        v->add_entities(e);
    for (auto& s : sources)
        v->add_sources(s);
    return o;
}

}  // namespace

class TestGlobalRegistry : public QObject {
    Q_OBJECT

private slots:
    void reachesOnlyPublishedRegions();
    void closureCarriesWhatAnObjectNeeds();
    void residencyDecidesWhereAViewMayGo();
    void shortSpecHash();
    void conflictNeedsDifferentSpecs();
    void copiesBehindMissingWithdrawnOrDeletedAreDrift();
    void copiesOfSilentOwnersAreNotJudged();
    void centralizedComparesWithTheControlRegion();
    void disagreeingRegionsAreNamed();
};

void TestGlobalRegistry::reachesOnlyPublishedRegions() {
    v1::RegistryObject o = viewObject("p", "v", {}, {});
    o.mutable_meta()->set_owner_region("eu1");
    o.mutable_meta()->add_published_to("us1");
    QVERIFY(reachesPeer(o, "eu1", "us1"));
    QVERIFY(!reachesPeer(o, "eu1", "eu2"));
    // Only the owner sends (a copy held at us1 goes nowhere from there).
    QVERIFY(!reachesPeer(o, "us1", "eu2"));
    // The change that withdraws a copy goes to the region losing it.
    o.mutable_meta()->clear_published_to();
    o.mutable_meta()->add_withdrawn_from("us1");
    QVERIFY(reachesPeer(o, "eu1", "us1"));
    QVERIFY(!isPublishedTo(o.meta(), "us1"));
}

void TestGlobalRegistry::closureCarriesWhatAnObjectNeeds() {
    std::vector<v1::RegistryObject> objects;
    objects.emplace_back().mutable_project()->set_name("p");
    auto* e = objects.emplace_back().mutable_entity();
    e->set_project("p");
    e->set_name("user");
    auto* s = objects.emplace_back().mutable_data_source();
    s->set_project("p");
    s->set_name("events");
    objects.push_back(viewObject("p", "a", {"user"}, {"events"}));
    objects.push_back(viewObject("p", "b", {"user"}, {}));
    auto* svc = objects.emplace_back().mutable_feature_service();
    svc->set_project("p");
    svc->set_name("svc");
    svc->add_features()->set_feature_view("a");
    svc->add_features()->set_feature_view("b");
    const Catalog catalog(objects);

    auto names = [](const std::vector<ObjectKey>& keys) {
        QStringList out;
        for (const auto& k : keys)
            out << QString::fromStdString(k.toString());
        return out;
    };
    QCOMPARE(
        names(publicationClosure(catalog, {v1::FEATURE_VIEW, "p", "a"})),
        QStringList({"project p", "entity p/user", "data source p/events", "feature view p/a"}));
    // A service brings its views and theirs, each once, dependencies first.
    QCOMPARE(names(publicationClosure(catalog, {v1::FEATURE_SERVICE, "p", "svc"})),
             QStringList({"project p", "entity p/user", "data source p/events", "feature view p/a",
                          "feature view p/b", "feature service p/svc"}));
    QCOMPARE(names(publicationClosure(catalog, {v1::PROJECT, "", "p"})),
             QStringList({"project p"}));
    QVERIFY(publicationClosure(catalog, {v1::FEATURE_VIEW, "p", "ghost"}).empty());

    // A view's data replicated elsewhere needs its definition there.
    auto view = viewObject("p", "a", {"user"}, {});
    auto* policy = view.mutable_feature_view()->mutable_replication();
    policy->set_mode(v1::ReplicationPolicy::HUB_SPOKE);
    policy->set_hub("us1");
    policy->add_regions("eu1");
    policy->add_regions("eu2");
    QCOMPARE(replicaRegionsOf(view, "eu1"), (std::set<std::string>{"us1", "eu2"}));
    policy->set_mode(v1::ReplicationPolicy::LOCAL);
    QVERIFY(replicaRegionsOf(view, "eu1").empty());
}

void TestGlobalRegistry::residencyDecidesWhereAViewMayGo() {
    const RegionSet regions(
        {{"us1", "aws", "us-east-1", "us", ""}, {"eu1", "aws", "eu-west-1", "eu", ""}});
    auto view = viewObject("p", "v", {}, {});
    view.mutable_feature_view()->mutable_residency()->set_jurisdiction("eu");
    QVERIFY(residencyAllowsCopy(view, regions, "eu1").ok());
    const auto refused = residencyAllowsCopy(view, regions, "us1");
    QCOMPARE(refused.code(), absl::StatusCode::kFailedPrecondition);
    QVERIFY2(refused.message().find("allows only eu1") != std::string::npos,
             std::string(refused.message()).c_str());
    // Other kinds carry no residency.
    v1::RegistryObject entity;
    entity.mutable_entity()->set_name("user");
    QVERIFY(residencyAllowsCopy(entity, regions, "us1").ok());
}

void TestGlobalRegistry::shortSpecHash() {
    QCOMPARE(registry::shortSpecHash("0123456789abcdef0123"), uint64_t{0x0123456789abcdef});
    QCOMPARE(registry::shortSpecHash("ABCDEF"), uint64_t{0xabcdef});
    QCOMPARE(registry::shortSpecHash("not hex"), uint64_t{0});
    QCOMPARE(QString::fromStdString(specHashText(0x0123456789abcdef)),
             QStringLiteral("0123456789abcdef"));
}

void TestGlobalRegistry::conflictNeedsDifferentSpecs() {
    const auto g = mergeCatalogues(
        {catalogue("eu1", {entry(v1::PROJECT, "", "shared", 1, 7, "eu1"),
                           entry(v1::ENTITY, "shared", "customer", 1, 10, "eu1", {"us1"})}),
         catalogue("eu2", {entry(v1::PROJECT, "", "shared", 1, 7, "eu2"),
                           entry(v1::ENTITY, "shared", "customer", 2, 20, "eu2", {"us1"})}),
         catalogue("us1", {entry(v1::ENTITY, "shared", "customer", 1, 10, "eu1", {"us1"})})});
    QCOMPARE(g.objects.size(), size_t{2});
    const auto* project = g.find({v1::PROJECT, "", "shared"});
    QVERIFY(project);
    QCOMPARE(project->owners.size(), size_t{2});
    QVERIFY(!project->conflict);  // the same spec twice
    const auto* customer = g.find({v1::ENTITY, "shared", "customer"});
    QVERIFY(customer);
    QVERIFY(customer->conflict);
    QCOMPARE(g.conflicts(), 1);
    // us1 holds eu1's definition, current: eu2's publication to us1 is not "missing" there.
    QCOMPARE(customer->copies.size(), size_t{1});
    QCOMPARE(QString::fromStdString(customer->copies[0].ownerRegion), QStringLiteral("eu1"));
    QVERIFY(customer->copies[0].drift.empty());
    QCOMPARE(g.drifting(), 0);
}

void TestGlobalRegistry::copiesBehindMissingWithdrawnOrDeletedAreDrift() {
    const auto g = mergeCatalogues({
        catalogue("eu1", {entry(v1::FEATURE_VIEW, "g", "a", 3, 33, "eu1", {"us1", "eu2", "ap1"}),
                          entry(v1::FEATURE_VIEW, "g", "b", 1, 11, "eu1", {}),
                          entry(v1::FEATURE_VIEW, "g", "same", 2, 22, "eu1", {"us1"})}),
        catalogue("us1", {entry(v1::FEATURE_VIEW, "g", "a", 3, 33, "eu1", {"us1", "eu2", "ap1"}),
                          entry(v1::FEATURE_VIEW, "g", "b", 1, 11, "eu1", {"us1"}),
                          entry(v1::FEATURE_VIEW, "g", "gone", 4, 44, "eu1", {"us1"}),
                          entry(v1::FEATURE_VIEW, "g", "same", 2, 99, "eu1", {"us1"})}),
        catalogue("eu2", {entry(v1::FEATURE_VIEW, "g", "a", 2, 32, "eu1", {"us1", "eu2"})}),
        catalogue("ap1", {}),
    });
    auto driftOf = [&](const char* name, const char* region) -> QString {
        const auto* o = g.find({v1::FEATURE_VIEW, "g", name});
        if (!o)
            return "(no object)";
        for (const auto& c : o->copies)
            if (c.region == region)
                return QString::fromStdString(c.drift);
        return "(no copy)";
    };
    QCOMPARE(driftOf("a", "us1"), QString());
    QCOMPARE(driftOf("a", "eu2"), QStringLiteral("behind"));
    QCOMPARE(driftOf("a", "ap1"), QStringLiteral("missing"));  // published, answered, not there
    QCOMPARE(driftOf("b", "us1"), QStringLiteral("withdrawn"));
    QCOMPARE(driftOf("gone", "us1"), QStringLiteral("deleted"));
    QCOMPARE(driftOf("same", "us1"), QStringLiteral("differs"));
    const auto* a = g.find({v1::FEATURE_VIEW, "g", "a"});
    QCOMPARE(a->copies[1].region, std::string("eu2"));
    QCOMPARE(a->copies[1].ownerVersion, int64_t{3});
    QCOMPARE(a->regionsHolding(), (std::vector<std::string>{"eu1", "eu2", "us1"}));
    QCOMPARE(g.drifting(), 4);
    QCOMPARE(g.conflicts(), 0);
}

void TestGlobalRegistry::copiesOfSilentOwnersAreNotJudged() {
    // eu1 did not answer: us1's copy cannot be compared, and is not called drift.
    const auto g = mergeCatalogues(
        {catalogue("us1", {entry(v1::FEATURE_VIEW, "g", "a", 1, 1, "eu1", {"us1"})})});
    const auto* a = g.find({v1::FEATURE_VIEW, "g", "a"});
    QVERIFY(a);
    QVERIFY(a->owners.empty());
    QVERIFY(a->copies[0].drift.empty());
    QCOMPARE(a->copies[0].ownerVersion, int64_t{0});
}

void TestGlobalRegistry::centralizedComparesWithTheControlRegion() {
    const auto c = [](const std::string& region, std::vector<Entry> entries) {
        return catalogue(region, std::move(entries), "centralized", "us1");
    };
    const auto g = mergeCatalogues({c("us1", {entry(v1::FEATURE_VIEW, "g", "a", 2, 2, "eu1"),
                                              entry(v1::ENTITY, "g", "user", 1, 5, "us1")}),
                                    c("eu1", {entry(v1::FEATURE_VIEW, "g", "a", 1, 1, "eu1"),
                                              entry(v1::ENTITY, "g", "user", 1, 5, "us1"),
                                              entry(v1::ENTITY, "g", "old", 3, 3, "us1")}),
                                    c("eu2", {entry(v1::ENTITY, "g", "user", 1, 5, "us1")})});
    QCOMPARE(QString::fromStdString(g.mode), QStringLiteral("centralized"));
    const auto* a = g.find({v1::FEATURE_VIEW, "g", "a"});
    // The control region owns everything in a centralized deployment.
    QCOMPARE(a->owners.size(), size_t{1});
    QCOMPARE(QString::fromStdString(a->owners[0].region), QStringLiteral("us1"));
    QCOMPARE(a->copies.size(), size_t{2});
    QCOMPARE(QString::fromStdString(a->copies[0].drift), QStringLiteral("behind"));   // eu1 v1
    QCOMPARE(QString::fromStdString(a->copies[1].drift), QStringLiteral("missing"));  // eu2
    QCOMPARE(QString::fromStdString(g.find({v1::ENTITY, "g", "old"})->copies[0].drift),
             QStringLiteral("deleted"));
    QVERIFY(!g.find({v1::ENTITY, "g", "user"})->drifting());
    QCOMPARE(g.drifting(), 2);
}

void TestGlobalRegistry::disagreeingRegionsAreNamed() {
    const auto g = mergeCatalogues({catalogue("us1", {}, "centralized", "us1"),
                                    catalogue("eu1", {}, "federated"),
                                    catalogue("eu2", {}, "centralized", "us1")});
    QCOMPARE(g.disagreeing, std::vector<std::string>{"eu1"});
    QCOMPARE(g.answered.size(), size_t{3});
}

QTEST_GUILESS_MAIN(TestGlobalRegistry)
#include "tst_globalregistry.moc"
