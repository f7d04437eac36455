#pragma once
// The Alerts page's editors for the console's rules: each rule's switch and thresholds, written
// back to AlertRules (and so to QSettings) as they are edited, with the figure each rule is
// compared to today where the console knows it.

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace meridian::ui {

class AlertRules;

class AlertRulesEditor : public QWidget {
    Q_OBJECT

public:
    explicit AlertRulesEditor(AlertRules* rules, QWidget* parent = nullptr);

    // "Now: worst lag 120 ms", "Now: $1.23/day": what the thresholds are compared with.
    void setCurrentLag(double worstLagMs);
    void setCurrentCost(double usdPerDay);

    QCheckBox* lagEnabled() const { return m_lagEnabled; }
    QDoubleSpinBox* lagSeconds() const { return m_lagSeconds; }
    QSpinBox* lagFor() const { return m_lagFor; }
    QCheckBox* regionDownEnabled() const { return m_downEnabled; }
    QSpinBox* regionDownFor() const { return m_downFor; }
    QCheckBox* budgetEnabled() const { return m_budgetEnabled; }
    QDoubleSpinBox* budget() const { return m_budget; }

private:
    void load();
    void store();
    QLabel* hint(const QString& text = {});

    AlertRules* m_rules;
    QCheckBox* m_lagEnabled;
    QDoubleSpinBox* m_lagSeconds;
    QSpinBox* m_lagFor;
    QLabel* m_lagNow;
    QCheckBox* m_downEnabled;
    QSpinBox* m_downFor;
    QCheckBox* m_budgetEnabled;
    QDoubleSpinBox* m_budget;
    QLabel* m_costNow;
    bool m_loading = false;
};

}  // namespace meridian::ui
