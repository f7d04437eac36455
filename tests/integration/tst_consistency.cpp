// Consistency checks and repair over three real regions: 100 000 rows of a hub-and-spoke view
// replicated everywhere; a partition that healed leaves no divergence; one row changed behind
// eu1's back with SQLite (its values rewritten, its version kept) is found by the check —
// meridianctl check and the regions' own periodic check, which raises a divergence alert — and
// meridianctl repair changes exactly that row, after which every pair is consistent again and
// the alert clears.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "meridian/v1/replication.grpc.pb.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/tamper.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int kRows = 100'000;
constexpr int64_t kVictim = 4242;
const std::vector<std::string> kRegions{"us1", "eu1", "eu2"};

std::optional<v1::ConsistencyReport> check(TestClient& at, const std::string& peer) {
    v1::CheckConsistencyRequest request;
    request.set_peer(peer);
    request.add_scope("rep/hs_view");
    // Every row counts: the test waits for replication itself.
    request.set_lag_bound_ms(1);
    v1::ConsistencyReport out;
    auto ctx = at.context(std::chrono::seconds(60));
    if (auto st = at.replication().CheckConsistency(ctx.get(), request, &out); !st.ok()) {
        qWarning("check: %s", st.error_message().c_str());
        return std::nullopt;
    }
    return out;
}

int64_t differences(const std::optional<v1::ConsistencyReport>& r) {
    if (!r || r->views_size() != 1 || !r->views(0).error().empty())
        return -1;
    return r->views(0).differences_total();
}

bool divergenceAlert(TestClient& at, const std::string& peer) {
    v1::ListAlertsResponse alerts;
    auto ctx = at.context();
    if (!at.replication().ListAlerts(ctx.get(), v1::ListAlertsRequest{}, &alerts).ok())
        return false;
    for (const auto& a : alerts.alerts())
        if (a.kind() == "divergence" && a.subject() == peer && a.cleared_at() == 0)
            return true;
    return false;
}

// Bytes `from` counted as sent to `to` for rep/hs_view as control traffic (consistency checks).
int64_t checkEgress(TestClient& from, const std::string& to) {
    v1::CostResponse cost;
    auto ctx = from.context();
    if (!from.replication().GetCost(ctx.get(), v1::CostRequest{}, &cost).ok())
        return -1;
    int64_t bytes = 0;
    for (const auto& l : cost.lines())
        if (l.to_region() == to && l.feature_view() == "rep/hs_view" && l.kind() == "control")
            bytes += l.bytes();
    return bytes;
}

}  // namespace

class ConsistencyTest : public QObject {
    Q_OBJECT

private slots:
    void aRowChangedBehindTheStoresBackIsFoundAndRepaired();
};

