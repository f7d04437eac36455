#pragma once
// Places a lineage graph with Graphviz `dot`, left to right (sources and entities, then views,
// then services and regions, then consumers), and hands back node centres and edge splines in
// scene units. The only class that talks to Graphviz; plain data in and out, so it runs on a
// worker thread (calls are serialised, Graphviz keeps global state).

#include <QPainterPath>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

struct LineageEdgeRoute {
    int from = -1;  // node indices
    int to = -1;
    int edge = -1;  // index into LineageGraph::edges (the first, for duplicates)
    bool crossesResidency = false;
    QPainterPath path;  // from the tail's border to the base of the arrowhead
    QPointF arrowBase;
    QPointF arrowTip;
};

struct LineageLayoutResult {
    QVector<QPointF> centers;  // index-aligned with LineageGraph::nodes
    QVector<QSizeF> sizes;
    QVector<int> ranks;
    QVector<LineageEdgeRoute> edges;  // edges naming an unknown node are left out
    QRectF bounds;
    QString error;  // empty on success
    double seconds = 0;
};

class LineageLayout {
public:
    // `sizes` gives each node's box in scene units (one unit is one point at 100% zoom),
    // index-aligned with graph.nodes.
    static LineageLayoutResult compute(const console::LineageGraph& graph,
                                       const QVector<QSizeF>& sizes);
};

}  // namespace meridian::ui
