#include "overview/worldmapwidget.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QToolTip>

#include <algorithm>
#include <cmath>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "console/linkfigures.h"
#include "overview/worldoutline.h"

namespace meridian::ui {
namespace {

constexpr double kMarkerRadius = 11;
constexpr double kArcBend = 0.22;  // control point offset, as a share of the chord
constexpr double kLabelPadX = 6;
constexpr double kLabelPadY = 2.5;

QFont smallFont(const QFont& base, double scale = 0.9) {
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * scale);
    return f;
}

QPointF bezierPoint(const QPointF& p1, const QPointF& c, const QPointF& p2, double t) {
    const double u = 1 - t;
    return u * u * p1 + 2 * u * t * c + t * t * p2;
}

bool collides(const QRectF& r, const QVector<QRectF>& taken) {
    return std::any_of(taken.begin(), taken.end(),
                       [&](const QRectF& t) { return t.intersects(r); });
}

}  // namespace

WorldMapWidget::WorldMapWidget(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAccessibleName(tr("World map of regions and replication links"));
}

QString WorldMapWidget::pairKey(const QString& a, const QString& b) {
    return a < b ? a + QLatin1Char('|') + b : b + QLatin1Char('|') + a;
}

void WorldMapWidget::setSnapshot(const console::DeploymentSnapshot& snapshot) {
    m_snapshot = snapshot;
    m_markers.clear();
    const qint64 now = snapshot.atMs;
    for (const auto& r : snapshot.regions) {
        Marker m;
        m.name = qs(r.name);
        m.cloud = qs(r.cloud);
        m.role = qs(r.role);
        m.provider = qs(r.providerRegion);
        m.longitude = r.longitude;
        m.latitude = r.latitude;
        m.up = r.up;
        QString tip = QStringLiteral("<b>%1</b><br>%2 %3 · %4<br>")
                          .arg(m.name.toHtmlEscaped(), m.cloud, m.provider, m.role);
        if (r.up) {
            tip += tr("Up since %1<br>%2 online rows · %3 offline<br>writes %4 · reads %5")
                       .arg(format::age(r.startedAtMs, now), format::count(r.onlineRows),
                            format::count(r.offlineRows), format::rate(r.writeRate),
                            format::rate(r.readRate));
        } else {
            tip += QStringLiteral("<span style='color:%1'>%2</span>")
                       .arg(Theme::bad().name(), tr("Down: %1").arg(qs(r.error).toHtmlEscaped()));
        }
        m.toolTip = tip;
        m_markers.push_back(m);
    }
    rebuildArcs();
    layoutScene();
    update();
}

void WorldMapWidget::setDailyCost(const QHash<QString, double>& usdPerDay) {
    m_dailyCost = usdPerDay;
    rebuildArcs();
    layoutScene();
    update();
}

QString WorldMapWidget::arcLabel(const QString& a, const QString& b) const {
    const QString key = pairKey(a, b);
    for (const auto& arc : m_arcs) {
        if (pairKey(arc.a, arc.b) == key)
            return arc.label;
    }
    return {};
}