void ConsistencyTest::aRowChangedBehindTheStoresBackIsFoundAndRepaired() {
    // Each region checks its peers every 3 s.
    TestCluster cluster(TestCluster::threeRegions(), {},
                        "  heartbeat_ms: 200\n  consistency_check: 3s\n");
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const auto& r : kRegions)
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 20000);

    // 100 000 rows, the last 2 000 of them written while eu2 is cut off from the hub.
    const int64_t now = QDateTime::currentMSecsSinceEpoch() - 60'000;
    auto write = [&](int first, int last) {
        for (int from = first; from <= last; from += 5000) {
            std::vector<RepRow> rows;
            for (int id = from; id <= std::min(last, from + 4999); ++id)
                rows.push_back({id, now + id % 1000, id * 0.5, "u" + std::to_string(id)});
            if (!writeRep(cluster.client("us1"), "hs_view", rows).ok())
                return false;
        }
        return true;
    };
    QVERIFY(write(1, kRows - 2000));
    QVERIFY(setPartition(cluster.client("eu2"), "us1", true));
    QVERIFY(write(kRows - 1999, kRows));
    QVERIFY(setPartition(cluster.client("eu2"), "us1", false));
    for (const auto& r : {"eu1", "eu2"})
        QTRY_VERIFY_WITH_TIMEOUT(
            readRep(cluster.client(r), "hs_view", {kRows}).value_or(RepValues{}).size() == 1,
            60000);

    // Healed and caught up: nothing differs between any pair.
    QTRY_COMPARE_WITH_TIMEOUT(differences(check(cluster.client("eu2"), "us1")), int64_t{0}, 30000);
    QCOMPARE(differences(check(cluster.client("eu1"), "eu2")), int64_t{0});
    auto clean = check(cluster.client("eu1"), "us1");
    QCOMPARE(differences(clean), int64_t{0});
    QCOMPARE(clean->views(0).rows_here(), int64_t{kRows});
    QCOMPARE(clean->views(0).rows_there(), int64_t{kRows});
    // Comparing roots and levels costs a sliver of a full copy.
    QVERIFY2(clean->views(0).bytes_exchanged() * 100 < clean->full_copy_bytes(),
             qPrintable(QString("%1 of %2")
                            .arg(clean->views(0).bytes_exchanged())
                            .arg(clean->full_copy_bytes())));

    // What the peer sent for the check is egress of the view, as control traffic.
    QTRY_VERIFY_WITH_TIMEOUT(checkEgress(cluster.client("us1"), "eu1") > 0, 10000);

    // One row rewritten behind eu1's back.
    const auto before =
        readRep(cluster.client("eu1"), "hs_view", {kVictim - 1, kVictim, kVictim + 1});
    QVERIFY(before && before->size() == 3);
    QVERIFY(rewriteOnlineRow(cluster.dataDir("eu1"), "rep", "hs_view", kVictim, 999, "tampered"));
    QCOMPARE(readRep(cluster.client("eu1"), "hs_view", {kVictim})->at(kVictim).first, 999.0);

    auto found = check(cluster.client("eu1"), "us1");
    QCOMPARE(differences(found), int64_t{1});
    const auto& d = found->views(0).differences(0);
    QCOMPARE(d.entity(), std::string("user_id=4242"));
    QCOMPARE(d.winner(), v1::KeyDifference::THERE);
    QVERIFY2(d.reason().find("us1 wrote it") != std::string::npos, d.reason().c_str());
    QVERIFY(d.here().values().find("score=999") != std::string::npos);
    QVERIFY(d.there().values().find("score=2121") != std::string::npos);
    QCOMPARE(d.here().write_hlc(), d.there().write_hlc());
    QCOMPARE(found->views(0).buckets_differing(), 1);
    // eu2 never had it wrong.
    QCOMPARE(differences(check(cluster.client("eu2"), "us1")), int64_t{0});
    // The regions' own check raises the alert at both ends.
    QTRY_VERIFY_WITH_TIMEOUT(divergenceAlert(cluster.client("eu1"), "us1"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(divergenceAlert(cluster.client("us1"), "eu1"), 20000);

    QTemporaryDir work;
    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), work.path());
    auto run = [&](QStringList args) {
        args << "--deployment" << cluster.deploymentPath();
        return ctl.run(args);
    };
    const auto listed = run({"check", "--between", "eu1", "us1", "--lag-bound", "1ms"});
    CHECK_RUN(listed, 1);
    QVERIFY2(listed.out.contains("user_id=4242"), qPrintable(listed.out));
    QVERIFY2(listed.out.contains("DIVERGED"), qPrintable(listed.out));
    QVERIFY2(listed.err.contains("repair with: meridianctl repair --between eu1 us1"),
             qPrintable(listed.err));
    const auto all = run({"check", "-o", "json", "--lag-bound", "1ms"});
    CHECK_RUN(all, 1);
    QCOMPARE(QJsonDocument::fromJson(all.out.toUtf8()).array().size(), 3);
    const auto badPair = run({"check", "--between", "eu1", "eu1"});
    CHECK_RUN(badPair, 2);

    const auto repaired = run({"repair", "--between", "eu1", "us1"});
    CHECK_RUN(repaired, 0);
    QVERIFY2(repaired.out.contains("1 repaired here from 'us1'"), qPrintable(repaired.out));
    QVERIFY2(repaired.out.contains("0 repaired here from 'eu1'"), qPrintable(repaired.out));

    // Exactly that row changed back; its neighbours as they were.
    const auto after =
        readRep(cluster.client("eu1"), "hs_view", {kVictim - 1, kVictim, kVictim + 1});
    QVERIFY(after);
    QCOMPARE(*after, *before);
    for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"eu1", "us1"}, {"eu1", "eu2"}, {"us1", "eu2"}})
        QCOMPARE(differences(check(cluster.client(a), b)), int64_t{0});
    CHECK_RUN(run({"check", "--lag-bound", "1ms"}), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!divergenceAlert(cluster.client("eu1"), "us1"), 20000);
}

QTEST_GUILESS_MAIN(ConsistencyTest)
#include "tst_consistency.moc"
