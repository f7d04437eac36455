// The changelog table and its retention: entries come back as whole changes with the fields
// kept in columns, retention bounds the log by size and by age with no peer in sight (in
// bounded transactions), and the clock's restart value survives what retention removes.

#include <QtTest>

#include "storage/changelogtable.h"
#include "storage/database.h"
#include "storage/logretention.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int64_t kNow = 1'780'000'000'000;  // a fixed "now" for age limits

}  // namespace

class TestChangelog : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void entriesReadBackAsChanges();
    void sequenceIsContiguousAfterRollback();
    void retentionBySizeWithNoPeers();
    void retentionByAge();
    void maxHlcSurvivesRetention();
    void retentionOfEmptyLog();

private:
    // Appends `n` feature-row entries with ~`bodyBytes` of body, committed `ageMs` before kNow.
    void appendRows(int n, int bodyBytes, int64_t ageMs, uint64_t firstHlc = 1000);
    uint64_t lastSeq();
    uint64_t firstSeq();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::Database> m_db;
    int64_t m_viewId = 0;
};

void TestChangelog::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto db = storage::Database::open(m_dir->filePath("region.db").toStdString());
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    m_db = std::move(*db);
    MERIDIAN_EXPECT_OK(m_db->write([&](storage::Connection& conn) -> absl::Status {
        auto id = m_db->viewIds().obtain(conn, "shop", "user_stats");
        if (!id.ok())
            return id.status();
        m_viewId = *id;
        return absl::OkStatus();
    }));
}

void TestChangelog::cleanup() {
    m_db.reset();
    m_dir.reset();
}

void TestChangelog::appendRows(int n, int bodyBytes, int64_t ageMs, uint64_t firstHlc) {
    // Many small transactions, as writes arrive.
    for (int done = 0; done < n;) {
        const int batch = std::min(n - done, 1000);
        MERIDIAN_EXPECT_OK(m_db->write([&](storage::Connection& conn) -> absl::Status {
            storage::ChangelogTable log(conn);
            for (int i = 0; i < batch; ++i) {
                v1::Change body;
                body.set_entity_key("key-" + std::to_string(done + i));
                body.set_event_timestamp(kNow - ageMs);
                body.set_values(std::string(static_cast<size_t>(bodyBytes), 'v'));
                storage::LogAppend entry;
                entry.hlc = firstHlc + static_cast<uint64_t>(done + i);
                entry.kind = v1::Change::FEATURE_ROW;
                entry.viewId = m_viewId;
                entry.commitMs = kNow - ageMs;
                entry.schemaId = 1;
                entry.body = body.SerializeAsString();
                if (auto seq = log.append(entry); !seq.ok())
                    return seq.status();
            }
            return absl::OkStatus();
        }));
        done += batch;
    }
}

uint64_t TestChangelog::lastSeq() {
    uint64_t seq = 0;
    auto st = m_db->read([&](storage::Connection& conn) -> absl::Status {
        auto s = storage::ChangelogTable(conn).lastSeq();
        seq = s.ok() ? *s : 0;
        return s.status();
    });
    if (!st.ok())
        qFatal("lastSeq: %s", st.ToString().c_str());
    return seq;
}

uint64_t TestChangelog::firstSeq() {
    uint64_t seq = 0;
    auto st = m_db->read([&](storage::Connection& conn) -> absl::Status {
        auto s = storage::ChangelogTable(conn).firstSeq();
        seq = s.ok() ? *s : 0;
        return s.status();
    });
    if (!st.ok())
        qFatal("firstSeq: %s", st.ToString().c_str());
    return seq;
}

void TestChangelog::entriesReadBackAsChanges() {
    appendRows(3, 10, 0, 500);
    MERIDIAN_EXPECT_OK(m_db->write([&](storage::Connection& conn) -> absl::Status {
        v1::Change body;
        body.set_project("shop");
        body.mutable_object()->mutable_project()->set_name("shop");
        storage::LogAppend entry;
        entry.hlc = 900;
        entry.kind = v1::Change::REGISTRY_PUT;
        entry.commitMs = kNow;
        entry.body = body.SerializeAsString();
        return storage::ChangelogTable(conn).append(entry).status();
    }));
    std::vector<v1::Change> changes;
    MERIDIAN_EXPECT_OK(m_db->read([&](storage::Connection& conn) -> absl::Status {
        return storage::ChangelogTable(conn).readAfter(0, 100, m_db->viewIds(), "aws-us-east-1",
                                                       [&](v1::Change&& c) {
                                                           changes.push_back(std::move(c));
                                                           return true;
                                                       });
    }));
    QCOMPARE(changes.size(), size_t(4));
    for (size_t i = 0; i < 3; ++i) {
        const auto& c = changes[i];
        QCOMPARE(c.seq(), uint64_t(i + 1));
        QCOMPARE(c.origin_seq(), c.seq());
        QCOMPARE(c.hlc(), uint64_t(500 + i));
        QCOMPARE(c.origin(), std::string("aws-us-east-1"));
        QCOMPARE(c.kind(), v1::Change::FEATURE_ROW);
        QCOMPARE(c.project(), std::string("shop"));
        QCOMPARE(c.feature_view(), std::string("user_stats"));
        QCOMPARE(c.entity_key(), "key-" + std::to_string(i));
        QCOMPARE(c.commit_ms(), kNow);
        QCOMPARE(c.values(), std::string(10, 'v'));
    }
    QCOMPARE(changes[3].kind(), v1::Change::REGISTRY_PUT);
    QCOMPARE(changes[3].project(), std::string("shop"));
    QCOMPARE(changes[3].feature_view(), std::string());
    QCOMPARE(changes[3].object().project().name(), std::string("shop"));
    QCOMPARE(changes[3].hlc(), uint64_t(900));
}

