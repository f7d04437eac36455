// Reads routed to the closest replica over four real regions with emulated delays between them:
// a caller located at each region is served by the expected one; a region whose lag passes
// max_staleness is passed over while it lags; an EU-only view never leaves the EU; a killed
// region is skipped within one deadline; read-your-writes holds across a cut link; and
// meridianctl get --route/--from and meridianctl routes say the same.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <chrono>

#include "client/router.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

const std::vector<std::string> kRegions{"us1", "eu1", "eu2", "ap1"};
constexpr int64_t kUser = 7;

v1::GetOnlineFeaturesRequest readOf(const std::string& view) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("rep");
    r.mutable_features()->add_refs(view + ":*");
    auto* e = r.add_entities();
    (*e->mutable_keys())["user_id"].set_int64_val(kUser);
    return r;
}

}  // namespace

class RoutingLiveTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void eachLocationIsServedByTheNearestReplica();
    void anEuOnlyViewIsNeverReadOutsideTheEu();
    void aLaggingRegionIsPassedOverUnderMaxStaleness();
    void readYourWritesHoldsAcrossACutLink();
    void meridianctlRoutesAndGetSayTheSame();
    void aKilledRegionIsSkippedWithinOneDeadline();

private:
    // The region that serves `view` for a caller at `from`, read through the router.
    absl::StatusOr<client::RoutedRead> routed(const std::string& view, const std::string& from,
                                              int64_t maxStalenessMs = 0);
    client::RouteQuery query(const std::string& view, const std::string& from) const;
    QString routeOf(const std::string& view, const std::string& from, int64_t maxStalenessMs = 0);
    v1::FeatureView viewNamed(const std::string& name) const;

    std::unique_ptr<TestCluster> m_cluster;
    std::unique_ptr<client::RegionDirectory> m_regions;
    std::unique_ptr<client::Router> m_router;
    registry::Catalog m_catalog;
};

void RoutingLiveTest::initTestCase() {
    auto regions = TestCluster::threeRegions();
    regions.push_back({"ap1", "aws", "ap-southeast-1", "sg"});
    // One-way delays: the EU pair close together, Virginia across the Atlantic, Singapore far.
    m_cluster = std::make_unique<TestCluster>(regions,
                                              std::vector<ClusterLink>{{"us1", "eu1", 30},
                                                                       {"us1", "eu2", 40},
                                                                       {"eu1", "eu2", 5},
                                                                       {"us1", "ap1", 100},
                                                                       {"eu1", "ap1", 80},
                                                                       {"eu2", "ap1", 70}},
                                              "  heartbeat_ms: 200\n");
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const auto& r : kRegions)
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client(r)), 7, 20000);

    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(writeRep(m_cluster->client("us1"), "hs_view", {{kUser, now - 1000, 1.5, "hs"}}).ok());
    QVERIFY(writeRep(m_cluster->client("eu1"), "eu_view", {{kUser, now - 1000, 2.5, "eu"}}).ok());
    for (const auto& r : {"eu1", "eu2"}) {
        QTRY_VERIFY_WITH_TIMEOUT(
            readRep(m_cluster->client(r), "hs_view", {kUser}).value_or(RepValues{}).size() == 1,
            20000);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        readRep(m_cluster->client("eu2"), "eu_view", {kUser}).value_or(RepValues{}).size() == 1,
        20000);

    auto directory = client::RegionDirectory::open(m_cluster->deploymentPath().toStdString());
    QVERIFY2(directory.ok(), directory.status().ToString().c_str());
    m_regions = std::move(*directory);
    client::Router::Options options;
    options.probeInterval = std::chrono::milliseconds(200);
    m_router = std::make_unique<client::Router>(*m_regions, options);
    m_router->start();
    // A feature service over the EU-only view and the hub-and-spoke one.
    v1::ApplyRequest service;
    auto* fs = service.add_objects()->mutable_feature_service();
    fs->set_project("rep");
    fs->set_name("eu_scoring");
    fs->add_features()->set_feature_view("eu_view");
    fs->add_features()->set_feature_view("hs_view");
    auto applied = m_regions->client("us1").apply(service);
    QVERIFY2(applied.ok(), applied.status().ToString().c_str());
    auto catalog = m_regions->client("us1").catalog("rep");
    QVERIFY(catalog.ok());
    m_catalog = *catalog;
}

void RoutingLiveTest::cleanupTestCase() {
    m_router.reset();
    m_regions.reset();
    m_cluster.reset();
}

v1::FeatureView RoutingLiveTest::viewNamed(const std::string& name) const {
    const auto* v = m_catalog.featureView("rep", name);
    if (!v)
        qFatal("no view %s", name.c_str());
    return *v;
}

client::RouteQuery RoutingLiveTest::query(const std::string& view, const std::string& from) const {
    client::RouteQuery q;
    q.views = {viewNamed(view)};
    q.from = from;
    return q;
}

