// The Alerts page and the console's rules: lag above the threshold for long enough, a region
// down and a daily budget each raise one alert and clear it when the condition clears; a new
// alert is announced once, not on every poll; the regions' own alerts are listed with the
// rules'; the model passes QAbstractItemModelTester; the rules persist in QSettings.

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QTableView>
#include <QtTest>

#include <memory>

#include "alerts/alertrules.h"
#include "alerts/alertruleseditor.h"
#include "alerts/alertspage.h"
#include "alerts/alerttablemodel.h"
#include "bridge/deploymentmonitor.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

namespace {

constexpr qint64 kStart = 1'795'860'000'000;

console::DeploymentSnapshot at(console::DeploymentSnapshot s, qint64 ms) {
    s.atMs = ms;
    return s;
}

console::LinkStatus& link(console::DeploymentSnapshot& s, const char* from, const char* to) {
    for (auto& l : s.links) {
        if (l.from == from && l.to == to && l.view.empty())
            return l;
    }
    qFatal("no link %s -> %s", from, to);
}

int rowsWithKind(const AlertTableModel& model, const char* kind, bool active) {
    int n = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const auto& a = model.alert(row);
        n += a.kind == kind && (a.clearedAtMs == 0) == active;
    }
    return n;
}

}  // namespace

class AlertsPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void lagRuleFiresAfterItsDurationAndClears();
    void regionDownRuleFiresAndClears();
    void pageListsServerAlertsAndAnnouncesOnce();
    void pageAnnouncesRuleAlertsOnceAndCountsThem();
    void budgetRuleOnTheLastDaysCost();
    void modelPassesTheTester();
    void rulesPersist();
};

void AlertsPageTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MeridianTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_alertspage"));
}

void AlertsPageTest::init() {
    QSettings().remove(QStringLiteral("alerts"));
}

