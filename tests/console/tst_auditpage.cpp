// The Audit page: every region's audit entries in one table, newest first, refusals marked;
// the principal, action, region and "refused only" filters narrow it and survive a refresh;
// the export writes exactly the rows shown as CSV, quoting what needs it; the model passes
// QAbstractItemModelTester; a failed request says so.

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QTableView>
#include <QtTest>

#include "audit/auditpage.h"
#include "audit/audittablemodel.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

class AuditPageTest : public QObject {
    Q_OBJECT

private slots:
    void listsEveryRegionsEntriesNewestFirst();
    void filtersNarrowAndSurviveRefresh();
    void exportWritesTheRowsShownAsCsv();
    void failureIsShown();
};

void AuditPageTest::listsEveryRegionsEntriesNewestFirst() {
    auto* service = FakeRegionService::demo();
    AuditPage page(service);
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1200, 700);
    page.show();
    page.activate();
    QTRY_VERIFY(page.hasData());
    QCOMPARE(page.model()->rowCount(), 5);
    QCOMPARE(page.proxy()->rowCount(), 5);
    // Newest first: the refusal of 30 s ago on top.
    const auto top = page.proxy()->index(0, AuditTableModel::Action);
    QCOMPARE(top.data().toString(), QStringLiteral("refused: Replication.TriggerSync"));
    QCOMPARE(page.proxy()->index(0, AuditTableModel::Principal).data().toString(),
             QStringLiteral("vera"));
    QVERIFY(top.data(AuditTableModel::kDeniedRole).toBool());
    // Every region that recorded something is a choice.
    QCOMPARE(page.regionBox()->count(), 4);  // All + three regions
    delete service;
}

void AuditPageTest::filtersNarrowAndSurviveRefresh() {
    auto* service = FakeRegionService::demo();
    AuditPage page(service);
    page.activate();
    QTRY_VERIFY(page.hasData());
    page.deniedBox()->setChecked(true);
    QCOMPARE(page.proxy()->rowCount(), 2);
    page.deniedBox()->setChecked(false);
    page.principalBox()->setCurrentIndex(page.principalBox()->findData(QStringLiteral("root")));
    QCOMPARE(page.proxy()->rowCount(), 2);
    page.regionBox()->setCurrentIndex(page.regionBox()->findData(QStringLiteral("aws-us-east-1")));
    QCOMPARE(page.proxy()->rowCount(), 2);
    page.actionBox()->setCurrentIndex(page.actionBox()->findData(QStringLiteral("token_create")));
    QCOMPARE(page.proxy()->rowCount(), 1);
    // A refresh with the same entries keeps the choices.
    const int before = service->requests;
    page.refresh();
    QTRY_VERIFY(service->requests > before);
    QTRY_COMPARE(page.principalBox()->currentData().toString(), QStringLiteral("root"));
    QCOMPARE(page.actionBox()->currentData().toString(), QStringLiteral("token_create"));
    QCOMPARE(page.proxy()->rowCount(), 1);
    delete service;
}

void AuditPageTest::exportWritesTheRowsShownAsCsv() {
    auto* service = FakeRegionService::demo();
    // A target with a comma and a quote in it.
    service->auditList.push_back({QDateTime::currentMSecsSinceEpoch() - 1000, "aws-eu-west-1",
                                  "root", "registry.apply", "view \"a, b\"", "version 2", "req-1",
                                  false});
    AuditPage page(service);
    page.activate();
    QTRY_VERIFY(page.hasData());
    page.principalBox()->setCurrentIndex(page.principalBox()->findData(QStringLiteral("root")));
    QCOMPARE(page.proxy()->rowCount(), 3);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.csv"));
    QString error;
    QVERIFY2(page.exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines =
        QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);  // header + the three rows shown
    QCOMPARE(lines[0],
             QStringLiteral("time_utc,region,principal,action,denied,target,result,request_id"));
    QVERIFY2(lines[1].contains(QStringLiteral(",\"view \"\"a, b\"\"\",version 2,req-1")),
             qPrintable(lines[1]));
    QVERIFY(lines[1].endsWith(QStringLiteral("req-1")));
    QVERIFY(lines[1].contains(QStringLiteral("Z,aws-eu-west-1,root,registry.apply,false,")));
    // A file that cannot be written is an error, not a silent success.
    QVERIFY(!page.exportCsv(dir.filePath(QStringLiteral("no/such/dir/audit.csv")), &error));
    QVERIFY(!error.isEmpty());
    delete service;
}

void AuditPageTest::failureIsShown() {
    auto* service = FakeRegionService::demo();
    service->failAll = true;
    AuditPage page(service);
    QSignalSpy messages(&page, &Page::message);
    page.activate();
    QTRY_COMPARE(messages.count(), 1);
    QVERIFY(messages.at(0).at(0).toString().contains(QStringLiteral("fake failure")));
    QVERIFY(!page.hasData());
    delete service;
}

QTEST_MAIN(AuditPageTest)
#include "tst_auditpage.moc"
