#pragma once
// The Overview's map: the world outline with each region at its location (a cloud-coloured
// marker, green ring when up, red when down) and an arc for each pair of regions that
// replicate, coloured by lag and labelled "lag 42 ms · $0.31/day"; hover for details.

#include <QHash>
#include <QPainterPath>
#include <QPixmap>
#include <QRectF>
#include <QTransform>
#include <QVector>
#include <QWidget>

#include "console/consoledata.h"

namespace meridian::ui {

class WorldMapWidget : public QWidget {
    Q_OBJECT

public:
    explicit WorldMapWidget(QWidget* parent = nullptr);

    void setSnapshot(const console::DeploymentSnapshot& snapshot);
    // Cost of each pair of regions per day, both directions together, by pairKey().
    void setDailyCost(const QHash<QString, double>& usdPerDay);
    static QString pairKey(const QString& a, const QString& b);

    // What is drawn, for tests.
    int regionCount() const { return static_cast<int>(m_markers.size()); }
    int arcCount() const { return static_cast<int>(m_arcs.size()); }
    QString arcLabel(const QString& a, const QString& b) const;
    QString toolTipAt(const QPoint& pos) const;
    QPointF markerPosition(const QString& region) const;

    QSize sizeHint() const override { return {900, 420}; }
    QSize minimumSizeHint() const override { return {480, 240}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Marker {
        QString name;
        QString cloud;
        QString role;
        QString provider;
        QString toolTip;
        double longitude = 0;
        double latitude = 0;
        bool up = false;
        QPointF pos;       // widget coordinates
        QRectF labelRect;  // where its name is drawn
    };
    struct Direction {
        bool present = false;
        double lagMs = 0;
        bool broken = false;
        QString text;  // one tooltip line
    };
    struct Arc {
        QString a;
        QString b;
        Direction ab;
        Direction ba;
        bool emulated = false;
        QPainterPath path;
        QRectF labelRect;
        QPointF anchor;  // the point of the arc its label belongs to
        QString label;
        double lagMs = 0;
        bool broken = false;
    };

    void rebuildArcs();
    void layoutScene();
    void renderBase();
    void drawArcs(QPainter& p) const;
    void drawMarkers(QPainter& p) const;
    void drawLegend(QPainter& p) const;
    QString arcToolTip(const Arc& arc) const;
    int hitArc(const QPointF& pos) const;
    int hitMarker(const QPointF& pos) const;

    console::DeploymentSnapshot m_snapshot;
    QHash<QString, double> m_dailyCost;
    QVector<Marker> m_markers;
    QVector<Arc> m_arcs;
    QTransform m_toWidget;
    QPixmap m_base;  // ocean, graticule and land at the current size and palette
    int m_hoverArc = -1;
    int m_hoverMarker = -1;
};

}  // namespace meridian::ui
