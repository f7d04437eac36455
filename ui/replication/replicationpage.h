#pragma once
// The Replication page: the per-link table (mode, lag, changes behind, apply rate, conflicts,
// state, emulated or real), lag over the last hour per link, "Sync now…" and the history of
// sync jobs with their progress.

#include <QPointer>
#include <QTimer>

#include "bridge/regionservice.h"
#include "common/page.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace meridian::ui {

class ConsistencyPanel;
class HubsPanel;
class DeploymentMonitor;
class JobTableModel;
class LagChart;
class LinkFilterModel;
class LinkTableModel;
class SyncDialog;

class ReplicationPage : public Page {
    Q_OBJECT

public:
    static constexpr int kChartRefreshMs = 1000;
    static constexpr int kJobsRefreshMs = 15'000;

    ReplicationPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent = nullptr);

    QString title() const override { return tr("Replication"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override;
    void setIdentity(const console::Identity& identity) override;
    // The Consistency tab ("consistency") past the links and jobs.
    QStringList views() const override {
        return {QStringLiteral("consistency"), QStringLiteral("hubs")};
    }
    void showView(const QString& view) override;
    bool viewReady(const QString& view) const override;
    ConsistencyPanel* consistency() const { return m_consistency; }
    HubsPanel* hubs() const { return m_hubs; }

    LinkTableModel* linkModel() const { return m_links; }
    LinkFilterModel* linkProxy() const { return m_linkProxy; }
    JobTableModel* jobModel() const { return m_jobs; }
    LagChart* chart() const { return m_chart; }
    QTableView* linkView() const { return m_linkView; }
    // Opens the "Sync now" dialog (non-modal) for the selected link, or the first one.
    SyncDialog* openSyncDialog();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh(const DeploymentSnapshot& snapshot);
    void refreshChart();
    void sizeLinkColumns();
    void requestJobs();
    void onJobs(quint64 token, const QVector<console::SyncJobInfo>& jobs);
    void onSelection();

    RegionService* m_service;
    DeploymentMonitor* m_monitor;
    LinkTableModel* m_links;
    LinkFilterModel* m_linkProxy;
    JobTableModel* m_jobs;
    QSortFilterProxyModel* m_jobProxy;
    QLabel* m_summary;
    QLabel* m_emulatedNote;
    QLineEdit* m_filter;
    QCheckBox* m_perView;
    QPushButton* m_syncButton;
    QTableView* m_linkView;
    QTableView* m_jobView;
    LagChart* m_chart;
    QLabel* m_chartCaption;
    QTabWidget* m_tabs;
    ConsistencyPanel* m_consistency;
    HubsPanel* m_hubs;
    QTimer m_chartTimer;
    QTimer m_jobsTimer;
    QPointer<SyncDialog> m_dialog;
    quint64 m_jobsToken = 0;
    bool m_haveJobs = false;
    bool m_jobsFailed = false;  // the history could not be had: the rest still counts as data
    bool m_sortedOnce = false;
};

}  // namespace meridian::ui
