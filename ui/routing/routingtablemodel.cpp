#include "routing/routingtablemodel.h"

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

QString idOf(const console::RouteInfo& r) {
    return qs(r.service) + QLatin1Char('|') + qs(r.from);
}

QString distanceText(double ms) {
    return ms < 10 ? QString::number(ms, 'f', 1) + QStringLiteral(" ms")
                   : QString::number(ms, 'f', 0) + QStringLiteral(" ms");
}

}  // namespace

RoutingTableModel::RoutingTableModel(QObject* parent) : KeyedTableModel(parent) {}

void RoutingTableModel::setTable(const console::RoutingTable& table) {
    mergeRows(m_ids, m_routes, table.routes, idOf);
}

int RoutingTableModel::unservedCount() const {
    int n = 0;
    for (const auto& r : m_routes)
        n += r.region.empty() ? 1 : 0;
    return n;
}

int RoutingTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_routes.size());
}

int RoutingTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoutingTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& r = m_routes.at(index.row());
    const int column = index.column();
    const bool served = !r.region.empty();
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Service:
                    return qs(r.service);
                case From:
                    return qs(r.from);
                case ServedBy:
                    return served ? qs(r.region) : tr("none");
                case Distance:
                    if (!served)
                        return QStringLiteral("–");
                    return r.region == r.from ? tr("local") : distanceText(r.distanceMs);
                case Reason:
                    return qs(r.reason);
                case PassedOver:
                    return r.passedOver.empty()
                               ? QStringLiteral("–")
                               : qs(r.passedOver.front()) +
                                     (r.passedOver.size() > 1
                                          ? tr(" (+%1 more)").arg(r.passedOver.size() - 1)
                                          : QString());
            }
            return {};
        case kSortRole:
            if (column == Distance)
                return served ? r.distanceMs : 1e12;
            if (column == PassedOver)
                return static_cast<int>(r.passedOver.size());
            return data(index, Qt::DisplayRole);
        case Qt::DecorationRole:
            if (column == ServedBy)
                return ConsoleIcons::dot(served ? Theme::good() : Theme::bad());
            return {};
        case Qt::ForegroundRole:
            if (column == Reason && !served)
                return Theme::bad();
            if (column == Distance || column == PassedOver)
                return Theme::muted();
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(column == Distance);
        case Qt::ToolTipRole:
            if (column == PassedOver && !r.passedOver.empty()) {
                QStringList lines;
                for (const auto& p : r.passedOver)
                    lines << qs(p);
                return lines.join(QLatin1Char('\n'));
            }
            if (column == Reason)
                return qs(r.reason);
            return {};
        default:
            return {};
    }
}

QVariant RoutingTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {
        QT_TR_NOOP("Feature service"), QT_TR_NOOP("Caller in"), QT_TR_NOOP("Served by"),
        QT_TR_NOOP("Round trip"),      QT_TR_NOOP("Why"),       QT_TR_NOOP("Nearer, passed over")};
    static const char* const tips[] = {
        QT_TR_NOOP("The feature service read"),
        QT_TR_NOOP("Where the caller is: a region of the deployment"),
        QT_TR_NOOP("The region a routed read goes to now"),
        QT_TR_NOOP("The round trip assumed between caller and region: the emulated link's "
                   "delay there and back, else an estimate from the regions' coordinates"),
        QT_TR_NOOP("Why that region: the nearest that holds every view of the service, meets "
                   "the staleness bound and is up"),
        QT_TR_NOOP("Regions nearer to the caller that were passed over, and why")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, section == Distance);
}

}  // namespace meridian::ui
