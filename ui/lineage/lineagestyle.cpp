#include "lineage/lineagestyle.h"

#include <QFontMetricsF>
#include <QPainter>

#include "common/theme.h"

namespace meridian::ui {
namespace {

using Kind = console::LineageNode::Kind;

QColor mix(const QColor& a, const QColor& b, qreal t) {
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                            a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

constexpr qreal kChipPadding = 5;
constexpr qreal kChipDot = 6;

}  // namespace

LineageColors LineageColors::fromPalette(const QPalette& palette) {
    LineageColors c;
    c.canvas = palette.color(QPalette::Base);
    c.dark = c.canvas.lightnessF() < 0.5;
    c.text = palette.color(QPalette::Text);
    c.muted = c.dark ? QColor(0x9a, 0xa3, 0xad) : QColor(0x5f, 0x67, 0x72);
    c.dimText = mix(c.canvas, c.text, 0.45);
    c.edge = c.dark ? QColor(0x6b, 0x74, 0x80) : QColor(0x9a, 0xa2, 0xad);
    c.crossing = c.dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc8, 0x23, 0x1f);
    c.highlight = c.dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0xd9, 0x7a, 0x00);
    return c;
}

QColor LineageColors::fill(Kind kind) const {
    return mix(canvas, lineagestyle::kindColor(kind, dark), dark ? 0.22 : 0.10);
}

QColor LineageColors::border(Kind kind) const {
    return lineagestyle::kindColor(kind, dark);
}

namespace lineagestyle {

QColor kindColor(Kind kind, bool dark) {
    QColor c;
    switch (kind) {
        case Kind::Entity:
            c = QColor(0x2f, 0xa0, 0x8f);
            break;
        case Kind::DataSource:
            c = QColor(0x5b, 0x7f, 0xd6);
            break;
        case Kind::FeatureView:
            c = QColor(0x2f, 0x86, 0xd0);
            break;
        case Kind::FeatureService:
            c = QColor(0x8b, 0x5c, 0xf6);
            break;
        case Kind::Consumer:
            c = QColor(0xe0, 0x66, 0x3f);
            break;
        case Kind::Region:
            c = dark ? QColor(0x9a, 0xa8, 0xb8) : QColor(0x5a, 0x67, 0x78);
            break;
    }
    return dark && kind != Kind::Region ? c.lighter(125) : c;
}

QString kindName(Kind kind) {
    switch (kind) {
        case Kind::Entity:
            return QStringLiteral("Entity");
        case Kind::DataSource:
            return QStringLiteral("Data source");
        case Kind::FeatureView:
            return QStringLiteral("Feature view");
        case Kind::FeatureService:
            return QStringLiteral("Feature service");
        case Kind::Consumer:
            return QStringLiteral("Consumer model");
        case Kind::Region:
            return QStringLiteral("Region");
    }
    return {};
}

QString kindPluralName(Kind kind) {
    switch (kind) {
        case Kind::Entity:
            return QStringLiteral("Entities");
        case Kind::DataSource:
            return QStringLiteral("Data sources");
        case Kind::FeatureView:
            return QStringLiteral("Feature views");
        case Kind::FeatureService:
            return QStringLiteral("Feature services");
        case Kind::Consumer:
            return QStringLiteral("Consumer models");
        case Kind::Region:
            return QStringLiteral("Regions");
    }
    return {};
}

Kind kindOf(console::ObjectKind kind) {
    switch (kind) {
        case console::ObjectKind::DataSource:
            return Kind::DataSource;
        case console::ObjectKind::FeatureView:
            return Kind::FeatureView;
        case console::ObjectKind::FeatureService:
            return Kind::FeatureService;
        default:
            return Kind::Entity;
    }
}

QColor jurisdictionColor(const QString& jurisdiction, bool dark) {
    const QString j = jurisdiction.toLower();
    if (j == QLatin1String("eu"))
        return dark ? QColor(0x6c, 0xaa, 0xff) : QColor(0x1a, 0x5f, 0xc8);
    if (j == QLatin1String("us"))
        return dark ? QColor(0xf2, 0xb2, 0x3e) : QColor(0xa8, 0x5d, 0x00);
    if (j == QLatin1String("apac"))
        return dark ? QColor(0x4c, 0xc7, 0x6f) : QColor(0x1b, 0x7f, 0x3a);
    return dark ? QColor(0x9a, 0xa3, 0xad) : QColor(0x5f, 0x67, 0x72);
}

QString cloudOf(const QString& region) {
    for (const char* cloud : {"aws-", "gcp-", "azure-"}) {
        if (region.startsWith(QLatin1String(cloud)))
            return region.left(static_cast<int>(qstrlen(cloud)) - 1);
    }
    return {};
}

QString shortRegionName(const QString& region) {
    const QString cloud = cloudOf(region);
    return cloud.isEmpty() ? region : region.mid(cloud.size() + 1);
}

QFont chipFont(const QFont& base) {
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}

qreal chipWidth(const RegionChip& chip, const QFont& font) {
    const qreal dot = chip.cloud.isEmpty() ? 0 : kChipDot + 4;
    return QFontMetricsF(font).horizontalAdvance(chip.text) + dot + 2 * kChipPadding;
}

void paintChip(QPainter* painter, const QRectF& rect, const RegionChip& chip, const QFont& font,
               bool dark) {
    const QColor color = jurisdictionColor(chip.jurisdiction, dark);
    QColor fill = color;
    fill.setAlphaF(dark ? 0.28 : 0.12);
    painter->setPen(QPen(color, 1));
    painter->setBrush(fill);
    const qreal radius = rect.height() / 2;
    painter->drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
    qreal x = rect.left() + kChipPadding;
    if (!chip.cloud.isEmpty()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(Theme::cloud(chip.cloud));
        painter->drawEllipse(QRectF(x, rect.center().y() - kChipDot / 2, kChipDot, kChipDot));
        x += kChipDot + 4;
    }
    painter->setFont(font);
    painter->setPen(dark ? color.lighter(120) : color.darker(115));
    painter->drawText(QRectF(x, rect.top(), rect.right() - x, rect.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, chip.text);
}

}  // namespace lineagestyle
}  // namespace meridian::ui
