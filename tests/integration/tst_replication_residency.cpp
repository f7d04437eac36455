// Residency is enforced where the data is: an EU-only view's rows never reach a region outside
// the EU — not through the stream, a snapshot, a batch sync or a catch-up an operator starts —
// and every refusal is counted. Checked against the bytes of the non-EU region's files.

#include <QtTest>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationResidencyTest : public QObject {
    Q_OBJECT

private slots:
    void euOnlyDataNeverLeavesTheEu();
};

void ReplicationResidencyTest::euOnlyDataNeverLeavesTheEu() {
    TestCluster cluster(TestCluster::threeRegions());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> euRows, sharedRows;
    for (int64_t id = 1; id <= 200; ++id) {
        euRows.push_back({id, now - id * 1000, 1.0 * id, "EU-ONLY-" + std::to_string(id)});
        sharedRows.push_back({id, now - id * 1000, 2.0 * id, "SHARED-" + std::to_string(id)});
    }
    QVERIFY(writeRep(cluster.client("eu1"), "eu_view", euRows).ok());
    QVERIFY(writeRep(cluster.client("eu1"), "aa_view", sharedRows).ok());
    // Writing the EU view outside the EU is refused too.
    const auto refused = writeRep(cluster.client("us1"), "eu_view", {{1, now, 1.0, "EU-ONLY-x"}});
    QCOMPARE(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(refused.error_message().find("residency") != std::string::npos,
             refused.error_message().c_str());

    const auto ids = idRange(1, 200);
    // The stream: eu2 (EU) receives the view, us1 receives only the shared one.
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "eu_view", ids).value_or(RepValues{}).size(), size_t(200),
        20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("us1"), "aa_view", ids).value_or(RepValues{}).size(), size_t(200),
        20000);

    // Every sync an operator can start into us1.
    auto snapshot = runJob(cluster.client("us1"), "eu1", v1::SyncJob::SNAPSHOT);
    QVERIFY(snapshot.has_value());
    QCOMPARE(snapshot->state(), v1::SyncJob::SUCCEEDED);
    // What residency kept out of it is counted, views and rows (200 online, 200 offline),
    // though nobody asked for the view by name.
    QCOMPARE(snapshot->residency_refused(), 1);
    QCOMPARE(snapshot->residency_rows(), 400);
    QVERIFY2(
        snapshot->message().find("withheld for residency: 1 views, 400 rows") != std::string::npos,
        snapshot->message().c_str());

    auto scopedSnapshot =
        runJob(cluster.client("us1"), "eu1", v1::SyncJob::SNAPSHOT, {"rep/eu_view"});
    QVERIFY(scopedSnapshot.has_value());
    QCOMPARE(scopedSnapshot->state(), v1::SyncJob::FAILED);
    QVERIFY2(scopedSnapshot->message().find("residency forbids") != std::string::npos,
             scopedSnapshot->message().c_str());

    auto batch = runJob(cluster.client("us1"), "eu1", v1::SyncJob::OFFLINE_BATCH, {"rep/eu_view"});
    QVERIFY(batch.has_value());
    QCOMPARE(batch->state(), v1::SyncJob::FAILED);
    QCOMPARE(batch->residency_refused(), 1);
    QVERIFY2(batch->message().find("residency forbids") != std::string::npos,
             batch->message().c_str());

    auto catchUp = runJob(cluster.client("us1"), "eu1", v1::SyncJob::CATCH_UP);
    QVERIFY(catchUp.has_value());
    QCOMPARE(catchUp->state(), v1::SyncJob::SUCCEEDED);

    // A region asking directly, whatever it claims to be, gets nothing either.
    v1::ListPartitionsRequest list;
    list.set_requester("us1");
    list.set_project("rep");
    list.set_feature_view("eu_view");
    v1::ListPartitionsResponse parts;
    auto ctx = cluster.client("eu1").context();
    const auto direct = cluster.client("eu1").replication().ListPartitions(ctx.get(), list, &parts);
    QCOMPARE(direct.error_code(), grpc::StatusCode::PERMISSION_DENIED);

    // The refusals are visible on the link.
    auto s = stats(cluster.client("us1"));
    QVERIFY(s.has_value());
    QVERIFY(linkOf(*s, "eu1")->residency_skipped() >= 200);

    // Nowhere in us1's files, anywhere in eu2's.
    QVERIFY(cluster.stop("us1"));
    QVERIFY(cluster.stop("eu2"));
    QCOMPARE(filesContaining(cluster.dataDir("us1"), "EU-ONLY-"), 0);
    QVERIFY(filesContaining(cluster.dataDir("us1"), "SHARED-") > 0);
    QVERIFY(filesContaining(cluster.dataDir("eu2"), "EU-ONLY-") > 0);
}

QTEST_GUILESS_MAIN(ReplicationResidencyTest)
#include "tst_replication_residency.moc"
