#include "audit/erasuremodels.h"

#include <QDateTime>

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {

ErasureTableModel::ErasureTableModel(QObject* parent) : KeyedTableModel(parent) {}

void ErasureTableModel::setJobs(const QVector<console::ErasureJobInfo>& jobs) {
    mergeRows(m_ids, m_jobs, jobs, [](const auto& j) { return qs(j.id); });
}

QString ErasureTableModel::stateText(const console::ErasureJobInfo& job) {
    const int total = static_cast<int>(job.regions.size());
    if (job.done)
        return total == 1 ? tr("done in its only region") : tr("done in all %1 regions").arg(total);
    if (job.coordinator.find("(down)") != std::string::npos)
        return tr("erased in %1; coordinator down")
            .arg(format::counted(job.erasedRegions(), tr("region"), tr("regions")));
    return tr("%1 of %2 erased")
        .arg(job.erasedRegions())
        .arg(format::counted(total, tr("region"), tr("regions")));
}

int ErasureTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int ErasureTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ErasureTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& j = m_jobs.at(index.row());
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Id:
                    return qs(j.id);
                case Entity:
                    return qs(j.entity);
                case RequestedBy:
                    return qs(j.requestedBy);
                case Started:
                    return format::dateTime(j.createdAtMs);
                case Coordinator:
                    return qs(j.coordinator);
                case State:
                    return stateText(j);
            }
            return {};
        case kSortRole:
            if (column == Started)
                return static_cast<qlonglong>(j.createdAtMs);
            return data(index, Qt::DisplayRole);
        case Qt::DecorationRole:
            if (column == State)
                return ConsoleIcons::dot(j.done ? Theme::good() : Theme::warning());
            return {};
        case Qt::ForegroundRole:
            if (column == Id || column == Started)
                return Theme::muted();
            return {};
        case Qt::ToolTipRole:
            if (column == Entity)
                return tr("Regions keep the join keys and a SHA-256 of the key, never its values");
            if (column == Started)
                return QDateTime::fromMSecsSinceEpoch(j.createdAtMs).toString(Qt::ISODateWithMs);
            return {};
        default:
            return {};
    }
}

QVariant ErasureTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {QT_TR_NOOP("Erasure"),      QT_TR_NOOP("Entity"),
                                        QT_TR_NOOP("Requested by"), QT_TR_NOOP("Started"),
                                        QT_TR_NOOP("Coordinator"),  QT_TR_NOOP("State")};
    static const char* const tips[] = {
        QT_TR_NOOP("The erasure's id, as meridianctl erasures lists it"),
        QT_TR_NOOP("The entity erased, by join keys and hash"),
        QT_TR_NOOP("Who asked for it, as authentication established it"),
        QT_TR_NOOP("When it was asked for"),
        QT_TR_NOOP("The region that sends it to every other until each confirms"),
        QT_TR_NOOP("How many regions have confirmed it")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, false);
}

RegionErasureModel::RegionErasureModel(QObject* parent) : QAbstractTableModel(parent) {}

void RegionErasureModel::setJob(const console::ErasureJobInfo& job) {
    setRegions(QVector<console::RegionErasureInfo>(job.regions.begin(), job.regions.end()), false);
}

void RegionErasureModel::setPreview(const console::ErasurePreview& preview) {
    setRegions(QVector<console::RegionErasureInfo>(preview.regions.begin(), preview.regions.end()),
               true);
}

void RegionErasureModel::clear() {
    setRegions({}, false);
}

void RegionErasureModel::setRegions(QVector<console::RegionErasureInfo> regions, bool preview) {
    // The same regions in the same order: updated in place, so the selection stays.
    bool same = regions.size() == m_regions.size() && preview == m_preview;
    for (qsizetype i = 0; same && i < regions.size(); ++i)
        same = regions[i].region == m_regions[i].region;
    if (same) {
        m_regions = std::move(regions);
        if (!m_regions.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_regions = std::move(regions);
    m_preview = preview;
    endResetModel();
}

int RegionErasureModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_regions.size());
}

int RegionErasureModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegionErasureModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& r = m_regions.at(index.row());
    const int column = index.column();
    const bool counted = m_preview ? r.reachable : r.erased;
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Region:
                    return qs(r.region);
                case State:
                    if (m_preview)
                        return !r.reachable                           ? tr("down")
                               : r.onlineRows() + r.offlineRows() > 0 ? tr("holds")
                                                                      : tr("nothing");
                    if (r.erased)
                        return tr("erased");
                    return r.attempts == 0 ? tr("pending")
                                           : tr("retrying (%1)")
                                                 .arg(format::counted(r.attempts, tr("attempt"),
                                                                      tr("attempts")));
                case ErasedAt:
                    return r.erased ? format::dateTime(r.erasedAtMs) : QString();
                case Online:
                    return counted ? format::count(r.onlineRows()) : QString();
                case Offline:
                    return counted ? format::count(r.offlineRows()) : QString();
                case Log:
                    return counted && !m_preview ? format::count(r.logEntries()) : QString();
                case Note:
                    if (m_preview)
                        return r.reachable ? QString()
                                           : tr("erased when it is back: %1").arg(qs(r.error));
                    if (r.erased)
                        return r.walTruncated ? tr("WAL cut") : tr("WAL cut at next checkpoint");
                    return qs(r.error);
            }
            return {};
        case Qt::TextAlignmentRole:
            if (column == Online || column == Offline || column == Log)
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case Qt::DecorationRole:
            if (column == State) {
                if (m_preview)
                    return ConsoleIcons::dot(r.reachable ? Theme::muted() : Theme::bad());
                return ConsoleIcons::dot(r.erased ? Theme::good() : Theme::warning());
            }
            return {};
        case Qt::ForegroundRole:
            if (column == Note && !r.erased && !r.error.empty())
                return Theme::bad();
            if (column == ErasedAt || (column == Note && r.erased))
                return Theme::muted();
            return {};
        case Qt::ToolTipRole:
            if (column == Note)
                return data(index, Qt::DisplayRole);
            if (column == Online || column == Offline || column == Log) {
                QStringList lines;
                for (const auto& v : r.views)
                    lines << tr("%1: %2 online, %3 offline")
                                 .arg(qs(v.view), format::count(v.onlineRows),
                                      format::count(v.offlineRows));
                return lines.join(QLatin1Char('\n'));
            }
            return {};
        default:
            return {};
    }
}

QVariant RegionErasureModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {QT_TR_NOOP("Region"),       QT_TR_NOOP("State"),
                                        QT_TR_NOOP("Erased at"),    QT_TR_NOOP("Online rows"),
                                        QT_TR_NOOP("Offline rows"), QT_TR_NOOP("Log entries"),
                                        QT_TR_NOOP("Note")};
    static const char* const tips[] = {
        QT_TR_NOOP("A region of the deployment"),
        QT_TR_NOOP("Whether the region has confirmed the erasure"),
        QT_TR_NOOP("When the region confirmed it"),
        QT_TR_NOOP("Latest values of the entity, per view"),
        QT_TR_NOOP("History rows of the entity"),
        QT_TR_NOOP("Changelog entries of the entity deleted"),
        QT_TR_NOOP("Why a region is still pending, or what became of its write-ahead log")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, false);
}

}  // namespace meridian::ui
