// The region database itself: concurrent writes committed in groups with each write still
// all-or-nothing, reads that can never pin the write-ahead log, and a WAL that stays bounded
// under sustained writes with readers beside them.

#include <QtTest>

#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <thread>

#include "storage/database.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

int64_t fileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

absl::Status insert(storage::Connection& conn, int64_t id, const std::string& payload = "x") {
    return conn.prepare("INSERT INTO t(id, payload) VALUES(?, ?)")
        .bind(1, id)
        .bindBlob(2, payload)
        .run();
}

int64_t countRows(storage::Database& db) {
    int64_t n = -1;
    auto st = db.read([&](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT count(*) FROM t");
        n = q.step() ? q.int64(0) : -1;
        auto s = q.status();
        q.reset();
        return s;
    });
    if (!st.ok())
        qFatal("count: %s", st.ToString().c_str());
    return n;
}

// A checkpoint that copies the whole WAL back and cuts it to nothing succeeds only when no
// connection holds an old snapshot.
bool walCanBeTruncated(const std::string& path) {
    auto conn = storage::Connection::open(path, false);
    if (!conn.ok())
        return false;
    // A connection knows of the WAL only once it has read the database.
    if (!(*conn)->exec("PRAGMA journal_mode=WAL").ok())
        return false;
    sqlite3_busy_timeout((*conn)->handle(), 2000);
    int log = -1, done = -1;
    const int rc = sqlite3_wal_checkpoint_v2((*conn)->handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             &log, &done);
    return rc == SQLITE_OK && fileSize(path + "-wal") == 0;
}

// A first write whose transaction stays open until `others` more writes are queued behind it,
// so that those are committed together afterwards. Runs on a thread of its own; `started` is
// set once its body runs.
std::thread holdingWrite(storage::Database& db, size_t others, std::atomic<bool>& started,
                         absl::Status& result,
                         std::function<absl::Status(storage::Connection&)> body) {
    return std::thread([&db, others, &started, &result, body = std::move(body)] {
        result = db.write([&](storage::Connection& conn) -> absl::Status {
            started = true;
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            while (db.pendingWrites() < others && std::chrono::steady_clock::now() < until)
                std::this_thread::yield();
            return body(conn);
        });
    });
}

// Writer 0 inserts row 0, holding its transaction open until writers 1 … n-1 (`body(conn, i)`,
// each on a thread of its own) are queued behind it; `results[i]` is writer i's status.
void queueWritesBehindFirst(storage::Database& db, std::vector<absl::Status>& results,
                            const std::function<absl::Status(storage::Connection&, int)>& body) {
    const int writers = static_cast<int>(results.size());
    std::atomic<bool> firstIn{false};
    std::vector<std::thread> threads;
    threads.push_back(holdingWrite(db, writers - 1, firstIn, results[0],
                                   [](storage::Connection& conn) { return insert(conn, 0); }));
    QTRY_VERIFY(firstIn.load());
    for (int i = 1; i < writers; ++i) {
        threads.emplace_back([&, i] {
            results[i] = db.write([&, i](storage::Connection& conn) { return body(conn, i); });
        });
    }
    for (auto& t : threads)
        t.join();
}

}  // namespace

class TestDatabase : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void concurrentWritesShareTransactions();
    void failedWriteUndoesOnlyItself();
    void undoRunsForTheFailedWriteOnly();
    void sqlErrorInGroupFailsOnlyThatWrite();
    void submittedWritesAreCommittedAndAnswered();
    void submittedWriteThatFailsUndoesOnlyItself();
    void writeLeavingStatementOnRowDoesNotPinWal();
    void leaseLeftInTransactionDoesNotPinWal();
    void readFnSeesOneSnapshotAndEndsIt();
    void walStaysBoundedUnderWritesAndReads();
    void figuresSplitDatabaseAndWal();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::Database> m_db;
    std::string m_path;
};

void TestDatabase::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath("region.db").toStdString();
    storage::DatabaseOptions options;
    options.walLimitBytes = 4 << 20;
    auto db = storage::Database::open(m_path, options);
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    m_db = std::move(*db);
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) {
        return conn.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, payload BLOB)");
    }));
}

