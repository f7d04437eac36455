#pragma once
// The Replication page's Hubs tab: every hub-and-spoke view with its hub and epoch as the
// regions report them, whether the hub accepts writes, the changes old hubs kept that never
// reached their successor, and Promote… (admins) to move a hub to another region.

#include <QWidget>

#include "bridge/regionservice.h"

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class HubTableModel;
class PromoteDialog;

class HubsPanel : public QWidget {
    Q_OBJECT

public:
    explicit HubsPanel(RegionService* service, QWidget* parent = nullptr);

    void refresh();
    bool hasResult() const { return m_haveResult; }
    void setMayPromote(bool may, const QString& why);

    HubTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QPushButton* promoteButton() const { return m_promote; }
    QLabel* summary() const { return m_summary; }
    // Opens Promote… for the selected view (the dialog stays open until closed).
    PromoteDialog* promoteSelected();

signals:
    void message(const QString& text);

private:
    void onHubs(quint64 token, const console::HubTable& table);
    void updateButtons();

    RegionService* m_service;
    HubTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLabel* m_summary;
    QPushButton* m_refresh;
    QPushButton* m_promote;
    quint64 m_token = 0;
    bool m_haveResult = false;
    bool m_mayPromote = true;
    QString m_promoteRefusal;
};

}  // namespace meridian::ui
