#include "alerts/alertspage.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "alerts/alertrules.h"
#include "alerts/alertruleseditor.h"
#include "alerts/alerttablemodel.h"
#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "console/costanalysis.h"
#include "console/linkfigures.h"

namespace meridian::ui {
namespace {

constexpr int kRulesWidth = 330;
constexpr int kMaxListed = 3;  // alerts named in one notification

QString capitalized(QString text) {
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

}  // namespace

AlertsPage::AlertsPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent)
    : Page(parent), m_service(service), m_monitor(monitor) {
    setObjectName(QStringLiteral("alerts"));
    m_rules = new AlertRules(this);
    m_model = new AlertTableModel(this);
    m_activeProxy = new AlertFilterModel(true, this);
    m_activeProxy->setSourceModel(m_model);
    m_historyProxy = new AlertFilterModel(false, this);
    m_historyProxy->setSourceModel(m_model);

    m_summary = new QLabel(tr("Asking the regions for their alerts…"), this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter alerts (region, kind, text)…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(260);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_filter);

    m_activeView = makeDataTable(m_activeProxy, QStringLiteral("activeAlerts"), this);
    m_activeView->setColumnHidden(AlertTableModel::Cleared, true);
    m_activeView->sortByColumn(AlertTableModel::Raised, Qt::DescendingOrder);
    m_historyView = makeDataTable(m_historyProxy, QStringLiteral("alertHistory"), this);
    m_historyView->sortByColumn(AlertTableModel::Raised, Qt::DescendingOrder);

    m_editor = new AlertRulesEditor(m_rules, this);
    m_editor->setObjectName(QStringLiteral("alertRules"));
    auto* rulesBox = section(tr("Console rules"), m_editor);
    rulesBox->setFixedWidth(kRulesWidth);

    auto* tables = new QSplitter(Qt::Vertical, this);
    tables->setChildrenCollapsible(false);
    tables->addWidget(section(tr("Active"),
                              withPlaceholder(m_activeView,
                                              tr("No active alerts: every region answers and no "
                                                 "rule is above its threshold."),
                                              &m_activeStack),
                              &m_activeCountLabel));
    tables->addWidget(
        section(tr("History"),
                withPlaceholder(m_historyView, tr("No alert has cleared yet."), &m_historyStack),
                &m_historyCountLabel));
    tables->setStretchFactor(0, 2);
    tables->setStretchFactor(1, 3);

    auto* columns = new QHBoxLayout;
    columns->setSpacing(16);
    columns->addWidget(tables, 1);
    columns->addWidget(rulesBox);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(8);
    layout->addLayout(bar);
    layout->addLayout(columns, 1);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_activeProxy->setFilterFixedString(text);
        m_historyProxy->setFilterFixedString(text);
    });
    connect(this, &AlertsPage::notificationRequested, this, &AlertsPage::deliver);
    connect(m_rules, &AlertRules::changed, this, &AlertsPage::rebuild);
    // A rule turned on or off changes which of the backend's alerts are shown.
    connect(m_rules, &AlertRules::settingsChanged, this, &AlertsPage::rebuild);
    connect(monitor, &DeploymentMonitor::updated, this, &AlertsPage::onSnapshot);
    connect(service, &RegionService::alertsListed, this, &AlertsPage::onAlerts);
    connect(service, &RegionService::costLoaded, this, &AlertsPage::onCost);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0)
                    return;
                if (token == m_alertsToken) {
                    m_alertsToken = 0;
                    emit message(tr("Alerts unavailable: %1").arg(text));
                } else if (token == m_costToken) {
                    m_costToken = 0;
                }
            });

    // Alerts are watched whichever page is shown: the navigation counts them.
    m_pollTimer.setInterval(kPollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &AlertsPage::requestAlerts);
    m_pollTimer.start();
    m_costTimer.setInterval(kCostCheckMs);
    connect(&m_costTimer, &QTimer::timeout, this, &AlertsPage::requestCost);
    m_costTimer.start();
    if (monitor->hasSnapshot())
        onSnapshot(monitor->snapshot());
    requestAlerts();
    requestCost();
    connect(service, &RegionService::ready, this, [this] {
        requestAlerts();
        requestCost();
    });
}

QWidget* AlertsPage::section(const QString& title, QWidget* body, QLabel** count) {
    auto* box = new QWidget(this);
    auto* header = new QHBoxLayout;
    header->setSpacing(6);
    auto* label = new QLabel(title, box);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    header->addWidget(label);
    if (count) {
        *count = new QLabel(box);
        (*count)->setForegroundRole(QPalette::PlaceholderText);
        header->addWidget(*count);
    }
    header->addStretch(1);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 4, 0, 0);
    v->setSpacing(4);
    v->addLayout(header);
    v->addWidget(body, 1);
    return box;
}

