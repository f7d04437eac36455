// Erasure of an entity across four regions (the right to be forgotten), with one region hung
// and then killed while the erasure is under way, and an old write of the entity that never
// left it. Once that region is back, the erasure is confirmed everywhere; nothing of the entity
// is served, nothing is left in any region's files (the bytes of region.db and its WAL are
// searched after a clean stop), and neither the old write nor a client replaying one brings it
// back. meridianctl previews, refuses without confirmation, and lists the result.

#include <QtTest>

#include <csignal>

#include "meridian/v1/admin.grpc.pb.h"
#include "storage/entitykey.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr int64_t kUser = 1042;
constexpr const char* kMarker = "ERASE-ME-";
const std::vector<std::string> kRegions{"us1", "eu1", "eu2", "ap1"};

v1::EraseRequest eraseRequest() {
    v1::EraseRequest request;
    request.set_entity("user_id=" + std::to_string(kUser));
    return request;
}

std::optional<v1::RegionErasure> preview(TestClient& client) {
    v1::RegionErasure out;
    auto ctx = client.context();
    if (!client.admin().PreviewErasure(ctx.get(), eraseRequest(), &out).ok())
        return std::nullopt;
    return out;
}

std::optional<v1::ErasureJob> jobAt(TestClient& client, const std::string& id) {
    v1::ListErasuresRequest request;
    request.set_id(id);
    v1::ListErasuresResponse out;
    auto ctx = client.context();
    if (!client.admin().ListErasures(ctx.get(), request, &out).ok() || out.jobs().empty())
        return std::nullopt;
    return out.jobs(0);
}

const v1::RegionErasure* regionOf(const v1::ErasureJob& job, const std::string& region) {
    for (const auto& r : job.regions())
        if (r.region() == region)
            return &r;
    return nullptr;
}

bool erasedAt(TestClient& coordinator, const std::string& id, const std::string& region) {
    auto job = jobAt(coordinator, id);
    const auto* r = job ? regionOf(*job, region) : nullptr;
    return r && r->state() == v1::RegionErasure::ERASED;
}

int64_t heldRows(const v1::RegionErasure& preview) {
    int64_t n = 0;
    for (const auto& v : preview.views())
        n += v.online_rows() + v.offline_rows();
    return n;
}

const v1::ErasedView* viewOf(const v1::RegionErasure& r, const std::string& view) {
    for (const auto& v : r.views())
        if (v.feature_view() == view)
            return &v;
    return nullptr;
}

bool audited(TestClient& client, const std::string& action) {
    v1::ListAuditRequest request;
    request.set_action(action);
    v1::ListAuditResponse out;
    auto ctx = client.context();
    return client.admin().ListAudit(ctx.get(), request, &out).ok() && out.records_size() > 0;
}

}  // namespace

class ErasureTest : public QObject {
    Q_OBJECT

private slots:
    void anEntityIsErasedInEveryRegionEvenOneDownDuringTheJob();
};

