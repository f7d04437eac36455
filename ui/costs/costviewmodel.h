#pragma once
// Egress per feature view as a table: the kinds of transfer that carried it (stream, snapshot,
// batch), on how many links, bytes sent, cost in the window, the 30-day projection and its share
// of the total. Registry and control traffic, which belongs to no view, is a row of its own.
// Rows are updated in place on every refresh.

#include <QVector>

#include <vector>

#include "common/keyedtablemodel.h"
#include "console/costanalysis.h"

namespace meridian::ui {

class CostViewModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { View, Kinds, Links, Sent, Cost, Per30Days, Share, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kViewRole = Qt::UserRole + 2;  // "project/view", empty for control

    explicit CostViewModel(QObject* parent = nullptr);

    void setViews(const std::vector<console::ViewCost>& views, double totalUsd);
    const console::ViewCost& view(int row) const { return m_views.at(row); }
    int rowOf(const QString& view) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static bool isFigure(int column) { return column >= Links && column <= Share; }
    static QString viewText(const std::string& view);

private:
    QVariant display(const console::ViewCost& view, int column) const;
    QVariant sortValue(const console::ViewCost& view, int column) const;

    QVector<console::ViewCost> m_views;
    QVector<QString> m_ids;
    double m_totalUsd = 0;
};

}  // namespace meridian::ui
