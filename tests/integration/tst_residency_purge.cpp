// Data a region may no longer hold: aa_view is replicated to us1, then its residency becomes
// the EU. The region's rows stay (nothing is deleted behind an operator's back), the audit
// reports them and raises residency_violation, a purge without confirmation or of a view still
// allowed changes nothing, and a confirmed purge deletes them from us1's files — checked in the
// bytes of its files after a clean stop — while the EU regions keep theirs.

#include <QtTest>

#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr const char* kMarker = "NOW-EU-ONLY-";

// tests/data/replicationrepo.yaml with aa_view held in the EU only, written to `dir`.
QString euOnlyRepository(const QTemporaryDir& dir) {
    QFile in(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml");
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(in.readAll());
    const QString before = QStringLiteral(
        "    replication: {mode: ACTIVE_ACTIVE, regions: [us1, eu1, eu2]}\n  - name: eu_view");
    const QString after = QStringLiteral(
        "    replication: {mode: ACTIVE_ACTIVE, regions: [eu1, eu2]}\n"
        "    residency: {jurisdiction: eu}\n  - name: eu_view");
    if (!text.contains(before))
        return {};
    text.replace(before, after);
    text.replace(QStringLiteral("  - name: aa_view\n    entities: [user]\n    owner_region: us1"),
                 QStringLiteral("  - name: aa_view\n    entities: [user]\n    owner_region: eu1"));
    const QString path = dir.filePath("eu-only.yaml");
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(text.toUtf8());
    return path;
}

std::optional<v1::ResidencyResponse> checkResidency(TestClient& client) {
    v1::ResidencyRequest request;
    request.set_count_changelog(true);
    v1::ResidencyResponse response;
    auto ctx = client.context();
    if (!client.admin().CheckResidency(ctx.get(), request, &response).ok())
        return std::nullopt;
    return response;
}

bool alertActive(TestClient& client, const std::string& kind, const std::string& subject) {
    v1::ListAlertsRequest request;
    v1::ListAlertsResponse response;
    auto ctx = client.context();
    if (!client.replication().ListAlerts(ctx.get(), request, &response).ok())
        return false;
    for (const auto& a : response.alerts())
        if (a.kind() == kind && a.subject() == subject && a.cleared_at() == 0)
            return true;
    return false;
}

}  // namespace

class ResidencyPurgeTest : public QObject {
    Q_OBJECT

private slots:
    void rowsAViewMayNoLongerHoldAreReportedThenPurged();
};

