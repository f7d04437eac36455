// Route planning over the demo deployment (four regions on three clouds, links with emulated
// delays): the nearest region that holds the data, meets max_staleness and can have the
// read-your-writes version serves a read; the others are passed over with why; a region that
// failed a call is tried last; the hub or owner when nothing else qualifies.

#include <QtTest>

#include "client/routing.h"

using namespace meridian;
using client::planRoute;
using client::RegionProbe;
using client::RouteQuery;

namespace {

const std::string kUs = "aws-us-east-1";
const std::string kEu = "aws-eu-west-1";
const std::string kNl = "gcp-europe-west4";
const std::string kSg = "azure-southeastasia";
constexpr int64_t kNow = 1'800'000'000'000;

deployment::Deployment demo() {
    auto d = deployment::loadDeployment(MERIDIAN_SOURCE_DIR "/resources/demo/deployment.yaml");
    if (!d.ok())
        qFatal("%s", d.status().ToString().c_str());
    return *d;
}

// Every region up, 0.3 ms away, no lag, links carrying the deployment file's delays.
std::vector<RegionProbe> healthy(const deployment::Deployment& d) {
    std::vector<RegionProbe> out;
    for (const auto& r : d.regions) {
        RegionProbe p;
        p.region = r.info.name;
        p.reachable = true;
        p.rttMs = 0.3;
        p.probedAtMs = kNow;
        for (const auto& l : d.links) {
            if (l.a == r.info.name)
                p.emulatedDelayMsFrom[l.b] = l.delayMs;
            if (l.b == r.info.name)
                p.emulatedDelayMsFrom[l.a] = l.delayMs;
        }
        out.push_back(std::move(p));
    }
    return out;
}

RegionProbe& probeOf(std::vector<RegionProbe>& probes, const std::string& region) {
    for (auto& p : probes)
        if (p.region == region)
            return p;
    qFatal("no probe of %s", region.c_str());
}

v1::FeatureView view(const std::string& name, v1::ReplicationPolicy::Mode mode,
                     std::vector<std::string> regions, const std::string& owner,
                     const std::string& jurisdiction = {}) {
    v1::FeatureView v;
    v.set_project("shop");
    v.set_name(name);
    v.set_owner_region(owner);
    v.mutable_replication()->set_mode(mode);
    if (mode == v1::ReplicationPolicy::HUB_SPOKE)
        v.mutable_replication()->set_hub(owner);
    for (const auto& r : regions)
        v.mutable_replication()->add_regions(r);
    if (!jurisdiction.empty())
        v.mutable_residency()->set_jurisdiction(jurisdiction);
    return v;
}

v1::FeatureView everywhere() {
    return view("user_stats", v1::ReplicationPolicy::HUB_SPOKE, {kUs, kEu, kNl, kSg}, kUs);
}

v1::FeatureView euOnly() {
    return view("kyc", v1::ReplicationPolicy::ACTIVE_ACTIVE, {kEu, kNl}, kEu, "eu");
}

RouteQuery query(std::vector<v1::FeatureView> views, const std::string& from) {
    RouteQuery q;
    q.views = std::move(views);
    q.from = from;
    return q;
}

QString chosen(const absl::StatusOr<client::Route>& route) {
    if (!route.ok())
        return QString::fromStdString("error: " + std::string(route.status().message()));
    return QString::fromStdString(route->stops.front().region);
}

bool mentions(const std::vector<client::RouteSkip>& skipped, const std::string& region,
              const std::string& text) {
    for (const auto& s : skipped)
        if (s.region == region && s.why.find(text) != std::string::npos)
            return true;
    return false;
}

}  // namespace

class TestRouting : public QObject {
    Q_OBJECT

private slots:
    void eachLocationIsServedByItsNearestReplica_data();
    void eachLocationIsServedByItsNearestReplica();
    void residencyKeepsReadsInTheJurisdiction();
    void aLaggingRegionIsPassedOverUnderMaxStaleness();
    void aRegionThatIsDownIsPassedOver();
    void aSuspectRegionIsTriedLast();
    void readYourWritesPassesOverARegionCutFromTheWriter();
    void theHubServesWhenNoReplicaQualifies();
    void noRegionQualifyingIsAnErrorNamingEach();
    void pinnedRouteGoesToThatRegionOnly();
    void liveEmulationOverridesTheFile();
    void distancesFallBackToCoordinates();
    void unknownRegionsAreRefused();
    void viewsOfAServiceOrReferences();
};

