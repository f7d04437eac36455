#include "lineage/lineagescene.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QIcon>
#include <QSet>
#include <algorithm>

#include "common/consoleicons.h"
#include "common/qtstrings.h"

namespace meridian::ui {
namespace {

using Kind = console::LineageNode::Kind;

constexpr qreal kMinWidth = 170;
constexpr qreal kMaxWidth = 330;
constexpr qreal kPlainHeight = 44;
constexpr qreal kMargin = 40;

QString joinSorted(QSet<QString> set) {
    QStringList list(set.begin(), set.end());
    list.sort();
    return list.join(QStringLiteral(", "));
}

}  // namespace

LineageScene::LineageScene(QObject* parent) : QGraphicsScene(parent) {
    refreshColors();
}

void LineageScene::refreshColors() {
    m_colors = LineageColors::fromPalette(QApplication::palette());
    setBackgroundBrush(m_colors.canvas);
    m_titleFont = QApplication::font();
    m_titleFont.setPointSizeF(9.5);
    m_titleFont.setWeight(QFont::DemiBold);
    m_smallFont = QApplication::font();
    m_smallFont.setPointSizeF(8);
    m_chipFont = m_smallFont;
    m_chipFont.setPointSizeF(7.5);
}

bool LineageScene::event(QEvent* event) {
    if (event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::ApplicationPaletteChange) {
        refreshColors();
        update();
    }
    return QGraphicsScene::event(event);
}

void LineageScene::setJurisdictions(const QHash<QString, QString>& jurisdictions) {
    m_jurisdictions = jurisdictions;
}

void LineageScene::setSourceOrigins(const QHash<QString, QString>& origins) {
    m_origins = origins;
    refreshCrossingTips();
}

const QPixmap& LineageScene::kindPixmap(Kind kind) const {
    auto it = m_pixmaps.find(static_cast<int>(kind));
    if (it == m_pixmaps.end())
        it = m_pixmaps.insert(static_cast<int>(kind),
                              ConsoleIcons::lineageKind(kind).pixmap(36, 36));
    return *it;
}

QVector<lineagestyle::RegionChip> LineageScene::chipsFor(
    const std::vector<std::string>& regions) const {
    QVector<lineagestyle::RegionChip> chips;
    for (const auto& r : regions) {
        const QString region = qs(r);
        chips.push_back({lineagestyle::shortRegionName(region), lineagestyle::cloudOf(region),
                         m_jurisdictions.value(region)});
    }
    return chips;
}

QString LineageScene::subtitleFor(const console::LineageNode& node) const {
    QString text = lineagestyle::kindName(node.kind);
    if (node.kind == Kind::Region) {
        const QString j = m_jurisdictions.value(qs(node.name));
        if (!j.isEmpty())
            text += QStringLiteral(" · jurisdiction %1").arg(j);
    } else if (!node.project.empty()) {
        text += QStringLiteral(" · ") + qs(node.project);
    }
    return text;
}

QString LineageScene::tooltipFor(const console::LineageNode& node) const {
    QString tip =
        QStringLiteral("<b>%1</b><br>%2").arg(qs(node.name).toHtmlEscaped(), subtitleFor(node));
    if (!node.regions.empty()) {
        QStringList regions;
        for (const auto& r : node.regions) {
            const QString j = m_jurisdictions.value(qs(r));
            regions << (j.isEmpty() ? qs(r) : QStringLiteral("%1 (%2)").arg(qs(r), j));
        }
        tip += QStringLiteral("<br>Stored in: ") + regions.join(QStringLiteral(", "));
    }
    return tip;
}

QVector<QSizeF> LineageScene::nodeSizes(const console::LineageGraph& graph) const {
    const QFontMetricsF title(m_titleFont);
    const QFontMetricsF small(m_smallFont);
    QVector<QSizeF> sizes;
    sizes.reserve(static_cast<int>(graph.nodes.size()));
    for (const auto& node : graph.nodes) {
        qreal w = std::max(title.horizontalAdvance(qs(node.name)),
                           small.horizontalAdvance(subtitleFor(node))) +
                  kTextIndent + 12;
        qreal h = kPlainHeight;
        if (!node.regions.empty()) {
            qreal chips = 18;
            for (const auto& chip : chipsFor(node.regions))
                chips += lineagestyle::chipWidth(chip, m_chipFont) + 4;
            w = std::max(w, chips);
            h = kChipTop + kChipHeight + 8;
        }
        sizes.push_back(QSizeF(std::clamp(std::ceil(w), kMinWidth, kMaxWidth), h));
    }
    return sizes;
}

void LineageScene::clearGraph() {
    m_focus = -1;
    m_nodes.clear();
    m_edges.clear();
    m_out.clear();
    m_in.clear();
    m_index.clear();
    m_graph = {};
    clear();
    setSceneRect(QRectF());
}

void LineageScene::build(const console::LineageGraph& graph, const LineageLayoutResult& layout) {
    clearGraph();
    m_graph = graph;
    const int n = static_cast<int>(graph.nodes.size());
    const QFontMetricsF title(m_titleFont);
    m_nodes.reserve(n);
    m_out.resize(n);
    m_in.resize(n);
    for (int i = 0; i < n; ++i) {
        const auto& node = graph.nodes[i];
        m_index.insert(qs(node.id), i);
        const QSizeF size = layout.sizes.value(i, QSizeF(kMinWidth, kPlainHeight));
        LineageNodeItem::Display display;
        display.title =
            title.elidedText(qs(node.name), Qt::ElideMiddle, size.width() - kTextIndent - 8);
        display.subtitle = subtitleFor(node);
        display.chips = chipsFor(node.regions);
        auto* item = new LineageNodeItem(i, node.kind, size, std::move(display));
        item->setPos(layout.centers.value(i));
        item->setToolTip(tooltipFor(node));
        m_nodes.push_back(item);
    }
    m_edges.reserve(layout.edges.size());
    for (const auto& route : layout.edges) {
        auto* item = new LineageEdgeItem(route.from, route.to, route.path, route.arrowBase,
                                         route.arrowTip, route.crossesResidency);
        m_out[route.from].push_back(static_cast<int>(m_edges.size()));
        m_in[route.to].push_back(static_cast<int>(m_edges.size()));
        m_edges.push_back(item);
    }
    refreshCrossingTips();

    // One batch: no index upkeep while adding, then the BSP tree is built once.
    setItemIndexMethod(QGraphicsScene::NoIndex);
    for (auto* item : std::as_const(m_edges))
        addItem(item);
    for (auto* item : std::as_const(m_nodes))
        addItem(item);
    setSceneRect(layout.bounds.adjusted(-kMargin, -kMargin, kMargin, kMargin));
    setItemIndexMethod(QGraphicsScene::BspTreeIndex);
}

void LineageScene::refreshCrossingTips() {
    for (auto* edge : std::as_const(m_edges)) {
        if (edge->crossesResidency())
            edge->setToolTip(crossingText(edge));
    }
}

QString LineageScene::crossingText(const LineageEdgeItem* edge) const {
    const auto& from = m_graph.nodes[edge->from()];
    const auto& to = m_graph.nodes[edge->to()];
    const QString fromName = qs(from.name);
    const QString toName = qs(to.name);
    if (to.kind == Kind::Region) {
        const QString j = m_jurisdictions.value(toName);
        return QStringLiteral(
                   "Residency crossing: feature view %1 is stored in %2%3, outside the regions "
                   "its residency policy allows.")
            .arg(fromName, toName,
                 j.isEmpty() ? QString() : QStringLiteral(" (jurisdiction %1)").arg(j));
    }
    QSet<QString> into;
    const QString origin = m_origins.value(qs(from.id));
    const QString originJ = m_jurisdictions.value(origin);
    for (const auto& r : to.regions) {
        const QString j = m_jurisdictions.value(qs(r));
        if (!j.isEmpty() && j != originJ)
            into.insert(j);
    }
    const QString targets =
        into.isEmpty() ? QStringLiteral("another jurisdiction") : joinSorted(into);
    if (!origin.isEmpty() && !originJ.isEmpty()) {
        return QStringLiteral(
                   "Residency crossing: data of %1 originates in %2 (jurisdiction %3); %4 stores "
                   "it in jurisdiction %5.")
            .arg(fromName, origin, originJ, toName, targets);
    }
    return QStringLiteral(
               "Residency crossing: %1 stores data of %2 in jurisdiction %3, outside the "
               "jurisdiction the data originates in.")
        .arg(toName, fromName, targets);
}

QRectF LineageScene::nodeRect(int index) const {
    const auto* item = m_nodes.value(index);
    return item ? item->mapRectToScene(item->rect()) : QRectF();
}

int LineageScene::nodeAt(const QPointF& pos) const {
    for (auto* item : items(pos, Qt::IntersectsItemBoundingRect, Qt::DescendingOrder)) {
        if (item->type() == LineageNodeItem::Type)
            return static_cast<LineageNodeItem*>(item)->index();
    }
    return -1;
}

QVector<int> LineageScene::findNodes(const QString& text) const {
    const QString needle = text.trimmed();
    QVector<int> exact, prefix, rest;
    if (needle.isEmpty())
        return {};
    for (int i = 0; i < nodeCount(); ++i) {
        const QString name = qs(m_graph.nodes[i].name);
        if (name.compare(needle, Qt::CaseInsensitive) == 0)
            exact.push_back(i);
        else if (name.startsWith(needle, Qt::CaseInsensitive))
            prefix.push_back(i);
        else if (name.contains(needle, Qt::CaseInsensitive) ||
                 qs(m_graph.nodes[i].id).contains(needle, Qt::CaseInsensitive))
            rest.push_back(i);
    }
    return exact + prefix + rest;
}

QSet<int> LineageScene::reach(int index, const QVector<QVector<int>>& adjacency) const {
    QSet<int> seen;
    QVector<int> stack{index};
    const bool forward = &adjacency == &m_out;
    while (!stack.isEmpty()) {
        const int at = stack.takeLast();
        for (int e : adjacency[at]) {
            const int next = forward ? m_edges[e]->to() : m_edges[e]->from();
            if (next != index && !seen.contains(next)) {
                seen.insert(next);
                stack.push_back(next);
            }
        }
    }
    return seen;
}

QSet<int> LineageScene::upstreamOf(int index) const {
    return index < 0 || index >= nodeCount() ? QSet<int>() : reach(index, m_in);
}

QSet<int> LineageScene::downstreamOf(int index) const {
    return index < 0 || index >= nodeCount() ? QSet<int>() : reach(index, m_out);
}

void LineageScene::setFocusNode(int index) {
    m_focus = index >= 0 && index < nodeCount() ? index : -1;
    if (m_focus < 0) {
        for (auto* item : std::as_const(m_nodes))
            item->setRole(LineageRole::Normal);
        for (auto* item : std::as_const(m_edges))
            item->setRole(LineageRole::Normal);
        return;
    }
    QSet<int> up = upstreamOf(m_focus);
    QSet<int> down = downstreamOf(m_focus);
    up.insert(m_focus);
    down.insert(m_focus);
    for (auto* item : std::as_const(m_nodes)) {
        const int i = item->index();
        item->setRole(i == m_focus                         ? LineageRole::Focus
                      : up.contains(i) || down.contains(i) ? LineageRole::Related
                                                           : LineageRole::Dimmed);
    }
    for (auto* item : std::as_const(m_edges)) {
        const bool onUp = up.contains(item->from()) && up.contains(item->to());
        const bool onDown = down.contains(item->from()) && down.contains(item->to());
        item->setRole(onUp || onDown ? LineageRole::Related : LineageRole::Dimmed);
    }
}

}  // namespace meridian::ui
