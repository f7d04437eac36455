// The offline table: append-only history, point-in-time lookups (ttl window, ties by write
// clock), latest value per key over a range, key counts and day partitions.

#include <QtTest>

#include <limits>
#include <map>

#include "storage/database.h"
#include "storage/entitykey.h"
#include "storage/offlinetable.h"
#include "storage/rowformat.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int64_t kView = 1;
constexpr int64_t kOtherView = 2;
constexpr int64_t kNoLowerBound = std::numeric_limits<int64_t>::min();

std::string keyOf(int64_t id) {
    auto key = storage::encodeEntityKey({{"user_id", i64(id)}});
    return key.ok() ? *key : std::string();
}

// A row as the test thinks of it: its origin by name and its one feature's text as `vals` (the
// table stores region ids and compact rows).
struct OfflineRecord {
    std::string entityKey;
    int64_t eventTs = 0;
    uint64_t writeHlc = 0;
    std::string origin;
    std::string vals;
};

OfflineRecord rec(int64_t id, int64_t eventTs, uint64_t hlc, const std::string& vals,
                  const std::string& origin = "aws-us-east-1") {
    return OfflineRecord{keyOf(id), eventTs, hlc, origin, vals};
}

const storage::RowSchema& textSchema() {
    static const auto schema = storage::RowSchema::make({{"v", v1::STRING}});
    return schema;
}

std::string encodeText(uint32_t schemaId, const std::string& text) {
    v1::Value value;
    value.set_string_val(text);
    return storage::encodeRow(schemaId, textSchema(), {&value});
}

// Inside a write: the stored form of `r`.
absl::StatusOr<storage::OfflineRecord> stored(storage::Database& db, storage::Connection& conn,
                                              const OfflineRecord& r) {
    auto origin = db.dictionaries().regions.obtain(conn, r.origin);
    if (!origin.ok())
        return origin.status();
    auto schema = db.dictionaries().schemas.obtain(conn, textSchema());
    if (!schema.ok())
        return schema.status();
    return storage::OfflineRecord{r.entityKey, r.eventTs, r.writeHlc, *origin,
                                  encodeText(*schema, r.vals)};
}

OfflineRecord fromStored(storage::Database& db, const storage::OfflineRecord& r) {
    v1::Value value;
    storage::RowReader reader(r.vals, textSchema());
    int field = -1;
    if (reader.next(field))
        reader.read(&value);
    return OfflineRecord{r.entityKey, r.eventTs, r.writeHlc,
                         db.dictionaries().regions.name(r.origin), value.string_val()};
}

}  // namespace

class TestOfflineStore : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void pointInTime_data();
    void pointInTime();
    void tiesBrokenByWriteClock();
    void keysAndViewsNotMixed();
    void latestPerKey();
    void latestPerKeyStops();
    void countKeys();
    void sameRowStoredOnce();
    void partitionDigests();
    void dayOf_data();
    void dayOf();
    void appendStoresDay();

private:
    void append(int64_t view, const OfflineRecord& r);
    // Stores `r` in `view`: whether it was added (false: the same row was there already).
    absl::StatusOr<bool> appendRow(int64_t view, const OfflineRecord& r);
    std::optional<OfflineRecord> at(int64_t view, int64_t id, int64_t time,
                                    int64_t notBefore = kNoLowerBound);

    storage::OfflineTable table(storage::Connection& conn) {
        return storage::OfflineTable(conn, m_db->dictionaries().regions,
                                     m_db->dictionaries().schemas);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<storage::Database> m_db;
};

void TestOfflineStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto db = storage::Database::open(m_dir->filePath("region.db").toStdString());
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    m_db = std::move(*db);
}

void TestOfflineStore::cleanup() {
    m_db.reset();
    m_dir.reset();
}

void TestOfflineStore::append(int64_t view, const OfflineRecord& r) {
    auto added = appendRow(view, r);
    absl::Status st = added.status();
    if (st.ok() && !*added)
        st = absl::AlreadyExistsError("row already stored");
    MERIDIAN_EXPECT_OK(st);
}

