#pragma once
// The hubs of hub-and-spoke views as a table: a row per view with its hub and epoch as the
// regions report them, how many regions agree, and whether the hub accepts writes now.

#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class HubTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { View, Hub, Epoch, Since, Previous, Agreeing, Writes, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;

    explicit HubTableModel(QObject* parent = nullptr);

    void setHubs(const QVector<console::HubInfo>& hubs);
    const console::HubInfo& hub(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<console::HubInfo> m_rows;
    QVector<QString> m_ids;
};

}  // namespace meridian::ui