void TestRouting::eachLocationIsServedByItsNearestReplica_data() {
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("reason");
    // us_only lives in us-east-1 and Singapore: from Europe, Virginia (35/42 ms one way) is
    // nearer than Singapore (88/80 ms).
    QTest::newRow("us") << QString::fromStdString(kUs) << QString::fromStdString(kUs)
                        << "nearest: the caller's own region";
    QTest::newRow("eu") << QString::fromStdString(kEu) << QString::fromStdString(kUs)
                        << "nearest qualifying: 70 ms (emulated link)";
    QTest::newRow("nl") << QString::fromStdString(kNl) << QString::fromStdString(kUs)
                        << "nearest qualifying: 84 ms (emulated link)";
    QTest::newRow("sg") << QString::fromStdString(kSg) << QString::fromStdString(kSg)
                        << "nearest: the caller's own region";
}

void TestRouting::eachLocationIsServedByItsNearestReplica() {
    QFETCH(QString, from);
    QFETCH(QString, expected);
    QFETCH(QString, reason);
    const auto d = demo();
    const auto usAndSg = view("us_only", v1::ReplicationPolicy::ACTIVE_ACTIVE, {kUs, kSg}, kUs);
    auto route = planRoute(d, healthy(d), query({usAndSg}, from.toStdString()), kNow);
    QCOMPARE(chosen(route), expected);
    QCOMPARE(QString::fromStdString(route->stops.front().reason), reason);
    // The regions that do not hold the view are passed over, and said why.
    QVERIFY(mentions(route->skipped, kEu, "not a replica of us_only"));
    QVERIFY(mentions(route->skipped, kNl, "not a replica of us_only"));
    // Every region that holds it is a stop, nearest first.
    QCOMPARE(route->stops.size(), size_t(2));
    QVERIFY(route->stops[0].distanceMs <= route->stops[1].distanceMs);
}

void TestRouting::residencyKeepsReadsInTheJurisdiction() {
    const auto d = demo();
    const auto probes = healthy(d);
    for (const auto& from : {kUs, kEu, kNl, kSg}) {
        auto route = planRoute(d, probes, query({euOnly()}, from), kNow);
        QVERIFY(route.ok());
        for (const auto& stop : route->stops)
            QVERIFY2(stop.region == kEu || stop.region == kNl, stop.region.c_str());
        QVERIFY(mentions(route->skipped, kUs, "residency keeps kyc in jurisdiction eu"));
        QVERIFY(mentions(route->skipped, kSg, "residency keeps kyc in jurisdiction eu"));
    }
    // From Virginia, Dublin (35 ms one way) is nearer than the Netherlands (42 ms).
    QCOMPARE(chosen(planRoute(d, probes, query({euOnly()}, kUs), kNow)),
             QString::fromStdString(kEu));
    // A read naming an EU-only view with a view held everywhere can only go to the EU.
    QCOMPARE(chosen(planRoute(d, probes, query({everywhere(), euOnly()}, kSg), kNow)),
             QString::fromStdString(kNl));
}

void TestRouting::aLaggingRegionIsPassedOverUnderMaxStaleness() {
    const auto d = demo();
    auto probes = healthy(d);
    probeOf(probes, kEu).viewLagSeconds["shop/user_stats"] = 4.2;
    auto q = query({everywhere()}, kEu);
    // Without max_staleness the lag does not matter.
    QCOMPARE(chosen(planRoute(d, probes, q, kNow)), QString::fromStdString(kEu));
    q.maxStalenessMs = 2000;
    auto route = planRoute(d, probes, q, kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kNl));  // 9 ms from Dublin
    QVERIFY(mentions(route->skipped, kEu, "lag 4.2 s > max_staleness 2 s"));
    QCOMPARE(route->nearerSkipped().size(), size_t(1));
    QCOMPARE(QString::fromStdString(route->stops.front().reason),
             QString("nearest qualifying: 18 ms (emulated link)"));
    QCOMPARE(QString::fromStdString(route->stops[1].reason),
             QString("next nearest: 70 ms (emulated link)"));
    // A lag within the bound is fine.
    q.maxStalenessMs = 5000;
    QCOMPARE(chosen(planRoute(d, probes, q, kNow)), QString::fromStdString(kEu));
}

