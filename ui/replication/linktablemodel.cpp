#include "replication/linktablemodel.h"

#include <QFont>
#include <QHash>

#include <algorithm>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "console/linkfigures.h"

namespace meridian::ui {
namespace {

QColor stateColor(console::LinkState state) {
    using S = console::LinkState;
    if (state == S::Streaming)
        return Theme::good();
    if (state == S::Connecting || state == S::Snapshot)
        return Theme::warning();
    if (state == S::Unknown)
        return Theme::muted();
    return Theme::bad();
}

}  // namespace

LinkTableModel::LinkTableModel(QObject* parent) : KeyedTableModel(parent) {}

QString LinkTableModel::rowId(const console::LinkStatus& link) {
    return qs(link.from) + QLatin1Char('|') + qs(link.to) + QLatin1Char('|') + qs(link.view);
}

QString LinkTableModel::modeText(const std::string& mode) {
    QStringList parts = qs(mode).split(QLatin1Char('+'), Qt::SkipEmptyParts);
    for (auto& p : parts)
        p.replace(QLatin1Char('_'), QLatin1Char('-'));
    return parts.join(QStringLiteral(", "));
}

void LinkTableModel::setColorOf(std::function<QColor(const QString&)> colorOf) {
    m_colorOf = std::move(colorOf);
    if (!m_links.isEmpty())
        emit dataChanged(index(0, From), index(rowCount() - 1, From), {Qt::DecorationRole});
}

bool LinkTableModel::anyEmulated() const {
    return std::any_of(m_links.begin(), m_links.end(), [](const auto& l) { return l.emulated; });
}

void LinkTableModel::setLinks(const std::vector<console::LinkStatus>& links) {
    mergeRows(m_ids, m_links, links, rowId);
}

int LinkTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_links.size());
}

int LinkTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LinkTableModel::display(const console::LinkStatus& l, int column) const {
    switch (column) {
        case From:
            return qs(l.from);
        case To:
            return qs(l.to);
        case View:
            return l.view.empty() ? tr("whole link") : qs(l.view);
        case Mode:
            return modeText(l.mode);
        case Lag:
            return format::lagMs(console::lagMs(l));
        case Behind:
            return format::count(l.changesBehind);
        case ApplyRate:
            return format::rate(l.applyRate);
        case LatencyP50:
            return format::lagMs(l.latencyP50Ms);
        case LatencyP99:
            return format::lagMs(l.latencyP99Ms);
        case Conflicts:
            return format::count(l.conflicts);
        case Withheld:
            return format::count(l.residencyWithheld);
        case State:
            return l.state == console::LinkState::Unknown ? tr("unknown")
                                                          : qs(console::linkStateName(l.state));
        case Network: {
            if (!l.emulated)
                return tr("real network");
            QString what = qs(l.emulation);
            if (what.startsWith(QLatin1String("delay ")))
                what = what.mid(6);  // the tooltip says it in full
            return what.isEmpty() ? tr("emulated") : tr("emulated · %1").arg(what);
        }
    }
    return {};
}

QVariant LinkTableModel::sortValue(const console::LinkStatus& l, int column) const {
    switch (column) {
        case Lag:
            return console::lagMs(l);
        case Behind:
            return static_cast<qlonglong>(l.changesBehind);
        case ApplyRate:
            return l.applyRate;
        case LatencyP50:
            return l.latencyP50Ms;
        case LatencyP99:
            return l.latencyP99Ms;
        case Conflicts:
            return static_cast<qlonglong>(l.conflicts);
        case Withheld:
            return static_cast<qlonglong>(l.residencyWithheld);
        case View:
            // The whole link first, then its views.
            return l.view.empty() ? QString() : qs(l.view);
        default:
            return display(l, column);
    }
}