QWidget* AlertsPage::withPlaceholder(QTableView* view, const QString& text,
                                     QStackedWidget** stack) {
    *stack = new QStackedWidget(this);
    auto* empty = new QLabel(text, *stack);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setMargin(16);
    empty->setFrameShape(QFrame::StyledPanel);
    empty->setAutoFillBackground(true);
    empty->setBackgroundRole(QPalette::Base);
    empty->setForegroundRole(QPalette::PlaceholderText);
    (*stack)->addWidget(view);
    (*stack)->addWidget(empty);
    (*stack)->setCurrentIndex(1);
    return *stack;
}

QIcon AlertsPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("alerts"));
}

void AlertsPage::activate() {
    requestAlerts();
    if (!m_rules->hasCost())
        requestCost();
}

void AlertsPage::requestAlerts() {
    // Nothing is asked before the console has its credentials.
    if (!m_service->isReady())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_alertsToken != 0 && now - m_alertsAskedMs < kRequestStaleMs)
        return;
    m_alertsAskedMs = now;
    m_alertsToken = m_service->alerts(true);
}

void AlertsPage::requestCost() {
    // Nothing is asked before the console has its credentials.
    if (!m_service->isReady())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_costToken != 0 && now - m_costAskedMs < kRequestStaleMs)
        return;
    m_costAskedMs = now;
    m_costToken = m_service->cost(now - kCostWindowMs, now);
}

void AlertsPage::onAlerts(quint64 token, const QVector<console::AlertInfo>& alerts) {
    if (token == 0 || token != m_alertsToken)
        return;
    m_alertsToken = 0;
    m_server = alerts;
    m_haveAlerts = true;
    m_updatedAtMs = QDateTime::currentMSecsSinceEpoch();
    rebuild();
}

void AlertsPage::onCost(quint64 token, const CostReport& report) {
    if (token == 0 || token != m_costToken)
        return;
    m_costToken = 0;
    const console::CostAnalysis analysis(report);
    m_editor->setCurrentCost(analysis.usdPerDay());
    if (analysis.windowSeconds() >= kMinCostWindowSeconds)
        m_rules->evaluateCost(analysis.usdPerDay(), QDateTime::currentMSecsSinceEpoch());
}

void AlertsPage::onSnapshot(const DeploymentSnapshot& snapshot) {
    double worst = 0;
    for (const auto& l : snapshot.links) {
        if (l.view.empty())
            worst = std::max(worst, console::lagMs(l));
    }
    m_editor->setCurrentLag(worst);
    m_rules->evaluate(snapshot);
}

QVector<console::AlertInfo> AlertsPage::merged() {
    QVector<console::AlertInfo> out;
    QHash<QString, qint64> firstSeen;
    const bool rulesWatchRegions = m_rules->settings().regionDownEnabled;
    for (auto a : m_server) {
        if (a.region == AlertRules::kRegion) {
            // Made up by the console's backend for a region that did not answer, stamped with
            // the time of each answer: the rule says the same with a steady time and a history.
            if (rulesWatchRegions && a.kind == "region_down")
                continue;
            const QString key = qs(a.region) + QLatin1Char('|') + qs(a.id);
            a.raisedAtMs = m_firstSeen.value(key, a.raisedAtMs);
            firstSeen.insert(key, a.raisedAtMs);
        }
        out.push_back(std::move(a));
    }
    m_firstSeen = firstSeen;
    out += m_rules->alerts();
    return out;
}

void AlertsPage::rebuild() {
    const auto all = merged();
    m_model->setAlerts(all, QDateTime::currentMSecsSinceEpoch());
    if (!m_sized && m_model->rowCount() > 0) {
        m_sized = true;
        sizeColumns(m_activeView);
        sizeColumns(m_historyView);
    }

    QHash<QString, console::AlertInfo> active;
    QVector<console::AlertInfo> raised;
    QVector<console::AlertInfo> cleared;
    for (const auto& a : all) {
        if (a.clearedAtMs != 0)
            continue;
        const QString key = AlertTableModel::key(a);
        active.insert(key, a);
        if (!m_announced.contains(key))
            raised << a;
    }
    for (auto it = m_announced.cbegin(); it != m_announced.cend(); ++it) {
        if (!active.contains(it.key()))
            cleared << it.value();
    }
    m_announced = active;
    announce(raised, cleared);

    const int count = static_cast<int>(active.size());
    m_activeStack->setCurrentIndex(count > 0 ? 0 : 1);
    m_historyStack->setCurrentIndex(m_model->rowCount() > count ? 0 : 1);
    m_activeCountLabel->setText(QString::number(count));
    m_historyCountLabel->setText(QString::number(m_model->rowCount() - count));
    if (m_tray)
        m_tray->setToolTip(tr("Meridian: %n active alert(s)", nullptr, count));
    updateSummary();
    if (count != m_activeCount) {
        m_activeCount = count;
        emit activeCountChanged(count);
    }
}

