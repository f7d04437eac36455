// The rehearsed slow disk (meridian-store --rehearse-disk-latency-ms): every database opened
// after it is switched on goes through it, each durable commit waits for its sync, and what is
// written is read back intact. Its own executable: the VFS stays the process's default.

#include <QtTest>

#include <sqlite3.h>

#include <chrono>

#include "storage/database.h"
#include "storage/slowdisk.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

class TestSlowDisk : public QObject {
    Q_OBJECT

private slots:
    void refusesALatencyOverAMinute();
    void everyCommitWaitsForItsSync();
};

void TestSlowDisk::refusesALatencyOverAMinute() {
    const auto st = storage::rehearseDiskLatency(60'001);
    QCOMPARE(st.code(), absl::StatusCode::kInvalidArgument);
    QVERIFY2(std::string(st.message()).find("60001 ms") != std::string::npos,
             std::string(st.message()).c_str());
    // Nothing was switched on.
    QCOMPARE(std::string(sqlite3_vfs_find(nullptr)->zName), std::string("unix"));
    MERIDIAN_EXPECT_OK(storage::rehearseDiskLatency(0));
    QCOMPARE(std::string(sqlite3_vfs_find(nullptr)->zName), std::string("unix"));
}

void TestSlowDisk::everyCommitWaitsForItsSync() {
    constexpr int kLatencyMs = 40;
    constexpr int kCommits = 5;
    MERIDIAN_EXPECT_OK(storage::rehearseDiskLatency(kLatencyMs));
    QCOMPARE(std::string(sqlite3_vfs_find(nullptr)->zName), std::string("meridian-slow-disk"));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("region.db").toStdString();
    {
        auto db = storage::Database::open(path, storage::Durability::Full);
        QVERIFY2(db.ok(), qPrintable(describe(db.status())));
        MERIDIAN_EXPECT_OK((*db)->write([](storage::Connection& conn) {
            return conn.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB)");
        }));
        // A slow disk can only make a commit slower, so a floor is a fact, not a race.
        const auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < kCommits; ++i) {
            MERIDIAN_EXPECT_OK((*db)->write([i](storage::Connection& conn) {
                return conn.prepare("INSERT INTO t(id, payload) VALUES(?, ?)")
                    .bind(1, int64_t{i})
                    .bindBlob(2, std::string(1000, 'x'))
                    .run();
            }));
        }
        const auto elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::steady_clock::now() - started)
                                   .count();
        QVERIFY2(elapsedMs >= kCommits * kLatencyMs,
                 qPrintable(QStringLiteral("%1 commits took %2 ms on a disk that syncs in %3 ms")
                                .arg(kCommits)
                                .arg(elapsedMs)
                                .arg(kLatencyMs)));
    }
    // Closed, reopened (the open checks the file) and read back.
    auto db = storage::Database::open(path, storage::Durability::Full);
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    int64_t rows = -1;
    MERIDIAN_EXPECT_OK((*db)->read([&](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT count(*) FROM t WHERE length(payload) = 1000");
        rows = q.step() ? q.int64(0) : -1;
        auto st = q.status();
        q.reset();
        return st;
    }));
    QCOMPARE(rows, int64_t{kCommits});
}

QTEST_GUILESS_MAIN(TestSlowDisk)
#include "tst_slowdisk.moc"
