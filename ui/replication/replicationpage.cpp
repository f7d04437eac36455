#include "replication/replicationpage.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/theme.h"
#include "console/linkfigures.h"
#include "replication/consistencypanel.h"
#include "replication/hubspanel.h"
#include "replication/jobprogressdelegate.h"
#include "replication/jobtablemodel.h"
#include "replication/lagchart.h"
#include "replication/linktablemodel.h"
#include "replication/syncdialog.h"

namespace meridian::ui {
namespace {

// A right click on the header lists the columns, to show or hide each.
void addColumnMenu(QTableView* view) {
    QHeaderView* header = view->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(
        header, &QHeaderView::customContextMenuRequested, view, [view](const QPoint& pos) {
            QMenu menu(view);
            auto* model = view->model();
            for (int c = 0; c < model->columnCount(); ++c) {
                auto* action = menu.addAction(model->headerData(c, Qt::Horizontal).toString());
                action->setCheckable(true);
                action->setChecked(!view->isColumnHidden(c));
                QObject::connect(action, &QAction::toggled, view,
                                 [view, c](bool shown) { view->setColumnHidden(c, !shown); });
            }
            menu.exec(view->horizontalHeader()->mapToGlobal(pos));
        });
}

}  // namespace

ReplicationPage::ReplicationPage(RegionService* service, DeploymentMonitor* monitor,
                                 QWidget* parent)
    : Page(parent), m_service(service), m_monitor(monitor) {
    setObjectName(QStringLiteral("replication"));
    m_links = new LinkTableModel(this);
    m_links->setColorOf(
        [monitor](const QString& key) { return Theme::series(monitor->linkIndex(key)); });
    m_linkProxy = new LinkFilterModel(this);
    m_linkProxy->setSourceModel(m_links);
    m_jobs = new JobTableModel(this);
    m_jobProxy = new QSortFilterProxyModel(this);
    m_jobProxy->setSourceModel(m_jobs);
    m_jobProxy->setSortRole(JobTableModel::kSortRole);

    // The bar above the table: summary, filter, per-view rows, sync.
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter links (region, view, state)…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(240);
    m_perView = new QCheckBox(tr("Per &view"), this);
    m_perView->setToolTip(tr("Also show one row per feature view on each link"));
    m_syncButton = new QPushButton(ConsoleIcons::sync(), tr("&Sync now…"), this);
    m_syncButton->setToolTip(
        tr("Start a catch-up, offline batch or snapshot sync between two "
           "regions"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_filter);
    bar->addWidget(m_perView);
    bar->addWidget(m_syncButton);

    m_emulatedNote = new QLabel(this);
    m_emulatedNote->setWordWrap(true);
    m_emulatedNote->setText(
        QStringLiteral("<img src=':/icons/emulated.svg' width='16' height='16' "
                       "style='vertical-align:middle'>&nbsp;") +
        tr("<b>Emulated links.</b> Regions marked <i>emulated</i> run on this machine; the "
           "delays of the deployment file stand in for the real network between them."));
    m_emulatedNote->setVisible(false);

    m_linkView = makeDataTable(m_linkProxy, QStringLiteral("links"), this);
    m_linkView->sortByColumn(LinkTableModel::From, Qt::AscendingOrder);
    m_linkView->setColumnHidden(LinkTableModel::View, true);
    // Residency-withheld counts matter to reviewers more than to operators: a right click on
    // the header brings it (or hides any other column).
    m_linkView->setColumnHidden(LinkTableModel::Withheld, true);
    addColumnMenu(m_linkView);

    m_chart = new LagChart(this);
    m_chart->setObjectName(QStringLiteral("lagChart"));
    m_chartCaption = new QLabel(tr("all links · select rows above to focus"), this);

    m_jobView =
        makeDataTable(m_jobProxy, QStringLiteral("jobs"), this,
                      {.selection = QAbstractItemView::SingleSelection, .elide = Qt::ElideMiddle});
    m_jobView->setItemDelegateForColumn(JobTableModel::Progress,
                                        new JobProgressDelegate(m_jobView));
    m_jobView->sortByColumn(JobTableModel::Created, Qt::DescendingOrder);
    addColumnMenu(m_jobView);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(section(tr("Links"), m_linkView));
    splitter->addWidget(section(tr("Lag over the last hour"), m_chart, m_chartCaption));
    splitter->addWidget(section(tr("Sync jobs"), m_jobView));
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 4);
    splitter->setStretchFactor(2, 2);

    auto* links = new QWidget(this);
    auto* linksLayout = new QVBoxLayout(links);
    linksLayout->setContentsMargins(0, 8, 0, 0);
    linksLayout->setSpacing(8);
    linksLayout->addLayout(bar);
    linksLayout->addWidget(m_emulatedNote);
    linksLayout->addWidget(splitter, 1);
    m_consistency = new ConsistencyPanel(service, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(links, tr("Links and jobs"));
    m_tabs->addTab(m_consistency, tr("Consistency"));
    m_tabs->setTabToolTip(1,
                          tr("The online store of every pair of regions compared, and repaired"));
    m_hubs = new HubsPanel(service, this);
    m_tabs->addTab(m_hubs, tr("Hubs"));
    m_tabs->setTabToolTip(2, tr("Who takes the writes of each hub-and-spoke view, in which "
                                "epoch; promote another region when a hub fails"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(0);
    layout->addWidget(m_tabs, 1);
    connect(m_consistency, &ConsistencyPanel::message, this, &Page::message);
    connect(m_hubs, &HubsPanel::message, this, &Page::message);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == 1)
            m_consistency->checkOnce();
        else if (tab == 2)
            m_hubs->refresh();
    });

    connect(m_filter, &QLineEdit::textChanged, m_linkProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_perView, &QCheckBox::toggled, this, [this](bool perView) {
        m_linkProxy->setShowViews(perView);
        m_linkView->setColumnHidden(LinkTableModel::View, !perView);
    });
    connect(m_syncButton, &QPushButton::clicked, this, [this] { openSyncDialog(); });
    connect(m_linkView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ReplicationPage::onSelection);
    connect(monitor, &DeploymentMonitor::updated, this, &ReplicationPage::refresh);
    connect(service, &RegionService::jobsListed, this, &ReplicationPage::onJobs);
    connect(service, &RegionService::jobUpdated, m_jobs, &JobTableModel::upsert);
    connect(service, &RegionService::syncStarted, this,
            [this](quint64, const console::SyncJobInfo& job) { m_jobs->upsert(job); });
    connect(service, &RegionService::jobFinished, this, [this](const console::SyncJobInfo& job) {
        m_jobs->upsert(job);
        emit message(tr("Sync job %1 %2")
                         .arg(QString::fromStdString(job.id),
                              JobTableModel::stateText(job.state).toLower()));
        requestJobs();
    });
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token != 0 && token == m_jobsToken) {
                    m_jobsToken = 0;
                    m_jobsFailed = true;
                    emit message(tr("Sync jobs unavailable: %1").arg(text));
                }
            });

    m_chartTimer.setInterval(kChartRefreshMs);
    connect(&m_chartTimer, &QTimer::timeout, this, &ReplicationPage::refreshChart);
    m_chartTimer.start();
    m_jobsTimer.setInterval(kJobsRefreshMs);
    connect(&m_jobsTimer, &QTimer::timeout, this, [this] {
        if (isVisible())
            requestJobs();
    });
    m_jobsTimer.start();

    refresh(monitor->snapshot());
    requestJobs();
    connect(service, &RegionService::ready, this, &ReplicationPage::requestJobs);
}

