#include "audit/erasurespanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "audit/erasedialog.h"
#include "audit/erasuremodels.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"

namespace meridian::ui {

ErasuresPanel::ErasuresPanel(RegionService* service, QWidget* parent)
    : QWidget(parent), m_service(service) {
    setObjectName(QStringLiteral("erasures"));
    m_model = new ErasureTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(ErasureTableModel::kSortRole);
    m_regions = new RegionErasureModel(this);

    m_summary = new QLabel(tr("Asking the regions for their erasures…"), this);
    m_erase = new QPushButton(tr("Erase an entity…"), this);
    m_erase->setObjectName(QStringLiteral("eraseEntityButton"));
    m_erase->setToolTip(tr("Erase an entity's data in every region (right to be forgotten)"));
    auto* top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_erase);

    DataTableOptions single;
    single.selection = QAbstractItemView::SingleSelection;
    m_view = makeDataTable(proxy, QStringLiteral("erasureList"), this, single);
    m_view->sortByColumn(ErasureTableModel::Started, Qt::DescendingOrder);
    // Ids, times and names whole; the entity takes what is left.
    for (int c = 0; c < ErasureTableModel::ColumnCount; ++c)
        m_view->horizontalHeader()->setSectionResizeMode(c, c == ErasureTableModel::Entity
                                                                ? QHeaderView::Stretch
                                                                : QHeaderView::ResizeToContents);
    DataTableOptions none;
    none.selection = QAbstractItemView::NoSelection;
    m_regionView = makeDataTable(m_regions, QStringLiteral("erasureRegions"), this, none);
    // Figures whole; a pending region's error takes what is left (whole in its tooltip).
    for (int c = 0; c < RegionErasureModel::ColumnCount; ++c)
        m_regionView->horizontalHeader()->setSectionResizeMode(
            c,
            c == RegionErasureModel::Note ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
    m_detail = new QLabel(tr("Select an erasure to see it region by region."), this);
    m_detail->setWordWrap(true);

    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 6, 0, 0);
    lowerLayout->addWidget(m_detail);
    lowerLayout->addWidget(m_regionView, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(lower);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_erase, &QPushButton::clicked, this, &ErasuresPanel::openEraseDialog);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this, proxy](const QModelIndex& current) {
                if (current.isValid())
                    m_selected = qs(m_model->job(proxy->mapToSource(current).row()).id);
                showSelected();
            });
    connect(service, &RegionService::erasuresListed, this, &ErasuresPanel::onJobs);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0 || token != m_token)
                    return;
                m_token = 0;
                m_summary->setText(tr("Erasures unavailable: %1").arg(text));
            });
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_timer.start();
}

void ErasuresPanel::refresh() {
    m_token = m_service->erasures();
}

void ErasuresPanel::setIdentity(const console::Identity& identity) {
    const bool admin = identity.role == "admin";
    m_erase->setEnabled(admin);
    m_erase->setToolTip(
        admin ? tr("Erase an entity's data in every region (right to be forgotten)")
              : tr("%1 is %2: erasure needs an admin token (File › Change token…)")
                    .arg(qs(identity.principal), identity.role == "operator"
                                                     ? tr("an operator")
                                                     : tr("a %1").arg(qs(identity.role))));
}

EraseDialog* ErasuresPanel::openEraseDialog() {
    auto* dialog = new EraseDialog(m_service, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &EraseDialog::started, this, [this](const console::ErasureJobInfo& job) {
        emit message(tr("Erasure %1 of %2 started: erased in %3, sent to the other regions")
                         .arg(qs(job.id), qs(job.entity), qs(job.coordinator)));
        m_selected = qs(job.id);
        refresh();
    });
    dialog->open();
    return dialog;
}

void ErasuresPanel::select(const QString& id) {
    m_selected = id;
    showSelected();
}

void ErasuresPanel::onJobs(quint64 token, const QVector<console::ErasureJobInfo>& jobs) {
    if (token != m_token)
        return;
    m_token = 0;
    m_model->setJobs(jobs);
    int running = 0;
    for (const auto& j : jobs)
        running += !j.done;
    m_summary->setText(jobs.isEmpty()
                           ? tr("No erasures yet.")
                           : format::counted(jobs.size(), tr("erasure"), tr("erasures")) +
                                 (running ? tr(" · %1 still running").arg(running)
                                          : tr(" · all confirmed in every region")));
    m_timer.setInterval(running ? kRunningRefreshMs : kRefreshMs);
    if (m_selected.isEmpty() && !jobs.isEmpty())
        m_selected = qs(jobs.front().id);
    showSelected();
}

void ErasuresPanel::showSelected() {
    const int row = m_model->rowOf(m_selected);
    if (row < 0) {
        m_regions->clear();
        m_detail->setText(tr("Select an erasure to see it region by region."));
        return;
    }
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_view->model());
    const QModelIndex at = proxy->mapFromSource(m_model->index(row, 0));
    if (m_view->selectionModel()->currentIndex().row() != at.row()) {
        QSignalBlocker block(m_view->selectionModel());
        m_view->selectionModel()->setCurrentIndex(
            at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    const auto& j = m_model->job(row);
    m_regions->setJob(j);
    m_detail->setText(tr("%1 of %2, asked by %3 at %4, coordinated by %5 — %6")
                          .arg(qs(j.id), qs(j.entity), qs(j.requestedBy),
                               format::dateTime(j.createdAtMs), qs(j.coordinator),
                               ErasureTableModel::stateText(j)));
}

}  // namespace meridian::ui
