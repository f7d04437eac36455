#pragma once
// Erasures as tables: ErasureTableModel lists them (one row per erasure, merged in place by
// id on every refresh); RegionErasureModel shows one erasure region by region — or, before an
// erasure, what each region holds of the entity (its preview).

#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class ErasureTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { Id, Entity, RequestedBy, Started, Coordinator, State, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;

    explicit ErasureTableModel(QObject* parent = nullptr);

    void setJobs(const QVector<console::ErasureJobInfo>& jobs);
    const console::ErasureJobInfo& job(int row) const { return m_jobs.at(row); }
    int rowOf(const QString& id) const { return static_cast<int>(m_ids.indexOf(id)); }
    // "done in all 4 regions", "3 of 4 regions erased".
    static QString stateText(const console::ErasureJobInfo& job);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<console::ErasureJobInfo> m_jobs;
    QVector<QString> m_ids;
};

class RegionErasureModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Region, State, ErasedAt, Online, Offline, Log, Note, ColumnCount };

    explicit RegionErasureModel(QObject* parent = nullptr);

    // One erasure, region by region.
    void setJob(const console::ErasureJobInfo& job);
    // What each region holds before the erasure.
    void setPreview(const console::ErasurePreview& preview);
    void clear();
    const QVector<console::RegionErasureInfo>& regions() const { return m_regions; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void setRegions(QVector<console::RegionErasureInfo> regions, bool preview);

    QVector<console::RegionErasureInfo> m_regions;
    bool m_preview = false;
};

}  // namespace meridian::ui
