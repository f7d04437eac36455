#pragma once
// The routing table as a table model: for each feature service and caller region, the region a
// routed read goes to, how far it is and why, and the nearer regions passed over. Rows are
// merged in place by (service, caller), so the selection and sort survive each refresh.

#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class RoutingTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { Service, From, ServedBy, Distance, Reason, PassedOver, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;

    explicit RoutingTableModel(QObject* parent = nullptr);

    void setTable(const console::RoutingTable& table);
    const console::RouteInfo& route(int row) const { return m_routes.at(row); }
    // Rows whose read no region can serve.
    int unservedCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVector<console::RouteInfo> m_routes;
    QVector<QString> m_ids;
};

}  // namespace meridian::ui