void ErasureTest::anEntityIsErasedInEveryRegionEvenOneDownDuringTheJob() {
    auto regions = TestCluster::threeRegions();
    regions.push_back({"ap1", "aws", "ap-southeast-1", "sg"});
    TestCluster cluster(regions);
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const auto& r : kRegions)
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 20000);

    // The entity: three versions in aa_view written at us1 (replicated to eu1 and eu2), its
    // hs_view row, and a row of eu2's local view. Fifty other users stay.
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> versions, others;
    for (int v = 1; v <= 3; ++v)
        versions.push_back({kUser, now - 60000 + v * 1000, 1.0 * v,
                            kMarker + std::string("aa-v") + std::to_string(v)});
    for (int64_t id = 1; id <= 50; ++id)
        others.push_back({id, now - 30000, 1.0, "KEEP-" + std::to_string(id)});
    for (const auto& row : versions)
        QVERIFY(writeRep(cluster.client("us1"), "aa_view", {row}).ok());
    QVERIFY(writeRep(cluster.client("us1"), "aa_view", others).ok());
    QVERIFY(writeRep(cluster.client("us1"), "hs_view",
                     {{kUser, now - 50000, 7, kMarker + std::string("hs")}})
                .ok());
    QVERIFY(writeRep(cluster.client("eu2"), "local_view",
                     {{kUser, now - 40000, 8, kMarker + std::string("local")}})
                .ok());
    const std::string v3 = kMarker + std::string("aa-v3");
    for (const char* r : {"eu1", "eu2"}) {
        QTRY_VERIFY_WITH_TIMEOUT(
            readRep(cluster.client(r), "aa_view", {kUser}).value_or(RepValues{})[kUser].second ==
                v3,
            20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            readRep(cluster.client(r), "aa_view", idRange(1, 50)).value_or(RepValues{}).size(),
            size_t(50), 20000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("eu2"), "hs_view", {kUser}).value_or(RepValues{}).size(), size_t(1),
        20000);
    // One more version at eu2 that no other region sees: its links out are cut.
    for (const char* r : {"us1", "eu1", "ap1"})
        QVERIFY(setPartition(cluster.client(r), "eu2", true));
    QVERIFY(writeRep(cluster.client("eu2"), "aa_view",
                     {{kUser, now - 20000, 9, kMarker + std::string("unsent")}})
                .ok());

    // What each region holds, as the erasure's preview shows it.
    auto atUs1 = preview(cluster.client("us1"));
    QVERIFY(atUs1.has_value());
    QCOMPARE(atUs1->views_size(), 5);  // every view of the rep project is keyed by user_id
    QCOMPARE(viewOf(*atUs1, "aa_view")->online_rows(), int64_t{1});
    QCOMPARE(viewOf(*atUs1, "aa_view")->offline_rows(), int64_t{3});
    QCOMPARE(viewOf(*atUs1, "hs_view")->online_rows(), int64_t{1});
    QCOMPARE(heldRows(preview(cluster.client("ap1")).value()), int64_t{0});
    QCOMPARE(viewOf(*preview(cluster.client("eu2")), "aa_view")->offline_rows(), int64_t{4});

    // meridianctl: a malformed entity, a value of the wrong type and an unknown view are refused;
    // a dry run shows the preview; without --yes nothing is erased.
    QTemporaryDir work;
    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), work.path());
    // Every erase and erasures command asks the regions of the test deployment.
    auto run = [&](QStringList args) {
        args << QStringLiteral("--deployment") << cluster.deploymentPath();
        return ctl.run(args);
    };
    const auto malformed = run({"erase", "--entity", "user_id", "--dry-run"});
    CHECK_RUN(malformed, 1);  // refused by the regions, which read the entity
    QVERIFY2(malformed.err.contains("is not of the form key=value"), qPrintable(malformed.err));
    const auto mistyped = run({"erase", "--entity", "user_id=abc", "--dry-run"});
    CHECK_RUN(mistyped, 1);
    QVERIFY2(mistyped.err.contains("user_id"), qPrintable(mistyped.err));
    const auto unknown = run({"erase", "--entity", "user_id=1042", "--view", "rep/nope"});
    CHECK_RUN(unknown, 1);
    QVERIFY2(unknown.err.contains("'rep/nope' not found"), qPrintable(unknown.err));
    const auto dry = run({"erase", "--entity", "user_id=1042", "--dry-run"});
    CHECK_RUN(dry, 0);
    // ap1 holds nothing of it: one line says so.
    QVERIFY2(dry.out.contains("rep/aa_view") && dry.out.contains("(none of the 5 views)") &&
                 dry.out.contains("Nothing erased") && dry.out.contains("us1 would coordinate"),
             qPrintable(dry.out));
    const auto unconfirmed = run({"erase", "--entity", "user_id=1042"});
    CHECK_RUN(unconfirmed, 2);
    QVERIFY2(unconfirmed.err.contains("nothing erased"), qPrintable(unconfirmed.err));
    QCOMPARE(viewOf(*preview(cluster.client("us1")), "aa_view")->offline_rows(), int64_t{3});

    // eu2 hangs as the erasure starts (SIGSTOP), and is killed while it is under way.
    QVERIFY(::kill(static_cast<pid_t>(cluster.pid("eu2")), SIGSTOP) == 0);
    v1::ErasureJob job;
    {
        auto request = eraseRequest();
        request.set_confirm(true);
        auto ctx = cluster.client("us1").context();
        const auto st = cluster.client("us1").admin().Erase(ctx.get(), request, &job);
        QVERIFY2(st.ok(), st.error_message().c_str());
    }
    QCOMPARE(job.regions_size(), 4);
    QCOMPARE(job.coordinator(), std::string("us1"));
    QVERIFY2(job.entity().find("1042") == std::string::npos, job.entity().c_str());
    QCOMPARE(regionOf(job, "us1")->state(), v1::RegionErasure::ERASED);
    QCOMPARE(viewOf(*regionOf(job, "us1"), "aa_view")->offline_rows(), int64_t{3});
    QVERIFY(viewOf(*regionOf(job, "us1"), "aa_view")->log_entries() >= 3);
    QTRY_VERIFY_WITH_TIMEOUT(erasedAt(cluster.client("us1"), job.id(), "eu1"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(erasedAt(cluster.client("us1"), job.id(), "ap1"), 30000);
    QVERIFY(!erasedAt(cluster.client("us1"), job.id(), "eu2"));
    cluster.kill("eu2");
    QTRY_VERIFY_WITH_TIMEOUT(
        !regionOf(*jobAt(cluster.client("us1"), job.id()), "eu2")->last_error().empty(), 30000);
    QCOMPARE(jobAt(cluster.client("us1"), job.id())->state(), v1::ErasureJob::RUNNING);
    for (const char* r : {"us1", "eu1", "ap1"})
        QCOMPARE(heldRows(preview(cluster.client(r)).value()), int64_t{0});

    // eu2 is back, its links healed: the erasure reaches it and the job is done.
    QVERIFY(cluster.start("eu2"));
    for (const char* r : {"us1", "eu1", "ap1"})
        QVERIFY(setPartition(cluster.client(r), "eu2", false));
    QTRY_VERIFY_WITH_TIMEOUT(
        jobAt(cluster.client("us1"), job.id()).value_or(v1::ErasureJob{}).state() ==
            v1::ErasureJob::DONE,
        60000);
    const auto done = *jobAt(cluster.client("us1"), job.id());
    const auto* eu2 = regionOf(done, "eu2");
    QVERIFY(eu2->attempts() >= 2);
    QCOMPARE(viewOf(*eu2, "aa_view")->offline_rows(), int64_t{4});
    QCOMPARE(viewOf(*eu2, "local_view")->online_rows(), int64_t{1});

    // A client replaying an old write of the entity: not stored.
    QVERIFY(writeRep(cluster.client("us1"), "aa_view",
                     {{kUser, now - 10000, 10, kMarker + std::string("replayed")}})
                .ok());
    for (const auto& r : kRegions)
        QCOMPARE(heldRows(preview(cluster.client(r)).value()), int64_t{0});
    // Nothing of it is served where the views are served (ap1 holds none of them).
    const std::vector<std::pair<const char*, const char*>> served{
        {"us1", "aa_view"}, {"eu1", "aa_view"}, {"eu2", "aa_view"},   {"us1", "hs_view"},
        {"eu1", "hs_view"}, {"eu2", "hs_view"}, {"eu2", "local_view"}};
    for (const auto& [r, view] : served) {
        const auto read = readRep(cluster.client(r), view, {kUser});
        QVERIFY2(read.has_value(), r);
        QVERIFY2(read->empty(), (std::string(r) + " " + view).c_str());
    }
    for (const char* r : {"us1", "eu1", "eu2"})
        QCOMPARE(readRep(cluster.client(r), "aa_view", idRange(1, 50)).value_or(RepValues{}).size(),
                 size_t(50));
    QVERIFY(audited(cluster.client("us1"), "erase"));
    QVERIFY(audited(cluster.client("us1"), "erase_done"));
    QVERIFY(audited(cluster.client("eu2"), "erase_apply"));

    // meridianctl lists it, done in every region.
    const auto listed = run({"erasures"});
    CHECK_RUN(listed, 0);
    QVERIFY2(listed.out.contains(QString::fromStdString(job.id())) &&
                 listed.out.contains("done in all 4 regions"),
             qPrintable(listed.out));
    const auto detail = run({"erasures", QString::fromStdString(job.id())});
    CHECK_RUN(detail, 0);
    QVERIFY2(detail.out.contains("eu2") && detail.out.contains("erased"), qPrintable(detail.out));

    // Nothing of it in any region's files: not its values, not its key.
    const auto key = storage::encodeEntityKey({{"user_id", [] {
                                                    v1::Value v;
                                                    v.set_int64_val(kUser);
                                                    return v;
                                                }()}});
    QVERIFY(key.ok());
    for (const auto& r : kRegions) {
        QVERIFY(cluster.stop(r));
        QCOMPARE(filesContaining(cluster.dataDir(r), kMarker), 0);
        QCOMPARE(filesContaining(cluster.dataDir(r), QByteArray::fromStdString(*key)), 0);
    }
    QVERIFY(filesContaining(cluster.dataDir("us1"), "KEEP-") > 0);
}

QTEST_GUILESS_MAIN(ErasureTest)
#include "tst_erasure.moc"