void TestDatabase::cleanup() {
    m_db.reset();
    m_dir.reset();
}

void TestDatabase::concurrentWritesShareTransactions() {
    // The first writer's body holds its transaction open until every other writer is queued,
    // so that the rest are committed together, behind it.
    constexpr int kWriters = 16;
    const int64_t before = m_db->transactions();
    std::vector<absl::Status> results(kWriters);
    queueWritesBehindFirst(*m_db, results,
                           [](storage::Connection& conn, int i) { return insert(conn, i); });
    if (QTest::currentTestFailed())
        return;
    for (const auto& st : results)
        MERIDIAN_EXPECT_OK(st);
    QCOMPARE(countRows(*m_db), int64_t(kWriters));
    // One transaction for the first, one (or very few) for the other fifteen.
    const int64_t used = m_db->transactions() - before;
    QVERIFY2(used <= 3, qPrintable(QString::number(used)));
    QCOMPARE(m_db->writesCommitted() >= kWriters, true);
}

void TestDatabase::failedWriteUndoesOnlyItself() {
    constexpr int kWriters = 8;
    std::vector<absl::Status> results(kWriters);
    // Odd writers insert two rows and then fail: neither of their rows may stay.
    queueWritesBehindFirst(*m_db, results, [](storage::Connection& conn, int i) -> absl::Status {
        if (auto st = insert(conn, i * 100); !st.ok())
            return st;
        if (i % 2 == 0)
            return absl::OkStatus();
        if (auto st = insert(conn, i * 100 + 1); !st.ok())
            return st;
        return absl::InvalidArgumentError("writer " + std::to_string(i) + " refused");
    });
    if (QTest::currentTestFailed())
        return;
    MERIDIAN_EXPECT_OK(results[0]);
    for (int i = 1; i < kWriters; ++i) {
        if (i % 2)
            MERIDIAN_EXPECT_ERROR(results[i], absl::StatusCode::kInvalidArgument,
                                  "writer " + std::to_string(i) + " refused");
        else
            MERIDIAN_EXPECT_OK(results[i]);
    }
    QCOMPARE(countRows(*m_db), int64_t(1 + 3));  // writer 0 and the even writers 2, 4, 6
    auto st = m_db->read([](storage::Connection& conn) -> absl::Status {
        auto& q =
            conn.prepare("SELECT count(*) FROM t WHERE id % 100 = 1 OR id IN (100, 300, 500, 700)");
        const int64_t n = q.step() ? q.int64(0) : -1;
        q.reset();
        return n == 0 ? absl::OkStatus() : absl::InternalError("a failed write left rows");
    });
    MERIDIAN_EXPECT_OK(st);
}

void TestDatabase::undoRunsForTheFailedWriteOnly() {
    std::atomic<bool> firstIn{false};
    std::atomic<int> undoneA{0}, undoneB{0};
    absl::Status a, b, c;
    std::thread first =
        holdingWrite(*m_db, 2, firstIn, a, [&](storage::Connection& conn) -> absl::Status {
            conn.onRollback([&] { ++undoneA; });
            return insert(conn, 1);
        });
    QTRY_VERIFY(firstIn.load());
    std::thread second([&] {
        b = m_db->write([&](storage::Connection& conn) -> absl::Status {
            conn.onRollback([&] { ++undoneB; });
            return absl::AbortedError("b gives up");
        });
    });
    std::thread third([&] {
        c = m_db->write([&](storage::Connection& conn) -> absl::Status {
            conn.onRollback([&] { ++undoneB; });
            return insert(conn, 3);
        });
    });
    first.join();
    second.join();
    third.join();
    MERIDIAN_EXPECT_OK(a);
    MERIDIAN_EXPECT_ERROR(b, absl::StatusCode::kAborted, "b gives up");
    MERIDIAN_EXPECT_OK(c);
    QCOMPARE(undoneA.load(), 0);
    QCOMPARE(undoneB.load(), 1);  // b's own, not c's
    QCOMPARE(countRows(*m_db), int64_t(2));
}

