#include "replication/hubtablemodel.h"

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {

HubTableModel::HubTableModel(QObject* parent) : KeyedTableModel(parent) {}

void HubTableModel::setHubs(const QVector<console::HubInfo>& hubs) {
    mergeRows(m_ids, m_rows, hubs, [](const console::HubInfo& h) { return qs(h.view); });
}

int HubTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int HubTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HubTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& h = m_rows.at(index.row());
    const int column = index.column();
    const bool allAgree = h.agreeing == h.answering;
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case View:
                    return qs(h.view);
                case Hub:
                    return qs(h.hub);
                case Epoch:
                    return static_cast<qulonglong>(h.epoch);
                case Since:
                    return h.sinceMs ? format::dateTime(h.sinceMs) : tr("(its spec)");
                case Previous:
                    return h.previousHub.empty() ? QStringLiteral("–") : qs(h.previousHub);
                case Agreeing:
                    return tr("%1 of %2").arg(h.agreeing).arg(h.answering);
                case Writes:
                    if (!h.hubAnswered)
                        return tr("the hub does not answer");
                    return h.acceptsWrites ? tr("accepts writes")
                                           : tr("refuses: %1").arg(qs(h.gate));
            }
            return {};
        case kSortRole:
            if (column == Epoch)
                return static_cast<qulonglong>(h.epoch);
            if (column == Since)
                return static_cast<qlonglong>(h.sinceMs);
            return data(index, Qt::DisplayRole);
        case Qt::DecorationRole:
            if (column == Writes)
                return ConsoleIcons::dot(!h.hubAnswered    ? Theme::muted()
                                         : h.acceptsWrites ? Theme::good()
                                                           : Theme::bad());
            return {};
        case Qt::ForegroundRole:
            if (column == Agreeing && !allAgree)
                return Theme::warning();
            if (column == Writes && h.hubAnswered && !h.acceptsWrites)
                return Theme::bad();
            if (column == Since || column == Previous)
                return Theme::muted();
            return {};
        case Qt::TextAlignmentRole:
            return columnAlignment(column == Epoch);
        case Qt::ToolTipRole:
            if (column == Agreeing && !allAgree) {
                QStringList names;
                for (const auto& r : h.notAgreeing)
                    names << qs(r);
                return tr("Not yet heard of epoch %1: %2").arg(h.epoch).arg(names.join(", "));
            }
            if (column == Writes && !h.gate.empty())
                return qs(h.gate);
            return {};
        default:
            return {};
    }
}

QVariant HubTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {QT_TR_NOOP("Feature view"), QT_TR_NOOP("Hub"),
                                        QT_TR_NOOP("Epoch"),        QT_TR_NOOP("Since"),
                                        QT_TR_NOOP("Previous hub"), QT_TR_NOOP("Regions agreeing"),
                                        QT_TR_NOOP("Writes")};
    static const char* const tips[] = {
        QT_TR_NOOP("A hub-and-spoke feature view"),
        QT_TR_NOOP("The region that takes the view's writes, in the newest epoch any region holds"),
        QT_TR_NOOP("1 for the hub the view's spec names; one more per promotion"),
        QT_TR_NOOP("When the hub was promoted"),
        QT_TR_NOOP("The hub before the last promotion"),
        QT_TR_NOOP("Regions that hold this hub and epoch, of those that answered"),
        QT_TR_NOOP("Whether the hub accepts writes now (it needs its lease: recent answers "
                   "from its peers)")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, section == Epoch);
}

}  // namespace meridian::ui
