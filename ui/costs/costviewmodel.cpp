#include "costs/costviewmodel.h"

#include <QFont>
#include <QHash>
#include <QStringList>

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"
#include "costs/costformat.h"
#include "costs/egresscolumns.h"

namespace meridian::ui {

static_assert(CostViewModel::ColumnCount - CostViewModel::Sent == EgressColumns::FigureCount);

CostViewModel::CostViewModel(QObject* parent) : KeyedTableModel(parent) {}

QString CostViewModel::viewText(const std::string& view) {
    return view.empty() ? tr("registry and control") : qs(view);
}

int CostViewModel::rowOf(const QString& view) const {
    return static_cast<int>(m_ids.indexOf(view));
}

void CostViewModel::setViews(const std::vector<console::ViewCost>& views, double totalUsd) {
    m_totalUsd = totalUsd;
    mergeRows(m_ids, m_views, views, [](const console::ViewCost& v) { return qs(v.view); });
}

int CostViewModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_views.size());
}

int CostViewModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CostViewModel::display(const console::ViewCost& v, int column) const {
    if (column >= Sent)
        return EgressColumns::display(v, column - Sent, m_totalUsd);
    switch (column) {
        case View:
            return viewText(v.view);
        case Kinds:
            return qsList(v.kinds).join(QStringLiteral(", "));
        case Links:
            return QString::number(v.links);
    }
    return {};
}

QVariant CostViewModel::sortValue(const console::ViewCost& v, int column) const {
    if (column >= Sent)
        return EgressColumns::sortValue(v, column - Sent);
    switch (column) {
        case Links:
            return v.links;
        case View:
            // Views by name, control traffic last.
            return v.view.empty() ? QStringLiteral("\uffff") : qs(v.view);
        default:
            return display(v, column);
    }
}

QVariant CostViewModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& v = m_views.at(index.row());
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return display(v, column);
        case kSortRole:
            return sortValue(v, column);
        case kViewRole:
            return qs(v.view);
        case Qt::DecorationRole:
            if (column == View && !v.view.empty())
                return ConsoleIcons::objectKind(console::ObjectKind::FeatureView);
            return {};
        case Qt::ForegroundRole:
            if ((column == View && v.view.empty()) || column == Kinds || column == Share)
                return Theme::muted();
            return {};
        case Qt::FontRole:
            if (column == View && v.view.empty()) {
                QFont f;
                f.setItalic(true);
                return f;
            }
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(isFigure(column));
        case Qt::ToolTipRole:
            if (column == View && v.view.empty())
                return tr("Registry replication and control messages, which belong to no view");
            return column >= Sent ? EgressColumns::toolTip(v, column - Sent) : QVariant();
        default:
            return {};
    }
}

QVariant CostViewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {QT_TR_NOOP("Feature view"), QT_TR_NOOP("Carried by"),
                                        QT_TR_NOOP("Links"),        QT_TR_NOOP("Sent"),
                                        QT_TR_NOOP("Cost"),         QT_TR_NOOP("30 days"),
                                        QT_TR_NOOP("Share")};
    static const char* const tips[] = {
        QT_TR_NOOP("The feature view whose rows crossed the links"),
        QT_TR_NOOP("Kinds of transfer: stream (replication), snapshot, batch (offline sync)"),
        QT_TR_NOOP("Links that carried the view's data"),
        QT_TR_NOOP("Bytes sent in the window, after compression"),
        QT_TR_NOOP("Cost in the window"),
        QT_TR_NOOP("The window's rate extrapolated to 30 days"),
        QT_TR_NOOP("Share of the window's total egress cost")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, isFigure(section));
}

}  // namespace meridian::ui
