// A store whose disk fills up (RLIMIT_FSIZE: no file may grow past a few hundred KiB more than
// its database holds) refuses writes with RESOURCE_EXHAUSTED naming the full disk, keeps
// serving reads and stays up; restarted with room again it takes writes, and every write it
// acknowledged before is there.

#include <QDirIterator>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include "support/storeprocess.h"
#include "support/testclient.h"
#include "support/testrepository.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int kBatchRows = 20;
// Room left on the "disk": enough for the store to start (a new log epoch), far less than the
// writes below need.
constexpr qint64 kHeadroomBytes = 256 * 1024;
constexpr int kMaxBatches = 5000;

// The largest file under `dir`: a limit below it would refuse writes to that file at once.
qint64 largestFile(const QString& dir) {
    qint64 largest = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        largest = std::max(largest, QFileInfo(it.next()).size());
    return largest;
}

grpc::Status writeBatch(TestClient& client, int first) {
    v1::WriteFeaturesRequest w;
    w.set_project("shop");
    w.set_feature_view("user_stats");
    for (int i = 0; i < kBatchRows; ++i)
        *w.add_rows() =
            userStatsRow(first + i, QDateTime::currentMSecsSinceEpoch(), first + i, 1.0);
    v1::WriteFeaturesResponse out;
    auto ctx = client.context(std::chrono::seconds(10));
    return client.serving().WriteFeatures(ctx.get(), w, &out);
}

// Rows of the batch starting at `first` found online with the value written; -1 if the read
// failed.
int rowsPresent(TestClient& client, int first) {
    v1::GetOnlineFeaturesRequest read;
    read.set_project("shop");
    read.mutable_features()->add_refs("user_stats:txn_count");
    for (int i = 0; i < kBatchRows; ++i)
        (*read.add_entities()->mutable_keys())["user_id"] = int64Value(first + i);
    v1::GetOnlineFeaturesResponse answer;
    auto ctx = client.context();
    if (!client.serving().GetOnlineFeatures(ctx.get(), read, &answer).ok())
        return -1;
    int present = 0;
    for (int i = 0; i < kBatchRows; ++i) {
        const auto& v = answer.rows(i).values(0);
        if (v.status() == v1::PRESENT && v.value().int64_val() == first + i)
            ++present;
    }
    return present;
}

}  // namespace

class StoreDiskFullTest : public QObject {
    Q_OBJECT

private slots:
    void fullDiskRefusesWritesAndServesReads();
};

void StoreDiskFullTest::fullDiskRefusesWritesAndServesReads() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    std::vector<int> acked;  // first user id of each acknowledged batch
    int nextUser = 1;

    // Some data on a disk with room.
    {
        StoreProcess store("full-region", dataDir);
        QVERIFY2(store.start(), qPrintable(store.output()));
        TestClient client(store.endpoint().toStdString());
        QVERIFY(client.waitHealthy());
        v1::ApplyResponse applied;
        auto ctx = client.context();
        QVERIFY(client.registry().Apply(ctx.get(), testRepositoryRequest(), &applied).ok());
        for (int b = 0; b < 20; ++b, nextUser += kBatchRows) {
            const auto st = writeBatch(client, nextUser);
            QVERIFY2(st.ok(), st.error_message().c_str());
            acked.push_back(nextUser);
        }
        QVERIFY2(store.terminate(), qPrintable(store.output()));
    }
    const int ackedWithRoom = static_cast<int>(acked.size());

    // The disk fills up: writes are refused, the store stays up and serves reads.
    const qint64 limit = largestFile(dataDir) + kHeadroomBytes;
    {
        StoreProcess store("full-region", dataDir);
        store.setFileSizeLimit(limit);
        QVERIFY2(store.start(), qPrintable(store.output()));
        TestClient client(store.endpoint().toStdString());
        QVERIFY(client.waitHealthy());
        grpc::Status refusal;
        for (int b = 0; b < kMaxBatches; ++b, nextUser += kBatchRows) {
            const auto st = writeBatch(client, nextUser);
            if (!st.ok()) {
                refusal = st;
                break;
            }
            acked.push_back(nextUser);
        }
        QVERIFY2(!refusal.ok(), qPrintable(QStringLiteral("%1 batches written under a %2-byte "
                                                          "file size limit, none refused")
                                               .arg(kMaxBatches)
                                               .arg(limit)));
        // Before the store ignored SIGXFSZ, the kernel killed it here ("Socket closed").
        QVERIFY2(refusal.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED,
                 qPrintable(QStringLiteral("code %1: %2; the store %3: %4")
                                .arg(refusal.error_code())
                                .arg(QString::fromStdString(refusal.error_message()))
                                .arg(client.waitHealthy(std::chrono::seconds(2))
                                         ? QStringLiteral("still answers")
                                         : QStringLiteral("is gone"))
                                .arg(store.output())));
        const std::string disk = "the disk holding " + dataDir.toStdString() + "/region.db is full";
        QVERIFY2(refusal.error_message().find(disk) != std::string::npos,
                 refusal.error_message().c_str());
        qInfo("%d batches acknowledged under the limit, then: %s",
              static_cast<int>(acked.size()) - ackedWithRoom, refusal.error_message().c_str());

        // It stays refused (nothing half-written), and reads go on.
        for (int i = 0; i < 5; ++i, nextUser += kBatchRows) {
            const auto st = writeBatch(client, nextUser);
            QCOMPARE(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
            QCOMPARE(rowsPresent(client, nextUser), 0);
        }
        for (int first : acked)
            QCOMPARE(rowsPresent(client, first), kBatchRows);
        QVERIFY(client.waitHealthy());
        QVERIFY(store.isRunning());
        // It stops cleanly, though the close cannot fold the WAL into the database.
        QVERIFY2(store.terminate(), qPrintable(store.output()));
    }

    // Room again: every acknowledged write is there and writes are taken.
    StoreProcess store("full-region", dataDir);
    QVERIFY2(store.start(), qPrintable(store.output()));
    TestClient client(store.endpoint().toStdString());
    QVERIFY(client.waitHealthy());
    for (int first : acked)
        QCOMPARE(rowsPresent(client, first), kBatchRows);
    for (int b = 0; b < 5; ++b, nextUser += kBatchRows) {
        const auto st = writeBatch(client, nextUser);
        QVERIFY2(st.ok(), st.error_message().c_str());
        QCOMPARE(rowsPresent(client, nextUser), kBatchRows);
    }
    QVERIFY2(store.terminate(), qPrintable(store.output()));
}

QTEST_GUILESS_MAIN(StoreDiskFullTest)
#include "tst_store_diskfull.moc"