void TestRouting::aRegionThatIsDownIsPassedOver() {
    const auto d = demo();
    auto probes = healthy(d);
    auto& nl = probeOf(probes, kNl);
    nl.reachable = false;
    nl.error = "connection refused";
    auto route = planRoute(d, probes, query({euOnly()}, kNl), kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kEu));
    QVERIFY(mentions(route->skipped, kNl, "down (connection refused)"));
    // Distances to Dublin still come from Dublin's own link figures.
    QCOMPARE(route->stops.front().basis, std::string("emulated link"));
}

void TestRouting::aSuspectRegionIsTriedLast() {
    const auto d = demo();
    auto probes = healthy(d);
    probeOf(probes, kEu).suspectUntilMs = kNow + 5000;
    auto route = planRoute(d, probes, query({euOnly()}, kEu), kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kNl));
    QCOMPARE(route->stops.back().region, kEu);
    QVERIFY(route->stops.back().reason.starts_with("suspect"));
    // Once the window has passed it is the nearest again.
    QCOMPARE(chosen(planRoute(d, probes, query({euOnly()}, kEu), kNow + 6000)),
             QString::fromStdString(kEu));
}

void TestRouting::readYourWritesPassesOverARegionCutFromTheWriter() {
    const auto d = demo();
    auto probes = healthy(d);
    probeOf(probes, kSg).linkBrokenFrom[kUs] = true;
    auto q = query({everywhere()}, kSg);
    q.minVersion = 12345;
    q.minVersionRegion = kUs;
    auto route = planRoute(d, probes, q, kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kNl));  // 80 ms from Singapore
    QVERIFY(mentions(route->skipped, kSg, "link from aws-us-east-1 is cut"));
    // The writer itself always has its own writes.
    q.from = kUs;
    QCOMPARE(chosen(planRoute(d, probes, q, kNow)), QString::fromStdString(kUs));
    // A cut link from another region does not matter to a token of the writer's.
    probeOf(probes, kSg).linkBrokenFrom = {{kEu, true}, {kUs, false}};
    q.from = kSg;
    QCOMPARE(chosen(planRoute(d, probes, q, kNow)), QString::fromStdString(kSg));
}

void TestRouting::theHubServesWhenNoReplicaQualifies() {
    const auto d = demo();
    auto probes = healthy(d);
    // The hub's own lag figure is stale here; the spokes all lag.
    for (const auto& r : {kUs, kEu, kNl, kSg})
        probeOf(probes, r).viewLagSeconds["shop/user_stats"] = 30;
    auto q = query({everywhere()}, kSg);
    q.maxStalenessMs = 1000;
    auto route = planRoute(d, probes, q, kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kUs));
    QCOMPARE(QString::fromStdString(route->stops.front().reason),
             QString("the hub of user_stats: no other region qualified"));
    QCOMPARE(route->skipped.size(), size_t(4));
}

void TestRouting::noRegionQualifyingIsAnErrorNamingEach() {
    const auto d = demo();
    auto probes = healthy(d);
    for (auto& p : probes) {
        p.reachable = false;
        p.error = "connection refused";
    }
    auto route = planRoute(d, probes, query({euOnly()}, kUs), kNow);
    QCOMPARE(route.status().code(), absl::StatusCode::kFailedPrecondition);
    const std::string message(route.status().message());
    QVERIFY2(message.starts_with("no region can serve this read: "), message.c_str());
    for (const auto& r : {kUs, kEu, kNl, kSg})
        QVERIFY2(message.find(r + " skipped: ") != std::string::npos, message.c_str());
    QVERIFY(message.find("down (connection refused)") != std::string::npos);
}

