// The online table on a real database: the conflict rule (in SQL and in isNewer), tombstones,
// counts; and the Database itself: rollback, reader visibility, durability across reopen.

#include <QtTest>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "storage/database.h"
#include "storage/entitykey.h"
#include "storage/onlinetable.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

std::string keyOf(int64_t id) {
    auto key = storage::encodeEntityKey({{"user_id", i64(id)}});
    return key.ok() ? *key : std::string();
}

// A row as the test thinks of it: origins by name (the table stores their small ids).
struct Row {
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    std::string origin;
    bool deleted = false;
    std::string vals;
};

Row record(int64_t eventTs, uint64_t hlc, const std::string& origin, const std::string& vals,
           bool deleted = false) {
    return Row{eventTs, hlc, origin, deleted, vals};
}

// Upserts `r` inside a write transaction, its origin named through the database's region ids.
absl::StatusOr<bool> upsertRow(storage::Database& db, storage::Connection& conn, int64_t view,
                               const std::string& key, const Row& r) {
    auto origin = db.dictionaries().regions.obtain(conn, r.origin);
    if (!origin.ok())
        return origin.status();
    return storage::OnlineTable(conn).upsert(
        view, key, storage::OnlineRecord{r.eventTs, r.writeHlc, *origin, r.deleted, r.vals});
}

bool sameRecord(const Row& a, const Row& b) {
    return a.eventTs == b.eventTs && a.writeHlc == b.writeHlc && a.origin == b.origin &&
           a.deleted == b.deleted && a.vals == b.vals;
}

QString show(const Row& r) {
    return QStringLiteral("{event %1, hlc %2, origin %3, deleted %4, vals %5}")
        .arg(r.eventTs)
        .arg(r.writeHlc)
        .arg(QString::fromStdString(r.origin))
        .arg(r.deleted)
        .arg(QString::fromStdString(r.vals));
}

}  // namespace

class TestOnlineStore : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void insertThenGet();
    void upsertRule_data();
    void upsertRule();
    void idempotentReapply();
    void isNewerRule_data();
    void isNewerRule();
    void sqlRuleAgreesWithIsNewer_data();
    void sqlRuleAgreesWithIsNewer();
    void sqlAgreesWithIsNewer();
    void shuffledOrdersConverge();
    void viewsAreSeparate();
    void deletedFlagAndCount();

    void writeRollsBackOnError();
    void writeRollsBackOnSqlError();
    void readersSeeCommittedData();
    void readerReturnedAfterGetSeesLaterWrites();
    void reopenKeepsData();
    void openRefusesNewerSchema();

private:
    absl::StatusOr<bool> upsert(int64_t view, const std::string& key, const Row& r);
    std::optional<Row> get(int64_t view, const std::string& key);
    int64_t count(int64_t view);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::Database> m_db;
};

void TestOnlineStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto db = storage::Database::open(m_dir->filePath("region.db").toStdString());
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    m_db = std::move(*db);
}

void TestOnlineStore::cleanup() {
    m_db.reset();
    m_dir.reset();
}

absl::StatusOr<bool> TestOnlineStore::upsert(int64_t view, const std::string& key, const Row& r) {
    bool changed = false;
    auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
        auto result = upsertRow(*m_db, conn, view, key, r);
        if (!result.ok())
            return result.status();
        changed = *result;
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return changed;
}

std::optional<Row> TestOnlineStore::get(int64_t view, const std::string& key) {
    auto reader = m_db->read();
    if (!reader.ok())
        qFatal("read: %s", reader.status().ToString().c_str());
    storage::OnlineRecordView v;
    auto found = storage::OnlineTable(**reader).get(view, key, v);
    if (!found.ok())
        qFatal("get: %s", found.status().ToString().c_str());
    if (!*found)
        return std::nullopt;
    return Row{v.eventTs, v.writeHlc, m_db->dictionaries().regions.name(v.origin), v.deleted,
               std::string(v.vals)};
}