absl::StatusOr<client::RoutedRead> RoutingLiveTest::routed(const std::string& view,
                                                           const std::string& from,
                                                           int64_t maxStalenessMs) {
    auto q = query(view, from);
    q.maxStalenessMs = maxStalenessMs;
    return m_router->getOnlineFeatures(readOf(view), q, std::chrono::seconds(5));
}

QString RoutingLiveTest::routeOf(const std::string& view, const std::string& from,
                                 int64_t maxStalenessMs) {
    auto read = routed(view, from, maxStalenessMs);
    if (!read.ok())
        return QString::fromStdString("error: " + std::string(read.status().message()));
    return QString::fromStdString(read->response.serving_region());
}

void RoutingLiveTest::eachLocationIsServedByTheNearestReplica() {
    // hs_view lives in us1, eu1 and eu2.
    const std::map<std::string, std::string> expected{
        {"us1", "us1"}, {"eu1", "eu1"}, {"eu2", "eu2"}, {"ap1", "eu2"}};
    for (const auto& [from, region] : expected) {
        auto read = routed("hs_view", from);
        QVERIFY2(read.ok(), read.status().ToString().c_str());
        QCOMPARE(read->response.serving_region(), region);
        QCOMPARE(read->region, region);
        QCOMPARE(read->response.rows(0).values(0).status(), v1::PRESENT);
    }
    auto fromAsia = routed("hs_view", "ap1");
    QVERIFY2(fromAsia->reason.starts_with("nearest qualifying: 14"), fromAsia->reason.c_str());
    QVERIFY2(fromAsia->reason.ends_with("(emulated link)"), fromAsia->reason.c_str());
    QCOMPARE(fromAsia->skipped.size(), size_t(1));
    QVERIFY2(fromAsia->skipped[0].starts_with("ap1 skipped: not a replica of hs_view"),
             fromAsia->skipped[0].c_str());
}

void RoutingLiveTest::anEuOnlyViewIsNeverReadOutsideTheEu() {
    QCOMPARE(routeOf("eu_view", "us1"), QString("eu1"));  // 30 ms against 40
    QCOMPARE(routeOf("eu_view", "ap1"), QString("eu2"));  // 70 ms against 80
    auto read = routed("eu_view", "us1");
    QVERIFY(read.ok());
    QVERIFY2(read->skipped[0] == "us1 skipped: residency keeps eu_view in jurisdiction eu",
             read->skipped[0].c_str());
    // Pinned to a region outside the EU, it is refused before any call.
    auto q = query("eu_view", "us1");
    q.pinned = "us1";
    auto pinned = m_router->getOnlineFeatures(readOf("eu_view"), q, std::chrono::seconds(5));
    QCOMPARE(pinned.status().code(), absl::StatusCode::kFailedPrecondition);
    QVERIFY(std::string(pinned.status().message()).find("residency keeps eu_view") !=
            std::string::npos);
}

void RoutingLiveTest::aLaggingRegionIsPassedOverUnderMaxStaleness() {
    // eu1 stops hearing from the hub: its copy of hs_view ages past 1 s.
    QVERIFY(setPartition(m_cluster->client("eu1"), "us1", true));
    QTRY_COMPARE_WITH_TIMEOUT(routeOf("hs_view", "eu1", 1000), QString("eu2"), 15000);
    auto read = routed("hs_view", "eu1", 1000);
    QVERIFY(read.ok());
    // Passed over on its probed lag, or refused by eu1 itself when the probe was a moment old.
    QVERIFY2(read->skipped.size() == 1 &&
                 ((read->skipped[0].starts_with("eu1 skipped: lag ") &&
                   read->skipped[0].ends_with("> max_staleness 1 s")) ||
                  read->skipped[0].starts_with("eu1 refused: feature view 'hs_view' lags ")),
             read->skipped.empty() ? "none" : read->skipped[0].c_str());
    // Without a bound the nearest still serves.
    QCOMPARE(routeOf("hs_view", "eu1"), QString("eu1"));
    // Healed, it serves again once it has caught up.
    QVERIFY(setPartition(m_cluster->client("eu1"), "us1", false));
    QTRY_COMPARE_WITH_TIMEOUT(routeOf("hs_view", "eu1", 1000), QString("eu1"), 15000);
}