void WorldMapWidget::rebuildArcs() {
    QHash<QString, bool> up;
    for (const auto& m : m_markers)
        up.insert(m.name, m.up);
    QHash<QString, int> index;
    m_arcs.clear();
    for (const auto& l : m_snapshot.links) {
        if (!l.view.empty())
            continue;
        const QString from = qs(l.from);
        const QString to = qs(l.to);
        if (!up.contains(from) || !up.contains(to))
            continue;
        const QString key = pairKey(from, to);
        auto it = index.find(key);
        if (it == index.end()) {
            Arc arc;
            arc.a = std::min(from, to);
            arc.b = std::max(from, to);
            it = index.insert(key, static_cast<int>(m_arcs.size()));
            m_arcs.push_back(arc);
        }
        Arc& arc = m_arcs[*it];
        Direction& d = from == arc.a ? arc.ab : arc.ba;
        d.present = true;
        d.lagMs = console::lagMs(l);
        d.broken = DeploymentMonitor::isBroken(l) || !up.value(from) || !up.value(to);
        QString text = tr("%1 → %2: lag %3, %4 behind, %5 applied, %6")
                           .arg(from, to, format::lagMs(d.lagMs), format::count(l.changesBehind),
                                format::rate(l.applyRate), qs(console::linkStateName(l.state)));
        if (l.emulated) {
            arc.emulated = true;
            text += tr(" (emulated: %1)").arg(qs(l.emulation));
        }
        d.text = text;
    }
    for (auto& arc : m_arcs) {
        arc.lagMs = std::max(arc.ab.lagMs, arc.ba.lagMs);
        arc.broken = (arc.ab.present && arc.ab.broken) || (arc.ba.present && arc.ba.broken) ||
                     !up.value(arc.a) || !up.value(arc.b);
        arc.label = tr("lag %1").arg(format::lagMs(arc.lagMs));
        if (arc.broken && (!up.value(arc.a) || !up.value(arc.b)))
            arc.label = tr("region down");
        const auto cost = m_dailyCost.find(pairKey(arc.a, arc.b));
        if (cost != m_dailyCost.end())
            arc.label += QStringLiteral(" · ") + tr("%1/day").arg(format::usd(*cost));
    }
}

void WorldMapWidget::layoutScene() {
    const auto& outline = WorldOutline::instance();
    const QRectF frame = outline.frame();
    const QRectF area = QRectF(rect()).adjusted(6, 6, -6, -6);
    if (area.width() <= 0 || area.height() <= 0 || frame.isEmpty())
        return;
    const double scale = std::min(area.width() / frame.width(), area.height() / frame.height());
    m_toWidget = QTransform();
    m_toWidget.translate(area.center().x(), area.center().y());
    m_toWidget.scale(scale, scale);
    m_toWidget.translate(-frame.center().x(), -frame.center().y());

    QHash<QString, QPointF> where;
    QVector<QRectF> taken;
    for (auto& m : m_markers) {
        m.pos = m_toWidget.map(WorldOutline::project(m.longitude, m.latitude));
        where.insert(m.name, m.pos);
        taken << QRectF(m.pos - QPointF(kMarkerRadius + 2, kMarkerRadius + 2),
                        QSizeF(2 * kMarkerRadius + 4, 2 * kMarkerRadius + 4));
    }

    // Names beside their markers, on whichever side is free (right, left, below, above).
    const QFontMetricsF bold([this] {
        QFont f = font();
        f.setBold(true);
        return f;
    }());
    const QFontMetricsF small(smallFont(font(), 0.85));
    const QRectF bounds = QRectF(rect()).adjusted(2, 2, -2, -2);
    for (auto& m : m_markers) {
        const QString sub = m.role + QStringLiteral(" · ") + m.provider;
        const double w =
            std::max(bold.horizontalAdvance(m.name), small.horizontalAdvance(sub)) + 2 * kLabelPadX;
        const double h = bold.height() + small.height() + 2 * kLabelPadY;
        const double gap = kMarkerRadius + 5;
        const QRectF candidates[] = {
            QRectF(m.pos.x() + gap, m.pos.y() - h / 2, w, h),
            QRectF(m.pos.x() - gap - w, m.pos.y() - h / 2, w, h),
            QRectF(m.pos.x() - w / 2, m.pos.y() + gap, w, h),
            QRectF(m.pos.x() - w / 2, m.pos.y() - gap - h, w, h),
            QRectF(m.pos.x() + gap, m.pos.y() + 4, w, h),
            QRectF(m.pos.x() - gap - w, m.pos.y() - h - 4, w, h),
        };
        m.labelRect = candidates[0];
        for (const auto& c : candidates) {
            if (bounds.contains(c) && !collides(c, taken)) {
                m.labelRect = c;
                break;
            }
        }
        taken << m.labelRect;
    }

    // Arcs bow northwards, like great circles on this projection; labels sit on them, pushed
    // along the arc's normal until they overlap nothing.
    const QFontMetricsF labelMetrics(smallFont(font()));
    // Short arcs have the fewest places for a label: they choose first.
    auto chord = [&where](const Arc& arc) {
        const QPointF d = where.value(arc.b) - where.value(arc.a);
        return std::hypot(d.x(), d.y());
    };
    std::stable_sort(m_arcs.begin(), m_arcs.end(),
                     [&](const Arc& x, const Arc& y) { return chord(x) < chord(y); });
    m_hoverArc = -1;
    for (auto& arc : m_arcs) {
        const QPointF p1 = where.value(arc.a);
        const QPointF p2 = where.value(arc.b);
        const QPointF d = p2 - p1;
        const double length = std::hypot(d.x(), d.y());
        QPointF normal = length > 0 ? QPointF(-d.y() / length, d.x() / length) : QPointF(0, -1);
        if (normal.y() > 0)
            normal = -normal;
        const QPointF control = (p1 + p2) / 2 + normal * length * kArcBend;
        arc.path = QPainterPath(p1);
        arc.path.quadTo(control, p2);

        const double w = labelMetrics.horizontalAdvance(arc.label) + 2 * kLabelPadX + 10;
        const double h = labelMetrics.height() + 2 * kLabelPadY;
        // On the arc if there is room anywhere along it, else a step or more off it (with a
        // leader line back to the arc).
        const QPointF mid = bezierPoint(p1, control, p2, 0.5);
        arc.anchor = mid;
        arc.labelRect = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h);
        bool placed = false;
        for (int step = 0; step < 6 && !placed; ++step) {
            for (double t : {0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74}) {
                const QPointF at = bezierPoint(p1, control, p2, t);
                for (int sign : {-1, 1}) {
                    const double offset = sign * step * (h + 3);
                    const QRectF r(at.x() - w / 2 + normal.x() * offset,
                                   at.y() - h / 2 + normal.y() * offset, w, h);
                    if (bounds.contains(r) && !collides(r, taken)) {
                        arc.labelRect = r;
                        arc.anchor = at;
                        placed = true;
                        break;
                    }
                    if (step == 0)
                        break;
                }
                if (placed)
                    break;
            }
        }
        taken << arc.labelRect;
    }
    renderBase();
}