int64_t TestOnlineStore::count(int64_t view) {
    auto reader = m_db->read();
    if (!reader.ok())
        qFatal("read: %s", reader.status().ToString().c_str());
    auto n = storage::OnlineTable(**reader).count(view);
    if (!n.ok())
        qFatal("count: %s", n.status().ToString().c_str());
    return *n;
}

void TestOnlineStore::insertThenGet() {
    QVERIFY(!get(1, keyOf(1)));
    const auto r = record(1000, 77, "aws-us-east-1", std::string("v\0al", 4));
    auto changed = upsert(1, keyOf(1), r);
    QVERIFY2(changed.ok(), qPrintable(describe(changed.status())));
    QVERIFY(*changed);
    const auto stored = get(1, keyOf(1));
    QVERIFY(stored);
    QVERIFY2(sameRecord(*stored, r), qPrintable(show(*stored)));
    QVERIFY(!get(1, keyOf(2)));
    QCOMPARE(count(1), int64_t(1));
}

void TestOnlineStore::upsertRule_data() {
    QTest::addColumn<qlonglong>("storedEvent");
    QTest::addColumn<qulonglong>("storedHlc");
    QTest::addColumn<QString>("storedOrigin");
    QTest::addColumn<qlonglong>("newEvent");
    QTest::addColumn<qulonglong>("newHlc");
    QTest::addColumn<QString>("newOrigin");
    QTest::addColumn<bool>("wins");
    QTest::newRow("newer event wins over greater clock and origin")
        << 100LL << 900ULL << "z" << 101LL << 1ULL << "a" << true;
    QTest::newRow("older event loses to smaller clock and origin")
        << 100LL << 1ULL << "a" << 99LL << 900ULL << "z" << false;
    QTest::newRow("equal event: greater write clock wins")
        << 100LL << 5ULL << "z" << 100LL << 6ULL << "a" << true;
    QTest::newRow("equal event: smaller write clock loses")
        << 100LL << 6ULL << "a" << 100LL << 5ULL << "z" << false;
    QTest::newRow("equal event and clock: greater origin wins")
        << 100LL << 5ULL << "aws-eu-west-1" << 100LL << 5ULL << "aws-us-east-1" << true;
    QTest::newRow("equal event and clock: smaller origin loses")
        << 100LL << 5ULL << "aws-us-east-1" << 100LL << 5ULL << "aws-eu-west-1" << false;
    QTest::newRow("origin compares bytewise")
        << 100LL << 5ULL << "Z" << 100LL << 5ULL << "a" << true;
    QTest::newRow("identical is not newer")
        << 100LL << 5ULL << "a" << 100LL << 5ULL << "a" << false;
    QTest::newRow("negative event times") << -200LL << 5ULL << "a" << -100LL << 1ULL << "a" << true;
    QTest::newRow("realistic clocks")
        << 1718000000000LL << (1718000000000ULL << 16) + 3 << "a" << 1718000000000LL
        << (1718000000000ULL << 16) + 2 << "b" << false;
}

void TestOnlineStore::upsertRule() {
    QFETCH(qlonglong, storedEvent);
    QFETCH(qulonglong, storedHlc);
    QFETCH(QString, storedOrigin);
    QFETCH(qlonglong, newEvent);
    QFETCH(qulonglong, newHlc);
    QFETCH(QString, newOrigin);
    QFETCH(bool, wins);
    const auto stored = record(storedEvent, storedHlc, storedOrigin.toStdString(), "stored");
    const auto incoming = record(newEvent, newHlc, newOrigin.toStdString(), "incoming");
    QCOMPARE(storage::isNewer(incoming.eventTs, incoming.writeHlc, incoming.origin, stored.eventTs,
                              stored.writeHlc, stored.origin),
             wins);
    QCOMPARE(*upsert(1, keyOf(1), stored), true);
    auto changed = upsert(1, keyOf(1), incoming);
    QVERIFY2(changed.ok(), qPrintable(describe(changed.status())));
    QCOMPARE(*changed, wins);
    const auto now = get(1, keyOf(1));
    QVERIFY(now);
    QVERIFY2(sameRecord(*now, wins ? incoming : stored), qPrintable(show(*now)));

    // The other order reaches the same row (when the versions differ; one version is one write).
    QCOMPARE(*upsert(2, keyOf(1), incoming), true);
    const bool storedWins = storage::isNewer(stored.eventTs, stored.writeHlc, stored.origin,
                                             incoming.eventTs, incoming.writeHlc, incoming.origin);
    QCOMPARE(*upsert(2, keyOf(1), stored), storedWins);
    if (wins || storedWins)
        QVERIFY(sameRecord(*get(2, keyOf(1)), *now));
}

