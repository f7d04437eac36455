// The Routing page: for each feature service and caller region, the region a routed read goes
// to, its round trip, why, and the nearer regions passed over; the caller filter narrows it and
// survives a refresh; choosing a staleness bound asks again with it; a route no region can
// serve is counted and shown in red; a failed request says so. With MERIDIAN_SCREENSHOT_DIR set
// the page is saved as routing-page.png.

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>

#include "common/theme.h"
#include "routing/routingpage.h"
#include "routing/routingtablemodel.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

class RoutingPageTest : public QObject {
    Q_OBJECT

private slots:
    void showsEveryServiceFromEveryRegion();
    void callerFilterNarrowsAndSurvivesRefresh();
    void aStalenessBoundAsksAgainWithIt();
    void anUnservedRouteIsCountedAndRed();
    void failureIsShown();
    void asksOnceTheConsoleHasItsCredentials();
};

void RoutingPageTest::showsEveryServiceFromEveryRegion() {
    auto* service = FakeRegionService::demo();
    RoutingPage page(service);
    QAbstractItemModelTester tester(page.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1280, 600);
    page.show();
    page.activate();
    QTRY_VERIFY(page.hasData());
    QCOMPARE(page.model()->rowCount(), 8);
    QCOMPARE(service->routedStalenessMs, qint64(0));
    // The EU service from Singapore: served in Dublin, Singapore and the Netherlands passed over.
    int row = -1;
    for (int r = 0; r < page.model()->rowCount(); ++r) {
        const auto& route = page.model()->route(r);
        if (route.service == "commerce/fraud_scoring_eu" && route.from == "azure-southeastasia")
            row = r;
    }
    QVERIFY(row >= 0);
    auto cell = [&](int column) { return page.model()->index(row, column); };
    QCOMPARE(cell(RoutingTableModel::ServedBy).data().toString(), QStringLiteral("aws-eu-west-1"));
    QCOMPARE(cell(RoutingTableModel::Distance).data().toString(), QStringLiteral("176 ms"));
    QCOMPARE(cell(RoutingTableModel::PassedOver).data().toString(),
             QStringLiteral("azure-southeastasia: residency keeps eu_user_profile in jurisdiction "
                            "eu (+1 more)"));
    QVERIFY(cell(RoutingTableModel::PassedOver)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("gcp-europe-west4: not a replica")));
    QVERIFY(page.summary()->text().contains(QStringLiteral("every route served")));
    QVERIFY(page.summary()->text().contains(QStringLiteral("5 served from another region")));

    if (const QString dir = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        page.grab().save(QDir(dir).filePath(QStringLiteral("routing-page.png")));
    }
    delete service;
}

void RoutingPageTest::callerFilterNarrowsAndSurvivesRefresh() {
    auto* service = FakeRegionService::demo();
    RoutingPage page(service);
    page.activate();
    QTRY_VERIFY(page.hasData());
    page.callerBox()->setCurrentIndex(
        page.callerBox()->findData(QStringLiteral("gcp-europe-west4")));
    QCOMPARE(page.proxy()->rowCount(), 2);
    for (int r = 0; r < 2; ++r)
        QCOMPARE(page.proxy()->index(r, RoutingTableModel::From).data().toString(),
                 QStringLiteral("gcp-europe-west4"));
    const int before = service->requests;
    page.refresh();
    QTRY_VERIFY(service->requests > before);
    QTRY_COMPARE(page.proxy()->rowCount(), 2);
    QCOMPARE(page.model()->rowCount(), 8);
    delete service;
}

void RoutingPageTest::aStalenessBoundAsksAgainWithIt() {
    auto* service = FakeRegionService::demo();
    RoutingPage page(service);
    page.activate();
    QTRY_VERIFY(page.hasData());
    page.stalenessBox()->setCurrentIndex(page.stalenessBox()->findData(qint64(2000)));
    QTRY_COMPARE(service->routedStalenessMs, qint64(2000));
    QTRY_VERIFY(page.summary()->text().contains(QStringLiteral("for max staleness 2 s")));
    delete service;
}

void RoutingPageTest::anUnservedRouteIsCountedAndRed() {
    auto* service = FakeRegionService::demo();
    auto& r = service->routing.routes[0];
    r.region.clear();
    r.reason = "no region can serve this read: aws-us-east-1 skipped: down (connection refused)";
    r.passedOver.clear();
    RoutingPage page(service);
    page.activate();
    QTRY_VERIFY(page.hasData());
    int row = -1;
    for (int i = 0; i < page.model()->rowCount(); ++i)
        if (page.model()->route(i).region.empty())
            row = i;
    QVERIFY(row >= 0);
    QCOMPARE(page.model()->index(row, RoutingTableModel::ServedBy).data().toString(),
             QStringLiteral("none"));
    QCOMPARE(page.model()
                 ->index(row, RoutingTableModel::Reason)
                 .data(Qt::ForegroundRole)
                 .value<QColor>(),
             Theme::bad());
    QVERIFY2(page.summary()->text().contains(QStringLiteral("1 route cannot be served")),
             qPrintable(page.summary()->text()));
    delete service;
}

void RoutingPageTest::failureIsShown() {
    auto* service = FakeRegionService::demo();
    service->failAll = true;
    RoutingPage page(service);
    QSignalSpy messages(&page, &Page::message);
    page.activate();
    QTRY_VERIFY(
        page.summary()->text().contains(QStringLiteral("Routes unavailable: fake failure")));
    QVERIFY(!page.hasData());
    QCOMPARE(messages.size(), 1);
    delete service;
}

void RoutingPageTest::asksOnceTheConsoleHasItsCredentials() {
    // Activated (as --screenshot does for every page) before the token was settled, and hidden
    // when it was: the first table is still asked for.
    auto* service = FakeRegionService::demo();
    service->setReady(false);
    RoutingPage page(service);
    page.activate();
    QCOMPARE(service->requests, 0);
    service->setReady(true);
    QTRY_VERIFY(page.hasData());
    delete service;
}

QTEST_MAIN(RoutingPageTest)
#include "tst_routingpage.moc"