void WorldMapWidget::renderBase() {
    const qreal dpr = devicePixelRatioF();
    m_base = QPixmap((QSizeF(size()) * dpr).toSize());
    m_base.setDevicePixelRatio(dpr);
    m_base.fill(palette().color(QPalette::Window));
    QPainter p(&m_base);
    p.setRenderHint(QPainter::Antialiasing);
    const auto& outline = WorldOutline::instance();
    p.setTransform(m_toWidget);
    p.setPen(Qt::NoPen);
    p.setBrush(Theme::canvas());
    p.drawPath(outline.sphere());
    p.setClipPath(outline.sphere());
    QPen grid(Theme::landOutline(), 0.8);
    grid.setCosmetic(true);
    grid.setStyle(Qt::DotLine);
    p.setPen(grid);
    p.setBrush(Qt::NoBrush);
    p.drawPath(outline.graticule());
    QPen coast(Theme::landOutline(), 1.0);
    coast.setCosmetic(true);
    p.setPen(coast);
    p.setBrush(Theme::land());
    p.drawPath(outline.land());
    p.setClipping(false);
    QPen edge(Theme::landOutline(), 1.2);
    edge.setCosmetic(true);
    p.setPen(edge);
    p.setBrush(Qt::NoBrush);
    p.drawPath(outline.sphere());
}

void WorldMapWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    if (m_base.isNull() || m_base.deviceIndependentSize().toSize() != size())
        layoutScene();
    p.drawPixmap(0, 0, m_base);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    drawArcs(p);
    drawMarkers(p);
    drawLegend(p);
    if (m_markers.isEmpty()) {
        p.setPen(Theme::muted());
        p.drawText(rect(), Qt::AlignCenter, tr("No regions yet"));
    }
}