void TestOnlineStore::idempotentReapply() {
    const auto r = record(500, 10, "gcp-europe-west4", "x");
    QCOMPARE(*upsert(1, keyOf(9), r), true);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(*upsert(1, keyOf(9), r), false);
    QVERIFY(sameRecord(*get(1, keyOf(9)), r));
    QCOMPARE(count(1), int64_t(1));
}

namespace {

// Pairs of versions (e1, h1, o1) and (e2, h2, o2), and whether the first is newer: the table
// both the C++ rule and its SQL face are checked against.
void conflictRuleCases() {
    QTest::addColumn<qlonglong>("e1");
    QTest::addColumn<qulonglong>("h1");
    QTest::addColumn<QString>("o1");
    QTest::addColumn<qlonglong>("e2");
    QTest::addColumn<qulonglong>("h2");
    QTest::addColumn<QString>("o2");
    QTest::addColumn<bool>("newer");
    QTest::newRow("event decides") << 2LL << 0ULL << "" << 1LL << 99ULL << "zz" << true;
    QTest::newRow("then clock") << 1LL << 3ULL << "a" << 1LL << 2ULL << "b" << true;
    QTest::newRow("then origin") << 1LL << 2ULL << "b" << 1LL << 2ULL << "a" << true;
    QTest::newRow("equal") << 1LL << 2ULL << "a" << 1LL << 2ULL << "a" << false;
    QTest::newRow("prefix origin is smaller")
        << 1LL << 2ULL << "aws" << 1LL << 2ULL << "aws-eu" << false;
    QTest::newRow("clock above 2^63") << 1LL << (1ULL << 63) << "a" << 1LL << 1ULL << "a" << true;
    QTest::newRow("negative event times") << -100LL << 1ULL << "a" << -200LL << 5ULL << "a" << true;
    QTest::newRow("equal event: realistic clocks")
        << 1718000000000LL << (1718000000000ULL << 16) + 2 << "b" << 1718000000000LL
        << (1718000000000ULL << 16) + 3 << "a" << false;
    QTest::newRow("equal event and clock: region names")
        << 100LL << 5ULL << "aws-us-east-1" << 100LL << 5ULL << "aws-eu-west-1" << true;
}

// The current row of that table.
struct ConflictCase {
    Row first;
    Row second;
    bool newer = false;
};

ConflictCase fetchConflictCase() {
    QFETCH(qlonglong, e1);
    QFETCH(qulonglong, h1);
    QFETCH(QString, o1);
    QFETCH(qlonglong, e2);
    QFETCH(qulonglong, h2);
    QFETCH(QString, o2);
    QFETCH(bool, newer);
    return {record(e1, h1, o1.toStdString(), ""), record(e2, h2, o2.toStdString(), ""), newer};
}

bool isNewer(const Row& a, const Row& b) {
    return storage::isNewer(a.eventTs, a.writeHlc, a.origin, b.eventTs, b.writeHlc, b.origin);
}

}  // namespace

void TestOnlineStore::isNewerRule_data() {
    conflictRuleCases();
}

void TestOnlineStore::isNewerRule() {
    const auto [a, b, newer] = fetchConflictCase();
    QCOMPARE(isNewer(a, b), newer);
    // Antisymmetric: at most one of two versions is newer, exactly one unless they are equal.
    const bool reverse = isNewer(b, a);
    QVERIFY(!(newer && reverse));
    QCOMPARE(newer || reverse,
             !(a.eventTs == b.eventTs && a.writeHlc == b.writeHlc && a.origin == b.origin));
}

