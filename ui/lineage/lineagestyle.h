#pragma once
// How lineage is painted, in one place for the scene, its legend and the Registry page's region
// chips: a colour and a name per node kind, jurisdiction colours, region chips, and the palette
// the scene derives from the application's (light or dark).

#include <QColor>
#include <QFont>
#include <QPalette>
#include <QRectF>
#include <QString>

#include "console/consoledata.h"

class QPainter;

namespace meridian::ui {

struct LineageColors {
    bool dark = false;
    QColor canvas;
    QColor text;
    QColor muted;
    QColor dimText;  // names outside the focused lineage
    QColor edge;
    QColor crossing;   // residency-crossing edges and the EU-only style markers
    QColor highlight;  // the selected node and its lineage

    static LineageColors fromPalette(const QPalette& palette);
    // Fill and border of a node of `kind`.
    QColor fill(console::LineageNode::Kind kind) const;
    QColor border(console::LineageNode::Kind kind) const;
};

namespace lineagestyle {

QColor kindColor(console::LineageNode::Kind kind, bool dark);
QString kindName(console::LineageNode::Kind kind);        // "Feature view"
QString kindPluralName(console::LineageNode::Kind kind);  // "Feature views"
console::LineageNode::Kind kindOf(console::ObjectKind kind);

// A colour per jurisdiction ("eu" blue, "us" amber, "apac" green, others grey).
QColor jurisdictionColor(const QString& jurisdiction, bool dark);
// "aws-us-east-1" -> "us-east-1": the cloud is shown as a dot beside it.
QString shortRegionName(const QString& region);
// "aws" for "aws-us-east-1", empty when the name does not start with a known cloud.
QString cloudOf(const QString& region);

// A rounded chip: a cloud dot, then the text, tinted by the jurisdiction colour.
struct RegionChip {
    QString text;
    QString cloud;
    QString jurisdiction;
};
QFont chipFont(const QFont& base);
qreal chipWidth(const RegionChip& chip, const QFont& font);
void paintChip(QPainter* painter, const QRectF& rect, const RegionChip& chip, const QFont& font,
               bool dark);

}  // namespace lineagestyle
}  // namespace meridian::ui
