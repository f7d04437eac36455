#pragma once
// "Sync now": choose from and to regions, the kind of sync and its scope (feature views, or
// everything the link carries), start it, and follow it — rows, bytes, percent, time left and
// estimated cost — with a Cancel button that cancels the job at the region.

#include <QDialog>

#include "bridge/regionservice.h"

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace meridian::ui {

class SyncDialog : public QDialog {
    Q_OBJECT

public:
    SyncDialog(RegionService* service, const DeploymentSnapshot& layout, QWidget* parent = nullptr);

    // Preselects a link (from the replication table's selection).
    void setLink(const QString& from, const QString& to);

    // For tests: the widgets an operator uses.
    QPushButton* startButton() const { return m_start; }
    QPushButton* cancelJobButton() const { return m_cancelJob; }
    QProgressBar* progressBar() const { return m_progress; }
    QString jobId() const { return m_jobId; }
    bool isFinished() const { return m_finished; }
    console::SyncJobInfo::State finalState() const { return m_job.state; }
    QString statusText() const;

signals:
    // The job as it changes: started, progress, finished.
    void jobChanged(const meridian::console::SyncJobInfo& job);

private:
    void start();
    void cancelJob();
    void validate();
    void showJob(const console::SyncJobInfo& job);
    void finish(const console::SyncJobInfo& job);
    void onRegistry(quint64 token, const QVector<console::RegistryEntry>& entries);
    void onStarted(quint64 token, const console::SyncJobInfo& job);
    void onFailed(quint64 token, const QString& what, const QString& message);
    QStringList scope() const;

    RegionService* m_service;
    QComboBox* m_from;
    QComboBox* m_to;
    QComboBox* m_kind;
    QListWidget* m_views;
    QLabel* m_hint;
    QStackedWidget* m_pages;
    QLabel* m_title;
    QLabel* m_scope;
    QProgressBar* m_progress;
    QLabel* m_rows;
    QLabel* m_detail;
    QLabel* m_state;
    QPushButton* m_start;
    QPushButton* m_cancelJob;
    QPushButton* m_close;
    quint64 m_registryToken = 0;
    quint64 m_startToken = 0;
    quint64 m_cancelToken = 0;
    QString m_jobId;
    QString m_jobRegion;
    console::SyncJobInfo m_job;
    bool m_finished = false;
};

}  // namespace meridian::ui
