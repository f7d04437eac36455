#include "routing/routingpage.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <iterator>
#include <set>

#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "routing/routingtablemodel.h"

namespace meridian::ui {
namespace {

struct Bound {
    const char* label;
    qint64 ms;
};
constexpr Bound kBounds[] = {{QT_TRANSLATE_NOOP("RoutingPage", "Any lag"), 0},
                             {QT_TRANSLATE_NOOP("RoutingPage", "500 ms"), 500},
                             {QT_TRANSLATE_NOOP("RoutingPage", "1 s"), 1000},
                             {QT_TRANSLATE_NOOP("RoutingPage", "2 s"), 2000},
                             {QT_TRANSLATE_NOOP("RoutingPage", "5 s"), 5000},
                             {QT_TRANSLATE_NOOP("RoutingPage", "30 s"), 30'000}};

}  // namespace

RoutingPage::RoutingPage(RegionService* service, QWidget* parent)
    : Page(parent), m_service(service) {
    setObjectName(QStringLiteral("routing"));
    m_model = new RoutingTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RoutingTableModel::kSortRole);
    m_proxy->setFilterKeyColumn(RoutingTableModel::From);

    m_summary = new QLabel(tr("Asking every region for its lag and links…"), this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);

    m_caller = new QComboBox(this);
    m_caller->setObjectName(QStringLiteral("routingCaller"));
    m_caller->addItem(tr("Every region"), QString());
    for (const auto& r : service->layout().regions)
        m_caller->addItem(qs(r.name), qs(r.name));
    m_caller->setToolTip(tr("Only routes for a caller in this region"));
    m_staleness = new QComboBox(this);
    m_staleness->setObjectName(QStringLiteral("routingStaleness"));
    for (const auto& b : kBounds)
        m_staleness->addItem(tr(b.label), b.ms);
    m_staleness->setToolTip(
        tr("The reads' max_staleness: regions whose copy lags more are passed over"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setToolTip(tr("Ask every region again (F5)"));
    m_refresh->setShortcut(QKeySequence::Refresh);

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    controls->addWidget(new QLabel(tr("Caller in"), this));
    controls->addWidget(m_caller);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Max staleness"), this));
    controls->addWidget(m_staleness);
    controls->addStretch(1);
    controls->addWidget(m_refresh);

    auto* rule = new QLabel(
        tr("A read goes to the nearest region that holds every view of the service (residency "
           "and replication), meets the staleness bound and is up; else the next nearest; else "
           "the hub or owner. Distances come from the emulated links, else from the regions' "
           "coordinates. meridianctl routes prints the same table."),
        this);
    rule->setWordWrap(true);
    QPalette mutedPalette = rule->palette();
    mutedPalette.setColor(QPalette::WindowText, Theme::muted());
    rule->setPalette(mutedPalette);

    m_view = makeDataTable(m_proxy, QStringLiteral("routingTable"), this);
    m_view->sortByColumn(RoutingTableModel::Service, Qt::AscendingOrder);
    auto* header = m_view->horizontalHeader();
    header->setSectionResizeMode(RoutingTableModel::PassedOver, QHeaderView::Stretch);
    header->resizeSection(RoutingTableModel::Service, 190);
    header->resizeSection(RoutingTableModel::From, 170);
    header->resizeSection(RoutingTableModel::ServedBy, 190);
    header->resizeSection(RoutingTableModel::Distance, 90);
    header->resizeSection(RoutingTableModel::Reason, 300);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(8);
    layout->addWidget(m_summary);
    layout->addLayout(controls);
    layout->addWidget(rule);
    layout->addWidget(m_view, 1);

    connect(m_caller, &QComboBox::currentIndexChanged, this, [this] {
        const QString region = m_caller->currentData().toString();
        m_proxy->setFilterRegularExpression(
            region.isEmpty() ? QRegularExpression()
                             : QRegularExpression(QRegularExpression::anchoredPattern(
                                   QRegularExpression::escape(region))));
        updateSummary();
    });
    // A new bound asks again at once; answers to the old one are ignored.
    connect(m_staleness, &QComboBox::currentIndexChanged, this, [this] {
        m_token = 0;
        refresh();
    });
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        m_token = 0;
        refresh();
    });
    connect(service, &RegionService::routesPlanned, this, &RoutingPage::onTable);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0 || token != m_token)
                    return;
                m_token = 0;
                m_error = text;
                updateSummary();
                emit message(tr("Routes unavailable: %1").arg(text));
            });
    // Asked for before the console had its credentials: ask now (the first table, or a
    // fresh one for the page on screen).
    connect(service, &RegionService::ready, this, [this] {
        if (isVisible() || !m_haveTable)
            refresh();
    });
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_timer.start();
}

QIcon RoutingPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("routing"));
}

void RoutingPage::activate() {
    refresh();
}

void RoutingPage::refresh() {
    if (m_token != 0 || !m_service->isReady())
        return;
    m_token = m_service->routes(m_staleness->currentData().toLongLong());
}

void RoutingPage::onTable(quint64 token, const console::RoutingTable& table) {
    if (token != m_token)
        return;
    m_token = 0;
    m_error.clear();
    m_model->setTable(table);
    m_plannedAtMs = table.atMs;
    m_haveTable = true;
    updateSummary();
}

void RoutingPage::updateSummary() {
    if (!m_haveTable) {
        if (!m_error.isEmpty())
            m_summary->setText(tr("Routes unavailable: %1").arg(m_error.toHtmlEscaped()));
        return;
    }
    std::set<std::string> services;
    int remote = 0;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const auto& route = m_model->route(r);
        services.insert(route.service);
        if (!route.region.empty() && route.region != route.from)
            ++remote;
    }
    const int unserved = m_model->unservedCount();
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    QString text =
        QStringLiteral("<span style='font-size:large'><b style='color:%1'>%2</b></span>")
            .arg((unserved > 0 ? Theme::bad() : Theme::good()).name(),
                 unserved > 0 ? tr("%1 cannot be served")
                                    .arg(format::counted(unserved, tr("route"), tr("routes")))
                              : tr("every route served"));
    text += sep + tr("%1 × %2").arg(format::counted(static_cast<int64_t>(services.size()),
                                                    tr("feature service"), tr("feature services")),
                                    format::counted(m_caller->count() - 1, tr("caller region"),
                                                    tr("caller regions")));
    text += sep + tr("%1 served from another region").arg(remote);
    const QString at =
        QDateTime::fromMSecsSinceEpoch(m_plannedAtMs).toString(QStringLiteral("HH:mm:ss"));
    const qint64 bound = m_staleness->currentData().toLongLong();
    text += sep + (bound == 0
                       ? tr("planned %1, any lag accepted").arg(at)
                       : tr("planned %1 for max staleness %2").arg(at, m_staleness->currentText()));
    if (!m_error.isEmpty())
        text += sep + tr("<span style='color:%1'>last refresh failed: %2</span>")
                          .arg(Theme::bad().name(), m_error.toHtmlEscaped());
    m_summary->setText(text);
}

}  // namespace meridian::ui
