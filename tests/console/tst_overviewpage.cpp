// The Overview page against the fake service: the map and the cards show the demo deployment,
// a region that goes down turns red, late poll answers are dropped, costs label the links.

#include <QLabel>
#include <QtTest>

#include "bridge/deploymentmonitor.h"
#include "overview/overviewpage.h"
#include "overview/regioncard.h"
#include "overview/worldmapwidget.h"
#include "overview/worldoutline.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

class OverviewPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void worldOutlineLoads();
    void showsRegionsLinksAndCosts();
    void regionGoingDownTurnsRed();
    void monitorDropsLateAnswersAndKeepsBoundedHistory();
    void failuresReachTheStatusBar();
};

void OverviewPageTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
}

void OverviewPageTest::worldOutlineLoads() {
    const auto& outline = WorldOutline::instance();
    QVERIFY(!outline.isEmpty());
    QVERIFY2(outline.ringCount() > 100, qPrintable(QString::number(outline.ringCount())));
    // Dublin is north-west of Singapore on the map, and both are inside the frame.
    const QPointF dublin = WorldOutline::project(-6.3, 53.3);
    const QPointF singapore = WorldOutline::project(103.8, 1.35);
    QVERIFY(dublin.x() < singapore.x());
    QVERIFY(dublin.y() < singapore.y());
    QVERIFY(outline.frame().contains(dublin));
    QVERIFY(outline.frame().contains(singapore));
}

void OverviewPageTest::showsRegionsLinksAndCosts() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    OverviewPage page(service, &monitor);
    page.resize(1200, 800);
    page.show();
    QVERIFY(!page.hasData());
    monitor.start();
    QTRY_VERIFY(page.hasData());

    QCOMPARE(page.map()->regionCount(), 4);
    QCOMPARE(page.map()->arcCount(), 6);  // every pair of the four regions replicates
    const QString label = page.map()->arcLabel("aws-us-east-1", "azure-southeastasia");
    QVERIFY2(label.startsWith("lag 120 ms · $"), qPrintable(label));
    QVERIFY2(label.endsWith("/day"), qPrintable(label));
    for (const auto& r : service->snapshot.regions) {
        auto* card = page.card(QString::fromStdString(r.name));
        QVERIFY(card);
        QVERIFY(card->isUp());
        QCOMPARE(card->healthText(), QStringLiteral("Up"));
    }
    const auto labels = page.findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel* l) { return l->text().contains("4 of 4 regions up"); }));
    // Hovering a marker tells what the region is.
    const QPoint marker = page.map()->markerPosition("azure-southeastasia").toPoint();
    QVERIFY(page.map()->toolTipAt(marker).contains("azure-southeastasia"));
    QVERIFY(page.map()->toolTipAt(marker).contains("southeastasia"));
    delete service;
}

void OverviewPageTest::regionGoingDownTurnsRed() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    monitor.setInterval(20);
    OverviewPage page(service, &monitor);
    page.show();
    QSignalSpy down(&monitor, &DeploymentMonitor::regionWentDown);
    QSignalSpy up(&monitor, &DeploymentMonitor::regionCameUp);
    monitor.start();
    QTRY_VERIFY(monitor.hasSnapshot());
    QCOMPARE(down.count(), 0);

    auto& r = service->snapshot.regions[2];
    r.up = false;
    r.error = "gcp-europe-west4: unreachable at 127.0.0.1:7403 (connection refused)";
    auto* card = page.card("gcp-europe-west4");
    QTRY_VERIFY(!card->isUp());
    QVERIFY(card->healthText().contains("connection refused"));
    QCOMPARE(down.count(), 1);
    QCOMPARE(down.first().at(0).toString(), QStringLiteral("gcp-europe-west4"));
    QCOMPARE(monitor.regionsUp(), 3);
    QCOMPARE(page.map()->arcLabel("gcp-europe-west4", "aws-eu-west-1").left(11),
             QStringLiteral("region down"));
    QVERIFY(page.card("aws-us-east-1")->isUp());

    r.up = true;
    r.error.clear();
    QTRY_VERIFY(card->isUp());
    QCOMPARE(up.count(), 1);
    delete service;
}

void OverviewPageTest::monitorDropsLateAnswersAndKeepsBoundedHistory() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    QSignalSpy updated(&monitor, &DeploymentMonitor::updated);
    // An answer to a poll the monitor did not send (or gave up on) is ignored.
    QSignalSpy polled(service, &RegionService::polled);
    service->poll();
    QVERIFY(polled.wait());
    QCOMPARE(updated.count(), 0);
    QVERIFY(!monitor.hasSnapshot());

    // Lag history is bounded to an hour, whatever is fed.
    auto snapshot = service->snapshot;
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - 2 * DeploymentMonitor::kHistoryMs;
    for (int i = 0; i < 7200; i += 1) {
        snapshot.atMs = start + i * 1000LL;
        for (auto& l : snapshot.links)  // the regions' sample of that second
            l.history = {{snapshot.atMs, l.lagSeconds, l.latencyP50Ms}};
        monitor.ingest(snapshot);
    }
    const QString key = DeploymentMonitor::linkKey("aws-us-east-1", "aws-eu-west-1");
    const auto history = monitor.lagHistory(key);
    QVERIFY(history.size() <= DeploymentMonitor::kMaxSamples);
    QVERIFY(history.size() >= 3500);
    QVERIFY(history.first().x() >= snapshot.atMs - DeploymentMonitor::kHistoryMs);
    QCOMPARE(history.last().y(), 40.0);
    QCOMPARE(monitor.linkKeys().size(), 12);
    delete service;
}

void OverviewPageTest::failuresReachTheStatusBar() {
    auto* service = FakeRegionService::demo();
    service->failAll = true;
    DeploymentMonitor monitor(service);
    QSignalSpy failed(&monitor, &DeploymentMonitor::pollFailed);
    OverviewPage page(service, &monitor);
    QSignalSpy message(&page, &Page::message);
    monitor.start();
    QTRY_COMPARE(failed.count(), 1);
    QTRY_VERIFY(message.count() >= 1);
    QVERIFY(message.first().at(0).toString().contains("fake failure"));
    QVERIFY(!page.hasData());  // no snapshot, whatever became of the cost
    delete service;
}

QTEST_MAIN(OverviewPageTest)
#include "tst_overviewpage.moc"
