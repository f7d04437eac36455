#pragma once
// The land outline behind the Overview map, loaded once from resources/map/land-110m.txt
// (Natural Earth, public domain), and the Natural Earth projection the map draws it with.

#include <QPainterPath>
#include <QPointF>
#include <QRectF>

namespace meridian::ui {

class WorldOutline {
public:
    // Latitudes the map shows: from south of Cape Horn to the north of Greenland.
    static constexpr double kSouth = -58;
    static constexpr double kNorth = 84;

    static const WorldOutline& instance();

    // The Natural Earth I projection of a place in degrees; y grows southwards, as on screen.
    static QPointF project(double longitude, double latitude);

    // In projected units, as are frame() and graticule().
    const QPainterPath& land() const { return m_land; }
    const QPainterPath& graticule() const { return m_graticule; }
    // The edge of the map: the ±180° meridians between kSouth and kNorth, closed.
    const QPainterPath& sphere() const { return m_sphere; }
    QRectF frame() const { return m_frame; }
    bool isEmpty() const { return m_land.isEmpty(); }
    int ringCount() const { return m_rings; }

private:
    WorldOutline();

    QPainterPath m_land;
    QPainterPath m_graticule;
    QPainterPath m_sphere;
    QRectF m_frame;
    int m_rings = 0;
};

}  // namespace meridian::ui