void TestChangelog::sequenceIsContiguousAfterRollback() {
    appendRows(2, 10, 0);
    auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
        storage::LogAppend entry;
        entry.hlc = 5000;
        entry.kind = v1::Change::FEATURE_ROW;
        entry.viewId = m_viewId;
        entry.commitMs = kNow;
        if (auto seq = storage::ChangelogTable(conn).append(entry); !seq.ok())
            return seq.status();
        return absl::AbortedError("rolled back");
    });
    QVERIFY(!st.ok());
    appendRows(1, 10, 0, 6000);
    QCOMPARE(lastSeq(), uint64_t(3));
}

void TestChangelog::retentionBySizeWithNoPeers() {
    // About 10 MB of log against a 1 MB budget, in a database with no peer at all.
    appendRows(40'000, 220, 0);
    QCOMPARE(firstSeq(), uint64_t(1));
    storage::RetentionPolicy policy;
    policy.maxBytes = 1 << 20;
    const int64_t transactionsBefore = m_db->transactions();
    auto pass = storage::trimChangelog(*m_db, policy, kNow);
    QVERIFY2(pass.ok(), qPrintable(describe(pass.status())));
    QCOMPARE(pass->last, uint64_t(40'000));
    QVERIFY(pass->removed > 30'000);
    QCOMPARE(firstSeq(), pass->first);
    QCOMPARE(pass->first, pass->cutoff + 1);
    QCOMPARE(lastSeq(), uint64_t(40'000));
    QVERIFY2(pass->bytes <= policy.maxBytes + policy.maxBytes / 10,
             qPrintable(QString::number(pass->bytes)));
    // Removed in several bounded transactions, not one.
    QVERIFY(m_db->transactions() - transactionsBefore >= 2);
    // A second pass has nothing to do; new entries go on from the same sequence.
    auto again = storage::trimChangelog(*m_db, policy, kNow);
    QVERIFY(again.ok());
    QCOMPARE(again->removed, int64_t(0));
    appendRows(1, 220, 0, 100'000);
    QCOMPARE(lastSeq(), uint64_t(40'001));
}

void TestChangelog::retentionByAge() {
    appendRows(500, 50, 3 * 3600 * 1000);         // three hours old
    appendRows(300, 50, 10 * 60 * 1000, 10'000);  // ten minutes old
    storage::RetentionPolicy policy;
    policy.maxAgeSeconds = 3600;
    auto pass = storage::trimChangelog(*m_db, policy, kNow);
    QVERIFY2(pass.ok(), qPrintable(describe(pass.status())));
    QCOMPARE(pass->removed, int64_t(500));
    QCOMPARE(firstSeq(), uint64_t(501));
    QCOMPARE(lastSeq(), uint64_t(800));
}

void TestChangelog::maxHlcSurvivesRetention() {
    appendRows(1000, 50, 3 * 3600 * 1000, 7'000);
    storage::RetentionPolicy policy;
    policy.maxAgeSeconds = 60;
    auto pass = storage::trimChangelog(*m_db, policy, kNow);
    QVERIFY(pass.ok());
    QCOMPARE(pass->first, uint64_t(0));  // all of it was older than a minute
    uint64_t hlc = 0;
    MERIDIAN_EXPECT_OK(m_db->read([&](storage::Connection& conn) -> absl::Status {
        auto h = storage::ChangelogTable(conn).maxHlc();
        hlc = h.ok() ? *h : 0;
        return h.status();
    }));
    QCOMPARE(hlc, uint64_t(7'999));
    QCOMPARE(lastSeq(), uint64_t(1000));
}

void TestChangelog::retentionOfEmptyLog() {
    auto pass = storage::trimChangelog(*m_db, storage::RetentionPolicy{}, kNow);
    QVERIFY(pass.ok());
    QCOMPARE(pass->first, uint64_t(0));
    QCOMPARE(pass->removed, int64_t(0));
}

QTEST_GUILESS_MAIN(TestChangelog)
#include "tst_changelog.moc"
