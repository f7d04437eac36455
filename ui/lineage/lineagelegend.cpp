#include "lineage/lineagelegend.h"

#include <QFontMetrics>
#include <QPainter>

#include "common/consoleicons.h"
#include "lineage/lineagestyle.h"

namespace meridian::ui {
namespace {

using Kind = console::LineageNode::Kind;

constexpr Kind kKinds[] = {Kind::DataSource,     Kind::Entity,   Kind::FeatureView,
                           Kind::FeatureService, Kind::Consumer, Kind::Region};
constexpr int kRows = 6 + 4;  // kinds, three edge styles, a badge
constexpr int kSwatch = 34;

}  // namespace

LineageLegend::LineageLegend(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

int LineageLegend::rowHeight() const {
    return std::max(QFontMetrics(font()).height() + 6, 20);
}

QSize LineageLegend::sizeHint() const {
    const QFontMetrics m(font());
    return QSize(kSwatch + 12 + m.horizontalAdvance(QStringLiteral("Residency crossing (hover)")),
                 kRows * rowHeight() + 4);
}

void LineageLegend::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    const LineageColors c = LineageColors::fromPalette(palette());
    const QColor text = palette().color(QPalette::WindowText);
    const int h = rowHeight();
    int y = 2;
    auto label = [&](const QString& s) {
        p.setPen(text);
        p.drawText(QRect(kSwatch + 10, y, width() - kSwatch - 10, h),
                   Qt::AlignLeft | Qt::AlignVCenter, s);
        y += h;
    };
    for (Kind kind : kKinds) {
        const QRectF box(1, y + 3, kSwatch, h - 6);
        p.setPen(QPen(c.border(kind), 1.2));
        p.setBrush(c.fill(kind));
        p.drawRoundedRect(box, 3, 3);
        ConsoleIcons::lineageKind(kind).paint(
            &p, QRect(box.left() + 2, box.top() + 1, box.height() - 2, box.height() - 2));
        label(lineagestyle::kindPluralName(kind));
    }
    auto line = [&](const QColor& color, qreal width, bool dashed) {
        QPen pen(color, width);
        if (dashed)
            pen.setDashPattern({5, 3});
        p.setPen(pen);
        const qreal mid = y + h / 2.0;
        p.drawLine(QPointF(2, mid), QPointF(kSwatch - 6, mid));
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawPolygon(QPolygonF(
            {QPointF(kSwatch, mid), QPointF(kSwatch - 8, mid - 4), QPointF(kSwatch - 8, mid + 4)}));
    };
    line(c.edge, 1.2, false);
    label(tr("Feeds / is stored in"));
    line(c.crossing, 1.8, true);
    label(tr("Residency crossing (hover)"));
    line(c.highlight, 2.4, false);
    label(tr("Lineage of the selected node"));
    const QFont chipFont = lineagestyle::chipFont(font());
    const lineagestyle::RegionChip chip{QStringLiteral("eu-west-1"), QStringLiteral("aws"),
                                        QStringLiteral("eu")};
    const qreal cw = lineagestyle::chipWidth(chip, chipFont);
    lineagestyle::paintChip(&p, QRectF(1, y + 3, cw, h - 6), chip, chipFont, c.dark);
    p.setFont(font());
    p.setPen(text);
    p.drawText(QRect(int(cw) + 8, y, width() - int(cw) - 8, h), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Region badge (colour: jurisdiction)"));
}

}  // namespace meridian::ui
