// A federated control plane over three real regions (us1, eu1, eu2): each region owns what it
// applies and keeps it until it publishes it.
// - objects are private to their owner; a publication reaches exactly the regions it names,
//   with what the object needs, and an unpublish takes the copy away again;
// - a region holding a copy refuses to change or delete it, naming the owner, and changes
//   nothing; a publication that residency forbids is refused before anything is sent;
// - two regions owning different definitions of one name are a conflict, a copy behind its
//   owner (its link cut) is drift: meridianctl drift and the merge the console reads report
//   the same, and both clear once the link heals and one definition is deleted (the region
//   holding the other's copy takes the definition it kept aside);
// - a timed-out change says its outcome is unknown;
// - switching to centralized and back keeps every object and each owner.

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <csignal>
#include <map>
#include <set>

#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "registry/globalregistry.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

const QString kData = QStringLiteral(MERIDIAN_SOURCE_DIR "/tests/data/federation/");

std::optional<v1::DiscoverResponse> discover(TestClient& client) {
    v1::DiscoverResponse out;
    auto ctx = client.context(std::chrono::seconds(5));
    if (!client.registry().Discover(ctx.get(), v1::DiscoverRequest{}, &out).ok())
        return std::nullopt;
    return out;
}

// What the region holds of kind/project/name (version 0: nothing).
struct Held {
    int64_t version = 0;
    std::string owner;
    std::vector<std::string> publishedTo;
};

Held heldAt(TestClient& client, v1::ObjectKind kind, const std::string& project,
            const std::string& name) {
    if (auto c = discover(client))
        for (const auto& item : registry::catalogueItems(*c))
            if (item.key == registry::ObjectKey{kind, project, name})
                return {item.entry->version(),
                        *item.ownerRegion,
                        {item.entry->published_to().begin(), item.entry->published_to().end()}};
    return {};
}

int64_t versionAt(TestClient& client, v1::ObjectKind kind, const std::string& project,
                  const std::string& name) {
    return heldAt(client, kind, project, name).version;
}

// Objects of `project` the region holds.
int heldOf(TestClient& client, const std::string& project) {
    int n = 0;
    if (auto c = discover(client))
        for (const auto& item : registry::catalogueItems(*c))
            n += (item.key.kind == v1::PROJECT ? item.key.name : item.key.project) == project;
    return n;
}

v1::ObjectRef refOf(v1::ObjectKind kind, const std::string& project, const std::string& name) {
    v1::ObjectRef ref;
    ref.set_kind(kind);
    ref.set_project(project);
    ref.set_name(name);
    return ref;
}

grpc::Status publish(TestClient& at, const v1::ObjectRef& ref, std::vector<std::string> regions,
                     bool withdraw = false) {
    v1::PublishRequest request;
    *request.mutable_ref() = ref;
    for (auto& r : regions)
        request.add_regions(r);
    request.set_withdraw(withdraw);
    v1::PublishResponse response;
    auto ctx = at.context();
    return at.registry().Publish(ctx.get(), request, &response);
}

grpc::Status applyFile(TestClient& at, const QString& path) {
    auto repo = deployment::loadRepositoryFile(path.toStdString());
    if (!repo.ok())
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            std::string(repo.status().message()));
    v1::ApplyRequest request;
    for (auto& o : registry::objectsOf(*repo))
        *request.add_objects() = std::move(o);
    v1::ApplyResponse response;
    auto ctx = at.context();
    return at.registry().Apply(ctx.get(), request, &response);
}

// The conflicts and drifting copies of the merged catalogues, as "object" and
// "object@region:version/ownerVersion:why" strings.
std::pair<std::set<QString>, std::set<QString>> problemsOf(const registry::GlobalRegistry& g) {
    std::set<QString> conflicts, drift;
    for (const auto& o : g.objects) {
        if (o.conflict)
            conflicts.insert(QString::fromStdString(o.key.toString()));
        for (const auto& c : o.copies)
            if (!c.drift.empty())
                drift.insert(QString::fromStdString(
                    o.key.toString() + "@" + c.region + ":" + std::to_string(c.version) + "/" +
                    std::to_string(c.ownerVersion) + ":" + c.drift));
    }
    return {conflicts, drift};
}

