#pragma once
// The audit log of every region as a table: when, where, who, what, on what, the result and
// the request id, refusals marked. Rows are merged in place on every refresh (keyed by region,
// request id, time and action); AuditFilterModel narrows them by principal, action, region,
// refusals and free text, newest first.

#include <QSortFilterProxyModel>
#include <QVector>

#include "common/keyedtablemodel.h"
#include "console/consoledata.h"

namespace meridian::ui {

class AuditTableModel : public KeyedTableModel {
    Q_OBJECT

public:
    enum Column { Time, Region, Principal, Action, Target, Result, Request, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kDeniedRole = Qt::UserRole + 2;  // bool

    explicit AuditTableModel(QObject* parent = nullptr);

    void setEntries(const QVector<console::AuditEntryInfo>& entries);
    const console::AuditEntryInfo& entry(int row) const { return m_entries.at(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString key(const console::AuditEntryInfo& entry);

private:
    QVector<console::AuditEntryInfo> m_entries;
    QVector<QString> m_keys;
};

class AuditFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit AuditFilterModel(QObject* parent = nullptr);

    // Empty: any.
    void setPrincipal(const QString& principal);
    void setAction(const QString& action);
    void setRegion(const QString& region);
    void setDeniedOnly(bool deniedOnly);

    // The rows shown, in the order shown, as CSV (RFC 4180: a header row, fields quoted when
    // they hold a comma, a quote or a line break; times in UTC, ISO 8601).
    QString toCsv() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_principal, m_action, m_region;
    bool m_deniedOnly = false;
};

}  // namespace meridian::ui
