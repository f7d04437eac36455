#pragma once
// Replication links as a table: one row per link (from → to) and, when the region reports
// them, one per feature view on it; mode, lag, changes behind, apply rate, latency, conflicts,
// residency-withheld changes, state, and whether the link is emulated. Rows are updated in
// place on every poll, so selections and sorting survive refreshes.

#include <QSortFilterProxyModel>
#include <QVector>

#include <functional>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class LinkTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column {
        From,
        To,
        View,
        Mode,
        Lag,
        Behind,
        ApplyRate,
        LatencyP50,
        LatencyP99,
        Conflicts,
        Withheld,
        State,
        Network,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kLinkKeyRole = Qt::UserRole + 2;  // "from→to", for every row of a link
    static constexpr int kIsViewRowRole = Qt::UserRole + 3;
    static constexpr int kEmulatedRole = Qt::UserRole + 4;

    explicit LinkTableModel(QObject* parent = nullptr);

    void setLinks(const std::vector<console::LinkStatus>& links);
    // The colour of each link's lag series, shown as a swatch next to its name.
    void setColorOf(std::function<QColor(const QString& linkKey)> colorOf);
    const console::LinkStatus& link(int row) const { return m_links.at(row); }
    bool anyEmulated() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "active_active+hub_spoke" → "active-active, hub-spoke".
    static QString modeText(const std::string& mode);

private:
    static QString rowId(const console::LinkStatus& link);
    QVariant display(const console::LinkStatus& link, int column) const;
    QVariant sortValue(const console::LinkStatus& link, int column) const;

    QVector<console::LinkStatus> m_links;
    QVector<QString> m_ids;
    std::function<QColor(const QString&)> m_colorOf;
};

}  // namespace meridian::ui

namespace meridian::ui {

// Sorts the link table by raw values and filters it: by text over every column, and hides the
// per-view rows unless asked for.
class LinkFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit LinkFilterModel(QObject* parent = nullptr);
    void setShowViews(bool show);
    bool showViews() const { return m_showViews; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_showViews = false;
};

}  // namespace meridian::ui
