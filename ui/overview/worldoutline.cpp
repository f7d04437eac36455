#include "overview/worldoutline.h"

#include <QFile>
#include <QPolygonF>
#include <QTextStream>

#include <cmath>

#include "common/consoleicons.h"

namespace meridian::ui {
namespace {

constexpr double kDegree = M_PI / 180.0;

}  // namespace

const WorldOutline& WorldOutline::instance() {
    static const WorldOutline outline;
    return outline;
}

QPointF WorldOutline::project(double longitude, double latitude) {
    // d3-geo's geoNaturalEarth1 (Šavrič, Jenny, Patterson, Petrovič, Hurni 2011).
    const double lambda = longitude * kDegree;
    const double phi = latitude * kDegree;
    const double phi2 = phi * phi;
    const double phi4 = phi2 * phi2;
    const double x = lambda * (0.8707 - 0.131979 * phi2 +
                               phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)));
    const double y =
        phi *
        (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)));
    return {x, -y};
}

WorldOutline::WorldOutline() {
    ConsoleIcons::initResources();
    m_land.setFillRule(Qt::WindingFill);
    QFile file(QStringLiteral(":/map/land-110m.txt"));
    if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        QTextStream in(&file);
        while (!in.atEnd()) {
            const QString line = in.readLine();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            const auto numbers = QStringView(line).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            QPolygonF ring;
            ring.reserve(numbers.size() / 2);
            for (qsizetype i = 0; i + 1 < numbers.size(); i += 2)
                ring << project(numbers[i].toDouble(), numbers[i + 1].toDouble());
            if (ring.size() < 3)
                continue;
            ring << ring.first();
            m_land.addPolygon(ring);
            ++m_rings;
        }
    }
    // Meridians and parallels every 30°, drawn faintly under the land.
    for (int lon = -180; lon <= 180; lon += 30) {
        QPolygonF meridian;
        for (double lat = kSouth; lat <= kNorth + 0.01; lat += 2)
            meridian << project(lon, lat);
        m_graticule.addPolygon(meridian);
    }
    for (int lat = -30; lat <= 60; lat += 30) {
        QPolygonF parallel;
        for (double lon = -180; lon <= 180.01; lon += 3)
            parallel << project(lon, lat);
        m_graticule.addPolygon(parallel);
    }
    QPolygonF edge;
    for (double lat = kSouth; lat <= kNorth + 0.01; lat += 1)
        edge << project(180, lat);
    for (double lon = 180; lon >= -180.01; lon -= 5)
        edge << project(lon, kNorth);
    for (double lat = kNorth; lat >= kSouth - 0.01; lat -= 1)
        edge << project(-180, lat);
    for (double lon = -180; lon <= 180.01; lon += 5)
        edge << project(lon, kSouth);
    m_sphere.addPolygon(edge);
    m_sphere.closeSubpath();
    const QPointF west = project(-180, 0);
    const QPointF east = project(180, 0);
    const QPointF north = project(0, kNorth);
    const QPointF south = project(0, kSouth);
    m_frame = QRectF(QPointF(west.x(), north.y()), QPointF(east.x(), south.y()));
}

}  // namespace meridian::ui