QIcon ReplicationPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("replication"));
}

void ReplicationPage::activate() {
    requestJobs();
    refreshChart();
}

bool ReplicationPage::hasData() const {
    if (!m_monitor->hasSnapshot() || !(m_haveJobs || m_jobsFailed) || m_links->rowCount() == 0)
        return false;
    // A line needs two samples: until then the chart is empty.
    const auto keys = m_monitor->linkKeys();
    return std::any_of(keys.begin(), keys.end(), [this](const QString& key) {
        return m_monitor->lagHistory(key).size() >= 2;
    });
}

void ReplicationPage::showEvent(QShowEvent* event) {
    Page::showEvent(event);
    refreshChart();
}

void ReplicationPage::refresh(const DeploymentSnapshot& snapshot) {
    m_links->setLinks(snapshot.links);
    if (!m_sortedOnce && m_links->rowCount() > 0) {
        m_sortedOnce = true;
        sizeLinkColumns();
    }
    m_emulatedNote->setVisible(m_links->anyEmulated());

    int links = 0;
    int streaming = 0;
    double worst = 0;
    qint64 behind = 0;
    qint64 conflicts = 0;
    for (const auto& l : snapshot.links) {
        if (!l.view.empty())
            continue;
        ++links;
        streaming += l.state == console::LinkState::Streaming;
        worst = std::max(worst, console::lagMs(l));
        behind += l.changesBehind;
        conflicts += l.conflicts;
    }
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    if (!m_monitor->hasSnapshot()) {
        m_summary->setText(tr("Waiting for the first answer from the regions…"));
        return;
    }
    m_summary->setText(tr("<b>%1 of %2 links streaming</b>").arg(streaming).arg(links) + sep +
                       tr("worst lag <b style='color:%1'>%2</b>")
                           .arg(Theme::lag(worst, false).name(), format::lagMs(worst)) +
                       sep + tr("%1 changes behind").arg(format::count(behind)) + sep +
                       tr("%1 conflicts").arg(format::count(conflicts)));
}