void TestDatabase::sqlErrorInGroupFailsOnlyThatWrite() {
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) { return insert(conn, 7); }));
    std::atomic<bool> firstIn{false};
    absl::Status a, dup;
    std::thread first = holdingWrite(*m_db, 1, firstIn, a,
                                     [](storage::Connection& conn) { return insert(conn, 8); });
    QTRY_VERIFY(firstIn.load());
    std::thread second([&] {
        // A constraint violation: the statement fails, the transaction goes on for the others.
        dup = m_db->write([](storage::Connection& conn) -> absl::Status {
            if (auto st = insert(conn, 9); !st.ok())
                return st;
            return insert(conn, 7);
        });
    });
    first.join();
    second.join();
    MERIDIAN_EXPECT_OK(a);
    QVERIFY(!dup.ok());
    QCOMPARE(countRows(*m_db), int64_t(2));  // 7 and 8; not 9
}

void TestDatabase::submittedWritesAreCommittedAndAnswered() {
    // Writers that submit and go on, beside writers that wait: every write is committed once and
    // every submitter hears of it exactly once.
    constexpr int kThreads = 4, kEach = 200;
    std::atomic<int> answered{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const int id = t * 10'000 + i;
                if (t % 2) {
                    m_db->submit([id](storage::Connection& conn) { return insert(conn, id); },
                                 [&](const absl::Status& st) {
                                     ++answered;
                                     if (!st.ok())
                                         ++failed;
                                 });
                } else if (!m_db->write(
                                    [id](storage::Connection& conn) { return insert(conn, id); })
                                .ok()) {
                    ++failed;
                }
            }
        });
    }
    for (auto& t : threads)
        t.join();
    QTRY_COMPARE(answered.load(), kEach * kThreads / 2);
    QCOMPARE(failed.load(), 0);
    QCOMPARE(countRows(*m_db), int64_t(kEach * kThreads));
    QTRY_COMPARE(m_db->pendingWrites(), size_t(0));
}

void TestDatabase::submittedWriteThatFailsUndoesOnlyItself() {
    std::atomic<bool> firstIn{false};
    absl::Status first;
    std::thread holder = holdingWrite(*m_db, 2, firstIn, first,
                                      [](storage::Connection& conn) { return insert(conn, 1); });
    QTRY_VERIFY(firstIn.load());
    std::atomic<int> done{0};
    absl::Status bad, good;
    m_db->submit(
        [](storage::Connection& conn) -> absl::Status {
            if (auto st = insert(conn, 2); !st.ok())
                return st;
            return absl::FailedPreconditionError("refused after one row");
        },
        [&](const absl::Status& st) {
            bad = st;
            ++done;
        });
    m_db->submit([](storage::Connection& conn) { return insert(conn, 3); },
                 [&](const absl::Status& st) {
                     good = st;
                     ++done;
                 });
    holder.join();
    QTRY_COMPARE(done.load(), 2);
    MERIDIAN_EXPECT_OK(first);
    MERIDIAN_EXPECT_ERROR(bad, absl::StatusCode::kFailedPrecondition, "refused after one row");
    MERIDIAN_EXPECT_OK(good);
    QCOMPARE(countRows(*m_db), int64_t(2));  // 1 and 3
}

void TestDatabase::writeLeavingStatementOnRowDoesNotPinWal() {
    // The bug this guards: a lookup inside a write left its statement on a row, and that kept
    // the writer's read snapshot, and with it the whole WAL, forever.
    for (int i = 0; i < 50; ++i)
        MERIDIAN_EXPECT_OK(m_db->write([i](storage::Connection& conn) { return insert(conn, i); }));
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT payload FROM t WHERE id >= 0");
        if (!q.step())
            return absl::InternalError("no row");
        return insert(conn, 1000);  // and return with q still on its row
    }));
    QVERIFY(walCanBeTruncated(m_path));
    QCOMPARE(countRows(*m_db), int64_t(51));
}

