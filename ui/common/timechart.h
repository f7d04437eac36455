#pragma once
// The frame the console's charts over time share: no legend, square corners and no animation,
// an HH:mm time axis below and a value axis on the left, coloured from the view's palette so
// that the chart follows the theme.

#include <QMargins>

class QAbstractAxis;
class QChart;
class QChartView;
class QDateTimeAxis;
class QString;
class QValueAxis;

namespace meridian::ui::timechart {

// Sets `chart` up plainly, with room `margins` around the plot.
void setUp(QChart* chart, const QMargins& margins);
// An HH:mm axis along the bottom of `chart`, seven ticks wide.
QDateTimeAxis* addTimeAxis(QChart* chart);
// A value axis up the left of `chart`, five ticks high, titled `title`.
QValueAxis* addValueAxis(QChart* chart, const QString& title);
// The view's and chart's background and both axes in the view's palette.
void applyPalette(QChartView* view, QChart* chart, QAbstractAxis* x, QAbstractAxis* y);

}  // namespace meridian::ui::timechart
