#include "overview/overviewpage.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "console/linkfigures.h"
#include "overview/regioncard.h"
#include "overview/worldmapwidget.h"

namespace meridian::ui {

OverviewPage::OverviewPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent)
    : Page(parent), m_service(service), m_monitor(monitor) {
    setObjectName(QStringLiteral("overview"));
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_map = new WorldMapWidget(this);

    auto* cards = new QWidget(this);
    m_cardGrid = new QGridLayout(cards);
    m_cardGrid->setContentsMargins(0, 0, 0, 0);
    m_cardGrid->setSpacing(10);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(10);
    layout->addWidget(m_summary);
    layout->addWidget(m_map, 1);
    layout->addWidget(cards);

    const auto& layoutSnapshot = monitor->snapshot();
    const int n = static_cast<int>(layoutSnapshot.regions.size());
    for (const auto& r : layoutSnapshot.regions) {
        auto* card = new RegionCard(r, cards);
        m_cards.insert(qs(r.name), card);
        m_cardOrder << card;
    }
    layoutCards();

    m_map->setSnapshot(layoutSnapshot);
    connect(monitor, &DeploymentMonitor::updated, this, &OverviewPage::refresh);
    connect(service, &RegionService::costLoaded, this, &OverviewPage::onCost);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& msg) {
                if (token != 0 && token == m_costToken) {
                    m_costToken = 0;
                    m_costFailed = true;
                    emit message(tr("Cost of the last hour unavailable: %1").arg(msg));
                }
            });
    m_costTimer.setInterval(kCostRefreshMs);
    connect(&m_costTimer, &QTimer::timeout, this, &OverviewPage::requestCost);
    m_costTimer.start();
    if (monitor->hasSnapshot())
        refresh(monitor->snapshot());
    else
        m_summary->setText(tr("Connecting to %n region(s)…", nullptr, n));
    requestCost();
    connect(service, &RegionService::ready, this, &OverviewPage::requestCost);
}

void OverviewPage::resizeEvent(QResizeEvent* event) {
    Page::resizeEvent(event);
    layoutCards();
}

void OverviewPage::layoutCards() {
    // As many columns as fit at a readable width, at most four.
    const int n = static_cast<int>(m_cardOrder.size());
    const int fit = std::max(1, (width() - 24) / kMinCardWidth);
    const int columns = std::clamp(std::min(n, fit), 1, kMaxCardColumns);
    if (columns == m_cardColumns)
        return;
    m_cardColumns = columns;
    for (auto* card : m_cardOrder)
        m_cardGrid->removeWidget(card);
    for (int c = 0; c < kMaxCardColumns; ++c)
        m_cardGrid->setColumnStretch(c, c < columns ? 1 : 0);
    for (int i = 0; i < n; ++i)
        m_cardGrid->addWidget(m_cardOrder[i], i / columns, i % columns);
}

QIcon OverviewPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("overview"));
}

void OverviewPage::activate() {
    if (!m_haveCost)
        requestCost();
}

bool OverviewPage::hasData() const {
    // The map is complete once the cost has been asked for and answered, either way.
    return m_monitor->hasSnapshot() && (m_haveCost || m_costFailed);
}

void OverviewPage::refresh(const DeploymentSnapshot& snapshot) {
    m_map->setSnapshot(snapshot);
    for (const auto& r : snapshot.regions) {
        if (auto* card = m_cards.value(qs(r.name)))
            card->setStatus(r, snapshot.atMs);
    }
    const int up = m_monitor->regionsUp();
    const int total = m_monitor->regionCount();
    int links = 0;
    int streaming = 0;
    double worst = 0;
    int64_t conflicts = 0;
    for (const auto& l : snapshot.links) {
        if (!l.view.empty())
            continue;
        ++links;
        if (l.state == console::LinkState::Streaming)
            ++streaming;
        worst = std::max(worst, console::lagMs(l));
        conflicts += l.conflicts;
    }
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    const QColor regionColor = up == total ? Theme::good() : Theme::bad();
    QString text = QStringLiteral("<span style='font-size:large'><b style='color:%1'>%2</b></span>")
                       .arg(regionColor.name(), tr("%1 of %2 regions up").arg(up).arg(total));
    text += sep + tr("%1 of %2 links streaming").arg(streaming).arg(links);
    text += sep + tr("worst lag <b style='color:%1'>%2</b>")
                      .arg(Theme::lag(worst, false).name(), format::lagMs(worst));
    text += sep + tr("%1 conflicts resolved").arg(format::count(conflicts));
    if (m_haveCost)
        text += sep +
                tr("egress ≈ <b>%1/day</b> at the last hour's rate").arg(format::usd(m_usdPerDay));
    m_summary->setText(text);
}

void OverviewPage::requestCost() {
    if (m_costToken != 0)
        return;
    // Nothing is asked before the console has its credentials.
    if (!m_service->isReady())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_costToken = m_service->cost(now - kCostWindowMs, now);
}

void OverviewPage::onCost(quint64 token, const CostReport& report) {
    if (token != m_costToken)
        return;
    m_costToken = 0;
    // Over the time the figures cover: a deployment up for ten minutes has not had an hour of
    // traffic to spread over.
    qint64 since = report.sinceMs;
    if (!report.perMinute.empty())
        since = std::max<qint64>(since, report.perMinute.front().minuteMs);
    const qint64 until = report.untilMs > 0 ? report.untilMs : QDateTime::currentMSecsSinceEpoch();
    const double windowMs = std::max<double>(60'000, static_cast<double>(until - since));
    const double perDay = 86'400'000.0 / windowMs;
    QHash<QString, double> perPair;
    double total = 0;
    for (const auto& line : report.lines) {
        if (line.from.empty() || line.to.empty() || line.from == line.to)
            continue;
        perPair[WorldMapWidget::pairKey(qs(line.from), qs(line.to))] += line.usd * perDay;
        total += line.usd * perDay;
    }
    m_usdPerDay = total;
    m_haveCost = true;
    m_map->setDailyCost(perPair);
    if (m_monitor->hasSnapshot())
        refresh(m_monitor->snapshot());
}

}  // namespace meridian::ui
