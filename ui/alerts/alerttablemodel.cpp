#include "alerts/alerttablemodel.h"

#include <QFont>

#include <algorithm>
#include <iterator>
#include <limits>

#include "alerts/alertrules.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

bool isActive(const console::AlertInfo& a) {
    return a.clearedAtMs == 0;
}

}  // namespace

AlertTableModel::AlertTableModel(QObject* parent) : KeyedTableModel(parent) {}

QString AlertTableModel::key(const console::AlertInfo& a) {
    return qs(a.region) + QLatin1Char('|') + qs(a.id) + QLatin1Char('|') +
           QString::number(a.raisedAtMs);
}

QString AlertTableModel::kindText(const std::string& kind) {
    return qs(kind).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QColor AlertTableModel::severityColor(const console::AlertInfo& a) {
    if (a.severity == "critical")
        return Theme::bad();
    if (a.severity == "warning")
        return Theme::warning();
    return Theme::info();
}

int AlertTableModel::activeCount() const {
    return static_cast<int>(std::count_if(m_alerts.begin(), m_alerts.end(), isActive));
}

void AlertTableModel::setAlerts(const QVector<console::AlertInfo>& alerts, qint64 nowMs) {
    m_nowMs = nowMs;
    mergeRows(m_keys, m_alerts, alerts, key);
}

int AlertTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int AlertTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 AlertTableModel::durationMs(const console::AlertInfo& a) const {
    const qint64 end = isActive(a) ? m_nowMs : a.clearedAtMs;
    return std::max<qint64>(0, end - a.raisedAtMs);
}

QVariant AlertTableModel::display(const console::AlertInfo& a, int column) const {
    switch (column) {
        case Severity:
            return a.severity.empty() ? tr("info") : qs(a.severity);
        case Raised:
            return format::dateTime(a.raisedAtMs);
        case Cleared:
            return isActive(a) ? tr("active") : format::dateTime(a.clearedAtMs);
        case Duration:
            return format::seconds(static_cast<double>(durationMs(a)) / 1000.0);
        case Region:
            return qs(a.region);
        case Kind:
            return kindText(a.kind);
        case Subject:
            return qs(a.subject);
        case Message:
            return qs(a.message);
    }
    return {};
}

QVariant AlertTableModel::sortValue(const console::AlertInfo& a, int column) const {
    switch (column) {
        case Severity:
            // Critical above warning above anything else.
            return a.severity == "critical" ? 2 : a.severity == "warning" ? 1 : 0;
        case Raised:
            return static_cast<qlonglong>(a.raisedAtMs);
        case Cleared:
            return static_cast<qlonglong>(isActive(a) ? std::numeric_limits<qint64>::max()
                                                      : a.clearedAtMs);
        case Duration:
            return static_cast<qlonglong>(durationMs(a));
        default:
            return display(a, column);
    }
}

QVariant AlertTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& a = m_alerts.at(index.row());
    const int column = index.column();
    const bool fromConsole = a.region == AlertRules::kRegion;
    switch (role) {
        case Qt::DisplayRole:
            return display(a, column);
        case kSortRole:
            return sortValue(a, column);
        case kActiveRole:
            return isActive(a);
        case kKeyRole:
            return key(a);
        case Qt::DecorationRole:
            if (column == Severity)
                return ConsoleIcons::dot(isActive(a) ? severityColor(a) : Theme::muted());
            return {};
        case Qt::ForegroundRole:
            if (column == Severity && isActive(a))
                return severityColor(a);
            if (!isActive(a) || column == Duration || (column == Region && fromConsole))
                return Theme::muted();
            return {};
        case Qt::FontRole:
            if (column == Severity && isActive(a) && a.severity == "critical") {
                QFont f;
                f.setBold(true);
                return f;
            }
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(column == Duration);
        case Qt::ToolTipRole:
            if (column == Message)
                return qs(a.message);
            if (column == Region)
                return fromConsole ? tr("Raised by this console's rules")
                                   : tr("Raised by region %1").arg(qs(a.region));
            if (column == Raised || column == Cleared)
                return tr("raised %1%2")
                    .arg(format::dateTime(a.raisedAtMs),
                         isActive(a) ? tr(", still active")
                                     : tr(", cleared %1").arg(format::dateTime(a.clearedAtMs)));
            return {};
        default:
            return {};
    }
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {
        QT_TR_NOOP("Severity"), QT_TR_NOOP("Raised"), QT_TR_NOOP("Cleared"), QT_TR_NOOP("For"),
        QT_TR_NOOP("Region"),   QT_TR_NOOP("Kind"),   QT_TR_NOOP("Subject"), QT_TR_NOOP("Message")};
    static const char* const tips[] = {
        QT_TR_NOOP("critical or warning"),
        QT_TR_NOOP("When the condition began"),
        QT_TR_NOOP("When it ended"),
        QT_TR_NOOP("How long it has lasted, or lasted"),
        QT_TR_NOOP("The region that raised it; \"console\" for this console's rules"),
        QT_TR_NOOP("What kind of problem"),
        QT_TR_NOOP("What it is about: a region, a link, a feature view"),
        QT_TR_NOOP("What happened")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, section == Duration);
}

AlertFilterModel::AlertFilterModel(bool active, QObject* parent)
    : QSortFilterProxyModel(parent), m_active(active) {
    setSortRole(AlertTableModel::kSortRole);
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

bool AlertFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(AlertTableModel::kActiveRole).toBool() != m_active)
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

}  // namespace meridian::ui