void AlertsPageTest::lagRuleFiresAfterItsDurationAndClears() {
    AlertRules rules;
    auto s = rules.settings();
    s.lagSeconds = 5;
    s.lagForSeconds = 30;
    rules.setSettings(s);
    QSignalSpy raised(&rules, &AlertRules::raised);
    QSignalSpy cleared(&rules, &AlertRules::cleared);
    const std::unique_ptr<FakeRegionService> fake(FakeRegionService::demo());
    const auto base = fake->snapshot;

    auto lagging = base;
    link(lagging, "aws-us-east-1", "azure-southeastasia").lagSeconds = 12;
    rules.evaluate(at(lagging, kStart));
    rules.evaluate(at(lagging, kStart + 29'000));
    QCOMPARE(raised.count(), 0);  // above the threshold, not yet for long enough
    // A dip below resets the clock.
    rules.evaluate(at(base, kStart + 30'000));
    rules.evaluate(at(lagging, kStart + 31'000));
    rules.evaluate(at(lagging, kStart + 60'000));
    QCOMPARE(raised.count(), 0);
    rules.evaluate(at(lagging, kStart + 61'000));
    QCOMPARE(raised.count(), 1);
    const auto alert = raised.first().first().value<console::AlertInfo>();
    QCOMPARE(QString::fromStdString(alert.id),
             AlertRules::lagId("aws-us-east-1", "azure-southeastasia"));
    QCOMPARE(alert.region, std::string("console"));
    QCOMPARE(alert.kind, std::string("lag"));
    QCOMPARE(alert.raisedAtMs, kStart + 61'000);
    QVERIFY(QString::fromStdString(alert.message).contains("12.0 s"));
    QCOMPARE(rules.activeCount(), 1);
    // Still lagging: the same alert, not a new one.
    link(lagging, "aws-us-east-1", "azure-southeastasia").lagSeconds = 20;
    rules.evaluate(at(lagging, kStart + 70'000));
    QCOMPARE(raised.count(), 1);
    QVERIFY(QString::fromStdString(rules.alerts().first().message).contains("20.0 s"));

    rules.evaluate(at(base, kStart + 80'000));
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(rules.activeCount(), 0);
    QCOMPARE(rules.alerts().size(), 1);
    QCOMPARE(rules.alerts().first().clearedAtMs, kStart + 80'000);

    // Turning the rule off clears what it raised.
    rules.evaluate(at(lagging, kStart + 90'000));
    rules.evaluate(at(lagging, kStart + 121'000));
    QCOMPARE(rules.activeCount(), 1);
    s.lagEnabled = false;
    rules.setSettings(s);
    QCOMPARE(rules.activeCount(), 0);
    QCOMPARE(cleared.count(), 2);
    rules.evaluate(at(lagging, kStart + 200'000));
    QCOMPARE(raised.count(), 2);
}

void AlertsPageTest::regionDownRuleFiresAndClears() {
    AlertRules rules;
    auto s = rules.settings();
    s.regionDownForSeconds = 10;
    s.lagForSeconds = 0;
    rules.setSettings(s);
    QSignalSpy raised(&rules, &AlertRules::raised);
    QSignalSpy cleared(&rules, &AlertRules::cleared);
    const std::unique_ptr<FakeRegionService> fake(FakeRegionService::demo());
    const auto base = fake->snapshot;
    auto down = base;
    down.regions[2].up = false;
    down.regions[2].error = "unreachable at 127.0.0.1:7403 (connection refused)";
    // Its links lag too, but the region's own alert says why.
    link(down, "gcp-europe-west4", "aws-eu-west-1").lagSeconds = 60;
    rules.evaluate(at(down, kStart));
    QCOMPARE(raised.count(), 0);
    rules.evaluate(at(down, kStart + 10'000));
    QCOMPARE(raised.count(), 1);
    const auto alert = raised.first().first().value<console::AlertInfo>();
    QCOMPARE(alert.kind, std::string("region_down"));
    QCOMPARE(alert.severity, std::string("critical"));
    QCOMPARE(alert.subject, std::string("gcp-europe-west4"));
    QVERIFY(QString::fromStdString(alert.message).contains("connection refused"));
    rules.evaluate(at(base, kStart + 20'000));
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(rules.activeCount(), 0);
}

void AlertsPageTest::pageListsServerAlertsAndAnnouncesOnce() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    AlertsPage page(service, &monitor);
    QSignalSpy notifications(&page, &AlertsPage::notificationRequested);
    QSignalSpy messages(&page, &Page::message);
    QSignalSpy counts(&page, &AlertsPage::activeCountChanged);
    page.resize(1250, 800);
    page.show();
    QTRY_VERIFY(page.hasData());

    // The region's clock-offset alert is listed and announced.
    QCOMPARE(page.activeProxy()->rowCount(), 1);
    QCOMPARE(page.historyProxy()->rowCount(), 0);
    const auto index = page.activeProxy()->index(0, AlertTableModel::Region);
    QCOMPARE(index.data().toString(), QStringLiteral("aws-eu-west-1"));
    QCOMPARE(page.activeProxy()->index(0, AlertTableModel::Kind).data().toString(),
             QStringLiteral("clock offset"));
    QCOMPARE(page.activeProxy()
                 ->index(0, AlertTableModel::Severity)
                 .data(Qt::ForegroundRole)
                 .value<QColor>(),
             AlertTableModel::severityColor(service->alertList.first()));
    QCOMPARE(notifications.count(), 1);
    QVERIFY(notifications.first().at(0).toString().contains("clock offset"));
    QCOMPARE(notifications.first().at(2).toBool(), true);  // critical
    QCOMPARE(page.activeCount(), 1);
    QCOMPARE(counts.last().first().toInt(), 1);
    // No system tray offscreen: the status bar says it.
    QVERIFY(std::any_of(messages.begin(), messages.end(), [](const QList<QVariant>& m) {
        return m.first().toString().contains("runs 900 ms ahead");
    }));

    // Polling again announces nothing new.
    QSignalSpy listed(service, &RegionService::alertsListed);
    page.requestAlerts();
    QVERIFY(listed.wait());
    page.requestAlerts();
    QVERIFY(listed.wait());
    QCOMPARE(notifications.count(), 1);

    // The region clears it: it moves to the history, newest first.
    service->alertList[0].clearedAtMs = QDateTime::currentMSecsSinceEpoch();
    auto older = service->alertList[0];
    older.id = "log_retention:azure-southeastasia:1";
    older.kind = "log_retention";
    older.raisedAtMs -= 3'600'000;
    older.clearedAtMs -= 3'000'000;
    service->alertList.push_back(older);
    page.requestAlerts();
    QTRY_COMPARE(page.activeProxy()->rowCount(), 0);
    QCOMPARE(page.historyProxy()->rowCount(), 2);
    QCOMPARE(page.historyProxy()->index(0, AlertTableModel::Kind).data().toString(),
             QStringLiteral("clock offset"));
    QCOMPARE(page.activeCount(), 0);
    QCOMPARE(counts.last().first().toInt(), 0);
    QVERIFY(messages.last().first().toString().startsWith("Alert cleared"));
    QCOMPARE(notifications.count(), 1);
    delete service;
}

void AlertsPageTest::pageAnnouncesRuleAlertsOnceAndCountsThem() {
    auto* service = FakeRegionService::demo();
    service->alertList.clear();
    DeploymentMonitor monitor(service);
    AlertsPage page(service, &monitor);
    auto s = page.rules()->settings();
    s.lagSeconds = 2;
    s.lagForSeconds = 10;
    s.regionDownForSeconds = 5;
    page.rules()->setSettings(s);
    QSignalSpy notifications(&page, &AlertsPage::notificationRequested);
    QSignalSpy counts(&page, &AlertsPage::activeCountChanged);
    page.show();
    QTRY_VERIFY(page.hasData());
    QCOMPARE(page.activeCount(), 0);
    QCOMPARE(notifications.count(), 0);

    const auto base = service->snapshot;
    auto lagging = base;
    link(lagging, "aws-eu-west-1", "gcp-europe-west4").lagSeconds = 4;
    // Synthetic snapshots, as if polls had answered them a second apart.
    for (int i = 0; i <= 15; ++i)
        monitor.ingest(at(lagging, kStart + i * 1000));
    QCOMPARE(notifications.count(), 1);
    QVERIFY(notifications.last().at(0).toString().contains("lag"));
    QCOMPARE(page.activeCount(), 1);
    QCOMPARE(page.model()->rowCount(), 1);
    QCOMPARE(page.activeProxy()->index(0, AlertTableModel::Region).data().toString(),
             QStringLiteral("console"));

    // A region goes down as well.
    auto down = lagging;
    down.regions[3].up = false;
    for (int i = 16; i <= 22; ++i)
        monitor.ingest(at(down, kStart + i * 1000));
    QCOMPARE(notifications.count(), 2);
    QCOMPARE(notifications.last().at(2).toBool(), true);
    QCOMPARE(page.activeCount(), 2);
    QCOMPARE(counts.last().first().toInt(), 2);
    // Further polls, of the regions and of their alerts, announce nothing again.
    QSignalSpy listed(service, &RegionService::alertsListed);
    page.requestAlerts();
    QVERIFY(listed.wait());
    for (int i = 23; i <= 30; ++i)
        monitor.ingest(at(down, kStart + i * 1000));
    QCOMPARE(notifications.count(), 2);

    // Both conditions clear: the alerts move to the history.
    monitor.ingest(at(base, kStart + 31'000));
    QCOMPARE(page.activeCount(), 0);
    QCOMPARE(counts.last().first().toInt(), 0);
    QCOMPARE(rowsWithKind(*page.model(), "lag", false), 1);
    QCOMPARE(rowsWithKind(*page.model(), "region_down", false), 1);
    QCOMPARE(page.historyProxy()->rowCount(), 2);

    // The same link lagging again later is a new occurrence, announced again.
    for (int i = 40; i <= 52; ++i)
        monitor.ingest(at(lagging, kStart + i * 1000));
    QCOMPARE(notifications.count(), 3);
    QCOMPARE(rowsWithKind(*page.model(), "lag", true), 1);
    QCOMPARE(rowsWithKind(*page.model(), "lag", false), 1);
    delete service;
}

void AlertsPageTest::budgetRuleOnTheLastDaysCost() {
    auto* service = FakeRegionService::demo();
    service->alertList.clear();
    DeploymentMonitor monitor(service);
    AlertsPage page(service, &monitor);
    page.show();
    QTRY_VERIFY(page.hasData());
    QTRY_VERIFY(page.rules()->hasCost());
    const double perDay = page.rules()->lastUsdPerDay();
    QVERIFY(perDay > 0);
    QCOMPARE(page.activeCount(), 0);  // no budget set

    // A budget below today's rate, set in the editor, fires at once.
    QSignalSpy notifications(&page, &AlertsPage::notificationRequested);
    page.rulesEditor()->budget()->setValue(perDay / 2);
    page.rulesEditor()->budgetEnabled()->setChecked(true);
    QVERIFY(page.rules()->settings().budgetEnabled);
    QCOMPARE(page.activeCount(), 1);
    QCOMPARE(notifications.count(), 1);
    QVERIFY(notifications.first().at(1).toString().contains("budget"));
    // A new cost report at the same rate keeps the same alert.
    page.requestCost();
    QSignalSpy loaded(service, &RegionService::costLoaded);
    QVERIFY(loaded.wait());
    QCOMPARE(notifications.count(), 1);
    // Raising the budget clears it.
    page.rulesEditor()->budget()->setValue(perDay * 2);
    QCOMPARE(page.activeCount(), 0);
    QCOMPARE(rowsWithKind(*page.model(), "daily_cost", false), 1);
    delete service;
}

void AlertsPageTest::modelPassesTheTester() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    AlertsPage page(service, &monitor);
    QAbstractItemModelTester model(page.model(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester active(page.activeProxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester history(page.historyProxy(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.show();
    QTRY_VERIFY(page.hasData());
    auto lagging = service->snapshot;
    link(lagging, "aws-us-east-1", "aws-eu-west-1").lagSeconds = 600;
    auto s = page.rules()->settings();
    s.lagForSeconds = 0;
    page.rules()->setSettings(s);
    monitor.ingest(at(lagging, kStart));
    QCOMPARE(page.model()->rowCount(), 2);
    page.activeView()->sortByColumn(AlertTableModel::Severity, Qt::DescendingOrder);
    QCOMPARE(page.activeProxy()->index(0, AlertTableModel::Severity).data().toString(),
             QStringLiteral("critical"));
    monitor.ingest(at(service->snapshot, kStart + 1000));
    service->alertList.clear();
    page.requestAlerts();
    QTRY_COMPARE(page.model()->rowCount(), 1);  // the rule's, cleared
    QCOMPARE(page.historyProxy()->rowCount(), 1);
    delete service;
}

void AlertsPageTest::rulesPersist() {
    QVERIFY2(QSettings().fileName().contains(".qttest"), qPrintable(QSettings().fileName()));
    AlertRules::Settings s;
    {
        AlertRules rules;
        QCOMPARE(rules.settings(), AlertRules::Settings{});  // defaults on a clean profile
        s = rules.settings();
        s.lagSeconds = 7.5;
        s.lagForSeconds = 45;
        s.regionDownEnabled = false;
        s.budgetEnabled = true;
        s.dailyBudgetUsd = 12.5;
        rules.setSettings(s);
    }
    AlertRules again;
    QCOMPARE(again.settings(), s);
    // The editor shows them, and edits reach the settings.
    AlertRulesEditor editor(&again);
    QCOMPARE(editor.lagSeconds()->value(), 7.5);
    QVERIFY(!editor.regionDownEnabled()->isChecked());
    QVERIFY(!editor.regionDownFor()->isEnabled());
    editor.lagEnabled()->setChecked(false);
    QCOMPARE(AlertRules().settings().lagEnabled, false);
}

QTEST_MAIN(AlertsPageTest)
#include "tst_alertspage.moc"
