// Opening a region (serving::Region::open): its options are checked, and its clock restarts
// above every value the log recorded, so a write after a reopen orders after those before.

#include <QtTest>

#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestRegion : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void openValidatesOptions();
    void clockRestoredAfterReopen();
};

void TestRegion::openValidatesOptions() {
    serving::RegionOptions bad;
    bad.name = "not a name";
    bad.dataDir = m_dir->filePath("x").toStdString();
    MERIDIAN_EXPECT_ERROR(serving::Region::open(bad).status(), absl::StatusCode::kInvalidArgument,
                          "region name 'not a name'");
    serving::RegionOptions noDir;
    noDir.name = "r1";
    MERIDIAN_EXPECT_ERROR(serving::Region::open(noDir).status(), absl::StatusCode::kInvalidArgument,
                          "data directory is missing");
    // A region missing from the deployment's list is added to the region's own set.
    auto lone = openRegion("lab-1", m_dir->filePath("lab"), "");
    QVERIFY(lone->registry().regions().contains("lab-1"));
    QCOMPARE(lone->registry().regions().names().size(), size_t(5));
    QVERIFY(QFile::exists(m_dir->filePath("lab/region.db")));
}

void TestRegion::clockRestoredAfterReopen() {
    // A peer's clock far ahead pulls this one forward; the write is logged with that clock.
    const uint64_t ahead = replication::HybridClock::make(kT * 2, 7);
    m_region->clock().observe(ahead);
    auto written = write("user_stats", {userRow(1, kT, 1, 1)});
    QVERIFY(written.ok());
    QVERIFY(written->version() > ahead);
    m_region.reset();
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    QVERIFY(m_region->clock().current() >= written->version());
    auto next = write("user_stats", {userRow(2, kT, 2, 2)});
    QVERIFY(next.ok());
    QVERIFY(next->version() > written->version());
    // And the data is still there.
    const auto r =
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2)}), kT);
    QVERIFY(r.ok());
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(1));
    QCOMPARE(r->rows(1).values(0).value().int64_val(), int64_t(2));
}

QTEST_GUILESS_MAIN(TestRegion)
#include "tst_region.moc"