void WorldMapWidget::drawArcs(QPainter& p) const {
    const QFont labelFont = smallFont(font());
    p.setFont(labelFont);
    for (int i = 0; i < m_arcs.size(); ++i) {
        const Arc& arc = m_arcs[i];
        const QColor color = Theme::lag(arc.lagMs, arc.broken);
        QPen pen(color, i == m_hoverArc ? 4.0 : 2.6);
        pen.setCapStyle(Qt::RoundCap);
        if (arc.broken)
            pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(arc.path);
    }
    for (int i = 0; i < m_arcs.size(); ++i) {
        const Arc& arc = m_arcs[i];
        const QColor color = Theme::lag(arc.lagMs, arc.broken);
        if (!arc.labelRect.adjusted(-2, -2, 2, 2).contains(arc.anchor)) {
            // A label pushed off its arc points back to it.
            const QPointF edge(
                std::clamp(arc.anchor.x(), arc.labelRect.left(), arc.labelRect.right()),
                std::clamp(arc.anchor.y(), arc.labelRect.top(), arc.labelRect.bottom()));
            p.setPen(QPen(color, 1, Qt::DotLine));
            p.drawLine(arc.anchor, edge);
            p.setPen(Qt::NoPen);
            p.setBrush(color);
            p.drawEllipse(arc.anchor, 2.5, 2.5);
        }
        QColor fill = palette().color(QPalette::Base);
        fill.setAlpha(i == m_hoverArc ? 255 : 225);
        p.setPen(QPen(color, i == m_hoverArc ? 2 : 1.2));
        p.setBrush(fill);
        p.drawRoundedRect(arc.labelRect, 4, 4);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        const QPointF dot(arc.labelRect.left() + kLabelPadX + 3, arc.labelRect.center().y());
        p.drawEllipse(dot, 3.2, 3.2);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(arc.labelRect.adjusted(kLabelPadX + 10, 0, -kLabelPadX + 2, 0),
                   Qt::AlignVCenter | Qt::AlignLeft, arc.label);
    }
}

