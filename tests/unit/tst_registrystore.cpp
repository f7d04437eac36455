// A region's registry (serving::RegistryStore): applying, versioning and deleting objects, the
// control region's monopoly on registry writes, and the changelog entries registry changes leave.

#include <QtTest>

#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestRegistryStore : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void registryApply();
    void registryWritesOutsideControlRegion();
    void registryChangesInChangelog();
};

void TestRegistryStore::registryApply() {
    // init() applied the repository; applying it again changes nothing.
    const uint64_t before = lastSeq();
    auto again = m_region->registry().apply(repository(), "bob");
    QVERIFY2(again.ok(), qPrintable(describe(again.status())));
    QCOMPARE(again->results_size(), repository().objects_size());
    for (const auto& r : again->results()) {
        QCOMPARE(r.action(), v1::ApplyResult::UNCHANGED);
        QCOMPARE(r.meta().version(), int64_t(1));
        QCOMPARE(r.meta().applied_by(), std::string("alice"));
    }
    QCOMPARE(lastSeq(), before);

    // An invalid object refuses the whole request: nothing stored, nothing logged.
    auto request = repository();
    request.mutable_objects(4)->mutable_feature_view()->set_ttl_seconds(7200);  // valid change
    *request.add_objects() = viewObject("shop", "broken", {"ghost"}, {{"f", v1::INT64}}, "");
    MERIDIAN_EXPECT_ERROR(m_region->registry().apply(request, "bob").status(),
                          absl::StatusCode::kInvalidArgument, "feature view shop/broken",
                          "unknown entity 'ghost'");
    QCOMPARE(lastSeq(), before);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(3600));

    // Dry run: planned, not stored.
    request = repository();
    request.mutable_objects(4)->mutable_feature_view()->set_ttl_seconds(7200);
    request.set_dry_run(true);
    auto dry = m_region->registry().apply(request, "bob");
    QVERIFY2(dry.ok(), qPrintable(describe(dry.status())));
    QCOMPARE(dry->results(4).action(), v1::ApplyResult::UPDATED);
    QCOMPARE(dry->results(4).meta().version(), int64_t(2));
    QCOMPARE(lastSeq(), before);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(3600));

    // For real: a new version, its history kept.
    request.set_dry_run(false);
    auto updated = m_region->registry().apply(request, "bob");
    QVERIFY2(updated.ok(), qPrintable(describe(updated.status())));
    QCOMPARE(updated->results(4).action(), v1::ApplyResult::UPDATED);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(7200));
    v1::ObjectRef ref;
    ref.set_kind(v1::FEATURE_VIEW);
    ref.set_project("shop");
    ref.set_name("user_stats");
    auto history = m_region->registry().history(ref);
    QVERIFY(history.ok());
    QCOMPARE(history->size(), size_t(2));
    QCOMPARE(history->at(0).feature_view().ttl_seconds(), int64_t(3600));
    QCOMPARE(m_region->registry().get(ref, 1)->feature_view().ttl_seconds(), int64_t(3600));
    MERIDIAN_EXPECT_ERROR(m_region->registry().get(ref, 9).status(), absl::StatusCode::kNotFound,
                          "feature view shop/user_stats has no version 9");

    // Delete and recreate: versions keep growing; the registry survives a reopen.
    v1::ObjectRef sessions = ref;
    sessions.set_name("sessions");
    auto removed = m_region->registry().remove(sessions, "bob");
    QVERIFY2(removed.ok(), qPrintable(describe(removed.status())));
    QCOMPARE(removed->version(), int64_t(2));
    QVERIFY(removed->deleted());
    MERIDIAN_EXPECT_ERROR(m_region->registry().remove(ref, "bob").status(),
                          absl::StatusCode::kFailedPrecondition, "feature service shop/scoring");
    m_region.reset();
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    QVERIFY(!m_region->registry().catalog()->featureView("shop", "sessions"));
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(7200));
    auto recreated = m_region->registry().apply(repository(), "carol");
    QVERIFY2(recreated.ok(), qPrintable(describe(recreated.status())));
    for (const auto& r : recreated->results()) {
        if (r.meta().name() == "sessions") {
            QCOMPARE(r.action(), v1::ApplyResult::CREATED);
            QCOMPARE(r.meta().version(), int64_t(3));
        }
        if (r.meta().name() == "user_stats")
            QCOMPARE(r.meta().version(), int64_t(3));  // back to 3600
    }
}

void TestRegistryStore::registryWritesOutsideControlRegion() {
    auto spoke = openRegion(kEu, m_dir->filePath("eu"), kHere);
    const auto st = spoke->registry().apply(repository(), "alice").status();
    MERIDIAN_EXPECT_ERROR(st, absl::StatusCode::kFailedPrecondition,
                          "control region 'aws-us-east-1'", "this is 'aws-eu-west-1'");
    v1::ObjectRef ref;
    ref.set_kind(v1::PROJECT);
    ref.set_name("shop");
    MERIDIAN_EXPECT_ERROR(spoke->registry().remove(ref, "alice").status(),
                          absl::StatusCode::kFailedPrecondition, "control region 'aws-us-east-1'");
    QCOMPARE(spoke->registry().catalog()->size(), size_t(0));
    auto reader = spoke->database().read();
    QVERIFY(reader.ok());
    QCOMPARE(*storage::ChangelogTable(**reader).lastSeq(), uint64_t(0));
    // Without a control region (federated) every region accepts changes.
    auto federated = openRegion(kEu, m_dir->filePath("federated"), "");
    MERIDIAN_EXPECT_OK(federated->registry().apply(repository(), "alice").status());
}

void TestRegistryStore::registryChangesInChangelog() {
    const auto changes = changesAfter(0);
    QCOMPARE(changes.size(), size_t(repository().objects_size()));
    uint64_t seq = 0, hlc = 0;
    for (const auto& c : changes) {
        QCOMPARE(c.kind(), v1::Change::REGISTRY_PUT);
        QCOMPARE(c.seq(), ++seq);
        QCOMPARE(c.origin(), std::string(kHere));
        QVERIFY(c.hlc() > hlc);  // every change has its own, growing clock value
        hlc = c.hlc();
        QCOMPARE(c.object().meta().hlc(), c.hlc());
        QCOMPARE(c.object().meta().version(), int64_t(1));
    }
    v1::ObjectRef ref;
    ref.set_kind(v1::FEATURE_VIEW);
    ref.set_project("shop");
    ref.set_name("sessions");
    QVERIFY(m_region->registry().remove(ref, "bob").ok());
    const auto tail = changesAfter(seq);
    QCOMPARE(tail.size(), size_t(1));
    QCOMPARE(tail[0].kind(), v1::Change::REGISTRY_DELETE);
    QCOMPARE(tail[0].object().feature_view().name(), std::string("sessions"));
    QVERIFY(tail[0].object().meta().deleted());
}

QTEST_GUILESS_MAIN(TestRegistryStore)
#include "tst_registrystore.moc"
