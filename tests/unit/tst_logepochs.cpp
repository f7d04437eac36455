// Epochs of a region's log: every opening of the database begins one after the last entry, and
// a peer's cursor is placed in this history — kept where it is, moved back to where a rewound
// history continues, or sent back to the start of a log that never had its epoch.

#include <QtTest>

#include <filesystem>

#include "storage/changelogtable.h"
#include "storage/database.h"
#include "storage/logepochs.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

class TestLogEpochs : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void everyOpeningBeginsAnEpoch();
    void cursorInItsHistoryStays();
    void cursorPastARewindMovesBack();
    void cursorFromAnUnknownEpochStartsOver();
    void cursorsWithoutEpochAreTrusted();
    void oldEpochsAreForgotten();

private:
    std::unique_ptr<storage::Database> open(const std::string& name = "region.db");
    void appendEntries(storage::Database& db, int n);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestLogEpochs::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestLogEpochs::cleanup() {
    m_dir.reset();
}

std::unique_ptr<storage::Database> TestLogEpochs::open(const std::string& name) {
    auto db = storage::Database::open(m_dir->filePath(QString::fromStdString(name)).toStdString());
    if (!db.ok())
        qWarning("%s", qPrintable(describe(db.status())));
    return db.ok() ? std::move(*db) : nullptr;
}

void TestLogEpochs::appendEntries(storage::Database& db, int n) {
    MERIDIAN_EXPECT_OK(db.write([&](storage::Connection& conn) -> absl::Status {
        storage::ChangelogTable log(conn);
        for (int i = 0; i < n; ++i) {
            storage::LogAppend entry;
            entry.hlc = 1000 + static_cast<uint64_t>(i);
            entry.kind = v1::Change::REGISTRY_PUT;
            entry.commitMs = 1;
            if (auto seq = log.append(entry); !seq.ok())
                return seq.status();
        }
        return absl::OkStatus();
    }));
}

void TestLogEpochs::everyOpeningBeginsAnEpoch() {
    uint64_t first = 0;
    {
        auto db = open();
        QVERIFY(db);
        QCOMPARE(db->logEpochs().size(), size_t(1));
        QCOMPARE(db->logEpochs().back().firstSeq, uint64_t(1));
        QVERIFY(db->logEpoch() != 0);
        first = db->logEpoch();
        appendEntries(*db, 10);
    }
    auto db = open();
    QVERIFY(db);
    QCOMPARE(db->logEpochs().size(), size_t(2));
    QCOMPARE(db->logEpochs().front().id, first);
    QCOMPARE(db->logEpochs().back().firstSeq, uint64_t(11));
    QVERIFY(db->logEpoch() != first);
}

void TestLogEpochs::cursorInItsHistoryStays() {
    const std::vector<storage::LogEpoch> epochs{{7, 1, 0}, {8, 11, 0}, {9, 21, 0}};
    // Read up to 10 in epoch 7 (all of it), up to 15 in 8, anything in the current one.
    for (auto [after, epoch] : std::vector<std::pair<uint64_t, uint64_t>>{
             {10, 7}, {4, 7}, {15, 8}, {20, 8}, {25, 9}, {1'000'000, 9}}) {
        const auto check = storage::checkCursor(epochs, after, epoch);
        QVERIFY(!check.diverged);
        QCOMPARE(check.resumeAfter, after);
    }
}

void TestLogEpochs::cursorPastARewindMovesBack() {
    // Epoch 7 ran to seq 30 in a history this database no longer has: restored from a copy
    // taken at seq 10, it began epoch 8 at 11.
    const std::vector<storage::LogEpoch> epochs{{7, 1, 0}, {8, 11, 0}};
    const auto check = storage::checkCursor(epochs, 30, 7);
    QVERIFY(check.diverged);
    QCOMPARE(check.resumeAfter, uint64_t(10));
    QVERIFY2(QString::fromStdString(check.reason).contains("restored from an older copy"),
             check.reason.c_str());
    // Exactly at the end of its epoch is still this history.
    QVERIFY(!storage::checkCursor(epochs, 10, 7).diverged);
}

void TestLogEpochs::cursorFromAnUnknownEpochStartsOver() {
    const std::vector<storage::LogEpoch> epochs{{7, 1, 0}};
    const auto check = storage::checkCursor(epochs, 30, 99);
    QVERIFY(check.diverged);
    QCOMPARE(check.resumeAfter, uint64_t(0));
    QVERIFY2(QString::fromStdString(check.reason).contains("never had"), check.reason.c_str());
    // A cursor that had read nothing has nothing to lose.
    QVERIFY(!storage::checkCursor(epochs, 0, 99).diverged);
}

void TestLogEpochs::cursorsWithoutEpochAreTrusted() {
    const std::vector<storage::LogEpoch> epochs{{7, 1, 0}, {8, 11, 0}};
    const auto check = storage::checkCursor(epochs, 30, 0);
    QVERIFY(!check.diverged);
    QCOMPARE(check.resumeAfter, uint64_t(30));
}

void TestLogEpochs::oldEpochsAreForgotten() {
    auto db = open();
    QVERIFY(db);
    MERIDIAN_EXPECT_OK(db->write([&](storage::Connection& conn) -> absl::Status {
        for (size_t i = 0; i < storage::kKeptLogEpochs + 5; ++i) {
            auto epochs = storage::beginLogEpoch(conn, 1, static_cast<int64_t>(i));
            if (!epochs.ok())
                return epochs.status();
            if (epochs->size() > storage::kKeptLogEpochs)
                return absl::InternalError("kept " + std::to_string(epochs->size()));
        }
        return absl::OkStatus();
    }));
}

QTEST_GUILESS_MAIN(TestLogEpochs)
#include "tst_logepochs.moc"
