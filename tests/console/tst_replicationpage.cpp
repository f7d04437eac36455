// The Replication page against the fake service: links, emulated labels, lag charts and the job
// history show; "Sync now" follows a job to the end, and its Cancel button cancels the job.

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include "bridge/deploymentmonitor.h"
#include "replication/jobtablemodel.h"
#include "replication/lagchart.h"
#include "replication/linktablemodel.h"
#include "replication/replicationpage.h"
#include "replication/syncdialog.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;
using State = console::SyncJobInfo::State;

namespace {

// With MERIDIAN_SCREENSHOT_DIR set, keeps a picture of the widget for people to look at.
void keep(QWidget* widget, const char* name) {
    const QString dir = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    widget->grab().save(QDir(dir).filePath(name));
}

}  // namespace

class ReplicationPageTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void showsLinksChartsAndJobs();
    void filterAndPerViewRows();
    void selectingLinksFocusesTheChart();
    void syncDialogFollowsProgressToTheEnd();
    void syncDialogCancelsTheJob();
    void syncDialogRefusesTheSameRegionTwice();
    void lagChartDecimatesLongSeriesKeepingPeaks();
    void chartStartsWithTheRegionsLastHour();

private:
    FakeRegionService* m_service = nullptr;
    DeploymentMonitor* m_monitor = nullptr;
    ReplicationPage* m_page = nullptr;
};

void ReplicationPageTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
}

void ReplicationPageTest::init() {
    m_service = FakeRegionService::demo();
    m_monitor = new DeploymentMonitor(m_service);
    m_monitor->setInterval(50);
    m_page = new ReplicationPage(m_service, m_monitor);
    m_page->resize(1200, 800);
    m_page->show();
    m_monitor->start();
    QTRY_VERIFY(m_page->hasData());
}

void ReplicationPageTest::cleanup() {
    delete m_page;
    delete m_monitor;
    delete m_service;
}

void ReplicationPageTest::showsLinksChartsAndJobs() {
    QCOMPARE(m_page->linkModel()->rowCount(), 12);
    QCOMPARE(m_page->linkProxy()->rowCount(), 12);
    QCOMPARE(m_page->jobModel()->rowCount(), 1);
    QCOMPARE(m_page->jobModel()->data(m_page->jobModel()->index(0, JobTableModel::Kind)).toString(),
             QStringLiteral("Snapshot"));
    // Every link is emulated in the demo, and the page says so.
    const auto labels = m_page->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* l) {
        return l->isVisible() && l->text().contains("Emulated links");
    }));
    QVERIFY(m_page->linkModel()
                ->data(m_page->linkModel()->index(0, LinkTableModel::Network))
                .toString()
                .startsWith("emulated"));
    // The chart fills with one series per link as polls arrive, through replace().
    QTRY_COMPARE(m_page->chart()->seriesCount(), 12);
    QTRY_VERIFY(m_page->chart()->pointCount() >= 24);
    QVERIFY(m_page->chart()->yMaximum() >= 120);
}

void ReplicationPageTest::filterAndPerViewRows() {
    auto* filter = m_page->findChild<QLineEdit*>();
    QVERIFY(filter);
    filter->setText("azure");
    QCOMPARE(m_page->linkProxy()->rowCount(), 6);
    filter->clear();
    // A view row appears only when asked for.
    auto link = m_service->snapshot.links.front();
    link.view = "commerce/user_transaction_aggregates";
    m_service->snapshot.links.push_back(link);
    QTRY_COMPARE(m_page->linkModel()->rowCount(), 13);
    QCOMPARE(m_page->linkProxy()->rowCount(), 12);
    m_page->findChild<QCheckBox*>()->setChecked(true);
    QCOMPARE(m_page->linkProxy()->rowCount(), 13);
}

void ReplicationPageTest::selectingLinksFocusesTheChart() {
    QTRY_COMPARE(m_page->chart()->seriesCount(), 12);
    QCOMPARE(m_page->chart()->yMaximum(), 200.0);  // 120 ms at most, with headroom
    // Selecting the 10 ms link between the two European regions zooms the chart onto it.
    const QString key = DeploymentMonitor::linkKey("aws-eu-west-1", "gcp-europe-west4");
    int row = -1;
    for (int r = 0; r < m_page->linkProxy()->rowCount(); ++r) {
        if (m_page->linkProxy()->index(r, 0).data(LinkTableModel::kLinkKeyRole).toString() == key)
            row = r;
    }
    QVERIFY(row >= 0);
    m_page->linkView()->selectRow(row);
    QCOMPARE(m_page->chart()->yMaximum(), 20.0);
    m_page->linkView()->clearSelection();
    QCOMPARE(m_page->chart()->yMaximum(), 200.0);
}

