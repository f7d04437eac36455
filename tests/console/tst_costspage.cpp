// The Costs page against the fake service's demo report: the link and view tables hold the
// report's totals, the 30-day projection and the hourly chart add up, each what-if moves the
// figure the right way, a window change asks again and stale answers are dropped, failures reach
// the status bar, and the models pass QAbstractItemModelTester.

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

#include "bridge/deploymentmonitor.h"
#include "costs/costchart.h"
#include "costs/costformat.h"
#include "costs/costlinkmodel.h"
#include "costs/costspage.h"
#include "costs/costviewmodel.h"
#include "costs/costwhatifpanel.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

namespace {

double reportUsd(const console::CostReport& r) {
    double usd = 0;
    for (const auto& l : r.lines)
        usd += l.usd;
    return usd;
}

bool sameUsd(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

// Shows and opens the page as the window does; true once its first report is in.
bool opened(CostsPage& page) {
    page.show();
    page.activate();
    return QTest::qWaitFor([&] { return page.hasData(); });
}

}  // namespace

class CostsPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void tablesHoldTheReportsTotals();
    void projectionAndChart();
    void whatIfsMoveTheFigureTheRightWay();
    void windowChangeAsksAgainAndStaleAnswersAreDropped();
    void failuresReachTheStatusBar();
    void modelsPassTheTester();
};

void CostsPageTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
}

void CostsPageTest::tablesHoldTheReportsTotals() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    page.resize(1250, 800);
    page.show();
    QVERIFY(!page.hasData());
    page.activate();
    QTRY_VERIFY(page.hasData());

    // One row per link, each the sum of the report's lines on it.
    std::map<std::pair<std::string, std::string>, double> expected;
    for (const auto& l : service->report.lines)
        expected[{l.from, l.to}] += l.usd;
    auto* links = page.linkModel();
    QCOMPARE(links->rowCount(), static_cast<int>(expected.size()));
    QCOMPARE(links->rowCount(), 12);
    for (int row = 0; row < links->rowCount(); ++row) {
        const auto& l = links->link(row);
        QVERIFY(sameUsd(l.usd, expected.at({l.from, l.to})));
        QCOMPARE(links->index(row, CostLinkModel::Cost).data().toString(), costformat::usd(l.usd));
        QVERIFY(!links->index(row, CostLinkModel::PriceClass).data().toString().isEmpty());
        QCOMPARE(links->index(row, CostLinkModel::UsdPerGb).data().toString(),
                 costformat::perGb(l.usdPerGb));
    }
    // aws → aws is priced as one cloud, aws → gcp as internet egress.
    const int awsPair = links->rowOf("aws-us-east-1", "aws-eu-west-1");
    QVERIFY(awsPair >= 0);
    QCOMPARE(links->link(awsPair).usdPerGb, 0.02);
    QCOMPARE(links->index(awsPair, CostLinkModel::Sent).data().toString(),
             QStringLiteral("40.0 MB"));
    QCOMPARE(links->link(links->rowOf("aws-us-east-1", "gcp-europe-west4")).usdPerGb, 0.09);
    // The class is shown without the sending cloud; the tooltip has the price table's label.
    QCOMPARE(CostLinkModel::shortClass("aws internet egress (to gcp)"),
             QStringLiteral("internet → gcp"));
    QCOMPARE(CostLinkModel::shortClass("gcp inter-region, across continents"),
             QStringLiteral("across continents"));
    QCOMPARE(CostLinkModel::shortClass("azure within westeurope"),
             QStringLiteral("within westeurope"));
    QCOMPARE(CostLinkModel::shortClass("unpriced (no prices for cloud 'ibm')"),
             QStringLiteral("unpriced (no prices for cloud 'ibm')"));

    // Figures are right-aligned, names left-aligned.
    const auto align = [](const QModelIndex& i) {
        return Qt::Alignment(i.data(Qt::TextAlignmentRole).toInt()) & Qt::AlignHorizontal_Mask;
    };
    QCOMPARE(align(links->index(0, CostLinkModel::Cost)), Qt::AlignRight);
    QCOMPARE(align(links->index(0, CostLinkModel::Sent)), Qt::AlignRight);
    QCOMPARE(align(links->index(0, CostLinkModel::From)), Qt::AlignLeft);

    // Sorted dearest first: the first row of the proxy is the most expensive link.
    auto* proxy = page.linkProxy();
    const double first =
        proxy->index(0, CostLinkModel::Cost).data(CostLinkModel::kSortRole).toDouble();
    for (int row = 1; row < proxy->rowCount(); ++row)
        QVERIFY(proxy->index(row, CostLinkModel::Cost).data(CostLinkModel::kSortRole).toDouble() <=
                first);

    // The demo streams one view over every link.
    auto* views = page.viewModel();
    QCOMPARE(views->rowCount(), 1);
    QCOMPARE(views->index(0, CostViewModel::View).data().toString(),
             QStringLiteral("commerce/user_transaction_aggregates"));
    QVERIFY(sameUsd(views->view(0).usd, reportUsd(service->report)));
    QCOMPARE(views->view(0).links, 12);
    QCOMPARE(views->index(0, CostViewModel::Share).data().toString(), QStringLiteral("100 %"));

    // The filter narrows both tables.
    auto* filter = page.findChild<QLineEdit*>("costFilter");
    QVERIFY(filter);
    filter->setText("azure");
    QCOMPARE(proxy->rowCount(), 6);  // three links to it, three from it
    filter->clear();
    QCOMPARE(proxy->rowCount(), 12);

    // Where prices come from is said, and that they are list prices.
    QVERIFY(page.pricingText().contains("list prices"));
    QVERIFY(page.pricingText().contains("pricing.yaml"));
    delete service;
}