void TestOnlineStore::sqlRuleAgreesWithIsNewer_data() {
    conflictRuleCases();
}

void TestOnlineStore::sqlRuleAgreesWithIsNewer() {
    // meridian_newer() as upserts call it, both ways round, against isNewer() on the same pair.
    const auto [a, b, newer] = fetchConflictCase();
    int64_t forward = -1, backward = -1;
    MERIDIAN_EXPECT_OK(m_db->write([&](storage::Connection& conn) -> absl::Status {
        auto& regions = m_db->dictionaries().regions;
        auto first = regions.obtain(conn, a.origin);
        if (!first.ok())
            return first.status();
        auto second = regions.obtain(conn, b.origin);
        if (!second.ok())
            return second.status();
        auto& q = conn.prepare(
            "SELECT meridian_newer(?1, ?2, ?3, ?4, ?5, ?6), "
            "meridian_newer(?4, ?5, ?6, ?1, ?2, ?3)");
        q.bind(1, a.eventTs)
            .bind(2, static_cast<int64_t>(a.writeHlc))
            .bind(3, *first)
            .bind(4, b.eventTs)
            .bind(5, static_cast<int64_t>(b.writeHlc))
            .bind(6, *second);
        if (q.step()) {
            forward = q.int64(0);
            backward = q.int64(1);
        }
        auto st = q.status();
        q.reset();
        return st;
    }));
    QCOMPARE(forward, int64_t(isNewer(a, b)));
    QCOMPARE(backward, int64_t(isNewer(b, a)));
    QCOMPARE(forward, int64_t(newer));
}

void TestOnlineStore::sqlAgreesWithIsNewer() {
    // Small ranges make ties on event time and clock common.
    std::mt19937_64 rng(424242);
    const std::vector<std::string> origins{"aws-eu-west-1", "aws-us-east-1", "azure-southeastasia",
                                           "gcp-europe-west4"};
    std::map<std::string, Row> model;
    for (int i = 0; i < 3000; ++i) {
        const std::string key = keyOf(static_cast<int64_t>(rng() % 20));
        const auto r =
            record(static_cast<int64_t>(rng() % 5), 1'700'000'000'000ULL + rng() % 4,
                   origins[rng() % origins.size()], "v" + std::to_string(i), rng() % 10 == 0);
        auto it = model.find(key);
        const bool expected = it == model.end() ||
                              storage::isNewer(r.eventTs, r.writeHlc, r.origin, it->second.eventTs,
                                               it->second.writeHlc, it->second.origin);
        auto changed = upsert(7, key, r);
        QVERIFY2(changed.ok(), qPrintable(describe(changed.status())));
        QVERIFY2(*changed == expected,
                 qPrintable(QStringLiteral("update %1: %2").arg(i).arg(show(r))));
        if (expected)
            model[key] = r;
    }
    for (const auto& [key, r] : model) {
        const auto stored = get(7, key);
        QVERIFY(stored);
        QVERIFY2(sameRecord(*stored, r), qPrintable(show(*stored) + " vs " + show(r)));
    }
}

void TestOnlineStore::shuffledOrdersConverge() {
    std::mt19937_64 rng(1234);
    const std::vector<std::string> origins{"a", "b", "c"};
    std::vector<std::pair<std::string, Row>> updates;
    // A write is identified by its clock and origin: no two updates share both.
    std::set<std::pair<uint64_t, std::string>> used;
    for (int i = 0; i < 400; ++i) {
        const uint64_t hlc = rng() % 200;
        const std::string& origin = origins[rng() % 3];
        if (!used.insert({hlc, origin}).second)
            continue;
        updates.emplace_back(keyOf(static_cast<int64_t>(rng() % 8)),
                             record(static_cast<int64_t>(rng() % 4), hlc, origin,
                                    "v" + std::to_string(i), rng() % 8 == 0));
    }
    QVERIFY(updates.size() > 250);
    // Replicas apply the same updates in different orders, some twice.
    constexpr int kReplicas = 5;
    for (int replica = 0; replica < kReplicas; ++replica) {
        auto order = updates;
        std::shuffle(order.begin(), order.end(), rng);
        if (replica % 2)
            order.insert(order.end(), updates.begin(), updates.begin() + 50);
        auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
            for (const auto& [key, r] : order) {
                if (auto changed = upsertRow(*m_db, conn, 100 + replica, key, r); !changed.ok())
                    return changed.status();
            }
            return absl::OkStatus();
        });
        MERIDIAN_EXPECT_OK(st);
    }
    for (int id = 0; id < 8; ++id) {
        const auto reference = get(100, keyOf(id));
        for (int replica = 1; replica < kReplicas; ++replica) {
            const auto other = get(100 + replica, keyOf(id));
            QCOMPARE(bool(other), bool(reference));
            if (reference)
                QVERIFY2(sameRecord(*other, *reference),
                         qPrintable(show(*other) + " vs " + show(*reference)));
        }
    }
    for (int replica = 0; replica < kReplicas; ++replica)
        QCOMPARE(count(100 + replica), count(100));
}

