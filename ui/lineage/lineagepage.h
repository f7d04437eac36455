#pragma once
// The Lineage page: the registry's lineage (sources and entities -> feature views -> services ->
// consumer models, and the regions that store each view) as a Graphviz-laid-out graph. Layout
// runs on a worker thread while the page says "laying out…"; a click focuses a node (details,
// upstream and downstream lit), the search field finds and centres one, a legend explains it.

#include <QFutureWatcher>
#include <QHash>

#include "bridge/regionservice.h"
#include "common/page.h"
#include "lineage/lineagelayout.h"

class QLabel;
class QLineEdit;
class QToolButton;
class QStringListModel;

namespace meridian::ui {

class LineageDetailsPane;
class LineageScene;
class LineageView;

class LineagePage : public Page {
    Q_OBJECT

public:
    explicit LineagePage(RegionService* service, QWidget* parent = nullptr);
    ~LineagePage() override;

    QString title() const override { return tr("Lineage"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override { return m_hasData; }

    // Asks for the lineage again (F5).
    void refresh();
    // Focuses the node, shows its details and centres it; -1 clears.
    void selectNode(int index);
    // Finds the next node matching `text`, selects and centres it; false when none matches.
    bool findNode(const QString& text);
    // True while a layout runs on the worker thread.
    bool isLayingOut() const { return m_layingOut; }

    LineageScene* scene() const { return m_scene; }
    LineageView* view() const { return m_view; }
    LineageDetailsPane* details() const { return m_details; }
    QLineEdit* searchField() const { return m_search; }

signals:
    // The scene holds a freshly laid-out graph.
    void graphShown();

private:
    void onLineage(quint64 token, const console::LineageGraph& graph);
    void onRegistry(quint64 token, const QVector<console::RegistryEntry>& entries);
    void onFailed(quint64 token, const QString& what, const QString& message);
    void startLayout(const console::LineageGraph& graph);
    void showLayout(const console::LineageGraph& graph, const LineageLayoutResult& layout);
    void updateZoomLabel(qreal zoom);
    void updateSummary();

    RegionService* m_service;
    LineageScene* m_scene;
    LineageView* m_view;
    LineageDetailsPane* m_details;
    QLineEdit* m_search;
    QStringListModel* m_names;
    QLabel* m_summary;
    QLabel* m_zoomLabel;
    quint64 m_lineageToken = 0;
    quint64 m_registryToken = 0;
    quint64 m_layoutGeneration = 0;
    bool m_layingOut = false;
    bool m_hasData = false;
    QString m_lastSearch;
    int m_searchHit = -1;
    QHash<QString, QString> m_origins;
};

}  // namespace meridian::ui
