#include "replication/hubspanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "replication/hubtablemodel.h"
#include "replication/promotedialog.h"

namespace meridian::ui {

HubsPanel::HubsPanel(RegionService* service, QWidget* parent)
    : QWidget(parent), m_service(service) {
    setObjectName(QStringLiteral("hubs"));
    m_model = new HubTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HubTableModel::kSortRole);

    m_summary = new QLabel(tr("Asking every region who hubs each hub-and-spoke view…"), this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setToolTip(tr("Ask every region again (meridianctl hubs)"));
    m_promote = new QPushButton(tr("Promote…"), this);
    m_promote->setEnabled(false);

    auto* bar = new QHBoxLayout;
    bar->setSpacing(8);
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_refresh);
    bar->addWidget(m_promote);

    m_view = makeDataTable(m_proxy, QStringLiteral("hubs"), this,
                           {.selection = QAbstractItemView::SingleSelection});
    m_view->sortByColumn(HubTableModel::View, Qt::AscendingOrder);
    m_view->horizontalHeader()->resizeSection(HubTableModel::View, 240);
    m_view->horizontalHeader()->resizeSection(HubTableModel::Hub, 170);
    m_view->horizontalHeader()->resizeSection(HubTableModel::Since, 140);
    m_view->horizontalHeader()->resizeSection(HubTableModel::Previous, 160);
    m_view->horizontalHeader()->resizeSection(HubTableModel::Agreeing, 130);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->setSpacing(8);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_refresh, &QPushButton::clicked, this, &HubsPanel::refresh);
    connect(m_promote, &QPushButton::clicked, this, [this] { promoteSelected(); });
    connect(m_view, &QTableView::doubleClicked, this, [this] { promoteSelected(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &HubsPanel::updateButtons);
    connect(service, &RegionService::hubsListed, this, &HubsPanel::onHubs);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0 || token != m_token)
                    return;
                m_token = 0;
                m_refresh->setEnabled(true);
                m_summary->setText(tr("No region answered: %1").arg(text.toHtmlEscaped()));
            });
}

void HubsPanel::refresh() {
    if (m_token != 0 || !m_service->isReady())
        return;
    m_token = m_service->hubs();
    m_refresh->setEnabled(false);
}

void HubsPanel::onHubs(quint64 token, const console::HubTable& table) {
    if (token != m_token)
        return;
    m_token = 0;
    m_haveResult = true;
    m_refresh->setEnabled(true);
    m_model->setHubs(QVector<console::HubInfo>(table.views.begin(), table.views.end()));
    int promoted = 0, unsettled = 0, refusing = 0;
    for (const auto& h : table.views) {
        promoted += h.epoch > 1 ? 1 : 0;
        unsettled += h.agreeing < h.answering ? 1 : 0;
        refusing += h.hubAnswered && !h.acceptsWrites ? 1 : 0;
    }
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    QString text = QStringLiteral("<span style='font-size:large'><b>%1</b></span>")
                       .arg(format::counted(static_cast<qint64>(table.views.size()),
                                            tr("hub-and-spoke view"), tr("hub-and-spoke views")));
    text += sep + tr("%1 promoted").arg(promoted);
    if (unsettled > 0)
        text += sep +
                QStringLiteral("<span style='color:%1'>%2</span>")
                    .arg(Theme::warning().name(), tr("%1 not yet known everywhere").arg(unsettled));
    if (refusing > 0)
        text +=
            sep + QStringLiteral("<span style='color:%1'>%2</span>")
                      .arg(Theme::bad().name(), tr("%1 with a hub refusing writes").arg(refusing));
    for (const auto& [region, count] : table.orphans)
        text += sep + QStringLiteral("<span style='color:%1'>%2</span>")
                          .arg(Theme::bad().name(),
                               tr("%1 keeps %2 it never sent")
                                   .arg(qs(region).toHtmlEscaped(),
                                        format::counted(count, tr("change"), tr("changes"))));
    for (const auto& region : table.silent)
        text += sep + QStringLiteral("<span style='color:%1'>%2</span>")
                          .arg(Theme::muted().name(),
                               tr("%1 did not answer").arg(qs(region).toHtmlEscaped()));
    m_summary->setText(text);
    m_summary->setToolTip(table.orphans.empty()
                              ? QString()
                              : tr("Changes an old hub acknowledged that never reached the hub "
                                   "that replaced it: meridianctl hubs --orphans lists them"));
    updateButtons();
}

void HubsPanel::setMayPromote(bool may, const QString& why) {
    m_mayPromote = may;
    m_promoteRefusal = why;
    updateButtons();
}

void HubsPanel::updateButtons() {
    const bool selected = !m_view->selectionModel()->selectedRows().isEmpty();
    m_promote->setEnabled(selected && m_mayPromote);
    m_promote->setToolTip(!m_mayPromote ? m_promoteRefusal
                          : selected    ? tr("Move the selected view's hub to another region, "
                                                "after seeing what the move would lose")
                                        : tr("Select a view"));
}

PromoteDialog* HubsPanel::promoteSelected() {
    const auto rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_mayPromote)
        return nullptr;
    const auto& hub = m_model->hub(m_proxy->mapToSource(rows.first()).row());
    auto* dialog = new PromoteDialog(m_service, m_service->layout(), hub, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PromoteDialog::promoted, this, [this](const console::PromotionInfo& report) {
        for (const auto& v : report.views)
            emit message(v.committed ? tr("%1: %2 is the hub in epoch %3")
                                           .arg(qs(v.view), qs(report.toRegion))
                                           .arg(v.newEpoch)
                                     : tr("%1 not promoted: %2").arg(qs(v.view), qs(v.error)));
        refresh();
    });
    dialog->show();
    return dialog;
}

}  // namespace meridian::ui
