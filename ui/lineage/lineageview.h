#pragma once
// The view on the lineage scene: zoom with the wheel, +/- and "fit", pan by dragging, a click
// (a press and release without a drag) reported in scene coordinates, and a centred message
// over the graph while it is laid out or when there is nothing to show.

#include <QGraphicsView>

namespace meridian::ui {

class LineageView : public QGraphicsView {
    Q_OBJECT

public:
    static constexpr qreal kMinZoom = 0.005;
    static constexpr qreal kMaxZoom = 4.0;
    static constexpr qreal kZoomStep = 1.25;

    explicit LineageView(QWidget* parent = nullptr);

    qreal zoom() const;
    void setZoom(qreal zoom);
    void zoomIn() { setZoom(zoom() * kZoomStep); }
    void zoomOut() { setZoom(zoom() / kZoomStep); }
    // The whole graph in view (never magnified beyond 100%); kept fitted as the view is resized
    // until the user zooms or a node is revealed.
    void fit();
    // Shows `rect` centred, at 100% unless the view is already closer.
    void reveal(const QRectF& rect);

    // Drawn over the graph, centred; empty hides it.
    void setOverlayText(const QString& text);
    QString overlayText() const { return m_overlay; }

signals:
    void zoomChanged(qreal zoom);
    void clicked(const QPointF& scenePos);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool m_fitted = false;
    QPoint m_pressPos;
    bool m_pressed = false;
    QString m_overlay;
};

}  // namespace meridian::ui