void ReplicationPage::sizeLinkColumns() {
    // Wide enough for what the columns will hold, not just for the first answer (a link that
    // is caught up now may be seconds behind later).
    using C = LinkTableModel;
    const QFontMetrics fm(m_linkView->font());
    auto fit = [&](int column, const QString& sample, int decoration = 0, int cap = 0) {
        m_linkView->resizeColumnToContents(column);
        int w = std::max({m_linkView->columnWidth(column),
                          fm.horizontalAdvance(sample) + 16 + decoration,
                          m_linkView->horizontalHeader()->sectionSizeHint(column)});
        if (cap > 0)
            w = std::min(w, cap);
        m_linkView->setColumnWidth(column, w);
    };
    fit(C::From, QString(), 22);
    fit(C::To, QString());
    fit(C::View, QStringLiteral("commerce/user_transactions"), 0, 240);
    fit(C::Mode, QStringLiteral("active-active, hub-spoke"), 0, 170);
    fit(C::Lag, QStringLiteral("9,999 ms"));
    fit(C::Behind, QStringLiteral("99,999"));
    fit(C::ApplyRate, QStringLiteral("9,999/s"));
    fit(C::LatencyP50, QStringLiteral("999 ms"));
    fit(C::LatencyP99, QStringLiteral("999 ms"));
    fit(C::Conflicts, QStringLiteral("99,999"));
    fit(C::Withheld, QStringLiteral("99,999"));
    fit(C::State, QString::fromStdString(console::linkStateName(console::LinkState::Partitioned)),
        22);
    fit(C::Network, QStringLiteral("emulated · 110 ms ±8 ms"), 22);
}

void ReplicationPage::refreshChart() {
    if (!isVisible())
        return;  // nothing to draw for: the monitor keeps fetching the regions' samples
    QVector<LagSeries> series;
    for (const auto& key : m_monitor->linkKeys()) {
        auto points = m_monitor->lagHistory(key);
        if (points.isEmpty())
            continue;
        LagSeries s;
        s.key = key;
        s.name = QString(key).replace(QStringLiteral("→"), QStringLiteral(" → "));
        s.color = Theme::series(m_monitor->linkIndex(key));
        s.points = std::move(points);
        series.push_back(std::move(s));
    }
    const qint64 now =
        m_monitor->hasSnapshot() ? m_monitor->lastRefreshMs() : QDateTime::currentMSecsSinceEpoch();
    m_chart->setSeries(series, now);
}

