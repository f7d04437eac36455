#include "registry/registrytreemodel.h"

#include <QDateTime>
#include <QFont>
#include <QHash>
#include <QMap>
#include <algorithm>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

using console::ObjectKind;

constexpr ObjectKind kGroupOrder[] = {ObjectKind::Entity, ObjectKind::DataSource,
                                      ObjectKind::FeatureView, ObjectKind::FeatureService};

QString groupName(ObjectKind kind) {
    switch (kind) {
        case ObjectKind::Entity:
            return QObject::tr("Entities");
        case ObjectKind::DataSource:
            return QObject::tr("Data sources");
        case ObjectKind::FeatureView:
            return QObject::tr("Feature views");
        case ObjectKind::FeatureService:
            return QObject::tr("Feature services");
        case ObjectKind::Project:
            return QObject::tr("Projects");
    }
    return {};
}

}  // namespace

RegistryTreeModel::RegistryTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

QString RegistryTreeModel::keyOf(const console::RegistryEntry& e) {
    return QStringLiteral("%1:%2/%3").arg(static_cast<int>(e.kind)).arg(qs(e.project), qs(e.name));
}

QString RegistryTreeModel::tagsOf(const console::RegistryEntry& e) {
    for (const auto& [label, value] : e.fields) {
        if (label == "Tags")
            return qs(value);
    }
    return {};
}

void RegistryTreeModel::setEntries(const QVector<console::RegistryEntry>& entries) {
    beginResetModel();
    m_entries = entries;
    m_nodes.clear();
    m_roots.clear();

    // project name -> entry of the project itself (if listed) and the objects of each kind.
    QMap<QString, int> projectEntry;
    QMap<QString, QMap<int, QVector<int>>> objects;
    for (int i = 0; i < m_entries.size(); ++i) {
        const auto& e = m_entries[i];
        if (e.kind == ObjectKind::Project) {
            projectEntry.insert(qs(e.name), i);
            objects[qs(e.name)];
        } else {
            objects[qs(e.project)][static_cast<int>(e.kind)].push_back(i);
        }
    }
    auto searchText = [](const console::RegistryEntry& e) {
        return QStringList{qs(e.name), qs(e.owner), tagsOf(e), qs(e.description)}
            .join(QLatin1Char('\n'))
            .toLower();
    };
    for (auto p = objects.begin(); p != objects.end(); ++p) {
        Node project;
        project.type = NodeType::Project;
        project.name = p.key().isEmpty() ? tr("(no project)") : p.key();
        project.entry = projectEntry.value(p.key(), -1);
        project.row = static_cast<int>(m_roots.size());
        if (project.entry >= 0)
            project.searchText = searchText(m_entries[project.entry]);
        const int projectIndex = static_cast<int>(m_nodes.size());
        m_nodes.push_back(project);
        m_roots.push_back(projectIndex);
        for (ObjectKind kind : kGroupOrder) {
            auto members = p->value(static_cast<int>(kind));
            if (members.isEmpty())
                continue;
            std::sort(members.begin(), members.end(), [this](int a, int b) {
                return QString::compare(qs(m_entries[a].name), qs(m_entries[b].name),
                                        Qt::CaseInsensitive) < 0;
            });
            Node group;
            group.type = NodeType::Group;
            group.kind = kind;
            group.name = groupName(kind);
            group.parent = projectIndex;
            group.row = static_cast<int>(m_nodes[projectIndex].children.size());
            const int groupIndex = static_cast<int>(m_nodes.size());
            m_nodes.push_back(group);
            m_nodes[projectIndex].children.push_back(groupIndex);
            for (int entry : members) {
                Node object;
                object.type = NodeType::Object;
                object.kind = kind;
                object.name = qs(m_entries[entry].name);
                object.parent = groupIndex;
                object.row = static_cast<int>(m_nodes[groupIndex].children.size());
                object.entry = entry;
                object.searchText = searchText(m_entries[entry]);
                const int objectIndex = static_cast<int>(m_nodes.size());
                m_nodes.push_back(object);
                m_nodes[groupIndex].children.push_back(objectIndex);
            }
        }
    }
    endResetModel();
}

const RegistryTreeModel::Node* RegistryTreeModel::nodeOf(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const auto id = static_cast<int>(index.internalId());
    return id >= 0 && id < m_nodes.size() ? &m_nodes[id] : nullptr;
}