void TestOnlineStore::viewsAreSeparate() {
    QCOMPARE(*upsert(1, keyOf(1), record(10, 1, "a", "view1")), true);
    QCOMPARE(*upsert(2, keyOf(1), record(5, 1, "a", "view2")), true);
    QCOMPARE(get(1, keyOf(1))->vals, std::string("view1"));
    QCOMPARE(get(2, keyOf(1))->vals, std::string("view2"));
    QVERIFY(!get(3, keyOf(1)));
    QCOMPARE(count(1), int64_t(1));
    QCOMPARE(count(2), int64_t(1));
    QCOMPARE(count(3), int64_t(0));
}

void TestOnlineStore::deletedFlagAndCount() {
    for (int i = 0; i < 5; ++i)
        QVERIFY(*upsert(1, keyOf(i), record(100, 1, "a", "v")));
    QCOMPARE(count(1), int64_t(5));
    // A newer tombstone hides the key from the count but keeps the row.
    QVERIFY(*upsert(1, keyOf(2), record(200, 2, "a", "", true)));
    QCOMPARE(count(1), int64_t(4));
    const auto tomb = get(1, keyOf(2));
    QVERIFY(tomb);
    QVERIFY(tomb->deleted);
    QCOMPARE(tomb->eventTs, int64_t(200));
    // An older write does not resurrect it; a newer one does.
    QCOMPARE(*upsert(1, keyOf(2), record(150, 9, "z", "old")), false);
    QVERIFY(get(1, keyOf(2))->deleted);
    QCOMPARE(*upsert(1, keyOf(2), record(250, 3, "a", "back")), true);
    QVERIFY(!get(1, keyOf(2))->deleted);
    QCOMPARE(count(1), int64_t(5));
    // An older tombstone changes nothing.
    QCOMPARE(*upsert(1, keyOf(3), record(50, 1, "a", "", true)), false);
    QCOMPARE(count(1), int64_t(5));
}

void TestOnlineStore::writeRollsBackOnError() {
    QVERIFY(*upsert(1, keyOf(1), record(1, 1, "a", "before")));
    auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
        if (auto c = upsertRow(*m_db, conn, 1, keyOf(1), record(2, 1, "a", "after")); !c.ok())
            return c.status();
        if (auto c = upsertRow(*m_db, conn, 1, keyOf(2), record(2, 1, "a", "new")); !c.ok())
            return c.status();
        return absl::AbortedError("body failed after two upserts");
    });
    MERIDIAN_EXPECT_ERROR(st, absl::StatusCode::kAborted, "body failed");
    QCOMPARE(get(1, keyOf(1))->vals, std::string("before"));
    QVERIFY(!get(1, keyOf(2)));
    QCOMPARE(count(1), int64_t(1));
    // The writer is usable afterwards.
    QVERIFY(*upsert(1, keyOf(2), record(2, 1, "a", "new")));
    QCOMPARE(count(1), int64_t(2));
}