void CostsPageTest::projectionAndChart() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    QVERIFY(opened(page));
    // The demo report covers an hour: 30 days are 720 of them.
    const double usd = reportUsd(service->report);
    QCOMPARE(page.analysis()->windowSeconds(), 3600.0);
    QVERIFY(sameUsd(page.analysis()->usdPer30Days(), usd * 720));
    QCOMPARE(page.projectionText(), costformat::usd(usd * 720));

    // The chart adds up the per-minute points of the last day, one bar per hour.
    double minutes = 0;
    for (const auto& p : service->report.perMinute)
        minutes += p.usd;
    QVERIFY(sameUsd(page.chart()->total(), minutes));
    QVERIFY(page.chart()->hoursWithTraffic() >= 1);
    QVERIFY(page.chart()->hoursWithTraffic() <= 2);
    QVERIFY(page.chart()->yMaximum() >= page.chart()->peak());
    // The hour the report ends in is unfinished: "so far". (Not the hour of the last minute with
    // traffic: in the first minute of an hour that one is the hour before, and complete.)
    const qint64 end = service->report.untilMs - 1;
    QVERIFY(page.chart()->describeHour(end).contains("so far"));
    QVERIFY(!page.chart()->describeHour(end - 3'600'000).contains("so far"));
    delete service;
}

void CostsPageTest::whatIfsMoveTheFigureTheRightWay() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    QVERIFY(opened(page));
    auto* w = page.whatIf();
    const double actual = page.analysis()->usdPer30Days();

    // The demo compresses 3:1: uncompressed costs three times as much.
    w->chooseCompressionOff();
    QVERIFY(w->hasResult());
    QVERIFY(sameUsd(w->result().actualPer30Days, actual));
    QVERIFY(sameUsd(w->result().usdPer30Days, 3 * actual));
    QVERIFY(w->differenceText().startsWith("+$"));

    // Batch every 6 h: four syncs a day each copying the day so far, 2.5 times the stream.
    w->chooseViewAsBatch("commerce/user_transaction_aggregates", 6);
    QCOMPARE(w->scenario().kind, console::WhatIf::Kind::ViewAsBatch);
    QVERIFY(sameUsd(w->result().usdPer30Days, 2.5 * actual));
    QVERIFY(w->result().differencePer30Days > 0);
    // Once a day, the day crosses once: the same as streaming.
    w->chooseViewAsBatch("commerce/user_transaction_aggregates", 24);
    QVERIFY(sameUsd(w->result().usdPer30Days, actual));

    // Without a region, its six links are gone: cheaper.
    w->chooseWithoutRegion("azure-southeastasia");
    QCOMPARE(w->scenario().region, std::string("azure-southeastasia"));
    QVERIFY(w->result().usdPer30Days < actual);
    QVERIFY(w->result().differencePer30Days < 0);
    QVERIFY(w->differenceText().startsWith(QStringLiteral("−$")));
    double withoutAzure = 0;
    for (const auto& l : service->report.lines) {
        if (l.from != "azure-southeastasia" && l.to != "azure-southeastasia")
            withoutAzure += l.usd;
    }
    QVERIFY(sameUsd(w->result().usdPer30Days, withoutAzure * 720));

    // The choice survives a refresh.
    page.refresh();
    QSignalSpy answered(service, &RegionService::costLoaded);
    QVERIFY(answered.wait());
    QTRY_COMPARE(w->scenario().region, std::string("azure-southeastasia"));
    delete service;
}

