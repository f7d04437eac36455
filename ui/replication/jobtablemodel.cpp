#include "replication/jobtablemodel.h"

#include <QDateTime>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

QColor stateColor(console::SyncJobInfo::State state) {
    using S = console::SyncJobInfo::State;
    switch (state) {
        case S::Succeeded:
            return Theme::good();
        case S::Failed:
            return Theme::bad();
        case S::Cancelled:
            return Theme::warning();
        default:
            return Theme::info();
    }
}

qint64 durationMs(const console::SyncJobInfo& j) {
    const qint64 start = j.startedAtMs > 0 ? j.startedAtMs : j.createdAtMs;
    if (start <= 0)
        return -1;
    const qint64 end = j.finishedAtMs > 0 ? j.finishedAtMs : QDateTime::currentMSecsSinceEpoch();
    return std::max<qint64>(0, end - start);
}

}  // namespace

JobTableModel::JobTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString JobTableModel::kindText(console::SyncJobInfo::Kind kind) {
    switch (kind) {
        case console::SyncJobInfo::Kind::CatchUp:
            return tr("Catch-up");
        case console::SyncJobInfo::Kind::OfflineBatch:
            return tr("Offline batch");
        case console::SyncJobInfo::Kind::Snapshot:
            return tr("Snapshot");
        case console::SyncJobInfo::Kind::Repair:
            return tr("Repair");
    }
    return {};
}

QString JobTableModel::stateText(console::SyncJobInfo::State state) {
    switch (state) {
        case console::SyncJobInfo::State::Queued:
            return tr("Queued");
        case console::SyncJobInfo::State::Running:
            return tr("Running");
        case console::SyncJobInfo::State::Succeeded:
            return tr("Succeeded");
        case console::SyncJobInfo::State::Failed:
            return tr("Failed");
        case console::SyncJobInfo::State::Cancelled:
            return tr("Cancelled");
    }
    return {};
}

bool JobTableModel::isRunning(const console::SyncJobInfo& job) {
    return job.state == console::SyncJobInfo::State::Queued ||
           job.state == console::SyncJobInfo::State::Running;
}

void JobTableModel::setJobs(const QVector<console::SyncJobInfo>& jobs) {
    beginResetModel();
    m_jobs = jobs;
    endResetModel();
}

int JobTableModel::rowOf(const QString& id) const {
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (qs(m_jobs[row].id) == id)
            return row;
    }
    return -1;
}

void JobTableModel::upsert(const console::SyncJobInfo& job) {
    const int row = rowOf(qs(job.id));
    if (row >= 0) {
        m_jobs[row] = job;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_jobs.prepend(job);
    endInsertRows();
}

int JobTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobTableModel::display(const console::SyncJobInfo& j, int column) const {
    switch (column) {
        case Created:
            return format::dateTime(j.createdAtMs);
        case Kind:
            return kindText(j.kind);
        case From:
            return qs(j.from);
        case To:
            return qs(j.to);
        case Scope:
            return j.scope.empty() ? tr("everything") : qsList(j.scope).join(QStringLiteral(", "));
        case State:
            return stateText(j.state);
        case Progress:
            return QStringLiteral("%1%").arg(j.percent, 0, 'f', 0);
        case Rows: {
            // What a job counts depends on its kind: changes for a catch-up, partitions for
            // an offline batch, bytes for a snapshot (as meridianctl jobs shows them).
            using Kind = console::SyncJobInfo::Kind;
            auto amount = [&j](int64_t n) {
                return j.kind == Kind::Snapshot ? format::bytes(n) : format::count(n);
            };
            if (j.kind == Kind::Repair)
                return tr("%1 of %2 keys repaired")
                    .arg(format::count(j.rows), format::count(j.keysDiffering));
            const QString unit =
                j.kind == Kind::Snapshot
                    ? QString()
                    : (j.kind == Kind::OfflineBatch ? tr(j.rows == 1 ? " partition" : " partitions")
                                                    : tr(j.rows == 1 ? " change" : " changes"));
            return j.total > 0 && isRunning(j)
                       ? tr("%1 of %2").arg(amount(j.rows), amount(j.total)) + unit
                       : amount(j.rows) + unit;
        }
        case Bytes:
            return format::bytes(j.bytes);
        case Cost:
            return format::usd(j.costUsd > 0 || !isRunning(j) ? j.costUsd : j.estimatedCostUsd);
        case StartedBy:
            return qs(j.startedBy);
        case Duration: {
            const qint64 ms = durationMs(j);
            return ms < 0 ? QStringLiteral("—") : format::seconds(ms / 1000.0);
        }
        case Message:
            return qs(j.message);
    }
    return {};
}

QVariant JobTableModel::sortValue(const console::SyncJobInfo& j, int column) const {
    switch (column) {
        case Created:
            return static_cast<qlonglong>(j.createdAtMs);
        case Progress:
            return j.percent;
        case Rows:
            return static_cast<qlonglong>(j.rows);
        case Bytes:
            return static_cast<qlonglong>(j.bytes);
        case Cost:
            return j.costUsd > 0 ? j.costUsd : j.estimatedCostUsd;
        case Duration:
            return static_cast<qlonglong>(durationMs(j));
        default:
            return display(j, column);
    }
}

QString JobTableModel::residencyText(const console::SyncJobInfo& job) {
    if (job.residencyRefused <= 0)
        return {};
    return tr("%n view(s) withheld for residency", nullptr,
              static_cast<int>(job.residencyRefused)) +
           (job.residencyRows > 0 ? tr(" (%1 rows)").arg(format::count(job.residencyRows))
                                  : QString());
}

QVariant JobTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& j = m_jobs.at(index.row());
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return display(j, column);
        case kSortRole:
            return sortValue(j, column);
        case kPercentRole:
            return j.percent;
        case kRunningRole:
            return isRunning(j);
        case kJobIdRole:
            return qs(j.id);
        case Qt::DecorationRole:
            if (column == State)
                return ConsoleIcons::dot(stateColor(j.state));
            return {};
        case Qt::ForegroundRole:
            if (column == State)
                return stateColor(j.state);
            if (column == Message && j.state == console::SyncJobInfo::State::Failed)
                return Theme::bad();
            return {};
        case Qt::TextAlignmentRole:
            if (column >= Progress && column <= Cost)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::ToolTipRole: {
            QString tip = tr("Job %1").arg(qs(j.id));
            if (!j.message.empty())
                tip += QStringLiteral("\n") + qs(j.message);
            if (j.residencyRefused > 0)
                tip += QStringLiteral("\n") + residencyText(j);
            if (isRunning(j) && j.etaSeconds > 0)
                tip +=
                    QStringLiteral("\n") + tr("About %1 left").arg(format::seconds(j.etaSeconds));
            return tip;
        }
        default:
            return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(
            (section >= Progress && section <= Cost ? Qt::AlignRight : Qt::AlignLeft) |
            Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {
        QT_TR_NOOP("Created"), QT_TR_NOOP("Kind"),  QT_TR_NOOP("From"),     QT_TR_NOOP("To"),
        QT_TR_NOOP("Scope"),   QT_TR_NOOP("State"), QT_TR_NOOP("Progress"), QT_TR_NOOP("Done"),
        QT_TR_NOOP("Bytes"),   QT_TR_NOOP("Cost"),  QT_TR_NOOP("By"),       QT_TR_NOOP("Duration"),
        QT_TR_NOOP("Result")};
    return tr(names[section]);
}

}  // namespace meridian::ui
