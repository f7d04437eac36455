// A replica that was away longer than the log keeps comes back through a snapshot: the peer
// warns before the replica falls off the log, the replica takes a residency-filtered snapshot
// on its own, and then follows the log again.

#include <QtTest>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationSnapshotTest : public QObject {
    Q_OBJECT

private slots:
    void farBehindReplicaCatchesUpThroughASnapshot();
    void snapshotFilesOfAnEarlierRunAreRemoved();
};

void ReplicationSnapshotTest::farBehindReplicaCatchesUpThroughASnapshot() {
    // The log keeps one second of changes: anything away longer needs a snapshot.
    TestCluster cluster(TestCluster::threeRegions(), {}, "  log_retention: {max_age: 1s}\n");
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    QVERIFY(cluster.stop("eu2"));
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> rows, euRows;
    for (int64_t id = 1; id <= 3000; ++id)
        rows.push_back({id, now, 0.5 * id, "hs" + std::to_string(id)});
    for (int64_t id = 1; id <= 500; ++id)
        euRows.push_back({id, now, 1.0, "eu" + std::to_string(id)});
    for (size_t i = 0; i < rows.size(); i += 500) {
        std::vector<RepRow> part(rows.begin() + static_cast<long>(i),
                                 rows.begin() + static_cast<long>(i + 500));
        QVERIFY(writeRep(cluster.client("us1"), "hs_view", part).ok());
    }
    QVERIFY(writeRep(cluster.client("eu1"), "eu_view", euRows).ok());

    // us1 trims its log past where eu2 stopped, and says so.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            v1::ListAlertsResponse alerts;
            auto ctx = cluster.client("us1").context();
            if (!cluster.client("us1")
                     .replication()
                     .ListAlerts(ctx.get(), v1::ListAlertsRequest{}, &alerts)
                     .ok())
                return false;
            for (const auto& a : alerts.alerts()) {
                if (a.kind() == "log_retention" && a.subject() == "eu2" &&
                    a.severity() == "critical")
                    return true;
            }
            return false;
        }(),
        30000);

    QVERIFY(cluster.start("eu2"));
    const auto ids = idRange(1, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "hs_view", ids).value_or(RepValues{}).size(), size_t(3000),
        60000);
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "eu_view", idRange(1, 500)).value_or(RepValues{}).size(),
        size_t(500), 60000);
    const auto values = *readRep(cluster.client("eu2"), "hs_view", {1234});
    QCOMPARE(values.at(1234).second, std::string("hs1234"));

    // The snapshot is in eu2's job history, started by the replicator itself. Its rows are
    // merged in several transactions and readable as they land; the job is recorded as
    // succeeded once the last one and the cursor are in, a moment later: wait for it.
    auto snapshotFromHub = [&] {
        v1::ListJobsResponse jobs;
        auto ctx = cluster.client("eu2").context();
        if (!cluster.client("eu2")
                 .replication()
                 .ListJobs(ctx.get(), v1::ListJobsRequest{}, &jobs)
                 .ok())
            return false;
        for (const auto& j : jobs.jobs()) {
            if (j.kind() == v1::SyncJob::SNAPSHOT && j.from_region() == "us1" &&
                j.state() == v1::SyncJob::SUCCEEDED &&
                j.started_by().find("replicator") != std::string::npos)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(snapshotFromHub(), 20000);

    // Snapshot files go once fetched, on the sender and on the receiver.
    auto filesIn = [&](const std::string& region, const char* folder) {
        return QDir(cluster.dataDir(region) + "/" + folder).entryList(QDir::Files).size();
    };
    for (const char* r : {"us1", "eu1", "eu2"}) {
        QTRY_COMPARE_WITH_TIMEOUT(filesIn(r, "snapshots-out"), 0, 30000);
        QCOMPARE(filesIn(r, "snapshots-in"), 0);
    }

    // And it follows the log again afterwards.
    QVERIFY(writeRep(cluster.client("us1"), "hs_view", {{5000, now + 1, 1.0, "after"}}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "hs_view", {5000}).value_or(RepValues{}).size(), size_t(1),
        20000);
}

void ReplicationSnapshotTest::snapshotFilesOfAnEarlierRunAreRemoved() {
    // What a store killed mid-snapshot leaves behind: no peer can resume from it after a restart.
    TestCluster cluster(TestCluster::threeRegions());
    const QString dir = cluster.dataDir("us1");
    for (const char* folder : {"snapshots-out", "snapshots-in"}) {
        QVERIFY(QDir().mkpath(dir + "/" + folder));
        QFile stale(dir + "/" + folder + "/snap-eu2-1765000000000.db");
        QVERIFY(stale.open(QIODevice::WriteOnly));
        QVERIFY(stale.write(QByteArray(1 << 20, 'x')) == 1 << 20);
    }
    QVERIFY(cluster.start("us1"));
    QCOMPARE(QDir(dir + "/snapshots-out").entryList(QDir::Files).size(), 0);
    QCOMPARE(QDir(dir + "/snapshots-in").entryList(QDir::Files).size(), 0);
}

QTEST_GUILESS_MAIN(ReplicationSnapshotTest)
#include "tst_replication_snapshot.moc"