const console::RegistryEntry* RegistryTreeModel::entryAt(const QModelIndex& index) const {
    const Node* node = nodeOf(index);
    return node && node->entry >= 0 ? &m_entries[node->entry] : nullptr;
}

QModelIndex RegistryTreeModel::indexOfKey(const QString& key) const {
    for (int i = 0; i < m_nodes.size(); ++i) {
        const Node& n = m_nodes[i];
        if (n.entry >= 0 && keyOf(m_entries[n.entry]) == key)
            return createIndex(n.row, 0, quintptr(i));
    }
    return {};
}

QModelIndex RegistryTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const QVector<int>* children = &m_roots;
    if (parent.isValid()) {
        const Node* p = nodeOf(parent);
        if (!p || parent.column() != 0)
            return {};
        children = &p->children;
    }
    if (row >= children->size())
        return {};
    return createIndex(row, column, quintptr(children->at(row)));
}

QModelIndex RegistryTreeModel::parent(const QModelIndex& child) const {
    const Node* n = nodeOf(child);
    if (!n || n->parent < 0)
        return {};
    return createIndex(m_nodes[n->parent].row, 0, quintptr(n->parent));
}

int RegistryTreeModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return static_cast<int>(m_roots.size());
    if (parent.column() != 0)
        return 0;
    const Node* p = nodeOf(parent);
    return p ? static_cast<int>(p->children.size()) : 0;
}

int RegistryTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant RegistryTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
        case NameColumn:
            return tr("Name");
        case VersionColumn:
            return tr("Version");
        case OwnerColumn:
            return tr("Owner");
        case UpdatedColumn:
            return tr("Updated");
        default:
            return {};
    }
}

QVariant RegistryTreeModel::objectData(const Node& node, int column, int role) const {
    const console::RegistryEntry* e = node.entry >= 0 ? &m_entries[node.entry] : nullptr;
    if (role == Qt::DisplayRole) {
        switch (column) {
            case NameColumn:
                return node.name;
            case VersionColumn:
                return e ? QStringLiteral("v%1").arg(e->version) : QVariant();
            case OwnerColumn:
                return e ? qs(e->owner) : QVariant();
            case UpdatedColumn:
                return e && e->updatedAtMs > 0
                           ? format::age(e->updatedAtMs, QDateTime::currentMSecsSinceEpoch())
                           : QVariant();
        }
        return {};
    }
    if (role == Qt::ToolTipRole && e) {
        QString tip = QStringLiteral("<b>%1</b>").arg(node.name.toHtmlEscaped());
        if (!e->description.empty())
            tip += QStringLiteral("<br>") + qs(e->description).toHtmlEscaped();
        if (column == UpdatedColumn && e->updatedAtMs > 0)
            tip = tr("Updated %1 by %2").arg(format::dateTime(e->updatedAtMs), qs(e->appliedBy));
        return tip;
    }
    if (role == Qt::FontRole && e && e->deleted) {
        QFont f;
        f.setStrikeOut(true);
        return f;
    }
    if (role == Qt::ForegroundRole && (column == VersionColumn || column == UpdatedColumn))
        return Theme::muted();
    if (role == Qt::TextAlignmentRole && column == VersionColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RegistryTreeModel::data(const QModelIndex& index, int role) const {
    const Node* node = nodeOf(index);
    if (!node)
        return {};
    switch (role) {
        case NodeTypeRole:
            return static_cast<int>(node->type);
        case KindRole:
            return static_cast<int>(node->type == NodeType::Project ? ObjectKind::Project
                                                                    : node->kind);
        case EntryRole:
            return node->entry;
        case KeyRole:
            return node->entry >= 0 ? keyOf(m_entries[node->entry]) : QVariant();
        case SearchTextRole:
            return node->searchText;
        case Qt::DecorationRole:
            if (index.column() != NameColumn)
                return {};
            return ConsoleIcons::objectKind(node->type == NodeType::Project ? ObjectKind::Project
                                                                            : node->kind);
        default:
            break;
    }
    if (node->type == NodeType::Group) {
        if (role == Qt::DisplayRole && index.column() == NameColumn)
            return node->name;
        if (role == Qt::ForegroundRole)
            return Theme::muted();
        return {};
    }
    if (node->type == NodeType::Project && role == Qt::FontRole && index.column() == NameColumn) {
        QFont f;
        f.setWeight(QFont::DemiBold);
        return f;
    }
    return objectData(*node, index.column(), role);
}

}  // namespace meridian::ui
