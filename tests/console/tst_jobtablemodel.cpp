// JobTableModel: the model contract (QAbstractItemModelTester) while the history is listed and
// single jobs progress, and the columns an operator reads.

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QtTest>

#include "common/displayformat.h"
#include "replication/jobtablemodel.h"

using namespace meridian;
using namespace meridian::ui;
using State = console::SyncJobInfo::State;

namespace {

console::SyncJobInfo job(const std::string& id, int64_t createdAtMs, State state) {
    console::SyncJobInfo j;
    j.id = id;
    j.kind = console::SyncJobInfo::Kind::CatchUp;
    j.state = state;
    j.from = "aws-us-east-1";
    j.to = "aws-eu-west-1";
    j.startedBy = "alice";
    j.createdAtMs = j.startedAtMs = createdAtMs;
    if (state == State::Succeeded)
        j.finishedAtMs = createdAtMs + 12'000;
    j.rows = 1200;
    j.total = 4800;
    j.bytes = 14'000'000;
    j.percent = state == State::Succeeded ? 100 : 25;
    j.estimatedCostUsd = 0.0013;
    return j;
}

QString cell(const QAbstractItemModel& m, int row, int column) {
    return m.data(m.index(row, column)).toString();
}

}  // namespace

class JobTableModelTest : public QObject {
    Q_OBJECT

private slots:
    void contractHoldsThroughUpdates();
    void columnsReadAsOperatorsExpect();
    void newestFirstThroughTheProxy();
};

void JobTableModelTest::contractHoldsThroughUpdates() {
    JobTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(JobTableModel::kSortRole);
    proxy.sort(JobTableModel::Created, Qt::DescendingOrder);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setJobs({job("j1", 1000, State::Succeeded), job("j2", 2000, State::Failed)});
    QCOMPARE(model.rowCount(), 2);
    // A job being watched changes in place.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    auto running = job("j3", 3000, State::Running);
    model.upsert(running);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowOf("j3"), 0);
    running.percent = 80;
    running.rows = 3840;
    model.upsert(running);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(cell(model, 0, JobTableModel::Progress), QStringLiteral("80%"));
    model.setJobs({});
    QCOMPARE(model.rowCount(), 0);
}

void JobTableModelTest::columnsReadAsOperatorsExpect() {
    JobTableModel model;
    auto running = job("j1", 1'700'000'000'000, State::Running);
    running.scope = {"commerce/user_profile", "commerce/orders"};
    auto done = job("j2", 1'700'000'100'000, State::Succeeded);
    done.costUsd = 0.00126;
    done.message = "merged 4800 rows";
    model.setJobs({running, done});
    QCOMPARE(cell(model, 0, JobTableModel::Kind), QStringLiteral("Catch-up"));
    QCOMPARE(cell(model, 0, JobTableModel::State), QStringLiteral("Running"));
    QCOMPARE(cell(model, 0, JobTableModel::Scope),
             QStringLiteral("commerce/user_profile, commerce/orders"));
    QCOMPARE(cell(model, 0, JobTableModel::Rows), QStringLiteral("1,200 of 4,800 changes"));
    QCOMPARE(cell(model, 0, JobTableModel::Bytes), QStringLiteral("14.0 MB"));
    QCOMPARE(cell(model, 0, JobTableModel::Cost), QStringLiteral("$0.0013"));
    QVERIFY(model.data(model.index(0, 0), JobTableModel::kRunningRole).toBool());
    QCOMPARE(cell(model, 1, JobTableModel::Scope), QStringLiteral("everything"));
    QCOMPARE(cell(model, 1, JobTableModel::Rows), QStringLiteral("1,200 changes"));
    // An offline batch counts partitions, a snapshot bytes.
    auto batch = job("j3", 1'700'000'200'000, State::Succeeded);
    batch.kind = console::SyncJobInfo::Kind::OfflineBatch;
    batch.rows = 1;
    auto snapshot = job("j4", 1'700'000'300'000, State::Succeeded);
    snapshot.kind = console::SyncJobInfo::Kind::Snapshot;
    snapshot.rows = 3'500'000;
    model.setJobs({batch, snapshot});
    QCOMPARE(cell(model, 0, JobTableModel::Rows), QStringLiteral("1 partition"));
    QCOMPARE(cell(model, 1, JobTableModel::Rows), format::bytes(3'500'000));
    model.setJobs({running, done});
    QCOMPARE(cell(model, 1, JobTableModel::Duration), QStringLiteral("12 s"));
    QCOMPARE(cell(model, 1, JobTableModel::Message), QStringLiteral("merged 4800 rows"));
    QCOMPARE(cell(model, 1, JobTableModel::Cost), QStringLiteral("$0.0013"));
    QVERIFY(!model.data(model.index(1, 0), JobTableModel::kRunningRole).toBool());
    QVERIFY(model.data(model.index(1, 0), Qt::ToolTipRole).toString().contains("j2"));
}

void JobTableModelTest::newestFirstThroughTheProxy() {
    JobTableModel model;
    model.setJobs({job("old", 1000, State::Succeeded), job("new", 9000, State::Succeeded),
                   job("mid", 5000, State::Cancelled)});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(JobTableModel::kSortRole);
    proxy.sort(JobTableModel::Created, Qt::DescendingOrder);
    QCOMPARE(proxy.data(proxy.index(0, 0), JobTableModel::kJobIdRole).toString(),
             QStringLiteral("new"));
    QCOMPARE(proxy.data(proxy.index(2, 0), JobTableModel::kJobIdRole).toString(),
             QStringLiteral("old"));
    proxy.sort(JobTableModel::State, Qt::AscendingOrder);
    QCOMPARE(proxy.data(proxy.index(0, 0), JobTableModel::kJobIdRole).toString(),
             QStringLiteral("mid"));
}

QTEST_MAIN(JobTableModelTest)
#include "tst_jobtablemodel.moc"