void TestOnlineStore::writeRollsBackOnSqlError() {
    auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
        if (auto c = upsertRow(*m_db, conn, 1, keyOf(1), record(1, 1, "a", "x")); !c.ok())
            return c.status();
        return conn.exec("INSERT INTO no_such_table VALUES(1)");
    });
    QVERIFY(!st.ok());
    QVERIFY2(std::string(st.message()).find("no_such_table") != std::string::npos,
             qPrintable(describe(st)));
    QVERIFY(!get(1, keyOf(1)));
    QCOMPARE(count(1), int64_t(0));
}

void TestOnlineStore::readersSeeCommittedData() {
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    storage::OnlineTable table(**reader);
    QCOMPARE(*table.count(1), int64_t(0));
    QVERIFY(*upsert(1, keyOf(1), record(1, 1, "a", "x")));
    // A reader held across a commit sees it at its next statement.
    QCOMPARE(*table.count(1), int64_t(1));
    // A transaction in progress is invisible to readers.
    auto st = m_db->write([&](storage::Connection& conn) -> absl::Status {
        if (auto c = upsertRow(*m_db, conn, 1, keyOf(2), record(1, 1, "a", "y")); !c.ok())
            return c.status();
        auto n = table.count(1);
        if (!n.ok())
            return n.status();
        if (*n != 1)
            return absl::InternalError("reader saw an uncommitted row");
        return absl::OkStatus();
    });
    MERIDIAN_EXPECT_OK(st);
    QCOMPARE(*table.count(1), int64_t(2));
}

void TestOnlineStore::readerReturnedAfterGetSeesLaterWrites() {
    // get() leaves its statement on the row; a pooled reader must not keep that snapshot.
    QVERIFY(*upsert(1, keyOf(1), record(1, 1, "a", "x")));
    QVERIFY(get(1, keyOf(1)));  // the reader goes back to the pool
    QVERIFY(*upsert(1, keyOf(2), record(1, 1, "a", "y")));
    QVERIFY(*upsert(1, keyOf(1), record(2, 1, "a", "x2")));
    QCOMPARE(count(1), int64_t(2));
    QCOMPARE(get(1, keyOf(1))->vals, std::string("x2"));
    // A second reader leased while the first is out sees the same.
    auto first = m_db->read();
    auto second = m_db->read();
    QVERIFY(first.ok() && second.ok());
    QCOMPARE(*storage::OnlineTable(**first).count(1), int64_t(2));
    QCOMPARE(*storage::OnlineTable(**second).count(1), int64_t(2));
}

void TestOnlineStore::reopenKeepsData() {
    const std::string path = m_dir->filePath("region.db").toStdString();
    QVERIFY(*upsert(1, keyOf(1), record(10, 20, "aws-us-east-1", "kept")));
    QVERIFY(*upsert(1, keyOf(2), record(10, 20, "aws-us-east-1", "", true)));
    QCOMPARE(m_db->path(), path);
    QVERIFY(m_db->sizeBytes() > 0);
    m_db.reset();
    auto db = storage::Database::open(path, storage::Durability::Normal);
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    m_db = std::move(*db);
    const auto r = get(1, keyOf(1));
    QVERIFY(r);
    QVERIFY(sameRecord(*r, record(10, 20, "aws-us-east-1", "kept")));
    QVERIFY(get(1, keyOf(2))->deleted);
    QCOMPARE(count(1), int64_t(1));
    // And the rule still holds against reopened rows.
    QCOMPARE(*upsert(1, keyOf(1), record(10, 19, "zzz", "older")), false);
}

void TestOnlineStore::openRefusesNewerSchema() {
    const std::string path = m_dir->filePath("region.db").toStdString();
    MERIDIAN_EXPECT_OK(m_db->write([](storage::Connection& conn) {
        return conn.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }));
    m_db.reset();
    auto db = storage::Database::open(path);
    MERIDIAN_EXPECT_ERROR(db.status(), absl::StatusCode::kFailedPrecondition, "schema version 99");
    // A path that cannot be opened fails cleanly.
    auto bad = storage::Database::open(m_dir->filePath("missing/dir/region.db").toStdString());
    QVERIFY(!bad.ok());
}

QTEST_GUILESS_MAIN(TestOnlineStore)
#include "tst_onlinestore.moc"
