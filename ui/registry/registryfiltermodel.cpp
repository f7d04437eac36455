#include "registry/registryfiltermodel.h"

#include "registry/registrytreemodel.h"

namespace meridian::ui {

RegistryFilterModel::RegistryFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(false);
}

void RegistryFilterModel::setSearchText(const QString& text) {
    const QStringList words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateFilter();
}

bool RegistryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_words.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto type = static_cast<RegistryTreeModel::NodeType>(
        index.data(RegistryTreeModel::NodeTypeRole).toInt());
    if (type == RegistryTreeModel::NodeType::Group)
        return false;  // shown only when an object in it matches
    const QString text = index.data(RegistryTreeModel::SearchTextRole).toString();
    for (const auto& word : m_words) {
        if (!text.contains(word))
            return false;
    }
    return true;
}

QVariant RegistryFilterModel::data(const QModelIndex& index, int role) const {
    if (role == Qt::DisplayRole && index.column() == RegistryTreeModel::NameColumn &&
        index.data(RegistryTreeModel::NodeTypeRole).toInt() ==
            static_cast<int>(RegistryTreeModel::NodeType::Group)) {
        return QStringLiteral("%1 (%2)")
            .arg(QSortFilterProxyModel::data(index, role).toString())
            .arg(rowCount(index));
    }
    return QSortFilterProxyModel::data(index, role);
}

}  // namespace meridian::ui
