#pragma once
// The graphics items of the lineage scene: a node box per registry object, consumer or region
// (kind icon, name, kind and project, region badges on feature views) and an edge path with its
// arrowhead. Both draw less when zoomed out (Qt's `chip` example): below kDetailLod a node is a
// plain box in its kind's colour and badges, text and arrowheads are skipped.

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPolygonF>
#include <QVector>
#include <optional>

#include "lineage/lineagestyle.h"

namespace meridian::ui {

class LineageScene;

// How an item stands while a node is focused: everything unrelated is dimmed.
enum class LineageRole { Normal, Dimmed, Related, Focus, Match };

class LineageNodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 101 };
    static constexpr qreal kDetailLod = 0.45;

    struct Display {
        QString title;     // elided to fit
        QString subtitle;  // "Feature view · commerce"
        QVector<lineagestyle::RegionChip> chips;
    };

    LineageNodeItem(int index, console::LineageNode::Kind kind, const QSizeF& size,
                    Display display);

    int index() const { return m_index; }
    console::LineageNode::Kind kind() const { return m_kind; }
    QRectF rect() const { return m_rect; }
    LineageRole role() const { return m_role; }
    void setRole(LineageRole role);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    LineageScene* lineageScene() const;
    int m_index;
    console::LineageNode::Kind m_kind;
    QRectF m_rect;
    Display m_display;
    LineageRole m_role = LineageRole::Normal;
};

class LineageEdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 102 };
    static constexpr qreal kArrowLod = 0.3;

    LineageEdgeItem(int from, int to, const QPainterPath& path, const QPointF& arrowBase,
                    const QPointF& arrowTip, bool crossesResidency);

    int from() const { return m_from; }
    int to() const { return m_to; }
    bool crossesResidency() const { return m_crosses; }
    LineageRole role() const { return m_role; }
    void setRole(LineageRole role);
    QPointF midPoint() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    LineageScene* lineageScene() const;
    int m_from;
    int m_to;
    // The parts of the path inside `exposed`, as polylines; nullopt when the path is short
    // enough to draw whole.
    std::optional<QVector<QPolygonF>> visiblePart(const QRectF& exposed) const;

    QPainterPath m_path;
    mutable QPolygonF m_flat;  // the path flattened, for long edges seen through a small window
    QPolygonF m_arrow;
    QRectF m_bounds;
    mutable QPainterPath m_shape;  // stroked lazily: only hit tests and tooltips need it
    bool m_crosses;
    LineageRole m_role = LineageRole::Normal;
};

}  // namespace meridian::ui
