#pragma once
// Sync jobs of every region as a table, newest first by default: when, kind, from → to, scope,
// state, progress, rows, bytes, cost, who started it, how long it took and its result. The
// whole list comes from RegionService::jobs(); single jobs are updated in place as they run.

#include <QAbstractTableModel>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

class JobTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        Created,
        Kind,
        From,
        To,
        Scope,
        State,
        Progress,
        Rows,
        Bytes,
        Cost,
        StartedBy,
        Duration,
        Message,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kPercentRole = Qt::UserRole + 2;  // double, 0–100
    static constexpr int kRunningRole = Qt::UserRole + 3;  // bool: queued or running
    static constexpr int kJobIdRole = Qt::UserRole + 4;

    explicit JobTableModel(QObject* parent = nullptr);

    void setJobs(const QVector<console::SyncJobInfo>& jobs);
    // Updates the job with the same id, or adds it.
    void upsert(const console::SyncJobInfo& job);
    const console::SyncJobInfo& job(int row) const { return m_jobs.at(row); }
    int rowOf(const QString& id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString kindText(console::SyncJobInfo::Kind kind);
    static QString stateText(console::SyncJobInfo::State state);
    static bool isRunning(const console::SyncJobInfo& job);
    // "2 views withheld for residency (1,200 rows)"; empty when nothing was withheld.
    static QString residencyText(const console::SyncJobInfo& job);

private:
    QVariant display(const console::SyncJobInfo& job, int column) const;
    QVariant sortValue(const console::SyncJobInfo& job, int column) const;

    QVector<console::SyncJobInfo> m_jobs;
};

}  // namespace meridian::ui