std::pair<std::set<QString>, std::set<QString>> problemsOf(const QJsonObject& drift) {
    std::set<QString> conflicts, copies;
    for (const auto& c : drift["conflicts"].toArray())
        conflicts.insert(c.toObject()["object"].toString());
    for (const auto& d : drift["drift"].toArray()) {
        const auto o = d.toObject();
        copies.insert(o["object"].toString() + "@" + o["region"].toString() + ":" +
                      QString::number(o["version"].toInteger()) + "/" +
                      QString::number(o["owner_version"].toInteger()) + ":" + o["why"].toString());
    }
    return {conflicts, copies};
}

}  // namespace

class FederationTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void objectsArePrivateUntilPublished();
    void publicationReachesExactlyTheNamedRegions();
    void copiesAreReadOnly();
    void residencyForbiddenPublicationIsRefused();
    void badPublicationsNameTheProblem();
    void conflictAndDriftAreReportedAlikeAndClear();
    void unpublishTakesTheCopyAway();
    void timedOutChangeSaysItsOutcomeIsUnknown();
    void switchingModesKeepsEveryObject();

private:
    std::unique_ptr<TestCluster> m_cluster;
    std::unique_ptr<QTemporaryDir> m_work;
    std::unique_ptr<CtlProcess> m_ctl;
    TestClient& at(const char* region) { return m_cluster->client(region); }
    QStringList withDeployment(QStringList args) const {
        return args << QStringLiteral("--deployment") << m_cluster->deploymentPath();
    }
};

void FederationTest::initTestCase() {
    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    m_cluster->setFederated(true);
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(kData + "growth.yaml", "eu1"));
    QVERIFY(m_cluster->apply(kData + "risk.yaml", "us1"));
    m_work = std::make_unique<QTemporaryDir>();
    m_ctl = std::make_unique<CtlProcess>(QStringLiteral(MERIDIANCTL_BINARY), m_work->path());
}

void FederationTest::cleanup() {
    // A failed step shows what each region printed, and says which region is no longer running.
    if (!QTest::currentTestFailed())
        return;
    for (const char* r : {"us1", "eu1", "eu2"})
        qWarning("--- %s (%s) ---\n%s", r, m_cluster->running(r) ? "running" : "NOT RUNNING",
                 qPrintable(m_cluster->output(r)));
}

void FederationTest::objectsArePrivateUntilPublished() {
    // growth: project, entity, source, two views, service.
    QCOMPARE(heldOf(at("eu1"), "growth"), 6);
    QCOMPARE(heldOf(at("us1"), "risk"), 3);
    const auto catalogue = discover(at("eu1"));
    QVERIFY(catalogue);
    QCOMPARE(QString::fromStdString(catalogue->control_mode()), QStringLiteral("federated"));
    for (const auto& item : registry::catalogueItems(*catalogue))
        if (item.key.project == "growth" || item.key.name == "growth") {
            QCOMPARE(QString::fromStdString(*item.ownerRegion), QStringLiteral("eu1"));
            QCOMPARE(item.entry->published_to_size(), 0);
        }
    // (That replication sends none of it is checked once a later publication has arrived.)
    QCOMPARE(heldOf(at("us1"), "growth"), 0);
    QCOMPARE(heldOf(at("eu2"), "growth"), 0);
    QCOMPARE(heldOf(at("eu1"), "risk"), 0);
}

