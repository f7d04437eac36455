#include "registry/registryversionmodel.h"

#include <QDateTime>
#include <QFontDatabase>
#include <algorithm>

#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

constexpr int kShortHash = 12;

}  // namespace

RegistryVersionModel::RegistryVersionModel(QObject* parent) : QAbstractTableModel(parent) {}

void RegistryVersionModel::setVersions(const QVector<console::RegistryEntry>& versions) {
    beginResetModel();
    m_versions = versions;
    std::sort(m_versions.begin(), m_versions.end(),
              [](const auto& a, const auto& b) { return a.version > b.version; });
    endResetModel();
}

int RegistryVersionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_versions.size());
}

int RegistryVersionModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegistryVersionModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
        case VersionColumn:
            return tr("Version");
        case UpdatedColumn:
            return tr("Applied");
        case ByColumn:
            return tr("By");
        case RegionColumn:
            return tr("Region");
        case HashColumn:
            return tr("Spec hash");
        default:
            return {};
    }
}

QVariant RegistryVersionModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_versions.size())
        return {};
    const auto& v = m_versions[index.row()];
    if (role == VersionRole)
        return QVariant::fromValue<qint64>(v.version);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
            case VersionColumn:
                return index.row() == 0 ? tr("v%1 (current)").arg(v.version)
                                        : QStringLiteral("v%1").arg(v.version);
            case UpdatedColumn:
                return v.updatedAtMs > 0 ? format::dateTime(v.updatedAtMs) : QString();
            case ByColumn:
                return qs(v.appliedBy);
            case RegionColumn:
                return qs(v.ownerRegion);
            case HashColumn:
                return qs(v.specHash).left(kShortHash);
        }
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == HashColumn)
            return qs(v.specHash);
        if (index.column() == UpdatedColumn && v.updatedAtMs > 0)
            return format::age(v.updatedAtMs, QDateTime::currentMSecsSinceEpoch());
    }
    if (role == Qt::FontRole && index.column() == HashColumn)
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (role == Qt::ForegroundRole && index.column() == HashColumn)
        return Theme::muted();
    return {};
}

}  // namespace meridian::ui