QVariant LinkTableModel::data(const QModelIndex& index, int role) const {
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
            return DeploymentMonitor::linkKey(l);
        case kIsViewRowRole:
            return !l.view.empty();
        case kEmulatedRole:
            return l.emulated;
        case Qt::DecorationRole:
            if (column == From && l.view.empty() && m_colorOf)
                return ConsoleIcons::dot(m_colorOf(DeploymentMonitor::linkKey(l)));
            if (column == State)
                return ConsoleIcons::dot(stateColor(l.state));
            if (column == Network && l.emulated)
                return ConsoleIcons::emulated();
            return {};
        case Qt::ForegroundRole:
            if (column == Lag)
                return Theme::lag(console::lagMs(l), DeploymentMonitor::isBroken(l));
            if (column == State)
                return stateColor(l.state);
            if (column == Conflicts && l.conflicts > 0)
                return Theme::warning();
            if ((column == View && l.view.empty()) || column == Network)
                return Theme::muted();
            return {};
        case Qt::FontRole:
            if (column == Network && l.emulated) {
                QFont f;
                f.setItalic(true);
                return f;
            }
            return {};
        case Qt::TextAlignmentRole:
            if (column >= Lag && column <= Withheld)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::ToolTipRole:
            if (column == Network)
                return l.emulated ? tr("Emulated link: both regions run on this machine and the "
                                       "delay (%1) stands in for the real network between them.")
                                        .arg(qs(l.emulation))
                                  : tr("Real network link");
            if (column == Mode)
                return modeText(l.mode);
            if (column == Lag)
                return tr("Age of the oldest change not yet applied, 0 when caught up. How long "
                          "applied changes took to arrive is the latency: p50 %1, p99 %2")
                    .arg(format::lagMs(l.latencyP50Ms), format::lagMs(l.latencyP99Ms));
            return {};
        default:
            return {};
    }
}

QVariant LinkTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(
            (section >= Lag && section <= Withheld ? Qt::AlignRight : Qt::AlignLeft) |
            Qt::AlignVCenter);
    static const char* const names[] = {
        QT_TR_NOOP("From"),   QT_TR_NOOP("To"),        QT_TR_NOOP("View"),     QT_TR_NOOP("Mode"),
        QT_TR_NOOP("Lag"),    QT_TR_NOOP("Behind"),    QT_TR_NOOP("Applied"),  QT_TR_NOOP("p50"),
        QT_TR_NOOP("p99"),    QT_TR_NOOP("Conflicts"), QT_TR_NOOP("Withheld"), QT_TR_NOOP("State"),
        QT_TR_NOOP("Network")};
    static const char* const tips[] = {
        QT_TR_NOOP("Region the changes come from"),
        QT_TR_NOOP("Region applying them"),
        QT_TR_NOOP("Feature view, or the link as a whole"),
        QT_TR_NOOP("Replication modes of the views on this link"),
        QT_TR_NOOP("How far the receiving region is behind"),
        QT_TR_NOOP("Changes not yet applied"),
        QT_TR_NOOP("Changes applied per second, last minute"),
        QT_TR_NOOP("Median end-to-end latency: apply time − commit time"),
        QT_TR_NOOP("99th percentile end-to-end latency"),
        QT_TR_NOOP("Conflicts resolved by the conflict rule"),
        QT_TR_NOOP("Changes withheld by the sender for residency"),
        QT_TR_NOOP("streaming, connecting, snapshot, partitioned or down"),
        QT_TR_NOOP("Whether the link runs over a real network or is emulated on this machine")};
    if (role == Qt::DisplayRole)
        return tr(names[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

}  // namespace meridian::ui

namespace meridian::ui {

LinkFilterModel::LinkFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(LinkTableModel::kSortRole);
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void LinkFilterModel::setShowViews(bool show) {
    if (show == m_showViews)
        return;
    m_showViews = show;
    invalidateRowsFilter();
}

bool LinkFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (!m_showViews) {
        const auto index = sourceModel()->index(sourceRow, 0, sourceParent);
        if (index.data(LinkTableModel::kIsViewRowRole).toBool())
            return false;
    }
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

}  // namespace meridian::ui
