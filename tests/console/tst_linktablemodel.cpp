// LinkTableModel and its LinkFilterModel: the model contract (QAbstractItemModelTester) while
// links appear, change and go away, and what an operator reads in each column.

#include <QAbstractItemModelTester>
#include <QtTest>

#include "bridge/deploymentmonitor.h"
#include "replication/linktablemodel.h"

using namespace meridian;
using namespace meridian::ui;

namespace {

console::LinkStatus link(const std::string& from, const std::string& to, double lagSeconds,
                         const std::string& view = {}) {
    console::LinkStatus l;
    l.from = from;
    l.to = to;
    l.view = view;
    l.mode = "active_active+hub_spoke";
    l.lagSeconds = lagSeconds;
    l.changesBehind = static_cast<int64_t>(lagSeconds * 1000);
    l.applyRate = 40;
    l.latencyP50Ms = 12;
    l.latencyP99Ms = 30;
    l.state = console::LinkState::Streaming;
    return l;
}

QString cell(const QAbstractItemModel& m, int row, int column, int role = Qt::DisplayRole) {
    return m.data(m.index(row, column), role).toString();
}

}  // namespace

class LinkTableModelTest : public QObject {
    Q_OBJECT

private slots:
    void contractHoldsThroughUpdates();
    void columnsReadAsOperatorsExpect();
    void emulatedLinksAreLabelled();
    void sortsByValueNotText();
    void filtersViewsAndText();
};

void LinkTableModelTest::contractHoldsThroughUpdates() {
    LinkTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LinkFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);

    model.setLinks({link("a", "b", 0.1), link("b", "a", 0.2)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(LinkTableModel::ColumnCount));

    // Same links, new values: updated in place, no reset or row moves.
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLinks({link("a", "b", 2.0), link("b", "a", 0.3)});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(cell(model, 0, LinkTableModel::Lag), QStringLiteral("2.0 s"));

    // One goes, two come (one of them a view row), in another order.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setLinks({link("c", "a", 0.5), link("a", "b", 0.1), link("a", "b", 0.1, "shop/v")});
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(proxy.rowCount(), 2);  // view rows hidden by default

    model.setLinks({});
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
}

void LinkTableModelTest::columnsReadAsOperatorsExpect() {
    LinkTableModel model;
    auto l = link("aws-us-east-1", "aws-eu-west-1", 0.042);
    l.conflicts = 1234;
    l.residencyWithheld = 7;
    model.setLinks({l});
    QCOMPARE(cell(model, 0, LinkTableModel::From), QStringLiteral("aws-us-east-1"));
    QCOMPARE(cell(model, 0, LinkTableModel::To), QStringLiteral("aws-eu-west-1"));
    QCOMPARE(cell(model, 0, LinkTableModel::View), QStringLiteral("whole link"));
    QCOMPARE(cell(model, 0, LinkTableModel::Mode), QStringLiteral("active-active, hub-spoke"));
    QCOMPARE(cell(model, 0, LinkTableModel::Lag), QStringLiteral("42 ms"));
    QCOMPARE(cell(model, 0, LinkTableModel::Behind), QStringLiteral("42"));
    QCOMPARE(cell(model, 0, LinkTableModel::ApplyRate), QStringLiteral("40.0/s"));
    QCOMPARE(cell(model, 0, LinkTableModel::Conflicts), QStringLiteral("1,234"));
    QCOMPARE(cell(model, 0, LinkTableModel::Withheld), QStringLiteral("7"));
    QCOMPARE(cell(model, 0, LinkTableModel::State), QStringLiteral("streaming"));
    QCOMPARE(cell(model, 0, LinkTableModel::Network), QStringLiteral("real network"));
    QCOMPARE(model.data(model.index(0, 0), LinkTableModel::kLinkKeyRole).toString(),
             DeploymentMonitor::linkKey("aws-us-east-1", "aws-eu-west-1"));
    const auto align = model.data(model.index(0, LinkTableModel::Lag), Qt::TextAlignmentRole)
                           .value<Qt::Alignment>();
    QVERIFY(align & Qt::AlignRight);
    QCOMPARE(model.headerData(LinkTableModel::Lag, Qt::Horizontal).toString(),
             QStringLiteral("Lag"));
    // Caught up: no lag (as meridianctl says); the end-to-end latency is its own column.
    model.setLinks({link("a", "b", 0)});
    QCOMPARE(cell(model, 0, LinkTableModel::Lag), QStringLiteral("0 ms"));
    QCOMPARE(cell(model, 0, LinkTableModel::LatencyP50), QStringLiteral("12 ms"));
}

void LinkTableModelTest::emulatedLinksAreLabelled() {
    LinkTableModel model;
    auto l = link("a", "b", 0.04);
    l.emulated = true;
    l.emulation = "delay 35 ms ±3 ms";
    model.setLinks({l, link("b", "a", 0.04)});
    QVERIFY(model.anyEmulated());
    QCOMPARE(cell(model, 0, LinkTableModel::Network), QStringLiteral("emulated · 35 ms ±3 ms"));
    QVERIFY(cell(model, 0, LinkTableModel::Network, Qt::ToolTipRole).contains("Emulated link"));
    QVERIFY(!model.data(model.index(0, LinkTableModel::Network), Qt::DecorationRole).isNull());
    QCOMPARE(cell(model, 1, LinkTableModel::Network), QStringLiteral("real network"));
}

void LinkTableModelTest::sortsByValueNotText() {
    LinkTableModel model;
    model.setLinks({link("a", "b", 0.9), link("b", "c", 12.0), link("c", "a", 0.05)});
    LinkFilterModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(LinkTableModel::Lag, Qt::DescendingOrder);
    // "12.0 s" > "900 ms" > "50 ms" by value; as text "900 ms" would come first.
    QCOMPARE(cell(proxy, 0, LinkTableModel::From), QStringLiteral("b"));
    QCOMPARE(cell(proxy, 1, LinkTableModel::From), QStringLiteral("a"));
    QCOMPARE(cell(proxy, 2, LinkTableModel::From), QStringLiteral("c"));
    // Sorting survives an update of the values.
    model.setLinks({link("a", "b", 30.0), link("b", "c", 12.0), link("c", "a", 0.05)});
    QCOMPARE(cell(proxy, 0, LinkTableModel::From), QStringLiteral("a"));
}

void LinkTableModelTest::filtersViewsAndText() {
    LinkTableModel model;
    model.setLinks({link("aws-us-east-1", "gcp-europe-west4", 0.1),
                    link("aws-us-east-1", "gcp-europe-west4", 0.1, "commerce/user_profile"),
                    link("gcp-europe-west4", "azure-southeastasia", 0.2),
                    link("azure-southeastasia", "aws-us-east-1", 0.3)});
    LinkFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setShowViews(true);
    QCOMPARE(proxy.rowCount(), 4);
    proxy.setFilterFixedString("azure");
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setFilterFixedString("user_profile");
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setShowViews(false);
    QCOMPARE(proxy.rowCount(), 0);
}

QTEST_MAIN(LinkTableModelTest)
#include "tst_linktablemodel.moc"