void FederationTest::publicationReachesExactlyTheNamedRegions() {
    // Through meridianctl, which finds the owner by asking every region and watches the copy.
    const auto run = m_ctl->run(withDeployment(
        {"publish", "feature-view", "growth/user_totals", "--to", "us1", "--wait", "30"}));
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains("arrived at us1"), qPrintable(run.out));
    QVERIFY2(run.out.contains("owner eu1"), qPrintable(run.out));
    // The view and what it needs; not the other view, not the service.
    QTRY_COMPARE_WITH_TIMEOUT(heldOf(at("us1"), "growth"), 4, 10000);
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals"), 1);
    QCOMPARE(versionAt(at("us1"), v1::ENTITY, "growth", "user"), 1);
    QCOMPARE(versionAt(at("us1"), v1::DATA_SOURCE, "growth", "events"), 1);
    QCOMPARE(versionAt(at("us1"), v1::PROJECT, "", "growth"), 1);
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_activity"), 0);
    const auto copy = heldAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals");
    QCOMPARE(QString::fromStdString(copy.owner), QStringLiteral("eu1"));

    // Published to eu2 after that: once eu2 holds it, eu2 has read past the publication to
    // us1 in eu1's log, and must not hold what only us1 was sent.
    QVERIFY(publish(at("eu1"), refOf(v1::FEATURE_VIEW, "growth", "user_activity"), {"eu2"}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("eu2"), v1::FEATURE_VIEW, "growth", "user_activity"), 1,
                              10000);
    QCOMPARE(versionAt(at("eu2"), v1::FEATURE_VIEW, "growth", "user_totals"), 0);
    QCOMPARE(versionAt(at("eu2"), v1::DATA_SOURCE, "growth", "events"), 0);
    QCOMPARE(versionAt(at("eu2"), v1::ENTITY, "growth", "user"), 1);
    QCOMPARE(heldOf(at("eu2"), "risk"), 0);
}

