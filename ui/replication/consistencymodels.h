#pragma once
// Consistency checks as tables: ConsistencyTableModel has a row per pair of regions and view
// (or one per pair that could not be compared); DifferenceTableModel lists the differing keys
// of one pair, with both regions' versions under the regions' names and the one kept.

#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class ConsistencyTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { Pair, View, Rows, InFlight, Differing, Exchanged, Result, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;

    struct Row {
        console::ConsistencyCheckInfo pair;  // the whole pair, for its differences
        console::ViewCheckInfo view;         // empty when the pair could not be compared
    };

    explicit ConsistencyTableModel(QObject* parent = nullptr);

    void setChecks(const QVector<console::ConsistencyCheckInfo>& pairs);
    const Row& row(int row) const { return m_rows.at(row); }
    // "aws-us-east-1 ↔ aws-eu-west-1".
    static QString pairName(const console::ConsistencyCheckInfo& pair);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<Row> m_rows;
    QVector<QString> m_ids;
};

class DifferenceTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { View, Entity, First, Second, Kept, Reason, ColumnCount };

    explicit DifferenceTableModel(QObject* parent = nullptr);

    // The differences of `pair`, only those of `view` when given.
    void setPair(const console::ConsistencyCheckInfo& pair, const std::string& view = {});
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString m_first;
    QString m_second;
    QVector<console::KeyDifferenceInfo> m_differences;
};

}  // namespace meridian::ui
