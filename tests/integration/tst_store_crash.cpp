// SIGKILL a real meridian-store while writes stream in: after a restart on the same data
// directory every acknowledged write is there, and no batch is there in part.

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/storeprocess.h"
#include "support/testclient.h"
#include "support/testrepository.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int kBatchRows = 50;

struct Batch {
    int first = 0;  // user ids first .. first + kBatchRows - 1
    bool acked = false;
};

}  // namespace

class StoreCrashTest : public QObject {
    Q_OBJECT

private slots:
    void acknowledgedWritesSurviveSigkill();
    void secondStoreOnTheSameDataDirIsRefused();

private:
    // Number of rows of the batch found online with the value that was written.
    int rowsPresent(TestClient& client, const Batch& batch);
};

int StoreCrashTest::rowsPresent(TestClient& client, const Batch& batch) {
    v1::GetOnlineFeaturesRequest read;
    read.set_project("shop");
    read.mutable_features()->add_refs("user_stats:txn_count");
    for (int i = 0; i < kBatchRows; ++i)
        (*read.add_entities()->mutable_keys())["user_id"] = int64Value(batch.first + i);
    v1::GetOnlineFeaturesResponse answer;
    auto ctx = client.context();
    const auto st = client.serving().GetOnlineFeatures(ctx.get(), read, &answer);
    if (!st.ok())
        qFatal("read failed: %s", st.error_message().c_str());
    int present = 0;
    for (int i = 0; i < kBatchRows; ++i) {
        const auto& v = answer.rows(i).values(0);
        if (v.status() == v1::PRESENT && v.value().int64_val() == batch.first + i)
            ++present;
    }
    return present;
}

void StoreCrashTest::acknowledgedWritesSurviveSigkill() {
    QTemporaryDir dir;
    const QString dataDir = dir.filePath("region");
    std::vector<Batch> batches;
    int nextUser = 1;
    int64_t registryVersionAcked = 0;

    for (int round = 0; round < 3; ++round) {
        StoreProcess store("crash-region", dataDir);
        QVERIFY2(store.start(), qPrintable(store.output()));
        TestClient client(store.endpoint().toStdString());
        QVERIFY(client.waitHealthy());

        // What earlier rounds acknowledged is all there, and no batch is there in part.
        for (const auto& b : batches) {
            const int present = rowsPresent(client, b);
            if (b.acked)
                QCOMPARE(present, kBatchRows);
            else
                QVERIFY2(present == 0 || present == kBatchRows, "a batch was applied in part");
        }
        if (round == 0) {
            v1::ApplyResponse applied;
            auto ctx = client.context();
            QVERIFY(client.registry().Apply(ctx.get(), testRepositoryRequest(), &applied).ok());
            registryVersionAcked = applied.results(0).meta().version();
        } else {
            v1::ListObjectsResponse objects;
            auto ctx = client.context();
            QVERIFY(
                client.registry().ListObjects(ctx.get(), v1::ListObjectsRequest{}, &objects).ok());
            QCOMPARE(objects.objects_size(), testRepositoryRequest().objects_size());
            QCOMPARE(objects.objects(0).meta().version(), registryVersionAcked);
        }

        // Stream writes from a second thread; kill the store once enough are acknowledged.
        std::mutex mutex;
        std::atomic<int> acked{0};
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            TestClient writerClient(store.endpoint().toStdString());
            while (!stop) {
                size_t index;
                {
                    std::lock_guard lock(mutex);
                    batches.push_back({nextUser, false});
                    nextUser += kBatchRows;
                    index = batches.size() - 1;
                }
                v1::WriteFeaturesRequest w;
                w.set_project("shop");
                w.set_feature_view("user_stats");
                const int first = batches[index].first;
                for (int i = 0; i < kBatchRows; ++i)
                    *w.add_rows() = userStatsRow(first + i, QDateTime::currentMSecsSinceEpoch(),
                                                 first + i, 1.0);
                v1::WriteFeaturesResponse out;
                auto ctx = writerClient.context(std::chrono::seconds(5));
                if (!writerClient.serving().WriteFeatures(ctx.get(), w, &out).ok())
                    break;
                {
                    std::lock_guard lock(mutex);
                    batches[index].acked = true;
                }
                ++acked;
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(acked.load() >= 20, 60000);
        store.kill();
        stop = true;
        writer.join();
        QVERIFY(!store.isRunning());
    }

    // A last start checks the third round's writes.
    StoreProcess store("crash-region", dataDir);
    QVERIFY2(store.start(), qPrintable(store.output()));
    TestClient client(store.endpoint().toStdString());
    int ackedBatches = 0;
    for (const auto& b : batches) {
        const int present = rowsPresent(client, b);
        if (b.acked) {
            ++ackedBatches;
            QCOMPARE(present, kBatchRows);
        } else {
            QVERIFY2(present == 0 || present == kBatchRows, "a batch was applied in part");
        }
    }
    QVERIFY(ackedBatches >= 60);
    QVERIFY(store.terminate());
}

void StoreCrashTest::secondStoreOnTheSameDataDirIsRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    StoreProcess first("lock-region", dataDir);
    QVERIFY2(first.start(), qPrintable(first.output()));

    StoreProcess second("lock-region", dataDir);
    QVERIFY(!second.start());
    const QString refusal = second.output();
    QVERIFY2(refusal.contains("is in use by another meridian-store"), qPrintable(refusal));
    QVERIFY2(refusal.contains(QString::number(first.pid())), qPrintable(refusal));
    QVERIFY(first.isRunning());

    // A killed store leaves no stale lock: the kernel drops it with the process.
    first.kill();
    StoreProcess third("lock-region", dataDir);
    QVERIFY2(third.start(), qPrintable(third.output()));
    QVERIFY(third.terminate());
}

QTEST_GUILESS_MAIN(StoreCrashTest)
#include "tst_store_crash.moc"
