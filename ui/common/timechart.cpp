#include "common/timechart.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QValueAxis>

#include "common/theme.h"

namespace meridian::ui::timechart {

void setUp(QChart* chart, const QMargins& margins) {
    chart->legend()->hide();
    chart->setMargins(margins);
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation);
}

QDateTimeAxis* addTimeAxis(QChart* chart) {
    auto* axis = new QDateTimeAxis;
    axis->setFormat(QStringLiteral("HH:mm"));
    axis->setTickCount(7);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
}

QValueAxis* addValueAxis(QChart* chart, const QString& title) {
    auto* axis = new QValueAxis;
    axis->setTickCount(5);
    axis->setTitleText(title);
    chart->addAxis(axis, Qt::AlignLeft);
    return axis;
}

void applyPalette(QChartView* view, QChart* chart, QAbstractAxis* x, QAbstractAxis* y) {
    const QPalette pal = view->palette();
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundPen(Qt::NoPen);
    chart->setPlotAreaBackgroundVisible(false);
    for (QAbstractAxis* axis : {x, y}) {
        axis->setLabelsBrush(pal.color(QPalette::Text));
        axis->setTitleBrush(Theme::muted());
        axis->setLinePen(QPen(pal.color(QPalette::Mid), 1));
        axis->setGridLinePen(QPen(pal.color(QPalette::Midlight), 1));
    }
    view->setBackgroundBrush(pal.color(QPalette::Base));
}

}  // namespace meridian::ui::timechart
