#include "costs/costlinkmodel.h"

#include <QRegularExpression>

#include <QHash>

#include <iterator>
#include <utility>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"
#include "costs/costformat.h"
#include "costs/egresscolumns.h"

namespace meridian::ui {

static_assert(CostLinkModel::ColumnCount - CostLinkModel::Sent == EgressColumns::FigureCount);

CostLinkModel::CostLinkModel(QObject* parent) : KeyedTableModel(parent) {}

QString CostLinkModel::rowId(const console::LinkCost& link) {
    return DeploymentMonitor::linkKey(qs(link.from), qs(link.to));
}

void CostLinkModel::setColorOf(std::function<QColor(const QString&)> colorOf) {
    m_colorOf = std::move(colorOf);
    if (!m_links.isEmpty())
        emit dataChanged(index(0, From), index(rowCount() - 1, From), {Qt::DecorationRole});
}

int CostLinkModel::rowOf(const QString& from, const QString& to) const {
    return static_cast<int>(m_ids.indexOf(DeploymentMonitor::linkKey(from, to)));
}

void CostLinkModel::setLinks(const std::vector<console::LinkCost>& links, double totalUsd) {
    m_totalUsd = totalUsd;
    mergeRows(m_ids, m_links, links, rowId);
}

int CostLinkModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_links.size());
}

int CostLinkModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

// The price table's label without the sending cloud, which the From column already implies:
// "aws internet egress (to gcp)" → "internet → gcp". The tooltip keeps the whole label.
QString CostLinkModel::shortClass(const QString& label) {
    static const QRegularExpression internet(
        QStringLiteral("^\\S+ internet egress \\(to (.+)\\)$"));
    if (const auto m = internet.match(label); m.hasMatch())
        return tr("internet → %1").arg(m.captured(1));
    static const QRegularExpression interRegion(QStringLiteral("^\\S+ inter-region, (.+)$"));
    if (const auto m = interRegion.match(label); m.hasMatch())
        return m.captured(1);
    static const QRegularExpression within(QStringLiteral("^\\S+ within (.+)$"));
    if (const auto m = within.match(label); m.hasMatch())
        return tr("within %1").arg(m.captured(1));
    return label;
}

QVariant CostLinkModel::display(const console::LinkCost& l, int column) const {
    if (column >= Sent)
        return EgressColumns::display(l, column - Sent, m_totalUsd);
    switch (column) {
        case From:
            return qs(l.from);
        case To:
            return qs(l.to);
        case PriceClass:
            return l.priceClass.empty() ? tr("unpriced") : shortClass(qs(l.priceClass));
        case UsdPerGb:
            return costformat::perGb(l.usdPerGb);
    }
    return {};
}

QVariant CostLinkModel::sortValue(const console::LinkCost& l, int column) const {
    if (column >= Sent)
        return EgressColumns::sortValue(l, column - Sent);
    if (column == UsdPerGb)
        return l.usdPerGb;
    return display(l, column);
}

QVariant CostLinkModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& l = m_links.at(index.row());
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return display(l, column);
        case kSortRole:
            return sortValue(l, column);
        case kLinkKeyRole:
            return rowId(l);
        case Qt::DecorationRole:
            if (column == From && m_colorOf)
                return ConsoleIcons::dot(m_colorOf(rowId(l)));
            return {};
        case Qt::ForegroundRole:
            if (column == PriceClass || column == Share || (column == Cost && l.usd == 0))
                return Theme::muted();
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(isFigure(column));
        case Qt::ToolTipRole:
            if (column == PriceClass || column == UsdPerGb)
                return tr("%1: %2 per GB, list price of the sending region's cloud")
                    .arg(l.priceClass.empty() ? tr("unpriced") : qs(l.priceClass),
                         costformat::perGb(l.usdPerGb));
            return column >= Sent ? EgressColumns::toolTip(l, column - Sent) : QVariant();
        default:
            return {};
    }
}

QVariant CostLinkModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {
        QT_TR_NOOP("From"), QT_TR_NOOP("To"),   QT_TR_NOOP("Price class"), QT_TR_NOOP("$/GB"),
        QT_TR_NOOP("Sent"), QT_TR_NOOP("Cost"), QT_TR_NOOP("30 days"),     QT_TR_NOOP("Share")};
    static const char* const tips[] = {
        QT_TR_NOOP("Region sending the data (it pays the egress)"),
        QT_TR_NOOP("Region receiving it"),
        QT_TR_NOOP("How the cloud prices this traffic: within a region, between regions of one "
                   "continent, across continents, or leaving the cloud"),
        QT_TR_NOOP("List price per GB for this link"),
        QT_TR_NOOP("Bytes sent in the window, after compression"),
        QT_TR_NOOP("Cost in the window"),
        QT_TR_NOOP("The window's rate extrapolated to 30 days"),
        QT_TR_NOOP("Share of the window's total egress cost")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, isFigure(section));
}

}  // namespace meridian::ui
