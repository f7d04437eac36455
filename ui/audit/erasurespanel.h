#pragma once
// The Audit page's Erasures tab: every erasure with who asked for it and how many regions have
// confirmed it, the selected one region by region (what was deleted, when, or why a region is
// still pending), and "Erase an entity…" for admins. Refreshed every kRefreshMs while visible,
// every kRunningRefreshMs while an erasure is still running.

#include <QTimer>
#include <QWidget>

#include "bridge/regionservice.h"

class QLabel;
class QPushButton;
class QTableView;

namespace meridian::ui {

class EraseDialog;
class ErasureTableModel;
class RegionErasureModel;

class ErasuresPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 10'000;
    static constexpr int kRunningRefreshMs = 2'000;

    explicit ErasuresPanel(RegionService* service, QWidget* parent = nullptr);

    void refresh();
    // Erasure needs an admin: the button is greyed for others, the reason in its tooltip.
    void setIdentity(const console::Identity& identity);
    // Opens "Erase an entity" (the button's action).
    EraseDialog* openEraseDialog();

    ErasureTableModel* model() const { return m_model; }
    RegionErasureModel* regionModel() const { return m_regions; }
    QTableView* view() const { return m_view; }
    QPushButton* eraseButton() const { return m_erase; }
    void select(const QString& id);

signals:
    void message(const QString& text);

private:
    void onJobs(quint64 token, const QVector<console::ErasureJobInfo>& jobs);
    void showSelected();

    RegionService* m_service;
    ErasureTableModel* m_model;
    RegionErasureModel* m_regions;
    QTableView* m_view;
    QTableView* m_regionView;
    QLabel* m_summary;
    QLabel* m_detail;
    QPushButton* m_erase;
    QTimer m_timer;
    quint64 m_token = 0;
    QString m_selected;
};

}  // namespace meridian::ui
