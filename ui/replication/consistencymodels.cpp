#include "replication/consistencymodels.h"

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {

ConsistencyTableModel::ConsistencyTableModel(QObject* parent) : KeyedTableModel(parent) {}

QString ConsistencyTableModel::pairName(const console::ConsistencyCheckInfo& pair) {
    return qs(pair.first) + QStringLiteral(" ↔ ") + qs(pair.second);
}

void ConsistencyTableModel::setChecks(const QVector<console::ConsistencyCheckInfo>& pairs) {
    QVector<Row> rows;
    for (const auto& p : pairs) {
        if (!p.error.empty() || p.views.empty()) {
            rows.push_back({p, {}});
            continue;
        }
        for (const auto& v : p.views)
            rows.push_back({p, v});
    }
    mergeRows(m_ids, m_rows, rows,
              [](const Row& r) { return pairName(r.pair) + QLatin1Char('|') + qs(r.view.view); });
}

int ConsistencyTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConsistencyTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConsistencyTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& r = m_rows.at(index.row());
    const int column = index.column();
    const std::string& error = !r.pair.error.empty() ? r.pair.error : r.view.error;
    const bool checked = error.empty() && !r.view.view.empty();
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Pair:
                    return pairName(r.pair);
                case View:
                    return r.view.view.empty() ? QStringLiteral("–") : qs(r.view.view);
                case Rows:
                    return checked ? QStringLiteral("%1 / %2").arg(format::count(r.view.rowsFirst),
                                                                   format::count(r.view.rowsSecond))
                                   : QStringLiteral("–");
                case InFlight:
                    return checked ? format::count(r.view.inFlight) : QStringLiteral("–");
                case Differing:
                    return checked ? format::count(r.view.differing) : QStringLiteral("–");
                case Exchanged:
                    return checked ? format::bytes(r.view.bytesExchanged) : QStringLiteral("–");
                case Result:
                    if (!error.empty())
                        return tr("not compared: %1").arg(qs(error));
                    if (r.view.view.empty())
                        return tr("no online view held by both");
                    return r.view.differing == 0
                               ? tr("consistent")
                               : format::counted(r.view.differing, tr("key differs"),
                                                 tr("keys differ"));
            }
            return {};
        case kSortRole:
            if (column == Differing)
                return static_cast<qlonglong>(checked ? r.view.differing : -1);
            if (column == Exchanged)
                return static_cast<qlonglong>(r.view.bytesExchanged);
            if (column == InFlight)
                return static_cast<qlonglong>(r.view.inFlight);
            return data(index, Qt::DisplayRole);
        case Qt::DecorationRole:
            if (column == Result)
                return ConsoleIcons::dot(!error.empty()         ? Theme::muted()
                                         : r.view.differing > 0 ? Theme::bad()
                                                                : Theme::good());
            return {};
        case Qt::ForegroundRole:
            if (column == Result && r.view.differing > 0)
                return Theme::bad();
            if (column == InFlight || column == Exchanged || (column == Result && !error.empty()))
                return Theme::muted();
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(column == Rows || column == InFlight || column == Differing ||
                                   column == Exchanged);
        case Qt::ToolTipRole:
            if (column == Result && !error.empty())
                return qs(error);
            if (column == Exchanged && checked)
                return tr("%1 in %2 s; a full copy of the pair's rows would be about %3")
                    .arg(format::bytes(r.view.bytesExchanged))
                    .arg(r.view.seconds, 0, 'f', 2)
                    .arg(format::bytes(r.pair.fullCopyBytes));
            return {};
        default:
            return {};
    }
}

QVariant ConsistencyTableModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    static const char* const names[] = {QT_TR_NOOP("Regions"),   QT_TR_NOOP("Feature view"),
                                        QT_TR_NOOP("Rows"),      QT_TR_NOOP("In flight"),
                                        QT_TR_NOOP("Differing"), QT_TR_NOOP("Exchanged"),
                                        QT_TR_NOOP("Result")};
    static const char* const tips[] = {
        QT_TR_NOOP("The two regions compared"),
        QT_TR_NOOP("The online view both hold"),
        QT_TR_NOOP("Rows compared in each of the two regions"),
        QT_TR_NOOP("Rows written in the last 5 s, left out as possibly still on their way"),
        QT_TR_NOOP("Keys whose rows differ between the two regions"),
        QT_TR_NOOP("Digests and rows the check moved between the regions"),
        QT_TR_NOOP("What the check found")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    const bool figure =
        section == Rows || section == InFlight || section == Differing || section == Exchanged;
    return columnHeaderData(*this, section, orientation, role, names, tips, figure);
}

DifferenceTableModel::DifferenceTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DifferenceTableModel::setPair(const console::ConsistencyCheckInfo& pair,
                                   const std::string& view) {
    beginResetModel();
    m_first = qs(pair.first);
    m_second = qs(pair.second);
    m_differences.clear();
    for (const auto& d : pair.differences) {
        if (view.empty() || d.view == view)
            m_differences.push_back(d);
    }
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, First, Second);
}

void DifferenceTableModel::clear() {
    beginResetModel();
    m_differences.clear();
    endResetModel();
}

int DifferenceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_differences.size());
}

int DifferenceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DifferenceTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& d = m_differences.at(index.row());
    const int column = index.column();
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
            case View:
                return qs(d.view);
            case Entity:
                return qs(d.entity);
            case First:
                return qs(d.first);
            case Second:
                return qs(d.second);
            case Kept:
                return d.kept.empty() ? tr("unresolved") : qs(d.kept);
            case Reason:
                return qs(d.reason);
        }
    }
    if (role == Qt::ForegroundRole && column == Kept && d.kept.empty())
        return Theme::bad();
    return {};
}

QVariant DifferenceTableModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
        if (section == First && !m_first.isEmpty())
            return m_first;
        if (section == Second && !m_second.isEmpty())
            return m_second;
    }
    static const char* const names[] = {QT_TR_NOOP("Feature view"), QT_TR_NOOP("Entity"),
                                        QT_TR_NOOP("First region"), QT_TR_NOOP("Second region"),
                                        QT_TR_NOOP("Kept"),         QT_TR_NOOP("Why")};
    static const char* const tips[] = {
        QT_TR_NOOP("The view of the key"),
        QT_TR_NOOP("The key, by its join keys"),
        QT_TR_NOOP("The row as this region holds it"),
        QT_TR_NOOP("The row as this region holds it"),
        QT_TR_NOOP("The region whose copy the conflict rule keeps: a repair gives it to the other"),
        QT_TR_NOOP("Why that copy: greater event time, write clock or origin; for the same "
                   "version, the copy of the region that wrote it")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, false);
}

}  // namespace meridian::ui
