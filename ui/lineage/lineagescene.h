#pragma once
// The lineage graph as a QGraphicsScene: one item per node and per edge, placed where
// LineageLayout put them and added in one batch. It knows the graph's adjacency, so it can
// focus a node (its upstream and downstream stay lit, everything else is dimmed), find nodes by
// name, and explain each residency-crossing edge (which jurisdiction the data leaves for).

#include <QFont>
#include <QGraphicsScene>
#include <QHash>
#include <QPixmap>
#include <QSet>
#include <QVector>

#include "console/consoledata.h"
#include "lineage/lineageitems.h"
#include "lineage/lineagelayout.h"
#include "lineage/lineagestyle.h"

namespace meridian::ui {

class LineageScene : public QGraphicsScene {
    Q_OBJECT

public:
    static constexpr qreal kTextIndent = 34;
    static constexpr qreal kChipTop = 42;
    static constexpr qreal kChipHeight = 17;

    explicit LineageScene(QObject* parent = nullptr);

    // Region name -> jurisdiction ("eu"), for badges and crossing explanations.
    void setJurisdictions(const QHash<QString, QString>& jurisdictions);
    // Data source node id -> the region its data originates in (from the registry).
    void setSourceOrigins(const QHash<QString, QString>& origins);

    // Each node's box for the layout, measured with the scene's fonts (GUI thread).
    QVector<QSizeF> nodeSizes(const console::LineageGraph& graph) const;
    // Replaces the scene's contents: every item created, then added in one batch.
    void build(const console::LineageGraph& graph, const LineageLayoutResult& layout);
    void clearGraph();

    const console::LineageGraph& graph() const { return m_graph; }
    int nodeCount() const { return static_cast<int>(m_nodes.size()); }
    int edgeCount() const { return static_cast<int>(m_edges.size()); }
    int indexOf(const QString& id) const { return m_index.value(id, -1); }
    const console::LineageNode& node(int index) const { return m_graph.nodes[index]; }
    LineageNodeItem* nodeItem(int index) const { return m_nodes.value(index); }
    const QVector<LineageEdgeItem*>& edgeItems() const { return m_edges; }
    QRectF nodeRect(int index) const;
    // The node under a scene position, or -1.
    int nodeAt(const QPointF& pos) const;
    // Nodes whose name or id contains `text` (case-insensitive): exact names first, then
    // names that start with it, then the rest.
    QVector<int> findNodes(const QString& text) const;

    // Lights `index` and its lineage, dims the rest; -1 clears.
    void setFocusNode(int index);
    int focusNode() const { return m_focus; }
    QSet<int> upstreamOf(int index) const;
    QSet<int> downstreamOf(int index) const;
    // Why the edge crosses a residency boundary, in a sentence naming the jurisdiction.
    QString crossingText(const LineageEdgeItem* edge) const;
    QString jurisdictionOf(const QString& region) const { return m_jurisdictions.value(region); }
    QVector<lineagestyle::RegionChip> chipsFor(const std::vector<std::string>& regions) const;

    const LineageColors& colors() const { return m_colors; }
    const QFont& titleFont() const { return m_titleFont; }
    const QFont& smallFont() const { return m_smallFont; }
    const QFont& chipFont() const { return m_chipFont; }
    const QPixmap& kindPixmap(console::LineageNode::Kind kind) const;

protected:
    bool event(QEvent* event) override;

private:
    QSet<int> reach(int index, const QVector<QVector<int>>& adjacency) const;
    QString subtitleFor(const console::LineageNode& node) const;
    QString tooltipFor(const console::LineageNode& node) const;
    void refreshColors();
    void refreshCrossingTips();

    console::LineageGraph m_graph;
    QHash<QString, int> m_index;
    QVector<LineageNodeItem*> m_nodes;
    QVector<LineageEdgeItem*> m_edges;
    QVector<QVector<int>> m_out;  // node -> edge items leaving it
    QVector<QVector<int>> m_in;   // node -> edge items entering it
    QHash<QString, QString> m_jurisdictions;
    QHash<QString, QString> m_origins;
    int m_focus = -1;
    LineageColors m_colors;
    QFont m_titleFont;
    QFont m_smallFont;
    QFont m_chipFont;
    mutable QHash<int, QPixmap> m_pixmaps;
};

}  // namespace meridian::ui
