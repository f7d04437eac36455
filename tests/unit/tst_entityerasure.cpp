// Erasure of an entity in one region (core/erasure, storage/erasedkeys): how an order is planned
// from what a user types, and refused when it is wrong; what an erasure deletes (online rows,
// offline history with the partitions' counts and digests kept right, log entries) and leaves
// (other entities); that repeating it changes nothing; that rows written before it never come
// back — by a write, a replicated change, or after a restart — while newer ones are stored;
// and that neither its values nor its key are left in the files.

#include <QDirIterator>
#include <QtTest>

#include "erasure/entityerasure.h"
#include "storage/entitykey.h"
#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr const char* kMarker = "ERASEME-";

v1::EraseRequest request(const std::string& entity, std::vector<std::string> views = {}) {
    v1::EraseRequest r;
    r.set_entity(entity);
    for (auto& v : views)
        r.add_views(std::move(v));
    return r;
}

const v1::ErasedView* viewOf(const v1::RegionErasure& r, const std::string& view) {
    for (const auto& v : r.views())
        if (v.feature_view() == view)
            return &v;
    return nullptr;
}

int filesContaining(const QString& dir, const QByteArray& needle) {
    int n = 0;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            ++n;
    }
    return n;
}

std::string keyOf(int64_t user) {
    auto key = storage::encodeEntityKey({{"user_id", i64(user)}});
    return key.ok() ? *key : std::string();
}

}  // namespace

class TestEntityErasure : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void planRefusesWhatIsWrong();
    void planNamesTheViewsAndHidesTheValues();
    void erasesTheEntityAndNothingElse();
    void olderRowsNeverComeBack();
    void nothingIsLeftInTheFiles();

private:
    v1::ErasureOrder order(const std::string& entity, int64_t requestedAt) {
        auto planned = erasure::planErasure(*m_region->registry().catalog(), request(entity));
        if (!planned.ok())
            qFatal("plan: %s", planned.status().ToString().c_str());
        planned->set_id("erase-test" + std::to_string(++m_orders));
        planned->set_hlc(m_region->clock().tick());
        planned->set_requested_at(requestedAt);
        planned->set_requested_by("alice");
        planned->set_coordinator(kHere);
        return *planned;
    }
    int m_orders = 0;
};

void TestEntityErasure::planRefusesWhatIsWrong() {
    const auto& catalog = *m_region->registry().catalog();
    auto refused = [&](const v1::EraseRequest& r, absl::StatusCode code, const char* says) {
        auto planned = erasure::planErasure(catalog, r);
        QVERIFY(!planned.ok());
        QCOMPARE(planned.status().code(), code);
        QVERIFY2(planned.status().message().find(says) != std::string::npos,
                 std::string(planned.status().message()).c_str());
    };
    refused(request(""), absl::StatusCode::kInvalidArgument, "no entity to erase");
    refused(request("user_id"), absl::StatusCode::kInvalidArgument, "is not of the form key=value");
    refused(request("user_id=1,user_id=2"), absl::StatusCode::kInvalidArgument, "given twice");
    refused(request("user_id=abc"), absl::StatusCode::kInvalidArgument, "user_id");
    refused(request("customer=1"), absl::StatusCode::kNotFound,
            "no feature view is keyed by exactly (customer)");
    refused(request("user_id=1", {"shop/nope"}), absl::StatusCode::kNotFound,
            "'shop/nope' not found");
    refused(request("user_id=1", {"shop/merchant_risk"}), absl::StatusCode::kInvalidArgument,
            "shop/merchant_risk is keyed by (merchant_id)");
}

void TestEntityErasure::planNamesTheViewsAndHidesTheValues() {
    const auto& catalog = *m_region->registry().catalog();
    auto planned = erasure::planErasure(catalog, request("user_id=4217"));
    QVERIFY(planned.ok());
    QStringList views;
    for (const auto& v : planned->views()) {
        views << QString::fromStdString(v.feature_view());
        QCOMPARE(v.entity_key(), keyOf(4217));
    }
    views.sort();
    QCOMPARE(views, QStringList({"eu_profile", "hub_scores", "sessions", "user_stats"}));
    QVERIFY2(planned->entity().rfind("user_id (sha256 ", 0) == 0, planned->entity().c_str());
    QVERIFY(planned->entity().find("4217") == std::string::npos);
    auto one = erasure::planErasure(catalog, request("user_id=4217", {"shop/user_stats"}));
    QVERIFY(one.ok());
    QCOMPARE(one->views_size(), 1);
}

