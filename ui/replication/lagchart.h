#pragma once
// Lag over time of replication links (Qt Charts): one line series per link over the last
// hour at most. Each refresh hands over every series' whole window and calls
// QXYSeries::replace() once per series, never appending point by point.

#include <QChartView>
#include <QColor>
#include <QHash>
#include <QList>
#include <QPointF>
#include <QStringList>
#include <QVector>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace meridian::ui {

struct LagSeries {
    QString key;   // "from→to"
    QString name;  // shown in tooltips
    QColor color;
    QList<QPointF> points;  // x: ms since epoch, y: lag in ms
};

class LagChart : public QChartView {
    Q_OBJECT

public:
    static constexpr qint64 kWindowMs = 3'600'000;
    // The time axis never spans less than this, so a young session does not zoom in on noise.
    static constexpr qint64 kMinimumSpanMs = 60'000;
    // Series this short also show their samples as dots.
    static constexpr int kDotsBelowPoints = 120;
    // Long series are drawn min-max decimated: a low and a high point per bucket this wide.
    static constexpr double kBucketPixels = 3;

    explicit LagChart(QWidget* parent = nullptr);

    void setSeries(const QVector<LagSeries>& series, qint64 nowMs);
    // Only these links are drawn; empty: all of them.
    void setVisibleKeys(const QStringList& keys);

    // The lowest and highest point of each bucket of `bucketMs` from `fromMs`, in time order.
    static QList<QPointF> decimate(const QList<QPointF>& points, double fromMs, double bucketMs);

    int seriesCount() const { return static_cast<int>(m_series.size()); }
    int pointCount() const;
    double yMaximum() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    void updateRanges(qint64 nowMs);
    qint64 windowStart(qint64 nowMs) const;

    QChart* m_chart;
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
    QHash<QString, QLineSeries*> m_series;
    QHash<QString, double> m_peak;  // highest lag of each series, for the y axis
    QStringList m_visible;
    qint64 m_oldestMs = 0;
    qint64 m_nowMs = 0;
};

}  // namespace meridian::ui
