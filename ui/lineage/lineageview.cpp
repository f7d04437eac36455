#include "lineage/lineageview.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace meridian::ui {
namespace {

// A press and release closer than this is a click, farther a pan.
constexpr int kClickSlop = 4;

}  // namespace

LineageView::LineageView(QWidget* parent) : QGraphicsView(parent) {
    setDragMode(QGraphicsView::ScrollHandDrag);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                   QPainter::SmoothPixmapTransform);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setOptimizationFlag(QGraphicsView::DontAdjustForAntialiasing, true);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
}

qreal LineageView::zoom() const {
    return transform().m11();
}

void LineageView::setZoom(qreal zoom) {
    const qreal target = std::clamp(zoom, kMinZoom, kMaxZoom);
    m_fitted = false;
    const qreal factor = target / this->zoom();
    if (qFuzzyCompare(factor, 1.0))
        return;
    scale(factor, factor);
    emit zoomChanged(this->zoom());
}

void LineageView::fit() {
    if (!scene())
        return;
    setSceneRect(QRectF());  // back to the scene's own bounds, without reveal()'s margins
    if (sceneRect().isEmpty())
        return;
    const auto anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    fitInView(sceneRect(), Qt::KeepAspectRatio);
    if (zoom() > 1.0)
        setTransform(QTransform());
    centerOn(sceneRect().center());
    setTransformationAnchor(anchor);
    m_fitted = true;
    emit zoomChanged(zoom());
}

void LineageView::reveal(const QRectF& rect) {
    m_fitted = false;
    if (zoom() < 1.0) {
        setTransform(QTransform());
        emit zoomChanged(zoom());
    }
    // A node near the edge of a graph narrower than the window can only sit in the middle of
    // the view if the scrollable area reaches half a viewport beyond it.
    const QSizeF half(viewport()->width() / (2 * zoom()), viewport()->height() / (2 * zoom()));
    const QRectF room(rect.center() - QPointF(half.width(), half.height()), 2 * half);
    if (!sceneRect().contains(room))
        setSceneRect(sceneRect().united(room));
    centerOn(rect.center());
}

void LineageView::setOverlayText(const QString& text) {
    if (m_overlay == text)
        return;
    m_overlay = text;
    viewport()->update();
}

void LineageView::wheelEvent(QWheelEvent* event) {
    const qreal steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setZoom(zoom() * std::pow(kZoomStep, steps));
    event->accept();
}

void LineageView::keyPressEvent(QKeyEvent* event) {
    const auto anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomIn();
            break;
        case Qt::Key_Minus:
            zoomOut();
            break;
        case Qt::Key_0:
            fit();
            break;
        default:
            setTransformationAnchor(anchor);
            QGraphicsView::keyPressEvent(event);
            return;
    }
    setTransformationAnchor(anchor);
    event->accept();
}

void LineageView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        m_pressPos = event->position().toPoint();
        m_pressed = true;
    }
    QGraphicsView::mousePressEvent(event);
}

void LineageView::mouseReleaseEvent(QMouseEvent* event) {
    QGraphicsView::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || !m_pressed)
        return;
    m_pressed = false;
    if ((event->position().toPoint() - m_pressPos).manhattanLength() <= kClickSlop)
        emit clicked(mapToScene(event->position().toPoint()));
}

void LineageView::resizeEvent(QResizeEvent* event) {
    QGraphicsView::resizeEvent(event);
    if (m_fitted)
        fit();
}

void LineageView::drawForeground(QPainter* painter, const QRectF&) {
    if (m_overlay.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QFont font = this->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    painter->setFont(font);
    const QFontMetrics metrics(font);
    const QRect text =
        metrics.boundingRect(QRect(0, 0, 420, 200), Qt::AlignCenter | Qt::TextWordWrap, m_overlay);
    QRectF box(0, 0, text.width() + 40, text.height() + 24);
    box.moveCenter(QRectF(viewport()->rect()).center());
    const QPalette& p = palette();
    painter->setPen(QPen(p.color(QPalette::Mid), 1));
    painter->setBrush(p.color(QPalette::Window));
    painter->drawRoundedRect(box, 8, 8);
    painter->setPen(p.color(QPalette::WindowText));
    painter->drawText(box, Qt::AlignCenter | Qt::TextWordWrap, m_overlay);
    painter->restore();
}

}  // namespace meridian::ui
