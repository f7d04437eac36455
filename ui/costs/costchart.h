#pragma once
// Egress cost per hour over the last 24 hours (Qt Charts): one bar per hour, the hour under way
// in a lighter shade. The bars are drawn as area series whose outline is handed over whole with
// QXYSeries::replace() on every refresh (4 points per hour, bounded), never point by point.

#include <QChartView>

#include <vector>

#include "console/costanalysis.h"

class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace meridian::ui {

class CostChart : public QChartView {
    Q_OBJECT

public:
    static constexpr int kHours = 24;
    // Each bar leaves this much of its hour empty, split on both sides.
    static constexpr double kGap = 0.22;

    explicit CostChart(QWidget* parent = nullptr);

    // Hours oldest first, as CostAnalysis::hourly(); the last one is the hour under way.
    void setHours(const std::vector<console::HourCost>& hours);

    int hoursWithTraffic() const;
    double total() const;
    double peak() const;
    double yMaximum() const;
    // What a tooltip says about the hour at `msSinceEpoch`.
    QString describeHour(qint64 msSinceEpoch) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    static QList<QPointF> bars(const std::vector<console::HourCost>& hours, size_t from, size_t to);

    QChart* m_chart;
    QLineSeries* m_doneOutline;
    QLineSeries* m_currentOutline;
    QAreaSeries* m_done;
    QAreaSeries* m_current;
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
    std::vector<console::HourCost> m_hours;
};

}  // namespace meridian::ui