void ReplicationPage::onSelection() {
    QStringList keys;
    for (const auto& index : m_linkView->selectionModel()->selectedRows())
        keys << index.data(LinkTableModel::kLinkKeyRole).toString();
    keys.removeDuplicates();
    m_chart->setVisibleKeys(keys);
    if (keys.isEmpty())
        m_chartCaption->setText(tr("all links · select rows above to focus"));
    else
        m_chartCaption->setText(tr("%n selected link(s)", nullptr, static_cast<int>(keys.size())));
}

void ReplicationPage::requestJobs() {
    if (m_jobsToken != 0)
        return;
    // Nothing is asked before the console has its credentials.
    if (!m_service->isReady())
        return;
    m_jobsToken = m_service->jobs();
}

void ReplicationPage::onJobs(quint64 token, const QVector<console::SyncJobInfo>& jobs) {
    if (token != m_jobsToken)
        return;
    m_jobsToken = 0;
    const bool first = !m_haveJobs;
    m_haveJobs = true;
    m_jobs->setJobs(jobs);
    if (first && !jobs.isEmpty()) {
        m_jobView->resizeColumnsToContents();
        // Long scopes and principals elide (their tooltips have them) so that Result shows.
        for (int column : {int(JobTableModel::Scope), int(JobTableModel::StartedBy)})
            m_jobView->setColumnWidth(column, std::min(m_jobView->columnWidth(column), 170));
    }
}

void ReplicationPage::showView(const QString& view) {
    m_tabs->setCurrentIndex(view == QStringLiteral("consistency") ? 1
                            : view == QStringLiteral("hubs")      ? 2
                                                                  : 0);
    // A picture of the tab needs its result.
    if (view == QStringLiteral("consistency"))
        m_consistency->checkOnce();
    else if (view == QStringLiteral("hubs"))
        m_hubs->refresh();
}

bool ReplicationPage::viewReady(const QString& view) const {
    if (view == QStringLiteral("consistency"))
        return m_consistency->hasResult();
    if (view == QStringLiteral("hubs"))
        return m_hubs->hasResult();
    return true;
}

void ReplicationPage::setIdentity(const console::Identity& identity) {
    // Syncs need an operator; viewers look.
    const bool mayStart = identity.role != "viewer";
    m_syncButton->setEnabled(mayStart);
    m_consistency->setMayRepair(
        mayStart, tr("%1 is a viewer: a repair needs an operator token (File › Change token…)")
                      .arg(QString::fromStdString(identity.principal)));
    // Moving a hub is an admin's call.
    m_hubs->setMayPromote(
        identity.role == "admin",
        tr("%1 is %2: promoting a hub needs an admin token (File › Change "
           "token…)")
            .arg(QString::fromStdString(identity.principal),
                 identity.role == "operator" ? tr("an operator") : tr("a viewer")));
    m_syncButton->setToolTip(
        mayStart ? tr("Start a catch-up, offline batch or snapshot sync between two regions")
                 : tr("%1 is a viewer: starting a sync needs an operator token (File › Change "
                      "token…)")
                       .arg(QString::fromStdString(identity.principal)));
}

SyncDialog* ReplicationPage::openSyncDialog() {
    if (m_dialog && !m_dialog->isFinished() && !m_dialog->jobId().isEmpty()) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    delete m_dialog;
    m_dialog = new SyncDialog(m_service, m_monitor->snapshot(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    const auto selected = m_linkView->selectionModel()->selectedRows(LinkTableModel::From);
    if (!selected.isEmpty()) {
        const auto from = selected.first().data().toString();
        const auto to = selected.first().siblingAtColumn(LinkTableModel::To).data().toString();
        m_dialog->setLink(from, to);
    }
    m_dialog->show();
    return m_dialog;
}

}  // namespace meridian::ui
