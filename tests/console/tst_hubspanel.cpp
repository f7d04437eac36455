// The Replication page's Hubs tab: a row per hub-and-spoke view with its hub, epoch, the
// regions that agree and whether the hub takes writes (a hub that promised a promotion says
// why it refuses); an old hub's kept changes are named in the summary; Promote… states the
// loss window of the chosen region before anything changes, promotes only when asked and says
// who promised; viewers and operators may not promote. With MERIDIAN_SCREENSHOT_DIR set the tab
// and the dialog are saved as hubs-tab.png and promote-dialog.png.

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>

#include "bridge/deploymentmonitor.h"
#include "replication/hubspanel.h"
#include "replication/hubtablemodel.h"
#include "replication/promotedialog.h"
#include "replication/replicationpage.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

class HubsPanelTest : public QObject {
    Q_OBJECT

private slots:
    void everyViewWithItsHubAndEpoch();
    void promoteStatesTheLossWindowFirst();
    void onlyAdminsMayPromote();
    void theReplicationPageOffersTheTab();
};

namespace {

int rowOf(QTableView* view, const QString& name) {
    auto* proxy = view->model();
    for (int r = 0; r < proxy->rowCount(); ++r)
        if (proxy->index(r, HubTableModel::View).data().toString() == name)
            return r;
    return -1;
}

}  // namespace

void HubsPanelTest::everyViewWithItsHubAndEpoch() {
    auto* service = FakeRegionService::demo();
    HubsPanel panel(service);
    QAbstractItemModelTester tester(panel.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1280, 420);
    panel.show();
    panel.refresh();
    QTRY_VERIFY(panel.hasResult());
    QCOMPARE(panel.model()->rowCount(), 2);
    auto* proxy = panel.view()->model();
    const int risk = rowOf(panel.view(), QStringLiteral("commerce/merchant_risk"));
    const int spend = rowOf(panel.view(), QStringLiteral("commerce/user_spend"));
    QVERIFY(risk >= 0 && spend >= 0);
    QCOMPARE(proxy->index(risk, HubTableModel::Hub).data().toString(),
             QStringLiteral("aws-eu-west-1"));
    QCOMPARE(proxy->index(risk, HubTableModel::Epoch).data().toULongLong(), 2ull);
    QCOMPARE(proxy->index(risk, HubTableModel::Previous).data().toString(),
             QStringLiteral("aws-us-east-1"));
    QCOMPARE(proxy->index(risk, HubTableModel::Writes).data().toString(),
             QStringLiteral("accepts writes"));
    QCOMPARE(proxy->index(spend, HubTableModel::Agreeing).data().toString(),
             QStringLiteral("3 of 4"));
    QVERIFY(proxy->index(spend, HubTableModel::Agreeing)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("azure-southeastasia")));
    QVERIFY(proxy->index(spend, HubTableModel::Writes)
                .data()
                .toString()
                .startsWith(QStringLiteral("refuses: a promotion to epoch 2 is under way")));
    QVERIFY2(panel.summary()->text().contains(QStringLiteral("aws-us-east-1 keeps 37 changes")),
             qPrintable(panel.summary()->text()));
    QVERIFY(!panel.promoteButton()->isEnabled());
    panel.view()->selectRow(risk);
    QVERIFY(panel.promoteButton()->isEnabled());

    if (const QString dir = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        panel.grab().save(QDir(dir).filePath(QStringLiteral("hubs-tab.png")));
    }
    delete service;
}

void HubsPanelTest::promoteStatesTheLossWindowFirst() {
    auto* service = FakeRegionService::demo();
    HubsPanel panel(service);
    panel.refresh();
    QTRY_VERIFY(panel.hasResult());
    panel.view()->selectRow(rowOf(panel.view(), QStringLiteral("commerce/user_spend")));
    auto* dialog = panel.promoteSelected();
    QVERIFY(dialog);
    // Every region but the hub, and the plan asked for at once.
    QCOMPARE(dialog->regionBox()->count(), 3);
    QCOMPARE(dialog->regionBox()->currentText(), QStringLiteral("aws-eu-west-1"));
    QVERIFY(!dialog->promoteButton()->isEnabled());
    QTRY_VERIFY(dialog->isPlanned());
    QVERIFY(service->promotedDry);
    QCOMPARE(service->promotedView, QStringLiteral("commerce/user_spend"));
    QCOMPARE(service->promotedTo, QStringLiteral("aws-eu-west-1"));
    QVERIFY2(dialog->lossText().contains(QStringLiteral("12 changes not applied")),
             qPrintable(dialog->lossText()));
    QVERIFY(dialog->promoteButton()->isEnabled());
    QVERIFY(!dialog->isDone());

    if (const QString dir = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        dialog->grab().save(QDir(dir).filePath(QStringLiteral("promote-dialog.png")));
    }

    // Another region: planned again.
    dialog->regionBox()->setCurrentText(QStringLiteral("gcp-europe-west4"));
    QVERIFY(!dialog->isPlanned());
    QTRY_VERIFY(dialog->isPlanned());
    QCOMPARE(service->promotedTo, QStringLiteral("gcp-europe-west4"));

    QSignalSpy messages(&panel, &HubsPanel::message);
    dialog->promoteButton()->click();
    QTRY_VERIFY(dialog->isDone());
    QVERIFY(!service->promotedDry);
    QVERIFY2(
        dialog->resultText().contains(QStringLiteral("gcp-europe-west4 is the hub in epoch 2")),
        qPrintable(dialog->resultText()));
    QVERIFY(dialog->resultText().contains(QStringLiteral("Promised by 3 of 4 regions")));
    QCOMPARE(messages.size(), 1);
    dialog->close();
    delete service;
}

void HubsPanelTest::onlyAdminsMayPromote() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    ReplicationPage page(service, &monitor);
    console::Identity operatorId{"olga", "operator", true, "aws-us-east-1", ""};
    page.setIdentity(operatorId);
    page.showView(QStringLiteral("hubs"));
    QTRY_VERIFY(page.viewReady(QStringLiteral("hubs")));
    page.hubs()->view()->selectRow(0);
    QVERIFY(!page.hubs()->promoteButton()->isEnabled());
    QVERIFY(page.hubs()->promoteButton()->toolTip().contains(QStringLiteral("needs an admin")));
    QCOMPARE(page.hubs()->promoteSelected(), nullptr);
    page.setIdentity(service->identity);
    QVERIFY(page.hubs()->promoteButton()->isEnabled());
    page.showView({});
    delete service;
}

void HubsPanelTest::theReplicationPageOffersTheTab() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    ReplicationPage page(service, &monitor);
    QVERIFY(page.views().contains(QStringLiteral("hubs")));
    QVERIFY(!page.viewReady(QStringLiteral("hubs")));
    page.showView(QStringLiteral("hubs"));
    QTRY_VERIFY(page.viewReady(QStringLiteral("hubs")));
    QCOMPARE(page.hubs()->model()->rowCount(), 2);
    page.showView({});
    delete service;
}

QTEST_MAIN(HubsPanelTest)
#include "tst_hubspanel.moc"
