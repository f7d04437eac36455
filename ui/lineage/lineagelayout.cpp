#include "lineage/lineagelayout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>

namespace meridian::ui {
namespace {

constexpr double kPointsPerInch = 72.0;
// Room between ranks for the splines to fan out, and between nodes of one rank (inches).
constexpr const char* kRankSep = "1.1";
constexpr const char* kNodeSep = "0.18";
// Crossing minimisation dominates dot's time on wide ranks; a few passes give nearly the same
// picture at a fraction of the cost for a 2 000-node registry.
constexpr const char* kMcLimit = "0.3";
// A node with more incoming edges than this is a fan-in (a region storing hundreds of views).
// Fans make dot's crossing minimisation take many seconds on a big registry and change nothing
// a reader can use, so dot gets one edge of the fan (placing the node in its rank, near one of
// its sources) and the others are routed here as S-curves between the two ranks.
constexpr int kFanLimit = 40;
constexpr double kArrowLength = 10;

// Graphviz's API takes char* for strings it never modifies.
char* cs(const char* s) {
    return const_cast<char*>(s);
}

QMutex& graphvizMutex() {
    static QMutex mutex;
    return mutex;
}

// One Graphviz context for the process, made on first use and kept (use it under
// graphvizMutex()): every gvContext() loses 3.6 KB inside Graphviz (gvconfig) even when freed,
// so a context per layout grew a console left open by that much at every refresh (ASan's leak
// check on the console tests).
GVC_t* graphvizContext() {
    static GVC_t* const context = gvContext();
    return context;
}

// Graphviz's y axis points up; the scene's points down.
QPointF toScene(const pointf& p, double top) {
    return {p.x, top - p.y};
}

}  // namespace

LineageLayoutResult LineageLayout::compute(const console::LineageGraph& graph,
                                           const QVector<QSizeF>& sizes) {
    QElapsedTimer timer;
    timer.start();
    LineageLayoutResult result;
    const int n = static_cast<int>(graph.nodes.size());
    result.centers.resize(n);
    result.sizes = sizes;
    result.sizes.resize(n);
    result.ranks.resize(n);
    if (n == 0) {
        result.seconds = timer.nsecsElapsed() / 1e9;
        return result;
    }

    QHash<QString, int> indexOf;
    indexOf.reserve(n);
    for (int i = 0; i < n; ++i)
        indexOf.insert(QString::fromStdString(graph.nodes[i].id), i);

    QMutexLocker lock(&graphvizMutex());
    GVC_t* gvc = graphvizContext();
    Agraph_t* g = agopen(cs("lineage"), Agdirected, nullptr);
    agattr(g, AGRAPH, cs("rankdir"), cs("LR"));
    agattr(g, AGRAPH, cs("ranksep"), cs(kRankSep));
    agattr(g, AGRAPH, cs("nodesep"), cs(kNodeSep));
    agattr(g, AGRAPH, cs("mclimit"), cs(kMcLimit));
    agattr(g, AGRAPH, cs("splines"), cs("spline"));
    // The network-simplex ranking is several times faster than the classic one on big graphs.
    agattr(g, AGRAPH, cs("newrank"), cs("true"));
    agattr(g, AGRAPH, cs("outputorder"), cs("edgesfirst"));
    Agsym_t* shape = agattr(g, AGNODE, cs("shape"), cs("box"));
    Agsym_t* fixed = agattr(g, AGNODE, cs("fixedsize"), cs("true"));
    Agsym_t* label = agattr(g, AGNODE, cs("label"), cs(""));
    Agsym_t* width = agattr(g, AGNODE, cs("width"), cs("2"));
    Agsym_t* height = agattr(g, AGNODE, cs("height"), cs("0.5"));
    Q_UNUSED(shape);
    Q_UNUSED(fixed);
    Q_UNUSED(label);

    QVector<Agnode_t*> nodes(n);
    for (int i = 0; i < n; ++i) {
        const QByteArray name = "n" + QByteArray::number(i);
        Agnode_t* node = agnode(g, const_cast<char*>(name.constData()), 1);
        const QSizeF size = result.sizes[i].isValid() ? result.sizes[i] : QSizeF(144, 36);
        result.sizes[i] = size;
        agxset(node, width,
               const_cast<char*>(QByteArray::number(size.width() / kPointsPerInch).constData()));
        agxset(node, height,
               const_cast<char*>(QByteArray::number(size.height() / kPointsPerInch).constData()));
        nodes[i] = node;
    }

    struct Pending {
        Agedge_t* edge;
        int from;
        int to;
        int index;
        bool crosses;
    };
    QVector<Pending> pending;
    pending.reserve(static_cast<int>(graph.edges.size()));
    QHash<qint64, int> seen;  // (from, to) -> index in pending
    QVector<int> inDegree(n, 0);
    for (const auto& edge : graph.edges) {
        const int to = indexOf.value(QString::fromStdString(edge.to), -1);
        if (to >= 0)
            ++inDegree[to];
    }
    QVector<int> fanSeen(n, 0);
    for (int e = 0; e < static_cast<int>(graph.edges.size()); ++e) {
        const auto& edge = graph.edges[e];
        const int from = indexOf.value(QString::fromStdString(edge.from), -1);
        const int to = indexOf.value(QString::fromStdString(edge.to), -1);
        if (from < 0 || to < 0 || from == to)
            continue;
        const qint64 key = (static_cast<qint64>(from) << 32) | static_cast<quint32>(to);
        if (const auto it = seen.constFind(key); it != seen.constEnd()) {
            // One route per pair: a duplicate only adds its residency flag.
            pending[*it].crosses = pending[*it].crosses || edge.crossesResidency;
            continue;
        }
        seen.insert(key, static_cast<int>(pending.size()));
        // Of a fan, dot sees the middle edge only (by input order, a stand-in for the middle
        // of the fan's sources).
        const bool routed = inDegree[to] > kFanLimit && fanSeen[to]++ != inDegree[to] / 2;
        Agedge_t* ge = routed ? nullptr : agedge(g, nodes[from], nodes[to], nullptr, 1);
        pending.push_back({ge, from, to, e, edge.crossesResidency});
    }

    if (gvLayout(gvc, g, "dot") != 0) {
        result.error =
            QStringLiteral("Graphviz could not lay out the lineage graph (%1 nodes)").arg(n);
        agclose(g);
        return result;
    }

    const boxf bb = GD_bb(g);
    const double top = bb.UR.y;
    result.bounds = QRectF(QPointF(bb.LL.x, 0), QPointF(bb.UR.x, bb.UR.y - bb.LL.y));
    for (int i = 0; i < n; ++i) {
        result.centers[i] = toScene(ND_coord(nodes[i]), top);
        result.ranks[i] = ND_rank(nodes[i]);
    }

    result.edges.reserve(pending.size());
    for (const auto& p : pending) {
        LineageEdgeRoute route;
        route.from = p.from;
        route.to = p.to;
        route.edge = p.index;
        route.crossesResidency = p.crosses;
        const splines* spl = p.edge ? ED_spl(p.edge) : nullptr;
        const QPointF tail = result.centers[p.from];
        const QPointF head = result.centers[p.to];
        const double x0 = tail.x() + result.sizes[p.from].width() / 2;
        const double x1 = head.x() - result.sizes[p.to].width() / 2;
        if (!p.edge && x1 - kArrowLength > x0) {
            // A routed fan edge: an S-curve from the tail's right side to the head's left side.
            const double base = x1 - kArrowLength;
            const double bend = (base - x0) / 2;
            route.path.moveTo(x0, tail.y());
            route.path.cubicTo(x0 + bend, tail.y(), base - bend, head.y(), base, head.y());
            route.arrowBase = QPointF(base, head.y());
            route.arrowTip = QPointF(x1, head.y());
        } else if (spl && spl->size > 0 && spl->list[0].size >= 4) {
            const bezier& bz = spl->list[0];
            route.path.moveTo(toScene(bz.sflag ? bz.sp : bz.list[0], top));
            if (bz.sflag)
                route.path.lineTo(toScene(bz.list[0], top));
            for (int i = 1; i + 2 < bz.size; i += 3) {
                route.path.cubicTo(toScene(bz.list[i], top), toScene(bz.list[i + 1], top),
                                   toScene(bz.list[i + 2], top));
            }
            const bezier& last = spl->list[spl->size - 1];
            route.arrowBase = toScene(last.list[last.size - 1], top);
            route.arrowTip = last.eflag ? toScene(last.ep, top) : route.arrowBase;
            if (!last.eflag && last.size >= 2)
                route.arrowBase = toScene(last.list[last.size - 2], top);
        } else {
            // No spline (a fan edge whose head is not right of its tail): a straight line.
            route.path.moveTo(result.centers[p.from]);
            route.arrowBase = result.centers[p.to];
            route.arrowTip = result.centers[p.to];
            route.path.lineTo(route.arrowBase);
        }
        result.edges.push_back(std::move(route));
    }

    gvFreeLayout(gvc, g);
    agclose(g);
    result.seconds = timer.nsecsElapsed() / 1e9;
    return result;
}

}  // namespace meridian::ui
