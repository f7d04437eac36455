// A partition between two regions (link emulation), writes on both sides, then the heal: the
// partitioned links say so, lag grows while cut, and all regions converge after.

#include <QtTest>

#include <cmath>
#include <limits>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationPartitionTest : public QObject {
    Q_OBJECT

private slots:
    void partitionHealConverge();
    void impossibleEmulationIsRefused();
};

void ReplicationPartitionTest::partitionHealConverge() {
    TestCluster cluster(TestCluster::threeRegions(), {{"us1", "eu1", 20, 2}});
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    // The configured link is emulated, and says so.
    QTRY_VERIFY_WITH_TIMEOUT(
        linkOf(stats(cluster.client("eu1")).value_or(v1::StatsResponse{}), "us1")
                .value_or(v1::LinkStats{})
                .emulation() == "delay 20 ms ±2 ms",
        10000);

    QVERIFY(setPartition(cluster.client("us1"), "eu1", true));
    QVERIFY(setPartition(cluster.client("eu1"), "us1", true));
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> usRows, euRows;
    for (int64_t id = 1; id <= 100; ++id)
        usRows.push_back({id, now, 1.0, "us"});
    for (int64_t id = 101; id <= 200; ++id)
        euRows.push_back({id, now, 2.0, "eu"});
    QVERIFY(writeRep(cluster.client("us1"), "aa_view", usRows).ok());
    QVERIFY(writeRep(cluster.client("eu1"), "aa_view", euRows).ok());

    const auto all = idRange(1, 200);
    // eu2 is not cut off: it sees both sides.
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "aa_view", all).value_or(RepValues{}).size(), size_t(200),
        20000);
    // The cut links report it, with growing lag, and carry nothing.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto link = linkOf(stats(cluster.client("us1")).value_or(v1::StatsResponse{}), "eu1");
            return link && link->state() == v1::LINK_STATE_PARTITIONED && link->emulated() &&
                   link->lag_seconds() > 0.5;
        }(),
        15000);
    QCOMPARE(
        readRep(cluster.client("us1"), "aa_view", idRange(101, 100)).value_or(RepValues{}).size(),
        size_t(0));
    QCOMPARE(
        readRep(cluster.client("eu1"), "aa_view", idRange(1, 100)).value_or(RepValues{}).size(),
        size_t(0));

    QVERIFY(setPartition(cluster.client("us1"), "eu1", false));
    QVERIFY(setPartition(cluster.client("eu1"), "us1", false));
    for (const char* r : {"us1", "eu1"})
        QTRY_COMPARE_WITH_TIMEOUT(
            readRep(cluster.client(r), "aa_view", all).value_or(RepValues{}).size(), size_t(200),
            20000);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto link = linkOf(stats(cluster.client("us1")).value_or(v1::StatsResponse{}), "eu1");
            return link && link->state() == v1::LINK_STATE_STREAMING && link->changes_behind() == 0;
        }(),
        15000);
}

// Loss that is not a probability, and negative or absurd delays, are refused and change nothing.
void ReplicationPartitionTest::impossibleEmulationIsRefused() {
    TestCluster cluster(TestCluster::threeRegions(), {{"us1", "eu1", 20, 2}});
    QVERIFY(cluster.startAll());
    auto emulationAtEu1 = [&] {
        return linkOf(stats(cluster.client("eu1")).value_or(v1::StatsResponse{}), "us1")
            .value_or(v1::LinkStats{})
            .emulation();
    };
    QTRY_COMPARE_WITH_TIMEOUT(emulationAtEu1(), std::string("delay 20 ms ±2 ms"), 10000);
    struct Case {
        int delayMs;
        int jitterMs;
        double loss;
        const char* says;
    };
    const Case cases[] = {
        {0, 0, std::nan(""), "loss must be a fraction within 0..1"},
        {0, 0, std::numeric_limits<double>::infinity(), "loss must be a fraction within 0..1"},
        {0, 0, 1.0, "loss must be a fraction within 0..1"},
        {0, 0, -0.1, "loss must be a fraction within 0..1"},
        {-5, 0, 0, "delay must be within 0..600000 ms"},
        {700'000, 0, 0, "delay must be within 0..600000 ms"},
        {10, -1, 0, "jitter must be within 0..600000 ms"},
    };
    for (const auto& c : cases) {
        v1::LinkEmulationRequest request;
        request.set_peer("us1");
        request.set_delay_ms(c.delayMs);
        request.set_jitter_ms(c.jitterMs);
        request.set_loss(c.loss);
        v1::LinkEmulationResponse out;
        auto ctx = cluster.client("eu1").context();
        const auto st =
            cluster.client("eu1").replication().SetLinkEmulation(ctx.get(), request, &out);
        QCOMPARE(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
        QVERIFY2(st.error_message().find(c.says) != std::string::npos, st.error_message().c_str());
    }
    QCOMPARE(emulationAtEu1(), std::string("delay 20 ms ±2 ms"));
}

QTEST_GUILESS_MAIN(ReplicationPartitionTest)
#include "tst_replication_partition.moc"
