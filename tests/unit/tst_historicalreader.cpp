// Historical reads (serving::HistoricalReader): point-in-time correct values (the latest event at
// or before the row's time and within the ttl, ties broken by write time) and request errors.

#include <QtTest>

#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestHistoricalReader : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void historicalPointInTime();
    void historicalErrors();
};

void TestHistoricalReader::historicalPointInTime() {
    QVERIFY(write("user_stats", {userRow(1, kT, 1, 1)}, v1::OFFLINE).ok());
    QVERIFY(write("user_stats", {userRow(1, kT + 1000, 2, 2)}, v1::OFFLINE).ok());
    QVERIFY(write("user_stats", {userRow(1, kT + 1000, 3, 3)}, v1::OFFLINE)
                .ok());  // same time, later write
    QVERIFY(write("user_stats", {userRow(2, kT + 500, 20, 20)}, v1::OFFLINE).ok());
    QVERIFY(write("merchant_risk", {merchantRow("m1", kT, 0.5, true)}).ok());
    const std::vector<std::pair<int64_t, int64_t>> asked{
        {1, kT - 1},                 // before the first event
        {1, kT},                     // exactly at it
        {1, kT + 999},               // between events
        {1, kT + 1000},              // tie on event time: the later write
        {1, kT + 1000 + kHour},      // at the edge of the ttl
        {1, kT + 1000 + kHour + 1},  // past it
        {2, kT + 400},               // before user 2's only event
        {2, kT + 600},
        {3, kT + 600},  // never written
    };
    std::vector<v1::EntityRow> rows;
    for (const auto& [user, at] : asked)
        rows.push_back(entity(user, "m1", at));
    const auto r = m_region->historical().read(
        historicalRefs({"user_stats:txn_count", "merchant_risk:flagged"}, rows));
    QVERIFY2(r.ok(), qPrintable(describe(r.status())));
    QCOMPARE(namesOf(r->feature_names()),
             QStringList({"user_stats:txn_count", "merchant_risk:flagged"}));
    QCOMPARE(r->rows_size(), int(asked.size()));
    struct Expect {
        v1::FieldStatus status;
        int64_t value;
        int64_t eventTs;
    };
    const std::vector<Expect> expected{
        {v1::NOT_FOUND, 0, 0},       {v1::PRESENT, 1, kT},
        {v1::PRESENT, 1, kT},        {v1::PRESENT, 3, kT + 1000},
        {v1::PRESENT, 3, kT + 1000}, {v1::OUTSIDE_MAX_AGE, 0, kT + 1000},
        {v1::NOT_FOUND, 0, 0},       {v1::PRESENT, 20, kT + 500},
        {v1::NOT_FOUND, 0, 0},
    };
    for (size_t i = 0; i < expected.size(); ++i) {
        const auto& row = r->rows(int(i));
        const auto& v = row.values(0);
        QVERIFY2(v.status() == expected[i].status,
                 qPrintable(QStringLiteral("row %1: status %2").arg(i).arg(v.status())));
        QCOMPARE(v.event_timestamp(), expected[i].eventTs);
        if (v.status() == v1::PRESENT)
            QCOMPARE(v.value().int64_val(), expected[i].value);
        // Rows echo their keys and time.
        QCOMPARE(row.event_timestamp(), asked[i].second);
        QCOMPARE(row.keys().at("user_id").int64_val(), asked[i].first);
        // merchant_risk has no ttl: present from its event on.
        QCOMPARE(row.values(1).status(), asked[i].second >= kT ? v1::PRESENT : v1::NOT_FOUND);
    }
}

void TestHistoricalReader::historicalErrors() {
    MERIDIAN_EXPECT_ERROR(
        m_region->historical()
            .read(historicalRefs({"user_stats:txn_count"}, {entity(1, {}, kT), entity(1)}))
            .status(),
        absl::StatusCode::kInvalidArgument, "entity row 2: event_timestamp is missing");
    MERIDIAN_EXPECT_ERROR(m_region->historical()
                              .read(historicalRefs({"sessions:open"}, {entity(1, {}, kT)}))
                              .status(),
                          absl::StatusCode::kFailedPrecondition,
                          "feature view 'sessions' keeps no offline history");
    MERIDIAN_EXPECT_ERROR(m_region->historical()
                              .read(historicalRefs({"user_stats:ghost"}, {entity(1, {}, kT)}))
                              .status(),
                          absl::StatusCode::kNotFound,
                          "feature view 'user_stats' has no feature 'ghost'");
    MERIDIAN_EXPECT_ERROR(
        m_region->historical()
            .read(historicalRefs({"user_stats:txn_count"}, {entity({}, "m1", kT)}))
            .status(),
        absl::StatusCode::kInvalidArgument, "entity row 1: missing join key 'user_id'");
}

QTEST_GUILESS_MAIN(TestHistoricalReader)
#include "tst_historicalreader.moc"
