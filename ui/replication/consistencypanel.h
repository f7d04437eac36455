#pragma once
// The Replication page's Consistency tab: every pair of regions' online stores compared when
// asked (Check now: it reads every row on both sides), a row per pair and view with what was
// found, the differing keys of the selected row with both versions and the one kept, and
// Repair, which starts a repair job in each region of the pair (operators and admins).

#include <QWidget>

#include "bridge/regionservice.h"

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class ConsistencyTableModel;
class DifferenceTableModel;

class ConsistencyPanel : public QWidget {
    Q_OBJECT

public:
    explicit ConsistencyPanel(RegionService* service, QWidget* parent = nullptr);

    // Compares every pair now.
    void check();
    // Checks once, the first time the tab is shown.
    void checkOnce();
    bool hasResult() const { return m_haveResult; }
    void setMayRepair(bool may, const QString& why);

    ConsistencyTableModel* model() const { return m_model; }
    DifferenceTableModel* differences() const { return m_differences; }
    QTableView* view() const { return m_view; }
    QPushButton* checkButton() const { return m_check; }
    QPushButton* repairButton() const { return m_repair; }
    QLabel* summary() const { return m_summary; }

    // Starts the repair jobs of the selected pair (after asking, unless `confirmed`).
    void repairSelected(bool confirmed = false);

signals:
    void message(const QString& text);

private:
    void onChecked(quint64 token, const QVector<console::ConsistencyCheckInfo>& pairs);
    void showSelected();
    void updateButtons();

    RegionService* m_service;
    ConsistencyTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    DifferenceTableModel* m_differences;
    QTableView* m_view;
    QTableView* m_differenceView;
    QLabel* m_summary;
    QPushButton* m_check;
    QPushButton* m_repair;
    quint64 m_token = 0;
    bool m_haveResult = false;
    bool m_mayRepair = true;
    QString m_repairRefusal;
};

}  // namespace meridian::ui