void FederationTest::copiesAreReadOnly() {
    // us1 holds eu1's user_totals: applying a new version there, or deleting it, is refused.
    const auto st = applyFile(at("us1"), kData + "growth-v2.yaml");
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(st.error_message().find("owned by region 'eu1'") != std::string::npos,
             st.error_message().c_str());
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals"), 1);

    v1::DeleteObjectRequest remove;
    *remove.mutable_ref() = refOf(v1::FEATURE_VIEW, "growth", "user_totals");
    v1::DeleteObjectResponse removed;
    auto ctx = at("us1").context();
    const auto del = at("us1").registry().DeleteObject(ctx.get(), remove, &removed);
    QCOMPARE(del.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(del.error_message().find("'eu1'") != std::string::npos, del.error_message().c_str());
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals"), 1);

    // meridianctl says the same and exits 1 (the region's refusal).
    const auto run = m_ctl->run({"--endpoint", QString::fromStdString(m_cluster->endpoint("us1")),
                                 "apply", "-f", kData + "growth-v2.yaml"});
    CHECK_RUN(run, 1);
    QVERIFY2(run.err.contains("owned by region 'eu1'"), qPrintable(run.err));
}

void FederationTest::residencyForbiddenPublicationIsRefused() {
    // user_activity's data may live in the EU only.
    const auto st = publish(at("eu1"), refOf(v1::FEATURE_VIEW, "growth", "user_activity"), {"us1"});
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(st.error_message().find("residency") != std::string::npos, st.error_message().c_str());
    // Nothing was sent and nothing changed at the owner.
    const auto entry = heldAt(at("eu1"), v1::FEATURE_VIEW, "growth", "user_activity");
    QCOMPARE(entry.publishedTo, std::vector<std::string>{"eu2"});
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_activity"), 0);
    // The service reads user_totals only, which may go anywhere.
    QVERIFY(publish(at("eu1"), refOf(v1::FEATURE_SERVICE, "growth", "churn"), {"us1"}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("us1"), v1::FEATURE_SERVICE, "growth", "churn"), 1,
                              10000);
}

void FederationTest::badPublicationsNameTheProblem() {
    const auto view = refOf(v1::FEATURE_VIEW, "growth", "user_totals");
    auto st = publish(at("eu1"), view, {"mars1"});
    QCOMPARE(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(st.error_message().find("unknown region 'mars1'") != std::string::npos,
             st.error_message().c_str());
    st = publish(at("eu1"), view, {"eu1"});
    QCOMPARE(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    st = publish(at("eu1"), view, {});
    QCOMPARE(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    // A copy is published by its owner only.
    st = publish(at("us1"), view, {"eu2"});
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(st.error_message().find("owned by region 'eu1'") != std::string::npos,
             st.error_message().c_str());
    st = publish(at("eu1"), refOf(v1::FEATURE_VIEW, "growth", "nope"), {"us1"});
    QCOMPARE(st.error_code(), grpc::StatusCode::NOT_FOUND);
    // Withdrawing the user entity from us1 while user_totals there needs it.
    st = publish(at("eu1"), refOf(v1::ENTITY, "growth", "user"), {"us1"}, true);
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(st.error_message().find("needs entity growth/user") != std::string::npos,
             st.error_message().c_str());
    QCOMPARE(versionAt(at("us1"), v1::ENTITY, "growth", "user"), 1);
}

void FederationTest::conflictAndDriftAreReportedAlikeAndClear() {
    // Conflict: eu1 and eu2 each define shared/customer, differently, and publish it to us1.
    QVERIFY(m_cluster->apply(kData + "shared-eu1.yaml", "eu1"));
    QVERIFY(m_cluster->apply(kData + "shared-eu2.yaml", "eu2"));
    // us1 takes eu2's (it arrives first) and keeps eu1's aside.
    CHECK_RUN(m_ctl->run(withDeployment({"publish", "entity", "shared/customer", "--to", "us1",
                                         "--at", "eu2", "--wait", "30"})),
              0);
    QCOMPARE(QString::fromStdString(heldAt(at("us1"), v1::ENTITY, "shared", "customer").owner),
             QStringLiteral("eu2"));
    CHECK_RUN(m_ctl->run(withDeployment({"publish", "entity", "shared/customer", "--to", "us1",
                                         "--at", "eu1", "--wait", "0"})),
              0);
    // Without --at, the owner is ambiguous.
    const auto ambiguous =
        m_ctl->run(withDeployment({"publish", "entity", "shared/customer", "--to", "us1"}));
    CHECK_RUN(ambiguous, 2);
    QVERIFY2(ambiguous.err.contains("eu1 and eu2"), qPrintable(ambiguous.err));

    // Drift: eu2 follows user_totals; its link from eu1 is cut; eu1 makes version 2.
    QVERIFY(publish(at("eu1"), refOf(v1::FEATURE_VIEW, "growth", "user_totals"), {"eu2"}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("eu2"), v1::FEATURE_VIEW, "growth", "user_totals"), 1,
                              10000);
    QVERIFY(setPartition(at("eu2"), "eu1", true));
    QVERIFY(m_cluster->apply(kData + "growth-v2.yaml", "eu1"));
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals"), 2,
                              10000);
    QTRY_VERIFY_WITH_TIMEOUT(versionAt(at("us1"), v1::ENTITY, "shared", "customer") > 0, 10000);

    const std::set<QString> conflicts{QStringLiteral("entity shared/customer")};
    const std::set<QString> drift{QStringLiteral("feature view growth/user_totals@eu2:1/2:behind")};
    // meridianctl drift: exit 1 and the JSON report.
    const auto report = m_ctl->run(withDeployment({"drift", "--output", "json"}));
    CHECK_RUN(report, 1);
    const auto json = QJsonDocument::fromJson(report.out.toUtf8()).object();
    const auto fromCtl = problemsOf(json);
    QCOMPARE(fromCtl.first, conflicts);
    QCOMPARE(fromCtl.second, drift);
    // The merge the console's backend reads, from the same catalogues.
    std::vector<v1::DiscoverResponse> catalogues;
    for (const char* r : {"us1", "eu1", "eu2"})
        catalogues.push_back(*discover(at(r)));
    const auto merged = problemsOf(registry::mergeCatalogues(catalogues));
    QCOMPARE(merged.first, conflicts);
    QCOMPARE(merged.second, drift);
    // The text report shows what differs, field by field.
    const auto text = m_ctl->run(withDeployment({"drift", "--diff"}));
    CHECK_RUN(text, 1);
    QVERIFY2(text.out.contains("visits_7d"), qPrintable(text.out));
    QVERIFY2(text.out.contains("STRING") && text.out.contains("INT64"), qPrintable(text.out));
    QVERIFY2(text.out.contains("Resolve:"), qPrintable(text.out));

    // The link heals: the copy catches up. eu2 deletes its customer: the conflict is gone.
    QVERIFY(setPartition(at("eu2"), "eu1", false));
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("eu2"), v1::FEATURE_VIEW, "growth", "user_totals"), 2,
                              15000);
    v1::DeleteObjectRequest remove;
    *remove.mutable_ref() = refOf(v1::ENTITY, "shared", "customer");
    v1::DeleteObjectResponse removed;
    auto ctx = at("eu2").context();
    QVERIFY(at("eu2").registry().DeleteObject(ctx.get(), remove, &removed).ok());
    // eu2's deletion reaches us1, and the definition it kept aside, eu1's, takes the name.
    QTRY_COMPARE_WITH_TIMEOUT(
        QString::fromStdString(heldAt(at("us1"), v1::ENTITY, "shared", "customer").owner),
        QStringLiteral("eu1"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_ctl->run(withDeployment({"drift"})).exitCode == 0, 15000);
    // One owner left: meridianctl finds it without --at.
    CHECK_RUN(m_ctl->run(withDeployment(
                  {"publish", "entity", "shared/customer", "--to", "us1", "--wait", "30"})),
              0);
}

void FederationTest::unpublishTakesTheCopyAway() {
    const auto run = m_ctl->run(withDeployment(
        {"unpublish", "feature-service", "growth/churn", "--from", "us1", "--wait", "30"}));
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains("removed from us1"), qPrintable(run.out));
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_SERVICE, "growth", "churn"), 0);
    // What it needed stays; eu1 still owns it all.
    QCOMPARE(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_totals"), 2);
    QCOMPARE(versionAt(at("eu1"), v1::FEATURE_SERVICE, "growth", "churn"), 1);
    // Nothing published there any more: nothing to withdraw.
    const auto again = m_ctl->run(withDeployment(
        {"unpublish", "feature-service", "growth/churn", "--from", "us1", "--wait", "0"}));
    CHECK_RUN(again, 0);
    QVERIFY2(again.out.contains("nothing to withdraw"), qPrintable(again.out));
}

