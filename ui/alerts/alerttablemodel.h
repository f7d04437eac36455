#pragma once
// Alerts as a table, the regions' own and the console's rules' together: severity (icon and
// colour), when raised and cleared, for how long, which region raised it, kind, subject and
// message. Rows are updated in place on every refresh; AlertFilterModel splits them into the
// active ones and the history, newest first.

#include <QSortFilterProxyModel>
#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class AlertTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column {
        Severity,
        Raised,
        Cleared,
        Duration,
        Region,
        Kind,
        Subject,
        Message,
        ColumnCount
    };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kActiveRole = Qt::UserRole + 2;  // bool
    static constexpr int kKeyRole = Qt::UserRole + 3;     // region|id|raised

    explicit AlertTableModel(QObject* parent = nullptr);

    // `nowMs` is what active alerts' durations are counted to.
    void setAlerts(const QVector<console::AlertInfo>& alerts, qint64 nowMs);
    const console::AlertInfo& alert(int row) const { return m_alerts.at(row); }
    int activeCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // One row per occurrence: the same id raised again after clearing is a new row.
    static QString key(const console::AlertInfo& alert);
    // "clock_offset" -> "clock offset".
    static QString kindText(const std::string& kind);
    static QColor severityColor(const console::AlertInfo& alert);

private:
    QVariant display(const console::AlertInfo& alert, int column) const;
    QVariant sortValue(const console::AlertInfo& alert, int column) const;
    qint64 durationMs(const console::AlertInfo& alert) const;

    QVector<console::AlertInfo> m_alerts;
    QVector<QString> m_keys;
    qint64 m_nowMs = 0;
};

// The active alerts or the cleared ones, filtered by text over every column, sorted by raw values.
class AlertFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit AlertFilterModel(bool active, QObject* parent = nullptr);
    bool showsActive() const { return m_active; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_active;
};

}  // namespace meridian::ui