absl::StatusOr<bool> TestOfflineStore::appendRow(int64_t view, const OfflineRecord& r) {
    bool added = false;
    auto st = m_db->write([&](storage::Connection& c) -> absl::Status {
        auto row = stored(*m_db, c, r);
        if (!row.ok())
            return row.status();
        auto a = table(c).append(view, *row);
        if (!a.ok())
            return a.status();
        added = *a;
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return added;
}

std::optional<OfflineRecord> TestOfflineStore::at(int64_t view, int64_t id, int64_t time,
                                                  int64_t notBefore) {
    auto reader = m_db->read();
    if (!reader.ok())
        qFatal("read: %s", reader.status().ToString().c_str());
    auto r = table(**reader).pointInTime(view, keyOf(id), time, notBefore);
    if (!r.ok())
        qFatal("pointInTime: %s", r.status().ToString().c_str());
    if (!*r)
        return std::nullopt;
    return fromStored(*m_db, **r);
}

void TestOfflineStore::pointInTime_data() {
    QTest::addColumn<qlonglong>("time");
    QTest::addColumn<qlonglong>("notBefore");
    QTest::addColumn<QString>("expected");  // vals of the record found, empty for none
    const qlonglong open = kNoLowerBound;
    // History of user 1: 100 -> "a", 200 -> "b", 300 -> "c".
    QTest::newRow("before the first event") << 99LL << open << "";
    QTest::newRow("at the first event") << 100LL << open << "a";
    QTest::newRow("between events") << 150LL << open << "a";
    QTest::newRow("just before the second") << 199LL << open << "a";
    QTest::newRow("exactly at the second") << 200LL << open << "b";
    QTest::newRow("at the last") << 300LL << open << "c";
    QTest::newRow("long after") << 1000000LL << open << "c";
    QTest::newRow("ttl window includes its lower edge") << 250LL << 200LL << "b";
    QTest::newRow("ttl window excludes older") << 250LL << 201LL << "";
    QTest::newRow("ttl window with a newer event") << 320LL << 250LL << "c";
    QTest::newRow("empty window") << 150LL << 151LL << "";
    QTest::newRow("negative times") << -5LL << open << "";
}

void TestOfflineStore::pointInTime() {
    QFETCH(qlonglong, time);
    QFETCH(qlonglong, notBefore);
    QFETCH(QString, expected);
    // Appended out of order: the lookup must not depend on insertion order.
    append(kView, rec(1, 300, 3, "c"));
    append(kView, rec(1, 100, 1, "a"));
    append(kView, rec(1, 200, 2, "b"));
    const auto found = at(kView, 1, time, notBefore);
    if (expected.isEmpty()) {
        QVERIFY2(!found, found ? found->vals.c_str() : "");
        return;
    }
    QVERIFY(found);
    QCOMPARE(QString::fromStdString(found->vals), expected);
    QCOMPARE(found->entityKey, keyOf(1));
    QCOMPARE(found->origin, std::string("aws-us-east-1"));
    QCOMPARE(found->eventTs, int64_t(expected == "a" ? 100 : expected == "b" ? 200 : 300));
}

void TestOfflineStore::tiesBrokenByWriteClock() {
    // Same event time: the later write wins, whatever order the rows were appended in.
    append(kView, rec(1, 500, 9, "late write"));
    append(kView, rec(1, 500, 4, "early write"));
    append(kView, rec(1, 500, 7, "middle write"));
    QCOMPARE(at(kView, 1, 500)->vals, std::string("late write"));
    QCOMPARE(at(kView, 1, 500)->writeHlc, uint64_t(9));
    // Same event time and clock: the greater origin, as the online rule.
    append(kView, rec(2, 500, 4, "from us", "aws-us-east-1"));
    append(kView, rec(2, 500, 4, "from eu", "aws-eu-west-1"));
    QCOMPARE(at(kView, 2, 500)->vals, std::string("from us"));
    // A later event beats a later write.
    append(kView, rec(1, 501, 1, "newer event"));
    QCOMPARE(at(kView, 1, 600)->vals, std::string("newer event"));
    QCOMPARE(at(kView, 1, 500)->vals, std::string("late write"));
}

void TestOfflineStore::keysAndViewsNotMixed() {
    append(kView, rec(1, 100, 1, "user1"));
    append(kView, rec(2, 150, 2, "user2"));
    append(kOtherView, rec(1, 180, 3, "other view"));
    QCOMPARE(at(kView, 1, 200)->vals, std::string("user1"));
    QCOMPARE(at(kView, 2, 200)->vals, std::string("user2"));
    QCOMPARE(at(kOtherView, 1, 200)->vals, std::string("other view"));
    QVERIFY(!at(kOtherView, 2, 200));
    QVERIFY(!at(kView, 3, 200));
    QVERIFY(!at(3, 1, 200));
    // Keys that differ only in type are different keys.
    auto int32Key = storage::encodeEntityKey({{"user_id", i32(1)}});
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    auto none = table(**reader).pointInTime(kView, *int32Key, 200, kNoLowerBound);
    QVERIFY(none.ok());
    QVERIFY(!*none);
    QCOMPARE(*table(**reader).count(kView), int64_t(2));
    QCOMPARE(*table(**reader).count(kOtherView), int64_t(1));
}

void TestOfflineStore::latestPerKey() {
    append(kView, rec(1, 100, 1, "1@100"));
    append(kView, rec(1, 250, 2, "1@250"));
    append(kView, rec(1, 300, 3, "1@300"));  // at the exclusive end
    append(kView, rec(2, 200, 4, "2@200"));
    append(kView, rec(2, 200, 6, "2@200 rewritten"));
    append(kView, rec(3, 99, 5, "3@99"));  // before the start
    append(kView, rec(4, 299, 7, "4@299"));
    append(kOtherView, rec(5, 150, 8, "other view"));
    std::vector<OfflineRecord> seen;
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    MERIDIAN_EXPECT_OK(table(**reader).latestPerKey(kView, 100, 300, nullptr,
                                                    [&](const storage::OfflineRecord& r) {
                                                        seen.push_back(fromStored(*m_db, r));
                                                        return true;
                                                    }));
    QCOMPARE(seen.size(), size_t(3));
    // In key order, which for INT64 keys is numeric order.
    QCOMPARE(seen[0].entityKey, keyOf(1));
    QCOMPARE(seen[0].vals, std::string("1@250"));
    QCOMPARE(seen[0].eventTs, int64_t(250));
    QCOMPARE(seen[0].writeHlc, uint64_t(2));
    QCOMPARE(seen[1].entityKey, keyOf(2));
    QCOMPARE(seen[1].vals, std::string("2@200 rewritten"));
    QCOMPARE(seen[2].entityKey, keyOf(4));
    QCOMPARE(seen[2].origin, std::string("aws-us-east-1"));
    // An empty range visits nothing.
    int visits = 0;
    MERIDIAN_EXPECT_OK(table(**reader).latestPerKey(kView, 1000, 2000, nullptr,
                                                    [&](const storage::OfflineRecord&) {
                                                        ++visits;
                                                        return true;
                                                    }));
    QCOMPARE(visits, 0);
}

void TestOfflineStore::latestPerKeyStops() {
    for (int id = 0; id < 10; ++id)
        append(kView, rec(id, 100 + id, 1, "v"));
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    int visits = 0;
    MERIDIAN_EXPECT_OK(table(**reader).latestPerKey(
        kView, 0, 1000, nullptr, [&](const storage::OfflineRecord&) { return ++visits < 4; }));
    QCOMPARE(visits, 4);
    // Paging on from a key visits the keys after it only.
    std::vector<std::string> after;
    const std::string third = keyOf(3);
    MERIDIAN_EXPECT_OK(
        table(**reader).latestPerKey(kView, 0, 1000, &third, [&](const storage::OfflineRecord& r) {
            after.push_back(r.entityKey);
            return true;
        }));
    QCOMPARE(after.size(), size_t(6));
    QCOMPARE(after.front(), keyOf(4));
}

void TestOfflineStore::countKeys() {
    append(kView, rec(1, 100, 1, "x"));
    append(kView, rec(1, 150, 2, "x"));
    append(kView, rec(2, 150, 3, "x"));
    append(kView, rec(3, 200, 4, "x"));
    append(kOtherView, rec(4, 150, 5, "x"));
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    auto offline = table(**reader);
    QCOMPARE(*offline.countKeys(kView, 0, 1000), int64_t(3));
    QCOMPARE(*offline.countKeys(kView, 100, 200), int64_t(2));  // end exclusive
    QCOMPARE(*offline.countKeys(kView, 150, 151), int64_t(2));
    QCOMPARE(*offline.countKeys(kView, 201, 1000), int64_t(0));
    QCOMPARE(*offline.countKeys(kOtherView, 0, 1000), int64_t(1));
    QCOMPARE(*offline.count(kView), int64_t(4));
}

void TestOfflineStore::sameRowStoredOnce() {
    append(kView, rec(1, 100, 1, "x"));
    auto added = appendRow(kView, rec(1, 100, 1, "x"));
    MERIDIAN_EXPECT_OK(added.status());
    QVERIFY(!*added);
    // Another write at the same event time is a different row.
    append(kView, rec(1, 100, 2, "y"));
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    QCOMPARE(*table(**reader).count(kView), int64_t(2));
}

void TestOfflineStore::partitionDigests() {
    // Each day's digest is the XOR of its rows' hashes, whatever their sign as 64-bit integers.
    std::map<int64_t, std::pair<int64_t, uint64_t>> expected;  // day -> rows, digest
    for (int i = 0; i < 60; ++i) {
        const auto r =
            rec(i % 7, storage::kMsPerDay * (i % 3) - 1000 + i, 100 + i, "v" + std::to_string(i));
        append(kView, r);
        auto& [rows, digest] = expected[storage::dayOf(r.eventTs)];
        ++rows;
        // The hash covers the row's meaning: origin by name, schema by digest, values' bytes.
        digest ^=
            storage::offlineRowHash(r.entityKey, r.eventTs, r.writeHlc, r.origin,
                                    textSchema().digest, storage::rowBody(encodeText(1, r.vals)));
    }
    append(kOtherView, rec(1, 5, 1, "other"));
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    auto partitions = table(**reader).partitions(kView);
    QVERIFY2(partitions.ok(), qPrintable(describe(partitions.status())));
    QCOMPARE(partitions->size(), expected.size());
    size_t i = 0;
    for (const auto& [day, want] : expected) {
        const auto& p = (*partitions)[i++];
        QCOMPARE(p.day, day);
        QCOMPARE(p.rows, want.first);
        QCOMPARE(p.digest, want.second);
    }
    // A duplicate delivery changes neither count nor digest.
    auto added = appendRow(kView, rec(0, storage::kMsPerDay * 0 - 1000 + 0, 100, "v0"));
    MERIDIAN_EXPECT_OK(added.status());
    QVERIFY(!*added);
    auto again = table(**reader).partitions(kView);
    QVERIFY(again.ok());
    QCOMPARE(again->front().digest, expected.begin()->second.second);
}

void TestOfflineStore::dayOf_data() {
    QTest::addColumn<qlonglong>("ms");
    QTest::addColumn<qlonglong>("day");
    const qlonglong d = storage::kMsPerDay;
    QTest::newRow("epoch") << 0LL << 0LL;
    QTest::newRow("end of day 0") << d - 1 << 0LL;
    QTest::newRow("start of day 1") << d << 1LL;
    QTest::newRow("2024-06-10") << 1718000000000LL << 19884LL;
    QTest::newRow("-1 ms") << -1LL << -1LL;
    QTest::newRow("start of day -1") << -d << -1LL;
    QTest::newRow("just before day -1") << -d - 1 << -2LL;
    QTest::newRow("middle of day -3") << -2 * d - d / 2 << -3LL;
}

void TestOfflineStore::dayOf() {
    QFETCH(qlonglong, ms);
    QFETCH(qlonglong, day);
    QCOMPARE(qlonglong(storage::dayOf(ms)), day);
    // The day holds the time: day * kMsPerDay <= ms < (day + 1) * kMsPerDay.
    QVERIFY(day * storage::kMsPerDay <= ms && ms < (day + 1) * storage::kMsPerDay);
}

void TestOfflineStore::appendStoresDay() {
    append(kView, rec(1, -1, 1, "x"));
    append(kView, rec(2, storage::kMsPerDay * 3 + 5, 1, "x"));
    auto reader = m_db->read();
    QVERIFY(reader.ok());
    auto& q = (*reader)->prepare("SELECT day FROM offline ORDER BY event_ts");
    QVERIFY(q.step());
    QCOMPARE(q.int64(0), int64_t(-1));
    QVERIFY(q.step());
    QCOMPARE(q.int64(0), int64_t(3));
    QVERIFY(!q.step());
    MERIDIAN_EXPECT_OK(q.status());
    q.reset();
}

QTEST_GUILESS_MAIN(TestOfflineStore)
#include "tst_offlinestore.moc"
