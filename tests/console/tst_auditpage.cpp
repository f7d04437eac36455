// The Audit page: every region's audit entries in one table, newest first, refusals marked;
// the principal, action, region and "refused only" filters narrow it and survive a refresh;
// the export writes exactly the rows shown as CSV, quoting what needs it; the model passes
// QAbstractItemModelTester; a failed request says so. The Erasures tab lists erasures with
// each region's part, offers "Erase an entity…" to admins only (the reason in the tooltip for
// others), and its dialog erases only what a preview showed, after a confirmation that names
// what goes where.

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

#include "audit/auditpage.h"
#include "audit/audittablemodel.h"
#include "audit/erasedialog.h"
#include "audit/erasuremodels.h"
#include "audit/erasurespanel.h"
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
    void erasuresShowEachRegionAndOnlyAdminsErase();
    void eraseDialogErasesWhatItsPreviewShowed();
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

void AuditPageTest::erasuresShowEachRegionAndOnlyAdminsErase() {
    auto* service = FakeRegionService::demo();
    AuditPage page(service);
    auto* panel = page.erasures();
    QAbstractItemModelTester tester(panel->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester regionTester(panel->regionModel(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1200, 700);
    page.show();
    page.tabs()->setCurrentIndex(1);
    QTRY_COMPARE(panel->model()->rowCount(), 2);
    const int running = panel->model()->rowOf(QStringLiteral("erase-e21f0a9c6d38"));
    QVERIFY(running >= 0);
    QCOMPARE(panel->model()->index(running, ErasureTableModel::State).data().toString(),
             QStringLiteral("3 of 4 regions erased"));
    QCOMPARE(panel->model()
                 ->index(panel->model()->rowOf(QStringLiteral("erase-5b0e7c1f9a24")),
                         ErasureTableModel::State)
                 .data()
                 .toString(),
             QStringLiteral("done in all 4 regions"));
    // The newest is selected: region by region, the one still pending says why.
    QTRY_COMPARE(panel->regionModel()->rowCount(), 4);
    const auto note = panel->regionModel()->index(3, RegionErasureModel::Note).data().toString();
    QVERIFY2(note.contains(QStringLiteral("connection refused")), qPrintable(note));
    QCOMPARE(panel->regionModel()->index(3, RegionErasureModel::State).data().toString(),
             QStringLiteral("retrying (4 attempts)"));
    QCOMPARE(panel->regionModel()->index(0, RegionErasureModel::Offline).data().toString(),
             QStringLiteral("60"));
    // Viewers and operators look; admins erase.
    page.setIdentity({"otto", "operator", true, "aws-us-east-1", ""});
    QVERIFY(!panel->eraseButton()->isEnabled());
    QVERIFY(panel->eraseButton()->toolTip().contains(QStringLiteral("needs an admin")));
    page.setIdentity({"alice", "admin", true, "aws-us-east-1", ""});
    QVERIFY(panel->eraseButton()->isEnabled());
    delete service;
}

void AuditPageTest::eraseDialogErasesWhatItsPreviewShowed() {
    auto* service = FakeRegionService::demo();
    ErasuresPanel panel(service);
    panel.show();
    panel.refresh();
    QTRY_COMPARE(panel.model()->rowCount(), 2);
    auto* dialog = panel.openEraseDialog();
    QAbstractItemModelTester tester(dialog->previewModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!dialog->eraseButton()->isEnabled());  // nothing previewed yet
    dialog->entityEdit()->setText(QStringLiteral("user_id=1042"));
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->previewModel()->rowCount(), 4);
    QVERIFY(dialog->eraseButton()->isEnabled());
    QVERIFY2(dialog->statusText().contains(QStringLiteral("1 region down")),
             qPrintable(dialog->statusText()));
    const QString confirm = dialog->confirmationText();
    QVERIFY2(
        confirm.contains(QStringLiteral("Erase user_id=1042 from 2 views in 4 regions")) &&
            confirm.contains(QStringLiteral("aws-us-east-1: 2 online rows, 60 offline rows")) &&
            confirm.contains(QStringLiteral("down now; erased when it is back")) &&
            confirm.contains(QStringLiteral("commerce/user_profile")) &&
            confirm.contains(QStringLiteral("cannot be undone")),
        qPrintable(confirm));
    // MERIDIAN_SCREENSHOT_DIR keeps a picture of the dialog with its preview, to look at.
    if (const QString keep = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR"); !keep.isEmpty()) {
        QDir().mkpath(keep);
        dialog->grab().save(QDir(keep).filePath(QStringLiteral("erase-dialog.png")));
    }
    // The entity changed after the preview: no erasure until it is previewed again.
    dialog->entityEdit()->setText(QStringLiteral("user_id=1043"));
    QVERIFY(!dialog->eraseButton()->isEnabled());
    dialog->entityEdit()->setText(QStringLiteral("user_id=1042"));
    QVERIFY(dialog->eraseButton()->isEnabled());
    QSignalSpy messages(&panel, &ErasuresPanel::message);
    dialog->setConfirmed(true);
    dialog->eraseButton()->click();
    QTRY_COMPARE(messages.count(), 1);
    QCOMPARE(service->erasedEntity, QStringLiteral("user_id=1042"));
    QVERIFY(service->erasedViews.isEmpty());
    // The new erasure is listed and shown region by region.
    QTRY_COMPARE(panel.model()->rowCount(), 3);
    QTRY_COMPARE(panel.regionModel()->rowCount(), 4);
    QCOMPARE(panel.regionModel()->index(0, RegionErasureModel::State).data().toString(),
             QStringLiteral("erased"));
    delete service;
}

QTEST_MAIN(AuditPageTest)
#include "tst_auditpage.moc"
