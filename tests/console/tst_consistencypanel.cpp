// The Replication page's Consistency tab: a check of every pair fills a row per pair and view,
// diverged rows first; the differing keys of the selected row show both regions' versions under
// their names and the copy kept; a pair that could not be compared says why; Repair starts a
// repair job in each region of the pair and is refused to viewers; a failed check says so. With
// MERIDIAN_SCREENSHOT_DIR set the tab is saved as consistency-tab.png.

#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

#include "bridge/deploymentmonitor.h"
#include "replication/consistencymodels.h"
#include "replication/consistencypanel.h"
#include "replication/replicationpage.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

class ConsistencyPanelTest : public QObject {
    Q_OBJECT

private slots:
    void aCheckListsEveryPairAndTheKeysThatDiffer();
    void repairStartsAJobInEachRegion();
    void viewersMayNotRepair();
    void aFailedCheckSaysSo();
    void theReplicationPageOffersTheTab();
};

void ConsistencyPanelTest::aCheckListsEveryPairAndTheKeysThatDiffer() {
    auto* service = FakeRegionService::demo();
    ConsistencyPanel panel(service);
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1280, 640);
    panel.show();
    panel.check();
    QVERIFY(!panel.checkButton()->isEnabled());
    QTRY_VERIFY(panel.hasResult());
    QVERIFY(panel.checkButton()->isEnabled());
    // Two views in each of two pairs, and the pair that could not be compared.
    QCOMPARE(panel.model()->rowCount(), 5);
    auto* proxy = qobject_cast<QSortFilterProxyModel*>(panel.view()->model());
    QCOMPARE(proxy->index(0, ConsistencyTableModel::Pair).data().toString(),
             QStringLiteral("aws-us-east-1 ↔ aws-eu-west-1"));
    QCOMPARE(proxy->index(0, ConsistencyTableModel::Result).data().toString(),
             QStringLiteral("1 key differs"));
    bool down = false;
    for (int r = 0; r < proxy->rowCount(); ++r)
        down =
            down || proxy->index(r, ConsistencyTableModel::Result)
                        .data()
                        .toString()
                        .startsWith(QStringLiteral("not compared: region 'azure-southeastasia'"));
    QVERIFY(down);
    // The first row is selected: its key, both versions under the regions' names.
    QCOMPARE(panel.differences()->rowCount(), 1);
    QCOMPARE(
        panel.differences()->headerData(DifferenceTableModel::First, Qt::Horizontal).toString(),
        QStringLiteral("aws-us-east-1"));
    QCOMPARE(
        panel.differences()->headerData(DifferenceTableModel::Second, Qt::Horizontal).toString(),
        QStringLiteral("aws-eu-west-1"));
    QCOMPARE(panel.differences()->index(0, DifferenceTableModel::Kept).data().toString(),
             QStringLiteral("aws-us-east-1"));
    QVERIFY(panel.summary()->text().contains(QStringLiteral("1 key differs in 1 pair")));
    QVERIFY(panel.repairButton()->isEnabled());
    // A consistent row offers no repair.
    for (int r = 0; r < proxy->rowCount(); ++r) {
        if (proxy->index(r, ConsistencyTableModel::Pair)
                .data()
                .toString()
                .contains(QStringLiteral("gcp-europe-west4"))) {
            panel.view()->selectRow(r);
            break;
        }
    }
    QCOMPARE(panel.differences()->rowCount(), 0);
    QVERIFY(!panel.repairButton()->isEnabled());

    if (const QString dir = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR"); !dir.isEmpty()) {
        panel.view()->selectRow(0);
        QDir().mkpath(dir);
        panel.grab().save(QDir(dir).filePath(QStringLiteral("consistency-tab.png")));
    }
    delete service;
}

void ConsistencyPanelTest::repairStartsAJobInEachRegion() {
    auto* service = FakeRegionService::demo();
    ConsistencyPanel panel(service);
    panel.check();
    QTRY_VERIFY(panel.hasResult());
    const int before = static_cast<int>(service->jobList.size());
    QSignalSpy messages(&panel, &ConsistencyPanel::message);
    panel.repairSelected(true);
    QCOMPARE(static_cast<int>(service->jobList.size()), before + 2);
    const auto& second = service->jobList[0];
    const auto& first = service->jobList[1];
    QCOMPARE(first.kind, console::SyncJobInfo::Kind::Repair);
    QCOMPARE(first.from, std::string("aws-eu-west-1"));
    QCOMPARE(first.to, std::string("aws-us-east-1"));
    QCOMPARE(second.from, std::string("aws-us-east-1"));
    QCOMPARE(second.to, std::string("aws-eu-west-1"));
    QCOMPARE(messages.size(), 1);
    delete service;
}

void ConsistencyPanelTest::viewersMayNotRepair() {
    auto* service = FakeRegionService::demo();
    ConsistencyPanel panel(service);
    panel.setMayRepair(false, QStringLiteral("vera is a viewer"));
    panel.check();
    QTRY_VERIFY(panel.hasResult());
    QVERIFY(!panel.repairButton()->isEnabled());
    QCOMPARE(panel.repairButton()->toolTip(), QStringLiteral("vera is a viewer"));
    const int before = static_cast<int>(service->jobList.size());
    panel.repairSelected(true);
    QCOMPARE(static_cast<int>(service->jobList.size()), before);
    delete service;
}

void ConsistencyPanelTest::aFailedCheckSaysSo() {
    auto* service = FakeRegionService::demo();
    service->failAll = true;
    ConsistencyPanel panel(service);
    panel.check();
    QTRY_VERIFY(panel.summary()->text().contains(QStringLiteral("The check failed: fake failure")));
    QVERIFY(panel.checkButton()->isEnabled());
    QVERIFY(!panel.hasResult());
    delete service;
}

void ConsistencyPanelTest::theReplicationPageOffersTheTab() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    ReplicationPage page(service, &monitor);
    QCOMPARE(page.views(), (QStringList{QStringLiteral("consistency"), QStringLiteral("hubs")}));
    QVERIFY(!page.viewReady(QStringLiteral("consistency")));
    page.showView(QStringLiteral("consistency"));
    QTRY_VERIFY(page.viewReady(QStringLiteral("consistency")));
    QCOMPARE(page.consistency()->model()->rowCount(), 5);
    page.showView({});
    delete service;
}

QTEST_MAIN(ConsistencyPanelTest)
#include "tst_consistencypanel.moc"