void RoutingLiveTest::readYourWritesHoldsAcrossACutLink() {
    // aa_view lives in us1, eu1 and eu2. Cut the link from us1 into eu2 and write at us1: a
    // caller at eu2 reading its write must not be served by eu2.
    QVERIFY(setPartition(m_cluster->client("eu2"), "us1", true));
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto& p : m_router->probes())
                if (p.region == "eu2")
                    return p.linkBrokenFrom.count("us1") && p.linkBrokenFrom.at("us1");
            return false;
        }(),
        10000);
    v1::WriteFeaturesRequest write;
    write.set_project("rep");
    write.set_feature_view("aa_view");
    auto* row = write.add_rows();
    (*row->mutable_keys())["user_id"].set_int64_val(kUser);
    row->set_event_timestamp(QDateTime::currentMSecsSinceEpoch());
    (*row->mutable_values())["score"].set_double_val(42);
    (*row->mutable_values())["label"].set_string_val("mine");
    auto written = m_regions->client("us1").writeFeatures(write);
    QVERIFY2(written.ok(), written.status().ToString().c_str());

    auto q = query("aa_view", "eu2");
    q.minVersion = written->version();
    q.minVersionRegion = written->region();
    auto read = m_router->getOnlineFeatures(readOf("aa_view"), q, std::chrono::seconds(5));
    QVERIFY2(read.ok(), read.status().ToString().c_str());
    QVERIFY2(read->region != "eu2", read->region.c_str());
    const auto& values = read->response.rows(0).values();
    bool mine = false;
    for (int i = 0; i < values.size(); ++i)
        mine = mine ||
               (values[i].value().has_string_val() && values[i].value().string_val() == "mine");
    QVERIFY(mine);
    QVERIFY2(!read->skipped.empty() &&
                 read->skipped[0].starts_with("eu2 skipped: its link from us1 is cut"),
             read->skipped.empty() ? "none" : read->skipped[0].c_str());
    QVERIFY(setPartition(m_cluster->client("eu2"), "us1", false));
}

void RoutingLiveTest::meridianctlRoutesAndGetSayTheSame() {
    QTemporaryDir work;
    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), work.path());
    auto run = [&](QStringList args) {
        args << "--project"
             << "rep"
             << "--deployment" << m_cluster->deploymentPath();
        return ctl.run(args);
    };
    // The routing table: eu_scoring needs the EU-only view, so every location reads in the EU.
    const auto routes = run({"routes", "-o", "json"});
    CHECK_RUN(routes, 0);
    const auto rows = QJsonDocument::fromJson(routes.out.toUtf8()).array();
    QCOMPARE(rows.size(), 4);
    std::map<QString, QString> servedBy;
    for (const auto& r : rows)
        servedBy[r.toObject()["from"].toString()] = r.toObject()["region"].toString();
    const std::map<QString, QString> expected{
        {"us1", "eu1"}, {"eu1", "eu1"}, {"eu2", "eu2"}, {"ap1", "eu2"}};
    QVERIFY2(servedBy == expected, qPrintable(routes.out));
    const auto table = run({"routes", "--from", "us1"});
    CHECK_RUN(table, 0);
    QVERIFY2(table.out.contains("us1: residency keeps eu_view in jurisdiction eu"),
             qPrintable(table.out));

    const auto get = run({"get", "--service", "eu_scoring", "--entity", "user_id=7", "--from",
                          "ap1", "--max-staleness", "5s"});
    CHECK_RUN(get, 0);
    QVERIFY2(get.out.contains("served by region eu2 (nearest qualifying: 14"), qPrintable(get.out));
    QVERIFY2(get.out.contains("ap1 skipped: residency keeps eu_view in jurisdiction eu"),
             qPrintable(get.out));
    const auto pinned =
        run({"get", "--features", "eu_view:*", "--entity", "user_id=7", "--route", "eu1"});
    CHECK_RUN(pinned, 0);
    QVERIFY2(pinned.out.contains("served by region eu1 (as asked (--route))"),
             qPrintable(pinned.out));
    const auto badDuration = run({"get", "--features", "eu_view:*", "--entity", "user_id=7",
                                  "--from", "ap1", "--max-staleness", "2 weeks"});
    CHECK_RUN(badDuration, 2);
    QVERIFY2(badDuration.err.contains("--max-staleness '2 weeks' is not a duration"),
             qPrintable(badDuration.err));
    const auto badRegion =
        run({"get", "--features", "eu_view:*", "--entity", "user_id=7", "--from", "mars1"});
    CHECK_RUN(badRegion, 2);
    QVERIFY2(badRegion.err.contains("--from: unknown region 'mars1'"), qPrintable(badRegion.err));
}

void RoutingLiveTest::aKilledRegionIsSkippedWithinOneDeadline() {
    QCOMPARE(routeOf("hs_view", "eu1"), QString("eu1"));
    m_cluster->kill("eu1");
    // Before any probe has seen it go: the call fails, eu1 is marked suspect and eu2 serves,
    // all within the read's deadline.
    QElapsedTimer timer;
    timer.start();
    auto q = query("hs_view", "eu1");
    auto read = m_router->getOnlineFeatures(readOf("hs_view"), q, std::chrono::seconds(3));
    QVERIFY2(read.ok(), read.status().ToString().c_str());
    QVERIFY(timer.elapsed() < 3000);
    QCOMPARE(read->region, std::string("eu2"));
    bool failed = false;
    for (const auto& s : read->skipped)
        failed = failed || s.starts_with("eu1 failed: ") || s.starts_with("eu1 skipped: down");
    QVERIFY(failed);
    // The probe then knows it is down.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto& p : m_router->probes())
                if (p.region == "eu1")
                    return !p.reachable;
            return false;
        }(),
        10000);
}

QTEST_GUILESS_MAIN(RoutingLiveTest)
#include "tst_routing_live.moc"