void CostsPageTest::windowChangeAsksAgainAndStaleAnswersAreDropped() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    page.show();
    page.activate();
    const quint64 firstToken = static_cast<quint64>(service->requests);  // no poll is out
    QCOMPARE(service->requests, 1);  // 24 hours: the chart comes with the report
    // Switching the window before the answer supersedes it.
    page.setWindow(CostsPage::Window::LastHour);
    QCOMPARE(service->requests, 3);  // the hour, and the last day for the chart
    QTRY_VERIFY(page.hasData());
    const double usd = page.analysis()->usd();

    // A late answer to the first request changes nothing.
    console::CostReport stale = service->report;
    for (auto& l : stale.lines)
        l.usd *= 100;
    emit service->costLoaded(firstToken, stale);
    QCOMPARE(page.analysis()->usd(), usd);
    auto* box = page.findChild<QComboBox*>("costWindow");
    QCOMPARE(box->currentText(), QStringLiteral("Last hour"));
    box->setCurrentIndex(2);
    QCOMPARE(page.window(), CostsPage::Window::Last7Days);
    QCOMPARE(service->requests, 4);
    delete service;
}

void CostsPageTest::failuresReachTheStatusBar() {
    auto* service = FakeRegionService::demo();
    service->failAll = true;
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    QSignalSpy messages(&page, &Page::message);
    page.show();
    page.activate();
    QTRY_VERIFY(!messages.isEmpty());
    QVERIFY(messages.first().first().toString().contains("Costs unavailable"));
    QVERIFY(!page.hasData());
    // It asks again once the regions answer.
    service->failAll = false;
    page.refresh();
    QTRY_VERIFY(page.hasData());
    delete service;
}

void CostsPageTest::modelsPassTheTester() {
    auto* service = FakeRegionService::demo();
    DeploymentMonitor monitor(service);
    CostsPage page(service, &monitor);
    QAbstractItemModelTester links(page.linkModel(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester views(page.viewModel(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester linkProxy(page.linkProxy(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester viewProxy(page.viewProxy(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(opened(page));
    // Links and views come and go between refreshes.
    service->report.lines.erase(service->report.lines.begin(), service->report.lines.begin() + 3);
    auto control = service->report.lines.front();
    control.view.clear();
    control.kind = "control";
    service->report.lines.push_back(control);
    page.refresh();
    QTRY_COMPARE(page.linkModel()->rowCount(), 9);
    QCOMPARE(page.viewModel()->rowCount(), 2);
    QCOMPARE(page.viewModel()
                 ->index(page.viewModel()->rowOf(QString()), CostViewModel::View)
                 .data()
                 .toString(),
             QStringLiteral("registry and control"));
    page.linkView()->sortByColumn(CostLinkModel::From, Qt::AscendingOrder);
    page.viewView()->sortByColumn(CostViewModel::Sent, Qt::AscendingOrder);
    service->report.lines.clear();
    page.refresh();
    QTRY_COMPARE(page.linkModel()->rowCount(), 0);
    QCOMPARE(page.analysis()->usd(), 0.0);
    delete service;
}

QTEST_MAIN(CostsPageTest)
#include "tst_costspage.moc"
