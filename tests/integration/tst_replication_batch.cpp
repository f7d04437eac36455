// Batch sync of offline data: partitions are compared by digest and only the ones that differ
// are copied, so a second sync after a small change moves a fraction of the bytes.

#include <QtTest>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationBatchTest : public QObject {
    Q_OBJECT

private slots:
    void onlyChangedPartitionsAreCopied();
};

namespace {

int64_t offlinePresent(TestClient& client, int64_t at, const std::vector<int64_t>& ids) {
    v1::GetHistoricalFeaturesRequest h;
    h.set_project("rep");
    h.mutable_features()->add_refs("batch_view:label");
    for (int64_t id : ids) {
        auto* e = h.add_entities();
        (*e->mutable_keys())["user_id"].set_int64_val(id);
        e->set_event_timestamp(at);
    }
    v1::GetHistoricalFeaturesResponse out;
    auto ctx = client.context();
    if (!client.serving().GetHistoricalFeatures(ctx.get(), h, &out).ok())
        return -1;
    int64_t n = 0;
    for (const auto& r : out.rows())
        n += r.values(0).status() == v1::PRESENT;
    return n;
}

}  // namespace

void ReplicationBatchTest::onlyChangedPartitionsAreCopied() {
    TestCluster cluster(TestCluster::threeRegions());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client("eu1")), 7, 15000);

    const int64_t day = 86'400'000;
    const int64_t today = QDateTime::currentMSecsSinceEpoch() / day * day + 3'600'000;
    for (int d = 0; d < 3; ++d) {
        std::vector<RepRow> rows;
        for (int64_t id = 1; id <= 400; ++id)
            rows.push_back({id, today - d * day, 1.0 * id,
                            "day" + std::to_string(d) + "-" + std::to_string(id)});
        QVERIFY(writeRep(cluster.client("us1"), "batch_view", rows, v1::OFFLINE).ok());
    }
    // The stream never carries batch-mode data.
    QCOMPARE(offlinePresent(cluster.client("eu1"), today, idRange(1, 400)), 0);

    auto first =
        runJob(cluster.client("eu1"), "us1", v1::SyncJob::OFFLINE_BATCH, {"rep/batch_view"});
    QVERIFY(first.has_value());
    QCOMPARE(first->state(), v1::SyncJob::SUCCEEDED);
    QCOMPARE(first->partitions_compared(), 3);
    QCOMPARE(first->partitions_copied(), 3);
    QCOMPARE(offlinePresent(cluster.client("eu1"), today, idRange(1, 400)), 400);
    QCOMPARE(offlinePresent(cluster.client("eu1"), today - 2 * day, idRange(1, 400)), 400);

    auto again =
        runJob(cluster.client("eu1"), "us1", v1::SyncJob::OFFLINE_BATCH, {"rep/batch_view"});
    QVERIFY(again.has_value());
    QCOMPARE(again->partitions_copied(), 0);
    QCOMPARE(again->bytes(), 0);

    // One new row on one day: that partition alone is copied.
    QVERIFY(writeRep(cluster.client("us1"), "batch_view", {{9999, today - day + 5, 1.0, "late"}},
                     v1::OFFLINE)
                .ok());
    auto third =
        runJob(cluster.client("eu1"), "us1", v1::SyncJob::OFFLINE_BATCH, {"rep/batch_view"});
    QVERIFY(third.has_value());
    QCOMPARE(third->state(), v1::SyncJob::SUCCEEDED);
    QCOMPARE(third->partitions_compared(), 3);
    QCOMPARE(third->partitions_copied(), 1);
    QVERIFY2(third->bytes() * 2 < first->bytes(),
             qPrintable(QStringLiteral("copied %1 bytes after a one-row change, %2 for everything")
                            .arg(third->bytes())
                            .arg(first->bytes())));
    QCOMPARE(offlinePresent(cluster.client("eu1"), today - day + 10, {9999}), 1);
}

QTEST_GUILESS_MAIN(ReplicationBatchTest)
#include "tst_replication_batch.moc"
