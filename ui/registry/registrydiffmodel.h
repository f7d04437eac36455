#pragma once
// The field-by-field differences between two versions of a registry object: what changed
// (added, removed, modified, colour-coded), at which path, and the value before and after.

#include <QAbstractTableModel>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

class RegistryDiffModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { ChangeColumn, PathColumn, BeforeColumn, AfterColumn, ColumnCount };

    explicit RegistryDiffModel(QObject* parent = nullptr);

    void setChanges(const QVector<console::FieldDiff>& changes);
    void clear() { setChanges({}); }
    const console::FieldDiff& changeAt(int row) const { return m_changes[row]; }
    static QString changeName(console::FieldDiff::Change change);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<console::FieldDiff> m_changes;
};

}  // namespace meridian::ui