void WorldMapWidget::drawMarkers(QPainter& p) const {
    QFont bold = font();
    bold.setBold(true);
    const QFont small = smallFont(font(), 0.85);
    const QFontMetricsF boldMetrics(bold);
    for (int i = 0; i < m_markers.size(); ++i) {
        const Marker& m = m_markers[i];
        const QColor ring = m.up ? Theme::good() : Theme::bad();
        const double r = kMarkerRadius + (i == m_hoverMarker ? 2 : 0);
        p.setPen(QPen(ring, 3));
        p.setBrush(palette().color(QPalette::Base));
        p.drawEllipse(m.pos, r, r);
        if (m.role == QLatin1String("control")) {
            p.setPen(QPen(ring, 1.2));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(m.pos, r + 4, r + 4);
        }
        p.setOpacity(m.up ? 1.0 : 0.45);
        ConsoleIcons::cloud(m.cloud).paint(&p,
                                           QRectF(m.pos - QPointF(8, 8), QSizeF(16, 16)).toRect());
        p.setOpacity(1.0);

        QColor fill = palette().color(QPalette::Base);
        fill.setAlpha(215);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawRoundedRect(m.labelRect, 4, 4);
        const QRectF text = m.labelRect.adjusted(kLabelPadX, kLabelPadY, -kLabelPadX, -kLabelPadY);
        p.setFont(bold);
        p.setPen(m.up ? palette().color(QPalette::Text) : Theme::bad());
        p.drawText(text, Qt::AlignLeft | Qt::AlignTop, m.name);
        p.setFont(small);
        p.setPen(m.up ? Theme::muted() : Theme::bad());
        p.drawText(text.adjusted(0, boldMetrics.height(), 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   m.up ? m.role + QStringLiteral(" · ") + m.provider : tr("down"));
    }
}

void WorldMapWidget::drawLegend(QPainter& p) const {
    if (m_arcs.isEmpty())
        return;
    const QFont f = smallFont(font(), 0.85);
    const QFontMetricsF fm(f);
    const QString entries[] = {tr("lag < 1 s"), tr("1–5 s"), tr("≥ 5 s or down")};
    const QColor colors[] = {Theme::good(), Theme::warning(), Theme::bad()};
    double width = 12;
    for (const auto& e : entries)
        width += 26 + fm.horizontalAdvance(e) + 10;
    const QRectF box(10, height() - fm.height() - 18, width, fm.height() + 10);
    QColor fill = palette().color(QPalette::Base);
    fill.setAlpha(215);
    p.setPen(QPen(Theme::landOutline(), 1));
    p.setBrush(fill);
    p.drawRoundedRect(box, 4, 4);
    p.setFont(f);
    double x = box.left() + 10;
    for (int i = 0; i < 3; ++i) {
        p.setPen(QPen(colors[i], 2.6, i == 2 ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(x, box.center().y()), QPointF(x + 18, box.center().y()));
        x += 24;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QPointF(x, box.center().y() + fm.ascent() / 2 - 1), entries[i]);
        x += fm.horizontalAdvance(entries[i]) + 12;
    }
}

QString WorldMapWidget::arcToolTip(const Arc& arc) const {
    QString tip = QStringLiteral("<b>%1 ⇄ %2</b>").arg(arc.a, arc.b);
    for (const Direction* d : {&arc.ab, &arc.ba}) {
        if (d->present)
            tip += QStringLiteral("<br>") + d->text.toHtmlEscaped();
    }
    const auto cost = m_dailyCost.find(pairKey(arc.a, arc.b));
    if (cost != m_dailyCost.end())
        tip += QStringLiteral("<br>") +
               tr("Egress %1/day (last hour's cost × 24)").arg(format::usd(*cost));
    return tip;
}

int WorldMapWidget::hitMarker(const QPointF& pos) const {
    for (int i = 0; i < m_markers.size(); ++i) {
        const auto d = m_markers[i].pos - pos;
        if (std::hypot(d.x(), d.y()) <= kMarkerRadius + 3 || m_markers[i].labelRect.contains(pos))
            return i;
    }
    return -1;
}

int WorldMapWidget::hitArc(const QPointF& pos) const {
    for (int i = 0; i < m_arcs.size(); ++i) {
        if (m_arcs[i].labelRect.contains(pos))
            return i;
    }
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    for (int i = 0; i < m_arcs.size(); ++i) {
        if (stroker.createStroke(m_arcs[i].path).contains(pos))
            return i;
    }
    return -1;
}

QString WorldMapWidget::toolTipAt(const QPoint& pos) const {
    if (int m = hitMarker(pos); m >= 0)
        return m_markers[m].toolTip;
    if (int a = hitArc(pos); a >= 0)
        return arcToolTip(m_arcs[a]);
    return {};
}

QPointF WorldMapWidget::markerPosition(const QString& region) const {
    for (const auto& m : m_markers) {
        if (m.name == region)
            return m.pos;
    }
    return {};
}

void WorldMapWidget::resizeEvent(QResizeEvent*) {
    layoutScene();
}

void WorldMapWidget::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        layoutScene();
        update();
    }
    QWidget::changeEvent(event);
}

void WorldMapWidget::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const int marker = hitMarker(pos);
    const int arc = marker >= 0 ? -1 : hitArc(pos);
    if (marker != m_hoverMarker || arc != m_hoverArc) {
        m_hoverMarker = marker;
        m_hoverArc = arc;
        update();
    }
    const QString tip = toolTipAt(pos.toPoint());
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
}

void WorldMapWidget::leaveEvent(QEvent*) {
    m_hoverArc = m_hoverMarker = -1;
    update();
}

}  // namespace meridian::ui