void TestEntityErasure::erasesTheEntityAndNothingElse() {
    for (int v = 1; v <= 3; ++v)
        QVERIFY(write("user_stats", {userRow(7, kT + v * 1000, v, 1.5 * v)}).ok());
    QVERIFY(write("user_stats", {userRow(8, kT, 1, 1), userRow(9, kT, 1, 1)}).ok());
    v1::FeatureRow s;
    (*s.mutable_keys())["user_id"] = i64(7);
    s.set_event_timestamp(kT);
    (*s.mutable_values())["open"] = i64(1);
    QVERIFY(write("sessions", {s}).ok());
    QCOMPARE(onlineCount("user_stats"), int64_t(3));
    QCOMPARE(offlineCount("user_stats"), int64_t(5));

    auto preview = erasure::previewErasure(m_region->database(), order("user_id=7", kT), kHere);
    QVERIFY(preview.ok());
    QCOMPARE(viewOf(*preview, "user_stats")->online_rows(), int64_t(1));
    QCOMPARE(viewOf(*preview, "user_stats")->offline_rows(), int64_t(3));
    QCOMPARE(viewOf(*preview, "user_stats")->log_entries(), int64_t(-1));
    QCOMPARE(onlineCount("user_stats"), int64_t(3));  // a preview changes nothing

    const auto o = order("user_id=7", kT + kHour);
    auto erased = erasure::applyErasure(m_region->database(), o, kHere);
    QVERIFY2(erased.ok(), erased.status().ToString().c_str());
    QCOMPARE(erased->state(), v1::RegionErasure::ERASED);
    QCOMPARE(viewOf(*erased, "user_stats")->online_rows(), int64_t(1));
    QCOMPARE(viewOf(*erased, "user_stats")->offline_rows(), int64_t(3));
    QCOMPARE(viewOf(*erased, "user_stats")->log_entries(), int64_t(3));
    QCOMPARE(viewOf(*erased, "sessions")->online_rows(), int64_t(1));
    QCOMPARE(viewOf(*erased, "sessions")->log_entries(), int64_t(1));
    QVERIFY(erased->wal_truncated());
    QCOMPARE(onlineCount("user_stats"), int64_t(2));
    QCOMPARE(offlineCount("user_stats"), int64_t(2));
    QCOMPARE(onlineCount("sessions"), int64_t(0));
    // The other users' rows and log entries stay, and the partition counters agree with them.
    for (const auto& c : changesAfter(0))
        QVERIFY(c.kind() != v1::Change::FEATURE_ROW || c.entity_key() != keyOf(7));
    {
        auto reader = readerOf(*m_region);
        const int64_t id = viewIdOf(*m_region, *reader, "user_stats");
        auto parts = storage::OfflineTable(*reader, m_region->database().dictionaries().regions,
                                           m_region->database().dictionaries().schemas)
                         .partitions(id);
        QVERIFY(parts.ok());
        int64_t rows = 0;
        for (const auto& p : *parts)
            rows += p.rows;
        QCOMPARE(rows, int64_t(2));
    }
    // Repeated (a coordinator that did not hear the answer): the first result, nothing more.
    auto again = erasure::applyErasure(m_region->database(), o, kHere);
    QVERIFY(again.ok());
    QCOMPARE(again->erased_at(), erased->erased_at());
    auto applied = erasure::appliedErasures(m_region->database(), {}, 10);
    QVERIFY(applied.ok());
    QCOMPARE(applied->size(), size_t(1));
    QCOMPARE(applied->front().entity(), o.entity());
}

void TestEntityErasure::olderRowsNeverComeBack() {
    QVERIFY(write("user_stats", {userRow(7, kT, 1, 1)}).ok());
    const auto o = order("user_id=7", kT + kHour);
    QVERIFY(erasure::applyErasure(m_region->database(), o, kHere).ok());

    // A write of a row from before the erasure (a replay, a late load): not stored.
    auto replay = write("user_stats", {userRow(7, kT + 1000, 2, 2), userRow(8, kT, 1, 1)});
    QVERIFY(replay.ok());
    QCOMPARE(replay->rows_erased(), int64_t(1));
    QCOMPARE(onlineCount("user_stats"), int64_t(1));  // user 8 only
    // A row of what happened after it is the entity's new data: stored.
    auto later = write("user_stats", {userRow(7, kT + 2 * kHour, 3, 3)});
    QVERIFY(later.ok());
    QCOMPARE(later->rows_erased(), int64_t(0));
    QCOMPARE(onlineCount("user_stats"), int64_t(2));

    // What replication, snapshots and batch copies ask: rows before the erasure's clock or
    // time are blocked, whoever wrote them; the rule survives a restart.
    auto blocked = [&](int64_t eventTs, uint64_t hlc) {
        auto reader = readerOf(*m_region);
        const int64_t id = viewIdOf(*m_region, *reader, "user_stats");
        return m_region->database().dictionaries().erased.blocks(id, keyOf(7), eventTs, hlc);
    };
    QVERIFY(blocked(kT + kHour, o.hlc() + 1'000'000));  // event time at the erasure
    QVERIFY(blocked(kT + 3 * kHour, o.hlc()));          // clock at the erasure
    QVERIFY(!blocked(kT + 3 * kHour, o.hlc() + 1));
    m_region.reset();
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    QVERIFY(blocked(kT, o.hlc() - 1));
    QVERIFY(!blocked(kT + 3 * kHour, o.hlc() + 1));
}

void TestEntityErasure::nothingIsLeftInTheFiles() {
    // Many versions of the entity, updated in place online, and other users' rows beside.
    for (int v = 1; v <= 50; ++v)
        QVERIFY(write("user_stats", {userRow(7, kT + v * 1000, v, v, kMarker + std::to_string(v)),
                                     userRow(100 + v, kT, 1, 1, "KEEP")})
                    .ok());
    QVERIFY(
        erasure::applyErasure(m_region->database(), order("user_id=7", kT + kHour), kHere).ok());
    m_region.reset();  // a clean close
    const QString dir = m_dir->filePath("us");
    QCOMPARE(filesContaining(dir, kMarker), 0);
    QCOMPARE(filesContaining(dir, QByteArray::fromStdString(keyOf(7))), 0);
    QVERIFY(filesContaining(dir, "KEEP") > 0);
}

QTEST_GUILESS_MAIN(TestEntityErasure)
#include "tst_entityerasure.moc"