void FederationTest::timedOutChangeSaysItsOutcomeIsUnknown() {
    // eu2 stopped (SIGSTOP): the apply is sent and never answered. It may have been committed,
    // so meridianctl must not call the region unreachable (exit 3) and invite a blind retry.
    const qint64 pid = m_cluster->pid("eu2");
    QVERIFY(pid > 0);
    ::kill(static_cast<pid_t>(pid), SIGSTOP);
    const auto run = m_ctl->run({"--endpoint", QString::fromStdString(m_cluster->endpoint("eu2")),
                                 "--timeout", "1", "apply", "-f", kData + "shared-eu2.yaml"});
    ::kill(static_cast<pid_t>(pid), SIGCONT);
    CHECK_RUN(run, 1);
    QVERIFY2(run.err.contains("outcome unknown"), qPrintable(run.err));
    QVERIFY2(!run.err.contains("cannot reach"), qPrintable(run.err));
    QVERIFY(at("eu2").waitHealthy());
}

void FederationTest::switchingModesKeepsEveryObject() {
    // Every object any region holds now, and whose it is.
    auto held = [this](const char* region) {
        std::map<registry::ObjectKey, std::string> out;
        if (auto c = discover(at(region)))
            for (const auto& item : registry::catalogueItems(*c))
                out[item.key] = *item.ownerRegion;
        return out;
    };
    std::map<registry::ObjectKey, std::string> all;
    for (const char* r : {"us1", "eu1", "eu2"})
        for (const auto& [key, owner] : held(r))
            if (owner == r)
                all.emplace(key, owner);
    QVERIFY(all.size() >= 11);
    // What some region is missing ("" when every region holds every object); `except` at
    // `exceptAt` left out.
    const registry::ObjectKey none;
    auto missing = [&](const registry::ObjectKey& except, const std::string& exceptAt) {
        QString out;
        for (const char* r : {"us1", "eu1", "eu2"}) {
            const auto h = held(r);
            for (const auto& [key, owner] : all)
                if (!h.count(key) && !(key == except && exceptAt == r))
                    out += QString::fromStdString(key.toString() + " (" + owner + "'s) at " + r +
                                                  "; ");
        }
        return out;
    };
    auto restartAll = [this] {
        for (const char* r : {"us1", "eu1", "eu2"})
            if (!m_cluster->stop(r))
                return false;
        for (const char* r : {"us1", "eu1", "eu2"})
            if (!m_cluster->start(r) || !at(r).waitHealthy())
                return false;
        return true;
    };

    // Centralized, us1 the control region: each region hands what it owned over, and every
    // region holds every object.
    m_cluster->setFederated(false);
    QVERIFY(restartAll());
    QTRY_COMPARE_WITH_TIMEOUT(missing(none, {}), QString(), 40000);
    QCOMPARE(QString::fromStdString(discover(at("eu2"))->control_mode()),
             QStringLiteral("centralized"));
    // Only the control region changes the registry now, whoever created the object.
    const auto refused = applyFile(at("eu1"), kData + "shared-eu1-v2.yaml");
    QCOMPARE(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(refused.error_message().find("control region 'us1'") != std::string::npos,
             refused.error_message().c_str());
    const auto byControl = applyFile(at("us1"), kData + "shared-eu1-v2.yaml");
    QVERIFY2(byControl.ok(), byControl.error_message().c_str());
    // (The version number continues from the highest us1 has seen of the name: eu2's deleted
    // definition counted too.)
    const int64_t changed = versionAt(at("us1"), v1::ENTITY, "shared", "customer");
    QVERIFY(changed >= 2);
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(versionAt(at(r), v1::ENTITY, "shared", "customer"), changed,
                                  15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_ctl->run(withDeployment({"drift"})).exitCode == 0, 15000);

    // Federated again: nothing is lost, each region owns again what it created (eu1 the
    // customer entity, changed meanwhile at us1) and publishes it to every region holding a
    // copy, so the copies go on following.
    m_cluster->setFederated(true);
    QVERIFY(restartAll());
    // Except where residency forbids a copy: user_activity (EU only) held at us1 in the
    // centralized registry is withdrawn from there, as a publication there would be refused.
    const registry::ObjectKey euOnly{v1::FEATURE_VIEW, "growth", "user_activity"};
    QCOMPARE(missing(euOnly, "us1"), QString());
    QTRY_COMPARE_WITH_TIMEOUT(versionAt(at("us1"), v1::FEATURE_VIEW, "growth", "user_activity"), 0,
                              15000);
    QTRY_VERIFY_WITH_TIMEOUT(m_ctl->run(withDeployment({"drift"})).exitCode == 0, 15000);
    const auto notOwner = applyFile(at("us1"), kData + "shared-eu1.yaml");
    QCOMPARE(notOwner.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(notOwner.error_message().find("owned by region 'eu1'") != std::string::npos,
             notOwner.error_message().c_str());
    QVERIFY(applyFile(at("eu1"), kData + "shared-eu1.yaml").ok());
    QCOMPARE(versionAt(at("eu1"), v1::ENTITY, "shared", "customer"), changed + 1);
    for (const char* r : {"us1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(versionAt(at(r), v1::ENTITY, "shared", "customer"), changed + 1,
                                  15000);
}

QTEST_GUILESS_MAIN(FederationTest)
#include "tst_federation.moc"
