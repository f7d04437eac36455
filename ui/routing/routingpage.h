#pragma once
// The Routing page: for a caller in each region and each feature service, the region a routed
// read goes to now (client::planRoute, as meridianctl routes and get --route decide it), how far
// it is, why, and the nearer regions passed over — asked for every 5 s while shown, for the
// staleness bound chosen, so an operator watches reads move when a region lags or dies.

#include <QTimer>

#include "bridge/regionservice.h"
#include "common/page.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class RoutingTableModel;

class RoutingPage : public Page {
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 5000;

    explicit RoutingPage(RegionService* service, QWidget* parent = nullptr);

    QString title() const override { return tr("Routing"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override { return m_haveTable; }

    RoutingTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QComboBox* stalenessBox() const { return m_staleness; }
    QComboBox* callerBox() const { return m_caller; }
    QLabel* summary() const { return m_summary; }

    void refresh();

private:
    void onTable(quint64 token, const console::RoutingTable& table);
    void updateSummary();

    RegionService* m_service;
    RoutingTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QLabel* m_summary;
    QComboBox* m_staleness;
    QComboBox* m_caller;
    QPushButton* m_refresh;
    QTimer m_timer;
    quint64 m_token = 0;
    bool m_haveTable = false;
    qint64 m_plannedAtMs = 0;
    QString m_error;
};

}  // namespace meridian::ui
