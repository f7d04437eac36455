#pragma once
// The Alerts page: active alerts and their history, newest first — the regions' own (asked for
// every 5 s) merged with the console's rules (AlertRules, evaluated on every DeploymentMonitor
// snapshot and on the last day's cost once a minute) — and the rules' editors. A new alert is
// announced once, in the system tray when there is one, else on the status bar; the navigation
// entry counts the active ones through activeCountChanged().

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include "bridge/regionservice.h"
#include "common/page.h"

class QLabel;
class QLineEdit;
class QStackedWidget;
class QSystemTrayIcon;
class QTableView;

namespace meridian::ui {

class AlertFilterModel;
class AlertRules;
class AlertRulesEditor;
class AlertTableModel;
class DeploymentMonitor;

class AlertsPage : public Page {
    Q_OBJECT

public:
    static constexpr int kPollMs = 5000;
    static constexpr int kCostCheckMs = 60'000;
    static constexpr qint64 kCostWindowMs = 24 * 3'600'000LL;
    // A budget is not judged on less traffic than this: a minute's rate times 1440 is noise.
    static constexpr double kMinCostWindowSeconds = 600;
    // A request unanswered for this long is given up and asked again.
    static constexpr qint64 kRequestStaleMs = 30'000;

    AlertsPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent = nullptr);

    QString title() const override { return tr("Alerts"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override { return m_haveAlerts; }

    int activeCount() const { return m_activeCount; }
    AlertRules* rules() const { return m_rules; }
    AlertRulesEditor* rulesEditor() const { return m_editor; }
    AlertTableModel* model() const { return m_model; }
    AlertFilterModel* activeProxy() const { return m_activeProxy; }
    AlertFilterModel* historyProxy() const { return m_historyProxy; }
    QTableView* activeView() const { return m_activeView; }
    QTableView* historyView() const { return m_historyView; }

    void requestAlerts();
    void requestCost();

signals:
    void activeCountChanged(int active);
    // A new alert to tell the operator about (once per alert): shown in the tray when the
    // platform has one, else as a status-bar message.
    void notificationRequested(const QString& title, const QString& text, bool critical);

private:
    void onAlerts(quint64 token, const QVector<console::AlertInfo>& alerts);
    void onCost(quint64 token, const CostReport& report);
    void onSnapshot(const DeploymentSnapshot& snapshot);
    void rebuild();
    QVector<console::AlertInfo> merged();
    void announce(const QVector<console::AlertInfo>& raised,
                  const QVector<console::AlertInfo>& cleared);
    void deliver(const QString& title, const QString& text, bool critical);
    void updateSummary();
    void sizeColumns(QTableView* view);
    QWidget* section(const QString& title, QWidget* body, QLabel** count = nullptr);
    QWidget* withPlaceholder(QTableView* view, const QString& text, QStackedWidget** stack);

    RegionService* m_service;
    DeploymentMonitor* m_monitor;
    AlertRules* m_rules;
    AlertRulesEditor* m_editor;
    AlertTableModel* m_model;
    AlertFilterModel* m_activeProxy;
    AlertFilterModel* m_historyProxy;
    QLabel* m_summary;
    QLineEdit* m_filter;
    QTableView* m_activeView;
    QTableView* m_historyView;
    QStackedWidget* m_activeStack;
    QStackedWidget* m_historyStack;
    QLabel* m_activeCountLabel;
    QLabel* m_historyCountLabel;
    QPointer<QSystemTrayIcon> m_tray;
    QTimer m_pollTimer;
    QTimer m_costTimer;
    quint64 m_alertsToken = 0;
    qint64 m_alertsAskedMs = 0;
    quint64 m_costToken = 0;
    qint64 m_costAskedMs = 0;
    bool m_haveAlerts = false;
    bool m_sized = false;
    QVector<console::AlertInfo> m_server;            // the regions' last answer
    QHash<QString, qint64> m_firstSeen;              // backend-made alerts: region|id -> first seen
    QHash<QString, console::AlertInfo> m_announced;  // active alerts already announced, by key
    int m_activeCount = -1;
    qint64 m_updatedAtMs = 0;
};

}  // namespace meridian::ui
