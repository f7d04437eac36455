#include "replication/consistencypanel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "replication/consistencymodels.h"

namespace meridian::ui {

ConsistencyPanel::ConsistencyPanel(RegionService* service, QWidget* parent)
    : QWidget(parent), m_service(service) {
    setObjectName(QStringLiteral("consistency"));
    m_model = new ConsistencyTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ConsistencyTableModel::kSortRole);
    m_differences = new DifferenceTableModel(this);

    m_summary = new QLabel(
        tr("Compare the online store of every pair of regions: each reads every row of the views "
           "both hold, so a check takes seconds per million rows. Regions also check their peers "
           "every 10 minutes and raise a divergence alert."),
        this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_check = new QPushButton(tr("Check now"), this);
    m_check->setToolTip(tr("Compare every pair of regions now (meridianctl check)"));
    m_repair = new QPushButton(tr("Repair…"), this);
    m_repair->setEnabled(false);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(8);
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_check);
    bar->addWidget(m_repair);

    m_view = makeDataTable(m_proxy, QStringLiteral("consistencyChecks"), this,
                           {.selection = QAbstractItemView::SingleSelection});
    m_view->sortByColumn(ConsistencyTableModel::Differing, Qt::DescendingOrder);
    m_view->horizontalHeader()->resizeSection(ConsistencyTableModel::Pair, 300);
    m_view->horizontalHeader()->resizeSection(ConsistencyTableModel::View, 260);
    m_view->horizontalHeader()->resizeSection(ConsistencyTableModel::Rows, 170);
    m_differenceView = makeDataTable(m_differences, QStringLiteral("consistencyDifferences"), this,
                                     {.look = DataTableOptions::Look::Plain});
    m_differenceView->horizontalHeader()->resizeSection(DifferenceTableModel::View, 190);
    m_differenceView->horizontalHeader()->resizeSection(DifferenceTableModel::Entity, 130);
    m_differenceView->horizontalHeader()->resizeSection(DifferenceTableModel::First, 270);
    m_differenceView->horizontalHeader()->resizeSection(DifferenceTableModel::Second, 270);
    m_differenceView->horizontalHeader()->resizeSection(DifferenceTableModel::Kept, 130);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_view);
    splitter->addWidget(m_differenceView);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_check, &QPushButton::clicked, this, &ConsistencyPanel::check);
    connect(m_repair, &QPushButton::clicked, this, [this] { repairSelected(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConsistencyPanel::showSelected);
    connect(service, &RegionService::consistencyChecked, this, &ConsistencyPanel::onChecked);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0 || token != m_token)
                    return;
                m_token = 0;
                m_check->setEnabled(true);
                m_summary->setText(tr("The check failed: %1").arg(text.toHtmlEscaped()));
                emit message(tr("Consistency check failed: %1").arg(text));
            });
}

void ConsistencyPanel::check() {
    if (m_token != 0 || !m_service->isReady())
        return;
    m_token = m_service->checkConsistency();
    m_check->setEnabled(false);
    m_summary->setText(tr("Comparing every pair of regions…"));
}

void ConsistencyPanel::checkOnce() {
    if (!m_haveResult)
        check();
}

void ConsistencyPanel::onChecked(quint64 token,
                                 const QVector<console::ConsistencyCheckInfo>& pairs) {
    if (token != m_token)
        return;
    m_token = 0;
    m_haveResult = true;
    m_check->setEnabled(true);
    m_model->setChecks(pairs);
    int compared = 0, diverged = 0, failed = 0;
    int64_t keys = 0;
    for (const auto& p : pairs) {
        if (!p.error.empty()) {
            ++failed;
            continue;
        }
        ++compared;
        keys += p.differing();
        diverged += p.differing() > 0 ? 1 : 0;
    }
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    QString text =
        QStringLiteral("<span style='font-size:large'><b style='color:%1'>%2</b></span>")
            .arg((keys > 0 ? Theme::bad() : Theme::good()).name(),
                 keys > 0 ? tr("%1 in %2")
                                .arg(format::counted(keys, tr("key differs"), tr("keys differ")),
                                     format::counted(diverged, tr("pair"), tr("pairs")))
                          : tr("consistent"));
    text += sep + tr("%1 compared").arg(format::counted(compared, tr("pair"), tr("pairs")));
    if (failed > 0)
        text += sep + tr("<span style='color:%1'>%2 not compared</span>")
                          .arg(Theme::warning().name())
                          .arg(failed);
    text += sep +
            tr("checked %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    m_summary->setText(text);
    // The first pair that differs is selected, so that its keys show at once.
    if (m_view->selectionModel()->selectedRows().isEmpty() && m_proxy->rowCount() > 0)
        m_view->selectRow(0);
    showSelected();
}

void ConsistencyPanel::showSelected() {
    const auto rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_differences->clear();
    } else {
        const auto& r = m_model->row(m_proxy->mapToSource(rows.first()).row());
        m_differences->setPair(r.pair, r.view.view);
    }
    updateButtons();
}

void ConsistencyPanel::setMayRepair(bool may, const QString& why) {
    m_mayRepair = may;
    m_repairRefusal = why;
    updateButtons();
}

void ConsistencyPanel::updateButtons() {
    const auto rows = m_view->selectionModel()->selectedRows();
    const bool differs =
        !rows.isEmpty() &&
        m_model->row(m_proxy->mapToSource(rows.first()).row()).pair.differing() > 0;
    m_repair->setEnabled(differs && m_mayRepair);
    m_repair->setToolTip(!m_mayRepair ? m_repairRefusal
                         : differs
                             ? tr("Start a repair job in each region of the pair: each takes the "
                                  "other's rows that win by the conflict rule")
                             : tr("Select a pair whose keys differ"));
}

void ConsistencyPanel::repairSelected(bool confirmed) {
    const auto rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_mayRepair)
        return;
    const auto& pair = m_model->row(m_proxy->mapToSource(rows.first()).row()).pair;
    if (pair.differing() == 0)
        return;
    const QString first = qs(pair.first), second = qs(pair.second);
    if (!confirmed) {
        const auto answer = QMessageBox::question(
            this, tr("Repair %1").arg(ConsistencyTableModel::pairName(pair)),
            tr("%1 between %2 and %3.\n\nA repair job runs in each of the two regions and takes "
               "the other's rows that win by the conflict rule; nothing else changes. Its progress "
               "shows in Sync jobs.")
                .arg(format::counted(pair.differing(), tr("key differs"), tr("keys differ")), first,
                     second));
        if (answer != QMessageBox::Yes)
            return;
    }
    m_service->triggerSync(second, first, console::SyncJobInfo::Kind::Repair, {});
    m_service->triggerSync(first, second, console::SyncJobInfo::Kind::Repair, {});
    emit message(
        tr("Repairing %1: a job in each region").arg(ConsistencyTableModel::pairName(pair)));
}

}  // namespace meridian::ui
