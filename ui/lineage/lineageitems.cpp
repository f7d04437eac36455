#include "lineage/lineageitems.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

#include "lineage/lineagescene.h"

namespace meridian::ui {
namespace {

constexpr qreal kRadius = 6;
constexpr qreal kDimAlpha = 0.18;
constexpr qreal kArrowLength = 9;
constexpr qreal kArrowHalfWidth = 4;
// An edge whose bounds exceed the exposed area this many times over is drawn as the visible
// stretch of its flattened path: stroking a 50 000-unit curve to show 1 000 units of it is what
// made fan edges (hundreds of views into one region) slow at 100%.
constexpr qreal kLongEdgeRatio = 3;

// The part of `line` inside `rect` (Liang-Barsky), or nullopt when it misses.
std::optional<QLineF> clipped(const QLineF& line, const QRectF& rect) {
    const qreal dx = line.dx();
    const qreal dy = line.dy();
    qreal t0 = 0;
    qreal t1 = 1;
    const qreal p[4] = {-dx, dx, -dy, dy};
    const qreal q[4] = {line.x1() - rect.left(), rect.right() - line.x1(), line.y1() - rect.top(),
                        rect.bottom() - line.y1()};
    for (int i = 0; i < 4; ++i) {
        if (qFuzzyIsNull(p[i])) {
            if (q[i] < 0)
                return std::nullopt;
            continue;
        }
        const qreal t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
    }
    if (t0 > t1)
        return std::nullopt;
    return QLineF(line.pointAt(t0), line.pointAt(t1));
}

// Dimmed colours are blended into the canvas, not made transparent: opaque colours keep the
// raster engine on its fast paths, and a dimmed graph costs no more to paint than a lit one.
QColor faded(const QColor& c, bool dim, const QColor& canvas) {
    if (!dim)
        return c;
    const qreal t = kDimAlpha * c.alphaF();
    return QColor::fromRgbF(canvas.redF() * (1 - t) + c.redF() * t,
                            canvas.greenF() * (1 - t) + c.greenF() * t,
                            canvas.blueF() * (1 - t) + c.blueF() * t);
}

}  // namespace

LineageNodeItem::LineageNodeItem(int index, console::LineageNode::Kind kind, const QSizeF& size,
                                 Display display)
    : m_index(index),
      m_kind(kind),
      m_rect(-size.width() / 2, -size.height() / 2, size.width(), size.height()),
      m_display(std::move(display)) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(2);
}

LineageScene* LineageNodeItem::lineageScene() const {
    return static_cast<LineageScene*>(scene());
}

void LineageNodeItem::setRole(LineageRole role) {
    if (m_role == role)
        return;
    m_role = role;
    setZValue(role == LineageRole::Focus ? 4 : role == LineageRole::Dimmed ? 1 : 2);
    update();
}

QRectF LineageNodeItem::boundingRect() const {
    return m_rect.adjusted(-3, -3, 3, 3);
}

void LineageNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const LineageScene* s = lineageScene();
    const LineageColors& c = s->colors();
    const bool dim = m_role == LineageRole::Dimmed;
    const bool focus = m_role == LineageRole::Focus || m_role == LineageRole::Match;
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());

    if (lod < kDetailLod) {
        // Far out a node is a box in its kind's colour: cheap, and the kinds still read as bands.
        painter->setRenderHint(QPainter::Antialiasing, false);
        const QColor fill = faded(c.border(m_kind), dim, c.canvas);
        painter->fillRect(m_rect, focus ? c.highlight : fill);
        if (focus || m_role == LineageRole::Related) {
            painter->setPen(QPen(c.highlight, 0));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(m_rect);
        }
        return;
    }

    painter->setRenderHint(QPainter::Antialiasing, true);
    const QColor border = faded(focus ? c.highlight : c.border(m_kind), dim, c.canvas);
    // Cosmetic one-pixel borders take the raster engine's fast path (see the edges); only the
    // focused node, one at a time, gets a wide pen.
    QPen pen(border, focus ? 2.5 : 1);
    pen.setCosmetic(!focus);
    painter->setPen(pen);
    painter->setBrush(faded(c.fill(m_kind), dim, c.canvas));
    painter->drawRoundedRect(m_rect, kRadius, kRadius);
    if (m_role == LineageRole::Related) {
        const qreal pixel = 1 / lod;
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(m_rect.adjusted(pixel, pixel, -pixel, -pixel), kRadius, kRadius);
    }

    const qreal left = m_rect.left();
    const qreal top = m_rect.top();
    const qreal textLeft = left + LineageScene::kTextIndent;
    const qreal textWidth = m_rect.right() - textLeft - 8;
    painter->setFont(s->titleFont());
    if (dim) {
        // Out of the focused lineage: the name stays readable, the rest recedes.
        painter->setPen(c.dimText);
        painter->drawText(QRectF(textLeft, top + 5, textWidth, 18),
                          Qt::AlignLeft | Qt::AlignVCenter, m_display.title);
        return;
    }
    painter->drawPixmap(QRectF(left + 9, top + 9, 18, 18), s->kindPixmap(m_kind),
                        QRectF(0, 0, 36, 36));
    painter->setPen(c.text);
    painter->drawText(QRectF(textLeft, top + 5, textWidth, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      m_display.title);
    painter->setFont(s->smallFont());
    painter->setPen(c.muted);
    painter->drawText(QRectF(textLeft, top + 22, textWidth, 15), Qt::AlignLeft | Qt::AlignVCenter,
                      m_display.subtitle);

    if (!m_display.chips.isEmpty()) {
        const QFont chipFont = s->chipFont();
        qreal x = left + 9;
        const qreal y = top + LineageScene::kChipTop;
        for (const auto& chip : m_display.chips) {
            const qreal w = lineagestyle::chipWidth(chip, chipFont);
            if (x + w > m_rect.right() - 6)
                break;  // sizes leave room for every chip; a narrower theme font never overflows
            lineagestyle::paintChip(painter, QRectF(x, y, w, LineageScene::kChipHeight), chip,
                                    chipFont, c.dark);
            x += w + 4;
        }
    }
}

