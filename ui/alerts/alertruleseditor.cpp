#include "alerts/alertruleseditor.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include "alerts/alertrules.h"
#include "common/displayformat.h"
#include "costs/costformat.h"

namespace meridian::ui {
namespace {

constexpr int kIndent = 24;

}  // namespace

AlertRulesEditor::AlertRulesEditor(AlertRules* rules, QWidget* parent)
    : QWidget(parent), m_rules(rules) {
    m_lagEnabled = new QCheckBox(tr("&Lag on any link"), this);
    m_lagEnabled->setToolTip(tr("Warn when a link stays behind for a while"));
    m_lagSeconds = new QDoubleSpinBox(this);
    m_lagSeconds->setRange(0.1, 3600);
    m_lagSeconds->setDecimals(1);
    m_lagSeconds->setSingleStep(0.5);
    m_lagSeconds->setSuffix(tr(" s"));
    m_lagSeconds->setAlignment(Qt::AlignRight);
    m_lagSeconds->setAccessibleName(tr("Lag threshold in seconds"));
    m_lagFor = new QSpinBox(this);
    m_lagFor->setRange(0, 3600);
    m_lagFor->setSingleStep(5);
    m_lagFor->setSuffix(tr(" s"));
    m_lagFor->setAlignment(Qt::AlignRight);
    m_lagFor->setAccessibleName(tr("Seconds above the threshold before the alert"));
    m_lagNow = hint();

    m_downEnabled = new QCheckBox(tr("A &region down"), this);
    m_downEnabled->setToolTip(tr("Alert when a region stops answering"));
    m_downFor = new QSpinBox(this);
    m_downFor->setRange(0, 3600);
    m_downFor->setSingleStep(5);
    m_downFor->setSuffix(tr(" s"));
    m_downFor->setAlignment(Qt::AlignRight);
    m_downFor->setAccessibleName(tr("Seconds down before the alert"));

    m_budgetEnabled = new QCheckBox(tr("Daily egress &budget"), this);
    m_budgetEnabled->setToolTip(
        tr("Warn when egress between regions costs more per day than "
           "this, at list prices over the last 24 hours"));
    m_budget = new QDoubleSpinBox(this);
    m_budget->setRange(0, 1'000'000);
    m_budget->setDecimals(2);
    m_budget->setSingleStep(5);
    m_budget->setPrefix(tr("$"));
    m_budget->setGroupSeparatorShown(true);
    m_budget->setAlignment(Qt::AlignRight);
    m_budget->setAccessibleName(tr("Daily budget in dollars"));
    m_costNow = hint();

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(6);
    grid->setColumnMinimumWidth(0, kIndent);
    grid->setColumnStretch(3, 1);
    int row = 0;
    auto label = [this](const QString& text, QWidget* buddy) {
        auto* l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    grid->addWidget(m_lagEnabled, row++, 0, 1, 4);
    grid->addWidget(label(tr("above"), m_lagSeconds), row, 1);
    grid->addWidget(m_lagSeconds, row++, 2);
    grid->addWidget(label(tr("for at least"), m_lagFor), row, 1);
    grid->addWidget(m_lagFor, row++, 2);
    grid->addWidget(m_lagNow, row++, 1, 1, 3);
    grid->setRowMinimumHeight(row++, 6);
    grid->addWidget(m_downEnabled, row++, 0, 1, 4);
    grid->addWidget(label(tr("for at least"), m_downFor), row, 1);
    grid->addWidget(m_downFor, row++, 2);
    grid->setRowMinimumHeight(row++, 6);
    grid->addWidget(m_budgetEnabled, row++, 0, 1, 4);
    grid->addWidget(label(tr("above, per day"), m_budget), row, 1);
    grid->addWidget(m_budget, row++, 2);
    grid->addWidget(m_costNow, row++, 1, 1, 3);

    auto* note =
        hint(tr("These rules run in this console while it is open; the regions raise "
                "their own alerts (clock offset, log retention, residency) whatever "
                "the console does. Changes are saved at once."));
    note->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addLayout(grid);
    layout->addWidget(note);
    layout->addStretch(1);

    load();
    for (QCheckBox* box : {m_lagEnabled, m_downEnabled, m_budgetEnabled})
        connect(box, &QCheckBox::toggled, this, &AlertRulesEditor::store);
    for (QDoubleSpinBox* spin : {m_lagSeconds, m_budget})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &AlertRulesEditor::store);
    for (QSpinBox* spin : {m_lagFor, m_downFor})
        connect(spin, &QSpinBox::valueChanged, this, &AlertRulesEditor::store);
    connect(rules, &AlertRules::settingsChanged, this, &AlertRulesEditor::load);
}

QLabel* AlertRulesEditor::hint(const QString& text) {
    auto* l = new QLabel(text, this);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

void AlertRulesEditor::load() {
    m_loading = true;
    const auto& s = m_rules->settings();
    m_lagEnabled->setChecked(s.lagEnabled);
    m_lagSeconds->setValue(s.lagSeconds);
    m_lagFor->setValue(s.lagForSeconds);
    m_downEnabled->setChecked(s.regionDownEnabled);
    m_downFor->setValue(s.regionDownForSeconds);
    m_budgetEnabled->setChecked(s.budgetEnabled);
    m_budget->setValue(s.dailyBudgetUsd);
    m_loading = false;
    for (QWidget* w : {static_cast<QWidget*>(m_lagSeconds), static_cast<QWidget*>(m_lagFor)})
        w->setEnabled(s.lagEnabled);
    m_downFor->setEnabled(s.regionDownEnabled);
    m_budget->setEnabled(s.budgetEnabled);
}

void AlertRulesEditor::store() {
    if (m_loading)
        return;
    AlertRules::Settings s;
    s.lagEnabled = m_lagEnabled->isChecked();
    s.lagSeconds = m_lagSeconds->value();
    s.lagForSeconds = m_lagFor->value();
    s.regionDownEnabled = m_downEnabled->isChecked();
    s.regionDownForSeconds = m_downFor->value();
    s.budgetEnabled = m_budgetEnabled->isChecked();
    s.dailyBudgetUsd = m_budget->value();
    m_rules->setSettings(s);
    load();
}

void AlertRulesEditor::setCurrentLag(double worstLagMs) {
    m_lagNow->setText(tr("now: worst lag %1").arg(format::lagMs(worstLagMs)));
}

void AlertRulesEditor::setCurrentCost(double usdPerDay) {
    m_costNow->setText(tr("now: %1/day").arg(costformat::usd(usdPerDay)));
}

}  // namespace meridian::ui
