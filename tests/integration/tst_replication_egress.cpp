// Egress accounting agrees with what crosses the wire: a counting TCP proxy sits in front of
// the sending region, and the bytes the region's cost report attributes to its peers are
// within 1% of the bytes the proxy carried to them.

#include <QtTest>

#include <random>

#include "support/countingproxy.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationEgressTest : public QObject {
    Q_OBJECT

private slots:
    void countersAgreeWithTheWire();
};

void ReplicationEgressTest::countersAgreeWithTheWire() {
    TestCluster cluster(TestCluster::threeRegions());
    // Peers reach us1 only through the proxy.
    const int us1Port =
        std::stoi(cluster.endpoint("us1").substr(cluster.endpoint("us1").rfind(':') + 1));
    CountingProxy proxy(us1Port);
    cluster.routeThrough("us1", proxy.port());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    // Enough data that the wire is mostly payload: 20 000 rows with hard-to-compress labels.
    std::mt19937_64 rng(7);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (int batch = 0; batch < 20; ++batch) {
        std::vector<RepRow> rows;
        for (int i = 0; i < 1000; ++i) {
            const int64_t id = batch * 1000 + i + 1;
            rows.push_back({id, now, static_cast<double>(rng() % 1000000),
                            std::to_string(rng()) + std::to_string(rng())});
        }
        QVERIFY(writeRep(cluster.client("us1"), "aa_view", rows).ok());
    }
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(readRep(cluster.client(r), "aa_view", idRange(19001, 1000))
                                      .value_or(RepValues{})
                                      .size(),
                                  size_t(1000), 30000);

    auto accounted = [&] {
        v1::CostResponse report;
        auto ctx = cluster.client("us1").context();
        if (!cluster.client("us1")
                 .replication()
                 .GetCost(ctx.get(), v1::CostRequest{}, &report)
                 .ok())
            return int64_t{-1};
        int64_t bytes = 0;
        for (const auto& line : report.lines())
            bytes += line.bytes();
        return bytes;
    };
    // Heartbeats keep flowing; compare two readings taken close together.
    const int64_t wire = proxy.bytesFromTarget();
    const int64_t counted = accounted();
    QVERIFY(counted > 1'000'000);
    const double error = std::abs(static_cast<double>(counted - wire)) / static_cast<double>(wire);
    qInfo("accounted %lld bytes, proxy carried %lld bytes: %.3f%% apart",
          static_cast<long long>(counted), static_cast<long long>(wire), error * 100.0);
    QVERIFY2(error < 0.01,
             qPrintable(QStringLiteral("egress counters are %1% off the wire").arg(error * 100.0)));
}

QTEST_GUILESS_MAIN(ReplicationEgressTest)
#include "tst_replication_egress.moc"
