#pragma once
// The versions of one registry object, newest first: version, when and by whom it was applied,
// from which region, and its spec hash. The Registry page diffs any two rows of it.

#include <QAbstractTableModel>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

class RegistryVersionModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { VersionColumn, UpdatedColumn, ByColumn, RegionColumn, HashColumn, ColumnCount };
    static constexpr int VersionRole = Qt::UserRole + 1;  // qint64

    explicit RegistryVersionModel(QObject* parent = nullptr);

    void setVersions(const QVector<console::RegistryEntry>& versions);
    void clear() { setVersions({}); }
    const console::RegistryEntry& versionAt(int row) const { return m_versions[row]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<console::RegistryEntry> m_versions;
};

}  // namespace meridian::ui
