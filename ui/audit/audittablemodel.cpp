#include "audit/audittablemodel.h"

#include <QDateTime>
#include <QFont>

#include <iterator>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/tablecolumns.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'))) {
        text.replace(QLatin1String("\""), QLatin1String("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

}  // namespace

AuditTableModel::AuditTableModel(QObject* parent) : KeyedTableModel(parent) {}

QString AuditTableModel::key(const console::AuditEntryInfo& e) {
    return qs(e.region) + QLatin1Char('|') + qs(e.requestId) + QLatin1Char('|') +
           QString::number(e.atMs) + QLatin1Char('|') + qs(e.action) + QLatin1Char('|') +
           qs(e.target);
}

void AuditTableModel::setEntries(const QVector<console::AuditEntryInfo>& entries) {
    mergeRows(m_keys, m_entries, entries, key);
}

int AuditTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int AuditTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& e = m_entries.at(index.row());
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            switch (column) {
                case Time:
                    return format::dateTime(e.atMs);
                case Region:
                    return qs(e.region);
                case Principal:
                    return qs(e.principal);
                case Action:
                    return e.denied ? tr("refused: %1").arg(qs(e.action)) : qs(e.action);
                case Target:
                    return qs(e.target);
                case Result:
                    return qs(e.result);
                case Request:
                    return qs(e.requestId);
            }
            return {};
        case kSortRole:
            if (column == Time)
                return static_cast<qlonglong>(e.atMs);
            return data(index, Qt::DisplayRole);
        case kDeniedRole:
            return e.denied;
        case Qt::DecorationRole:
            if (column == Action && e.denied)
                return ConsoleIcons::dot(Theme::bad());
            return {};
        case Qt::ForegroundRole:
            if (e.denied && (column == Action || column == Result))
                return Theme::bad();
            if (column == Request || column == Time)
                return Theme::muted();
            return {};
        case Qt::ToolTipRole:
            if (column == Time)
                return QDateTime::fromMSecsSinceEpoch(e.atMs).toString(Qt::ISODateWithMs);
            if (column == Result || column == Target)
                return data(index, Qt::DisplayRole);
            if (column == Principal)
                return e.principal == "unauthenticated" ? tr("No valid token was presented")
                                                        : tr("As the region authenticated them");
            return {};
        default:
            return {};
    }
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    static const char* const names[] = {
        QT_TR_NOOP("Time"),   QT_TR_NOOP("Region"), QT_TR_NOOP("Principal"), QT_TR_NOOP("Action"),
        QT_TR_NOOP("Target"), QT_TR_NOOP("Result"), QT_TR_NOOP("Request")};
    static const char* const tips[] = {
        QT_TR_NOOP("When the region recorded it"),
        QT_TR_NOOP("The region that recorded it"),
        QT_TR_NOOP("Who, as authentication established it: a token's name or a region's"),
        QT_TR_NOOP("What was done, or refused (red)"),
        QT_TR_NOOP("What it was done to"),
        QT_TR_NOOP("What came of it"),
        QT_TR_NOOP("The request's id, to match with logs")};
    static_assert(std::size(names) == ColumnCount && std::size(tips) == ColumnCount);
    return columnHeaderData(*this, section, orientation, role, names, tips, false);
}

AuditFilterModel::AuditFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(AuditTableModel::kSortRole);
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void AuditFilterModel::setPrincipal(const QString& principal) {
    m_principal = principal;
    invalidateFilter();
}

void AuditFilterModel::setAction(const QString& action) {
    m_action = action;
    invalidateFilter();
}

void AuditFilterModel::setRegion(const QString& region) {
    m_region = region;
    invalidateFilter();
}

void AuditFilterModel::setDeniedOnly(bool deniedOnly) {
    m_deniedOnly = deniedOnly;
    invalidateFilter();
}

bool AuditFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* model = static_cast<const AuditTableModel*>(sourceModel());
    const auto& e = model->entry(sourceRow);
    if (m_deniedOnly && !e.denied)
        return false;
    if (!m_principal.isEmpty() && qs(e.principal) != m_principal)
        return false;
    if (!m_action.isEmpty() && qs(e.action) != m_action)
        return false;
    if (!m_region.isEmpty() && qs(e.region) != m_region)
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

QString AuditFilterModel::toCsv() const {
    QString out =
        QStringLiteral("time_utc,region,principal,action,denied,target,result,request_id\n");
    const auto* model = static_cast<const AuditTableModel*>(sourceModel());
    for (int row = 0; row < rowCount(); ++row) {
        const auto& e = model->entry(mapToSource(index(row, 0)).row());
        const QStringList fields = {
            QDateTime::fromMSecsSinceEpoch(e.atMs, Qt::UTC).toString(Qt::ISODateWithMs),
            qs(e.region),
            qs(e.principal),
            qs(e.action),
            e.denied ? QStringLiteral("true") : QStringLiteral("false"),
            qs(e.target),
            qs(e.result),
            qs(e.requestId)};
        QStringList quoted;
        for (const auto& f : fields)
            quoted.push_back(csvField(f));
        out += quoted.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

}  // namespace meridian::ui
