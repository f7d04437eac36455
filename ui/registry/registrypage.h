#pragma once
// The Registry page: every project's entities, data sources, feature views and services as a
// searchable tree; the selected object's details (owner, versions, where its data may live),
// its version history with a colour-coded diff between any two versions, and its spec text.
// Answers arrive by token from RegionService; an answer to a superseded request is dropped.

#include <QHash>

#include "bridge/regionservice.h"
#include "common/page.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;
class QTableView;
class QTreeView;

namespace meridian::ui {

class RegistryDetailsPane;
class RegistryDiffModel;
class RegistryFilterModel;
class RegistryTreeModel;
class RegistryVersionModel;

class RegistryPage : public Page {
    Q_OBJECT

public:
    explicit RegistryPage(RegionService* service, QWidget* parent = nullptr);

    QString title() const override { return tr("Registry"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override { return m_hasData; }

    // Lists the registry again (F5); the selection survives when the object still exists.
    void refresh();
    // Selects the object with RegistryTreeModel::keyOf's key; false when it is not listed.
    bool selectKey(const QString& key);
    QString selectedKey() const { return m_selectedKey; }

    RegistryTreeModel* treeModel() const { return m_model; }
    RegistryFilterModel* filterModel() const { return m_filter; }
    RegistryVersionModel* versionModel() const { return m_versions; }
    RegistryDiffModel* diffModel() const { return m_diff; }
    RegistryDetailsPane* details() const { return m_details; }
    QTreeView* tree() const { return m_tree; }
    QTableView* versionTable() const { return m_versionTable; }
    QLineEdit* searchField() const { return m_search; }
    QTabWidget* tabs() const { return m_tabs; }
    QPlainTextEdit* specView() const { return m_spec; }

private:
    void onListed(quint64 token, const QVector<console::RegistryEntry>& entries);
    void onHistory(quint64 token, const QVector<console::RegistryEntry>& versions);
    void onDiff(quint64 token, const QVector<console::FieldDiff>& changes);
    void onFailed(quint64 token, const QString& what, const QString& message);
    void onTreeSelection();
    void onVersionSelection();
    void showSpec(const console::RegistryEntry* entry, bool current);
    const console::RegistryEntry* selectedEntry() const;

    RegionService* m_service;
    RegistryTreeModel* m_model;
    RegistryFilterModel* m_filter;
    RegistryVersionModel* m_versions;
    RegistryDiffModel* m_diff;
    QComboBox* m_region;
    QLineEdit* m_search;
    QTreeView* m_tree;
    QLabel* m_count;
    QTabWidget* m_tabs;
    RegistryDetailsPane* m_details;
    QTableView* m_versionTable;
    QLabel* m_diffTitle;
    QTableView* m_diffTable;
    QLabel* m_specTitle;
    QPlainTextEdit* m_spec;
    quint64 m_listToken = 0;
    quint64 m_historyToken = 0;
    quint64 m_diffToken = 0;
    bool m_hasData = false;
    QString m_selectedKey;
};

}  // namespace meridian::ui