LineageEdgeItem::LineageEdgeItem(int from, int to, const QPainterPath& path,
                                 const QPointF& arrowBase, const QPointF& arrowTip,
                                 bool crossesResidency)
    : m_from(from), m_to(to), m_path(path), m_crosses(crossesResidency) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(crossesResidency ? 0.5 : 0);
    QLineF axis(arrowTip, arrowBase);
    if (axis.length() < 1) {
        // No arrowhead from the layout: point along the path's last tangent.
        const qreal angle = m_path.angleAtPercent(1);
        axis = QLineF::fromPolar(kArrowLength, angle + 180).translated(arrowTip);
    }
    axis.setLength(kArrowLength);
    const QPointF base = axis.p2();
    const QPointF normal = QLineF(axis).normalVector().unitVector().p2() - axis.p1();
    m_arrow << arrowTip << base + normal * kArrowHalfWidth << base - normal * kArrowHalfWidth;
    if (m_path.currentPosition() != base)
        m_path.lineTo(base);
    m_bounds = m_path.boundingRect().united(m_arrow.boundingRect()).adjusted(-3, -3, 3, 3);
    setFlag(QGraphicsItem::ItemUsesExtendedStyleOption, true);
}

std::optional<QVector<QPolygonF>> LineageEdgeItem::visiblePart(const QRectF& exposed) const {
    if (exposed.isEmpty() || (m_bounds.height() < kLongEdgeRatio * exposed.height() &&
                              m_bounds.width() < kLongEdgeRatio * exposed.width()))
        return std::nullopt;
    if (m_flat.isEmpty()) {
        for (const auto& p : m_path.toSubpathPolygons())
            m_flat += p;
    }
    // Flattened long curves have long straight stretches: each visible one is cut to the
    // window, so the raster engine never strokes thousands of units it then throws away.
    const QRectF window = exposed.adjusted(-4, -4, 4, 4);
    QVector<QPolygonF> parts;
    for (int i = 1; i < m_flat.size(); ++i) {
        const auto piece = clipped(QLineF(m_flat[i - 1], m_flat[i]), window);
        if (!piece)
            continue;
        if (parts.isEmpty() || parts.last().last() != piece->p1())
            parts.push_back({piece->p1()});
        parts.last() << piece->p2();
    }
    return parts;
}

LineageScene* LineageEdgeItem::lineageScene() const {
    return static_cast<LineageScene*>(scene());
}

void LineageEdgeItem::setRole(LineageRole role) {
    if (m_role == role)
        return;
    m_role = role;
    setZValue(role == LineageRole::Related ? 3 : m_crosses ? 0.5 : 0);
    update();
}

QPointF LineageEdgeItem::midPoint() const {
    return m_path.pointAtPercent(0.5);
}

QRectF LineageEdgeItem::boundingRect() const {
    return m_bounds;
}

QPainterPath LineageEdgeItem::shape() const {
    if (m_shape.isEmpty()) {
        QPainterPathStroker stroker;
        stroker.setWidth(8);
        m_shape = stroker.createStroke(m_path);
        m_shape.addPolygon(m_arrow);
    }
    return m_shape;
}

void LineageEdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const LineageColors& c = lineageScene()->colors();
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const bool dim = m_role == LineageRole::Dimmed;
    const bool related = m_role == LineageRole::Related;
    QColor color = m_crosses ? c.crossing : related ? c.highlight : c.edge;
    color = faded(color, dim, c.canvas);

    const auto parts = visiblePart(option->exposedRect);
    const bool near = lod >= kArrowLod;
    // One-pixel cosmetic pens take the raster engine's fast line path; a wider pen is stroked
    // into an outline and filled, some thirty times slower on long edges. Emphasis (a crossing,
    // the focused lineage) is a second line one pixel off the first instead.
    painter->setRenderHint(QPainter::Antialiasing, near);
    QPen pen(color, near ? 1 : 0);
    pen.setCosmetic(true);
    if (m_crosses)
        pen.setDashPattern({5, 3});
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    auto drawLine = [&] {
        if (parts) {
            for (const auto& part : *parts)
                painter->drawPolyline(part);
        } else {
            painter->drawPath(m_path);
        }
    };
    drawLine();
    if (!near)
        return;  // far out: a hairline, no antialiasing, no arrowhead
    if (related || m_crosses) {
        const qreal pixel = 0.8 / lod;
        painter->translate(pixel, pixel);
        drawLine();
        painter->translate(-pixel, -pixel);
    }
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(m_arrow);
}

}  // namespace meridian::ui