void TestRouting::pinnedRouteGoesToThatRegionOnly() {
    const auto d = demo();
    auto probes = healthy(d);
    probeOf(probes, kSg).viewLagSeconds["shop/user_stats"] = 9;
    auto q = query({everywhere()}, kUs);
    q.pinned = kSg;
    q.maxStalenessMs = 1000;  // the region's own check decides
    auto route = planRoute(d, probes, q, kNow);
    QCOMPARE(route->stops.size(), size_t(1));
    QCOMPARE(chosen(route), QString::fromStdString(kSg));
    // A pinned region that cannot hold the data is refused before any call.
    q.views = {euOnly()};
    route = planRoute(d, probes, q, kNow);
    QCOMPARE(route.status().code(), absl::StatusCode::kFailedPrecondition);
    QVERIFY(std::string(route.status().message()).find("residency keeps kyc") != std::string::npos);
}

void TestRouting::liveEmulationOverridesTheFile() {
    const auto d = demo();
    auto probes = healthy(d);
    // meridianctl link set raised Dublin–Netherlands to 60 ms one way: from the Netherlands,
    // Virginia (42 ms) is now nearer than Dublin for a view held in both.
    probeOf(probes, kEu).emulatedDelayMsFrom[kNl] = 60;
    probeOf(probes, kNl).emulatedDelayMsFrom[kEu] = 60;
    const auto both = view("pair", v1::ReplicationPolicy::ACTIVE_ACTIVE, {kUs, kEu}, kUs);
    auto route = planRoute(d, probes, query({both}, kNl), kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kUs));
    QCOMPARE(route->stops[1].distanceMs, 120.0);
}

void TestRouting::distancesFallBackToCoordinates() {
    auto d = demo();
    d.links.clear();
    auto probes = healthy(d);
    for (auto& p : probes)
        p.emulatedDelayMsFrom.clear();
    auto route = planRoute(d, probes, query({everywhere()}, kEu), kNow);
    QCOMPARE(chosen(route), QString::fromStdString(kEu));
    QCOMPARE(route->stops[1].region, kNl);  // Dublin to Eemshaven: ~870 km
    QCOMPARE(route->stops[1].basis, std::string("estimated from distance"));
    QVERIFY2(route->stops[1].distanceMs > 10 && route->stops[1].distanceMs < 16,
             std::to_string(route->stops[1].distanceMs).c_str());
    // From here (no location), the measured round trips order the regions.
    probeOf(probes, kSg).rttMs = 0.1;
    QCOMPARE(chosen(planRoute(d, probes, query({everywhere()}, {}), kNow)),
             QString::fromStdString(kSg));
}

void TestRouting::unknownRegionsAreRefused() {
    const auto d = demo();
    auto q = query({everywhere()}, "aws-mars-1");
    auto route = planRoute(d, healthy(d), q, kNow);
    QCOMPARE(route.status().code(), absl::StatusCode::kInvalidArgument);
    QVERIFY(std::string(route.status().message()).find("unknown region 'aws-mars-1'") == 0);
    q.from.clear();
    q.views.clear();
    QCOMPARE(planRoute(d, healthy(d), q, kNow).status().code(), absl::StatusCode::kInvalidArgument);
}

void TestRouting::viewsOfAServiceOrReferences() {
    std::vector<v1::RegistryObject> objects;
    for (const auto& v : {everywhere(), euOnly()}) {
        v1::RegistryObject o;
        *o.mutable_feature_view() = v;
        objects.push_back(o);
    }
    v1::RegistryObject service;
    service.mutable_feature_service()->set_project("shop");
    service.mutable_feature_service()->set_name("scoring");
    service.mutable_feature_service()->add_features()->set_feature_view("kyc");
    service.mutable_feature_service()->add_features()->set_feature_view("user_stats");
    objects.push_back(service);
    const registry::Catalog catalog(objects);

    v1::GetOnlineFeaturesRequest read;
    read.set_project("shop");
    read.set_feature_service("scoring");
    auto views = client::viewsOfRead(catalog, read);
    QVERIFY(views.ok());
    QCOMPARE(views->size(), size_t(2));
    QCOMPARE(views->at(0).name(), std::string("kyc"));

    read.mutable_features()->add_refs("user_stats:score");
    read.mutable_features()->add_refs("user_stats:*");
    views = client::viewsOfRead(catalog, read);
    QCOMPARE(views->size(), size_t(1));

    read.set_feature_service("nope");
    QCOMPARE(client::viewsOfRead(catalog, read).status().code(), absl::StatusCode::kNotFound);
}

QTEST_APPLESS_MAIN(TestRouting)
#include "tst_routing.moc"