void TestDatabase::leaseLeftInTransactionDoesNotPinWal() {
    for (int i = 0; i < 50; ++i)
        MERIDIAN_EXPECT_OK(m_db->write([i](storage::Connection& conn) { return insert(conn, i); }));
    const int64_t leakedBefore = m_db->leakedTransactions();
    {
        auto reader = m_db->read();
        QVERIFY(reader.ok());
        MERIDIAN_EXPECT_OK((*reader)->exec("BEGIN"));
        auto& q = (*reader)->prepare("SELECT count(*) FROM t");
        QVERIFY(q.step());
        // The lease ends here, transaction and statement still open.
    }
    QCOMPARE(m_db->leakedTransactions(), leakedBefore + 1);
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) { return insert(conn, 999); }));
    QVERIFY(walCanBeTruncated(m_path));
    QCOMPARE(m_db->figures().oldestReadMs, int64_t(0));
}

void TestDatabase::readFnSeesOneSnapshotAndEndsIt() {
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) { return insert(conn, 1); }));
    int64_t firstCount = -1, secondCount = -1;
    auto st = m_db->read([&](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT count(*) FROM t");
        firstCount = q.step() ? q.int64(0) : -1;
        q.reset();
        // A commit in the middle of the read is not seen by it.
        if (auto w = m_db->write([](storage::Connection& c) { return insert(c, 2); }); !w.ok())
            return w;
        auto& again = conn.prepare("SELECT count(*) FROM t");
        secondCount = again.step() ? again.int64(0) : -1;
        return absl::OkStatus();  // `again` left on its row on purpose
    });
    MERIDIAN_EXPECT_OK(st);
    QCOMPARE(firstCount, int64_t(1));
    QCOMPARE(secondCount, int64_t(1));
    QCOMPARE(countRows(*m_db), int64_t(2));
    QVERIFY(walCanBeTruncated(m_path));
    QCOMPARE(m_db->leakedTransactions(), int64_t(0));
}

void TestDatabase::walStaysBoundedUnderWritesAndReads() {
    // 40 MB through a database whose WAL limit is 4 MB, with readers leasing connections all
    // along: the WAL file never grows far past its limit.
    std::atomic<bool> stop{false};
    std::atomic<int64_t> reads{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 2; ++r) {
        readers.emplace_back([&] {
            while (!stop) {
                auto st = m_db->read([&](storage::Connection& conn) -> absl::Status {
                    auto& q = conn.prepare("SELECT max(id) FROM t");
                    q.step();
                    q.reset();
                    return absl::OkStatus();
                });
                if (st.ok())
                    ++reads;
            }
        });
    }
    const std::string payload(4000, 'p');
    int64_t maxWal = 0;
    for (int batch = 0; batch < 1000; ++batch) {
        MERIDIAN_EXPECT_OK(m_db->write([&](storage::Connection& conn) -> absl::Status {
            for (int i = 0; i < 10; ++i) {
                if (auto st = insert(conn, batch * 10 + i, payload); !st.ok())
                    return st;
            }
            return absl::OkStatus();
        }));
        maxWal = std::max(maxWal, fileSize(m_path + "-wal"));
    }
    stop = true;
    for (auto& t : readers)
        t.join();
    qInfo("40 MB written, %lld reads beside it: largest WAL %.1f MB (limit 4 MB)",
          static_cast<long long>(reads.load()), static_cast<double>(maxWal) / (1 << 20));
    QVERIFY(reads > 0);
    QVERIFY2(maxWal < 24 << 20, qPrintable(QString::number(maxWal)));
    QCOMPARE(countRows(*m_db), int64_t(10000));
}

void TestDatabase::figuresSplitDatabaseAndWal() {
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) { return insert(conn, 1); }));
    const auto f = m_db->figures();
    QVERIFY(f.databaseBytes > 0);
    QCOMPARE(f.walBytes, fileSize(m_path + "-wal"));
    QCOMPARE(f.walLimitBytes, int64_t(4 << 20));
    QCOMPARE(m_db->sizeBytes(), f.databaseBytes + f.walBytes);
    {
        auto lease = m_db->read();
        QVERIFY(lease.ok());
        QTRY_VERIFY(m_db->figures().oldestReadMs >= 5);
    }
    QCOMPARE(m_db->figures().oldestReadMs, int64_t(0));
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
