#pragma once
// The registry as a tree: projects, then the kinds of object in each (entities, data sources,
// feature views, feature services), then the objects, sorted by name. Built once per listing;
// RegistryFilterModel sits on top of it for the search box.

#include <QAbstractItemModel>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

class RegistryTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { NameColumn, VersionColumn, OwnerColumn, UpdatedColumn, ColumnCount };
    enum class NodeType { Project, Group, Object };
    enum Role {
        NodeTypeRole = Qt::UserRole + 1,  // NodeType as int
        KindRole,                         // console::ObjectKind as int (groups: their kind)
        EntryRole,       // index into entries(), -1 for groups and made-up projects
        KeyRole,         // "kind:project/name", stable across refreshes
        SearchTextRole,  // name, owner, tags and description, lower case
    };

    explicit RegistryTreeModel(QObject* parent = nullptr);

    void setEntries(const QVector<console::RegistryEntry>& entries);
    const QVector<console::RegistryEntry>& entries() const { return m_entries; }
    const console::RegistryEntry* entryAt(const QModelIndex& index) const;
    // The row of the object with `key` (KeyRole), or an invalid index.
    QModelIndex indexOfKey(const QString& key) const;
    static QString keyOf(const console::RegistryEntry& entry);
    static QString tagsOf(const console::RegistryEntry& entry);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node {
        NodeType type = NodeType::Project;
        console::ObjectKind kind = console::ObjectKind::Project;
        QString name;
        int parent = -1;  // node index; -1 for top-level projects
        int row = 0;      // row under the parent
        int entry = -1;
        QVector<int> children;
        QString searchText;
    };
    const Node* nodeOf(const QModelIndex& index) const;
    QVariant objectData(const Node& node, int column, int role) const;

    QVector<console::RegistryEntry> m_entries;
    QVector<Node> m_nodes;
    QVector<int> m_roots;
};

}  // namespace meridian::ui
