#pragma once
// The console's own alert rules, on top of what the regions raise themselves: lag above N
// seconds on any link for M seconds, a region down for S seconds, and egress cost per day above
// a budget. Evaluated on every DeploymentMonitor snapshot and cost report; each occurrence raises
// one alert and clears it when its condition clears. The settings persist in QSettings.

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

class AlertRules : public QObject {
    Q_OBJECT

public:
    struct Settings {
        bool lagEnabled = true;
        double lagSeconds = 5;
        int lagForSeconds = 30;
        bool regionDownEnabled = true;
        int regionDownForSeconds = 10;
        bool budgetEnabled = false;
        double dailyBudgetUsd = 50;
        bool operator==(const Settings&) const = default;
    };

    // The `region` of the alerts these rules raise.
    static constexpr const char* kRegion = "console";
    static constexpr int kMaxHistory = 200;

    // Starts with the persisted settings.
    explicit AlertRules(QObject* parent = nullptr);

    const Settings& settings() const { return m_settings; }
    // Saves them; a rule turned off clears its alerts, a new budget is checked at once.
    void setSettings(const Settings& settings);
    static Settings load();
    static void save(const Settings& settings);

    void evaluate(const console::DeploymentSnapshot& snapshot);
    // Egress cost per day as last measured (CostAnalysis::usdPerDay over the last day).
    void evaluateCost(double usdPerDay, qint64 atMs);
    bool hasCost() const { return m_usdPerDay >= 0; }
    double lastUsdPerDay() const { return m_usdPerDay; }

    // Active alerts newest first, then cleared ones newest first (at most kMaxHistory).
    QVector<console::AlertInfo> alerts() const;
    int activeCount() const { return static_cast<int>(m_active.size()); }
    bool isActive(const QString& id) const { return m_active.contains(id); }

    static QString lagId(const QString& from, const QString& to);
    static QString regionDownId(const QString& region);
    static QString budgetId();

signals:
    void raised(const meridian::console::AlertInfo& alert);
    void cleared(const meridian::console::AlertInfo& alert);
    // Anything alerts() returns changed, messages included.
    void changed();
    void settingsChanged();

private:
    void evaluateLag(const console::DeploymentSnapshot& snapshot, qint64 now);
    void evaluateRegions(const console::DeploymentSnapshot& snapshot, qint64 now);
    void checkBudget(qint64 now);
    // Raises `id`, or refreshes its message while it stays active.
    void raise(const QString& id, const char* kind, const QString& subject, const QString& message,
               const char* severity, qint64 now);
    void clear(const QString& id, qint64 now);
    void clearAll(const QString& prefix, qint64 now);

    Settings m_settings;
    QHash<QString, console::AlertInfo> m_active;
    QList<console::AlertInfo> m_history;  // newest first
    QHash<QString, qint64> m_lagSince;    // link key -> first sample above the threshold
    QHash<QString, qint64> m_downSince;   // region -> first snapshot it was down in
    double m_usdPerDay = -1;
    qint64 m_lastMs = 0;
    bool m_changed = false;
};

}  // namespace meridian::ui
