#pragma once
// Egress per replication link (from → to) as a table: price class, $/GB, bytes sent and before
// compression, cost in the window, the 30-day projection and the link's share of the total.
// Rows are updated in place on every refresh, so selections and sorting survive it.

#include <QVector>

#include <functional>
#include <vector>

#include "common/keyedtablemodel.h"
#include "console/costanalysis.h"

namespace meridian::ui {

class CostLinkModel : public KeyedTableModel {
    Q_OBJECT

public:
    // "aws internet egress (to gcp)" → "internet → gcp" (the From column names the cloud).
    static QString shortClass(const QString& label);
    enum Column { From, To, PriceClass, UsdPerGb, Sent, Cost, Per30Days, Share, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kLinkKeyRole = Qt::UserRole + 2;  // "from→to"

    explicit CostLinkModel(QObject* parent = nullptr);

    void setLinks(const std::vector<console::LinkCost>& links, double totalUsd);
    // The colour of each link elsewhere in the console (lag chart, map), as a swatch.
    void setColorOf(std::function<QColor(const QString& linkKey)> colorOf);
    const console::LinkCost& link(int row) const { return m_links.at(row); }
    int rowOf(const QString& from, const QString& to) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static bool isFigure(int column) { return column >= UsdPerGb && column <= Share; }

private:
    static QString rowId(const console::LinkCost& link);
    QVariant display(const console::LinkCost& link, int column) const;
    QVariant sortValue(const console::LinkCost& link, int column) const;

    QVector<console::LinkCost> m_links;
    QVector<QString> m_ids;
    double m_totalUsd = 0;
    std::function<QColor(const QString&)> m_colorOf;
};

}  // namespace meridian::ui
