// A peer whose clock runs far ahead would win every tie of the conflict rule: its neighbours
// raise an alert naming it, and clear it once the clock is right again.

#include <QtTest>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

std::optional<v1::Alert> clockAlert(TestClient& client, const std::string& subject) {
    v1::ListAlertsResponse alerts;
    auto ctx = client.context();
    if (!client.replication().ListAlerts(ctx.get(), v1::ListAlertsRequest{}, &alerts).ok())
        return std::nullopt;
    for (const auto& a : alerts.alerts()) {
        if (a.kind() == "clock_offset" && a.subject() == subject)
            return a;
    }
    return std::nullopt;
}

}  // namespace

class ReplicationClockSkewTest : public QObject {
    Q_OBJECT

private slots:
    void skewedPeerRaisesAnAlert();
};

void ReplicationClockSkewTest::skewedPeerRaisesAnAlert() {
    TestCluster cluster(TestCluster::threeRegions(), {}, "  max_clock_offset_ms: 500\n");
    cluster.setExtraArgs("eu2", {QStringLiteral("--clock-skew-ms"), QStringLiteral("3000")});
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client("eu2")), 7, 15000);

    QTRY_VERIFY_WITH_TIMEOUT(clockAlert(cluster.client("us1"), "eu2").has_value(), 20000);
    const auto alert = *clockAlert(cluster.client("us1"), "eu2");
    QCOMPARE(alert.severity(), std::string("critical"));
    QVERIFY2(alert.message().find("'eu2' runs") != std::string::npos, alert.message().c_str());
    QVERIFY(!clockAlert(cluster.client("us1"), "eu1").has_value());

    // Back on time: the alert clears (and stays in the history).
    QVERIFY(cluster.stop("eu2"));
    cluster.setExtraArgs("eu2", {});
    QVERIFY(cluster.start("eu2"));
    QTRY_VERIFY_WITH_TIMEOUT(!clockAlert(cluster.client("us1"), "eu2").has_value(), 30000);
}

QTEST_GUILESS_MAIN(ReplicationClockSkewTest)
#include "tst_replication_clockskew.moc"