void AlertsPage::announce(const QVector<console::AlertInfo>& raised,
                          const QVector<console::AlertInfo>& cleared) {
    if (!raised.isEmpty()) {
        const bool critical = std::any_of(raised.begin(), raised.end(),
                                          [](const auto& a) { return a.severity == "critical"; });
        QString title;
        QStringList lines;
        if (raised.size() == 1) {
            const auto& a = raised.first();
            title = tr("%1: %2 (%3)")
                        .arg(capitalized(qs(a.severity)), AlertTableModel::kindText(a.kind),
                             qs(a.subject));
            lines << qs(a.message);
        } else {
            title = tr("%n new alert(s)", nullptr, static_cast<int>(raised.size()));
            for (int i = 0; i < std::min<int>(kMaxListed, static_cast<int>(raised.size())); ++i)
                lines << qs(raised[i].message);
            if (raised.size() > kMaxListed)
                lines << tr("and %n more", nullptr, static_cast<int>(raised.size()) - kMaxListed);
        }
        emit notificationRequested(title, lines.join(QLatin1Char('\n')), critical);
    }
    for (const auto& a : cleared) {
        emit message(
            tr("Alert cleared: %1 (%2)").arg(AlertTableModel::kindText(a.kind), qs(a.subject)));
    }
}

void AlertsPage::deliver(const QString& title, const QString& text, bool critical) {
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(ConsoleIcons::app(), this);
            m_tray->setToolTip(tr("Meridian"));
            m_tray->show();
        }
        m_tray->showMessage(
            title, text, critical ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning, 10'000);
        return;
    }
    emit message(tr("%1 — %2").arg(title, QString(text).replace(QLatin1Char('\n'), "; ")));
}

void AlertsPage::updateSummary() {
    int critical = 0;
    int warning = 0;
    for (const auto& a : m_announced) {
        critical += a.severity == "critical";
        warning += a.severity != "critical";
    }
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    QString text;
    if (critical + warning == 0) {
        text = tr("<b style='color:%1'>No active alerts</b>").arg(Theme::good().name());
    } else {
        QStringList parts;
        if (critical > 0)
            parts << tr("%1 critical").arg(critical);
        if (warning > 0)
            parts << tr("%n warning(s)", nullptr, warning);
        text = tr("<b style='color:%1'>%n active alert(s)</b>", nullptr, critical + warning)
                   .arg((critical > 0 ? Theme::bad() : Theme::warning()).name()) +
               QStringLiteral(": ") + parts.join(QStringLiteral(", "));
    }
    text += sep +
            tr("%n region(s) and this console's rules watched", nullptr, m_monitor->regionCount());
    if (m_updatedAtMs > 0)
        text += sep + tr("<span style='color:%1'>updated %2</span>")
                          .arg(Theme::muted().name(), format::clock(m_updatedAtMs));
    m_summary->setText(text);
}

void AlertsPage::sizeColumns(QTableView* view) {
    using C = AlertTableModel;
    const QFontMetrics fm(view->font());
    auto fit = [&](int column, const QString& sample, int extra = 0, int cap = 0) {
        view->resizeColumnToContents(column);
        int w = std::max({view->columnWidth(column), fm.horizontalAdvance(sample) + 18 + extra,
                          view->horizontalHeader()->sectionSizeHint(column)});
        if (cap > 0)
            w = std::min(w, cap);
        view->setColumnWidth(column, w);
    };
    fit(C::Severity, QStringLiteral("critical"), 22);
    fit(C::Raised, QStringLiteral("2026-12-31 23:59"));
    fit(C::Cleared, QStringLiteral("2026-12-31 23:59"));
    fit(C::Duration, QStringLiteral("23 h 59 min"));
    fit(C::Region, QStringLiteral("aws-eu-west-1"), 0, 170);
    fit(C::Kind, QStringLiteral("clock offset"), 0, 140);
    fit(C::Subject, QStringLiteral("gcp-europe-west4"), 0, 260);
}

}  // namespace meridian::ui