void ResidencyPurgeTest::rowsAViewMayNoLongerHoldAreReportedThenPurged() {
    TestCluster cluster(TestCluster::threeRegions());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> rows, shared;
    for (int64_t id = 1; id <= 300; ++id) {
        rows.push_back({id, now - id * 1000, 1.0 * id, kMarker + std::to_string(id)});
        shared.push_back({id, now - id * 1000, 2.0 * id, "STAYS-" + std::to_string(id)});
    }
    QVERIFY(writeRep(cluster.client("eu1"), "aa_view", rows).ok());
    QVERIFY(writeRep(cluster.client("us1"), "hs_view", shared).ok());
    const auto ids = idRange(1, 300);
    QTRY_COMPARE_WITH_TIMEOUT(
        readRep(cluster.client("us1"), "aa_view", ids).value_or(RepValues{}).size(), size_t(300),
        20000);
    // Allowed everywhere so far: nothing to report.
    auto before = checkResidency(cluster.client("us1"));
    QVERIFY(before.has_value());
    QCOMPARE(before->findings_size(), 0);

    // The view's residency becomes the EU.
    QTemporaryDir dir;
    const QString euOnly = euOnlyRepository(dir);
    QVERIFY2(!euOnly.isEmpty(), "could not derive the EU-only repository");
    QVERIFY(cluster.apply(euOnly));
    QTRY_VERIFY_WITH_TIMEOUT(
        checkResidency(cluster.client("us1")).value_or(v1::ResidencyResponse{}).findings_size() ==
            1,
        20000);
    auto found = checkResidency(cluster.client("us1"));
    QVERIFY(found.has_value());
    QCOMPARE(found->region(), std::string("us1"));
    const auto& f = found->findings(0);
    QCOMPARE(f.feature_view(), std::string("aa_view"));
    QCOMPARE(f.residency(), std::string("jurisdiction eu"));
    QCOMPARE(f.online_rows(), int64_t{300});
    QCOMPARE(f.offline_rows(), int64_t{300});
    QVERIFY2(f.changelog_entries() >= 0, "the log was asked to be counted");
    QTRY_VERIFY_WITH_TIMEOUT(
        alertActive(cluster.client("us1"), "residency_violation", "rep/aa_view"), 20000);
    // The EU regions hold it lawfully: nothing to report there.
    QCOMPARE(
        checkResidency(cluster.client("eu2")).value_or(v1::ResidencyResponse{}).findings_size(), 0);

    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), dir.path());
    ctl.setLeadingArguments(
        {QStringLiteral("--endpoint"), QString::fromStdString(cluster.endpoint("us1"))});
    const auto report = ctl.run(QStringList{QStringLiteral("residency")});
    CHECK_RUN(report, 0);
    QVERIFY2(report.out.contains(QStringLiteral("rep/aa_view")) &&
                 report.out.contains(QStringLiteral("jurisdiction eu")) &&
                 report.out.contains(QStringLiteral("residency purge")),
             qPrintable(report.out));

    // Without --confirm, or for a view residency still allows here: nothing is deleted.
    const auto unconfirmed = ctl.run({QStringLiteral("residency"), QStringLiteral("purge")});
    CHECK_RUN(unconfirmed, 2);  // a usage error: the flag is missing
    QVERIFY2(unconfirmed.err.contains(QStringLiteral("nothing deleted")),
             qPrintable(unconfirmed.err));
    const auto allowed =
        ctl.run({QStringLiteral("residency"), QStringLiteral("purge"), QStringLiteral("--view"),
                 QStringLiteral("rep/hs_view"), QStringLiteral("--confirm")});
    CHECK_RUN(allowed, 1);
    QVERIFY2(allowed.err.contains(QStringLiteral("allows region 'us1'")), qPrintable(allowed.err));
    const auto unknown =
        ctl.run({QStringLiteral("residency"), QStringLiteral("purge"), QStringLiteral("--view"),
                 QStringLiteral("rep/nope"), QStringLiteral("--confirm")});
    CHECK_RUN(unknown, 1);
    QVERIFY2(unknown.err.contains(QStringLiteral("'rep/nope' not found")), qPrintable(unknown.err));
    QCOMPARE(
        checkResidency(cluster.client("us1")).value_or(v1::ResidencyResponse{}).findings_size(), 1);

    // Confirmed: gone from us1, its alert cleared; eu1 and eu2 keep theirs, us1 its other views.
    const auto purge = ctl.run(
        {QStringLiteral("residency"), QStringLiteral("purge"), QStringLiteral("--confirm")});
    CHECK_RUN(purge, 0);
    QVERIFY2(purge.out.contains(QStringLiteral("rep/aa_view")) &&
                 purge.out.contains(QStringLiteral("300")),
             qPrintable(purge.out));
    QCOMPARE(
        checkResidency(cluster.client("us1")).value_or(v1::ResidencyResponse{}).findings_size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        !alertActive(cluster.client("us1"), "residency_violation", "rep/aa_view"), 20000);
    QCOMPARE(readRep(cluster.client("us1"), "hs_view", ids).value_or(RepValues{}).size(),
             size_t(300));
    QCOMPARE(readRep(cluster.client("eu2"), "aa_view", ids).value_or(RepValues{}).size(),
             size_t(300));

    // Not one byte of it in us1's files, database and WAL included, after a clean stop.
    QVERIFY(cluster.stop("us1"));
    QCOMPARE(filesContaining(cluster.dataDir("us1"), kMarker), 0);
    QVERIFY(filesContaining(cluster.dataDir("us1"), "STAYS-") > 0);
    QVERIFY(cluster.stop("eu1"));
    QVERIFY(filesContaining(cluster.dataDir("eu1"), kMarker) > 0);
}

QTEST_GUILESS_MAIN(ResidencyPurgeTest)
#include "tst_residency_purge.moc"