void ReplicationPageTest::syncDialogFollowsProgressToTheEnd() {
    SyncDialog* dialog = m_page->openSyncDialog();
    QVERIFY(dialog);
    dialog->setLink("aws-us-east-1", "azure-southeastasia");
    QTRY_VERIFY(dialog->findChild<QListWidget*>()->isEnabled());  // the views have arrived
    keep(dialog, "syncdialog-setup.png");
    QVERIFY(dialog->startButton()->isEnabled());
    QSignalSpy changed(dialog, &SyncDialog::jobChanged);
    QSignalSpy started(m_service, &RegionService::syncStarted);
    // What the bar showed after each update the dialog took (the fake steps every 10 ms, so a
    // busy machine may deliver several steps before a spy created later would see one).
    QList<int> shown;
    connect(dialog, &SyncDialog::jobChanged, this,
            [&] { shown << dialog->progressBar()->value(); });
    dialog->startButton()->click();
    QVERIFY(started.wait());
    QVERIFY(!dialog->jobId().isEmpty());
    QVERIFY(dialog->cancelJobButton()->isVisible());
    QVERIFY(dialog->cancelJobButton()->isEnabled());
    // Progress arrives, then the end.
    QTRY_VERIFY(shown.contains(25) || dialog->isFinished());
    keep(dialog, "syncdialog-running.png");
    QTRY_VERIFY(dialog->isFinished());
    QVERIFY2(shown.contains(25) && shown.contains(50) && shown.contains(75),
             qPrintable(QString("the bar showed %1").arg([&] {
                 QStringList s;
                 for (int v : shown)
                     s << QString::number(v);
                 return s.join(", ");
             }())));
    QVERIFY(std::is_sorted(shown.begin(), shown.end()));
    keep(dialog, "syncdialog-done.png");
    QCOMPARE(dialog->finalState(), State::Succeeded);
    QCOMPARE(dialog->progressBar()->value(), 100);
    QVERIFY(dialog->statusText().startsWith("Succeeded"));
    QVERIFY(!dialog->cancelJobButton()->isEnabled());
    QVERIFY(changed.count() >= 3);
    // The history shows the new job, finished.
    const int row = m_page->jobModel()->rowOf(dialog->jobId());
    QVERIFY(row >= 0);
    QTRY_COMPARE(m_page->jobModel()->job(row).state, State::Succeeded);
    QCOMPARE(QString::fromStdString(m_page->jobModel()->job(row).to),
             QStringLiteral("azure-southeastasia"));
    dialog->close();
}

void ReplicationPageTest::syncDialogCancelsTheJob() {
    SyncDialog* dialog = m_page->openSyncDialog();
    dialog->setLink("aws-eu-west-1", "gcp-europe-west4");
    QSignalSpy started(m_service, &RegionService::syncStarted);
    QSignalSpy finished(m_service, &RegionService::jobFinished);
    dialog->startButton()->click();
    // Cancel as soon as the job exists: before the fake's first progress step (10 ms later).
    QVERIFY(started.wait());
    QVERIFY(dialog->cancelJobButton()->isVisible());
    QVERIFY(dialog->cancelJobButton()->isEnabled());
    dialog->cancelJobButton()->click();
    QVERIFY(!dialog->cancelJobButton()->isEnabled());
    QTRY_VERIFY(dialog->isFinished());
    QCOMPARE(dialog->finalState(), State::Cancelled);
    QVERIFY(dialog->statusText().startsWith("Cancelled"));
    keep(dialog, "syncdialog-cancelled.png");
    // The fake keeps "running" the job and finishes it again: the dialog stays cancelled.
    QTRY_VERIFY(finished.count() >= 2);
    QCOMPARE(dialog->finalState(), State::Cancelled);
    dialog->close();
}

void ReplicationPageTest::syncDialogRefusesTheSameRegionTwice() {
    SyncDialog* dialog = m_page->openSyncDialog();
    dialog->setLink("aws-eu-west-1", "aws-eu-west-1");
    QVERIFY(!dialog->startButton()->isEnabled());
    dialog->setLink("aws-eu-west-1", "aws-us-east-1");
    QVERIFY(dialog->startButton()->isEnabled());
    dialog->close();
}

void ReplicationPageTest::lagChartDecimatesLongSeriesKeepingPeaks() {
    // An hour at one sample a second, one spike, bucketed by ten seconds.
    QList<QPointF> points;
    const double start = 1'700'000'000'000.0;
    for (int i = 0; i < 3600; ++i)
        points << QPointF(start + i * 1000.0, i == 1234 ? 900.0 : 10.0 + i % 7);
    const auto out = LagChart::decimate(points, start, 10'000);
    QVERIFY2(out.size() <= 2 * 360, qPrintable(QString::number(out.size())));
    QVERIFY(out.size() >= 360);
    QVERIFY(std::any_of(out.begin(), out.end(), [](const QPointF& p) { return p.y() == 900.0; }));
    for (qsizetype i = 1; i < out.size(); ++i)
        QVERIFY(out[i].x() > out[i - 1].x());
    QCOMPARE(out.first().x(), start);
    // Short series are left alone.
    QCOMPARE(LagChart::decimate(points.mid(0, 3), start, 10'000).size(), 3);
}

// The regions' record of the last hour comes with the first poll, so the chart does not start
// empty; later polls bring the samples the regions took since.
void ReplicationPageTest::chartStartsWithTheRegionsLastHour() {
    auto* service = FakeRegionService::demo();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto& link = service->snapshot.links.front();
    QVERIFY(link.view.empty());
    for (int i = 0; i < 359; ++i)  // every 10 s, from just under an hour ago
        link.history.push_back({now - 3'590'000 + i * 10'000, 0.25, 40.0});
    const QString key = DeploymentMonitor::linkKey(link);
    DeploymentMonitor monitor(service);
    monitor.setInterval(50);
    monitor.start();
    QTRY_VERIFY(monitor.lagHistory(key).size() >= 362);  // the hour, then polls of this session
    const auto points = monitor.lagHistory(key);
    QCOMPARE(points.first().x(), double(now - 3'590'000));
    QCOMPARE(points.first().y(), 250.0);  // lag 0.25 s shown in ms
    for (int i = 1; i < points.size(); ++i)
        QVERIFY(points[i].x() > points[i - 1].x());
    // Later polls ask only for what is new: the hour is not added twice.
    const int before = static_cast<int>(points.size());
    QTRY_VERIFY(monitor.lagHistory(key).size() >= before + 3);
    QVERIFY(monitor.lagHistory(key).size() < 2 * 360);
    monitor.stop();
    delete service;
}

QTEST_MAIN(ReplicationPageTest)
#include "tst_replicationpage.moc"
