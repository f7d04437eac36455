// Materialization (serving::Materializer): offline to online over a time range, for one view or
// a whole project, its errors, its progress reports and cancellation between batches.

#include <QtTest>

#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestMaterializer : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void materializeRange();
    void materializeErrors();
    void materializeProgressAndCancel();
};

void TestMaterializer::materializeRange() {
    // History: user 1 twice in range, user 2 once, user 3 after the range.
    QVERIFY(write("user_stats",
                  {userRow(1, kT, 1, 1), userRow(1, kT + 100, 2, 2), userRow(2, kT + 50, 5, 5),
                   userRow(3, kT + 5000, 7, 7)},
                  v1::OFFLINE)
                .ok());
    // User 2 already has a newer value online.
    QVERIFY(write("user_stats", {userRow(2, kT + 900, 9, 9)}, v1::ONLINE).ok());
    const uint64_t before = lastSeq();
    std::vector<v1::MaterializeProgress> progress;
    v1::MaterializeRequest request;
    request.set_project("shop");
    request.set_feature_view("user_stats");
    request.set_start(kT);
    request.set_end(kT + 1000);
    auto st = m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    });
    MERIDIAN_EXPECT_OK(st);
    const auto r = m_region->online().read(
        onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2), entity(3)}), kT + 1000);
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(2));  // the latest in range
    QCOMPARE(r->rows(0).values(0).event_timestamp(), kT + 100);
    QCOMPARE(r->rows(1).values(0).value().int64_val(), int64_t(9));  // newer online value kept
    QCOMPARE(r->rows(2).values(0).status(), v1::NOT_FOUND);          // outside the range
    QVERIFY(!progress.empty());
    const auto& last = progress.back();
    QCOMPARE(last.feature_view(), std::string("user_stats"));
    QVERIFY(last.done());
    QCOMPARE(last.percent(), 100.0);
    QCOMPARE(last.rows_total(), int64_t(2));
    QCOMPARE(last.rows_scanned(), int64_t(2));
    QCOMPARE(last.rows_written(), int64_t(1));
    // One changelog entry per row that changed online, keeping the row's own version.
    const auto changes = changesAfter(before);
    QCOMPARE(changes.size(), size_t(1));
    QCOMPARE(changes[0].kind(), v1::Change::FEATURE_ROW);
    QCOMPARE(changes[0].target(), int32_t(v1::ONLINE));
    QCOMPARE(changes[0].event_timestamp(), kT + 100);
    QCOMPARE(changes[0].row_origin(), std::string(kHere));
    QVERIFY(changes[0].row_hlc() != 0 && changes[0].row_hlc() < changes[0].hlc());

    // Again: nothing left to move.
    progress.clear();
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    }));
    QCOMPARE(progress.back().rows_written(), int64_t(0));
    QCOMPARE(lastSeq(), before + 1);

    // Every view of the project: the range covering user 3 moves it.
    request.clear_feature_view();
    request.set_end(kT + 10000);
    QStringList views;
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        if (p.done())
            views << QString::fromStdString(p.feature_view());
        return true;
    }));
    QVERIFY(views.contains("user_stats"));
    QVERIFY(!views.contains("hub_scores"));  // not writable here
    QVERIFY(!views.contains("sessions"));    // no offline store
    const auto after =
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(3)}), kT + 5000);
    QCOMPARE(after->rows(0).values(0).value().int64_val(), int64_t(7));
}

void TestMaterializer::materializeErrors() {
    auto run = [&](const std::string& project, const std::string& view, int64_t start,
                   int64_t end) {
        v1::MaterializeRequest r;
        r.set_project(project);
        r.set_feature_view(view);
        r.set_start(start);
        r.set_end(end);
        return m_region->materializer().run(r, [](const v1::MaterializeProgress&) { return true; });
    };
    MERIDIAN_EXPECT_ERROR(run("shop", "user_stats", kT, kT), absl::StatusCode::kInvalidArgument,
                          "must be after start");
    MERIDIAN_EXPECT_ERROR(run("shop", "ghost", kT, kT + 1), absl::StatusCode::kNotFound,
                          "feature view 'ghost'");
    MERIDIAN_EXPECT_ERROR(run("ads", "", kT, kT + 1), absl::StatusCode::kNotFound,
                          "project 'ads' not found");
    MERIDIAN_EXPECT_ERROR(run("", "", kT, kT + 1), absl::StatusCode::kInvalidArgument,
                          "project is missing");
    MERIDIAN_EXPECT_ERROR(run("shop", "sessions", kT, kT + 1),
                          absl::StatusCode::kFailedPrecondition,
                          "feature view 'sessions' needs both an offline and an online store");
    MERIDIAN_EXPECT_ERROR(run("shop", "hub_scores", kT, kT + 1),
                          absl::StatusCode::kFailedPrecondition,
                          "write to its hub 'aws-eu-west-1'");
    // A view that never held data completes at once.
    MERIDIAN_EXPECT_OK(run("shop", "merchant_risk", kT, kT + 1));
}

void TestMaterializer::materializeProgressAndCancel() {
    constexpr int kKeys = 12'000;  // more than two batches
    std::vector<v1::FeatureRow> rows;
    rows.reserve(kKeys);
    for (int i = 0; i < kKeys; ++i)
        rows.push_back(userRow(i, kT + i, i, 0, ""));
    auto written = write("user_stats", rows, v1::OFFLINE);
    QVERIFY2(written.ok(), qPrintable(describe(written.status())));
    v1::MaterializeRequest request;
    request.set_project("shop");
    request.set_feature_view("user_stats");
    request.set_start(kT);
    request.set_end(kT + kKeys);

    // Cancelled after the first batch: that batch stays written, the rest is not.
    int calls = 0;
    v1::MaterializeProgress first;
    const auto cancelled =
        m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
            if (calls++ == 0)
                first = p;
            return false;
        });
    MERIDIAN_EXPECT_ERROR(cancelled, absl::StatusCode::kCancelled,
                          "materialization of 'user_stats' cancelled");
    QCOMPARE(calls, 1);
    QCOMPARE(first.rows_total(), int64_t(kKeys));
    QVERIFY(first.rows_scanned() > 0 && first.rows_scanned() < kKeys);
    QCOMPARE(first.rows_written(), first.rows_scanned());
    QVERIFY(!first.done());
    QCOMPARE(first.percent(), 100.0 * first.rows_scanned() / kKeys);
    QCOMPARE(onlineCount("user_stats"), first.rows_scanned());

    // Run to the end: progress only grows, and ends done at 100 %.
    std::vector<v1::MaterializeProgress> progress;
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    }));
    QVERIFY(progress.size() >= 3);
    for (size_t i = 1; i < progress.size(); ++i) {
        QVERIFY(progress[i].rows_scanned() >= progress[i - 1].rows_scanned());
        QVERIFY(progress[i].percent() >= progress[i - 1].percent());
        QCOMPARE(progress[i].rows_total(), int64_t(kKeys));
    }
    for (size_t i = 0; i + 1 < progress.size(); ++i)
        QVERIFY(!progress[i].done());
    QVERIFY(progress.back().done());
    QCOMPARE(progress.back().percent(), 100.0);
    QCOMPARE(progress.back().rows_scanned(), int64_t(kKeys));
    QCOMPARE(progress.back().rows_written(), int64_t(kKeys) - first.rows_scanned());
    QCOMPARE(onlineCount("user_stats"), int64_t(kKeys));
}

QTEST_GUILESS_MAIN(TestMaterializer)
#include "tst_materializer.moc"
