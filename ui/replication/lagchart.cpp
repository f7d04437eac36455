#include "replication/lagchart.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QSet>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/displayformat.h"
#include "common/theme.h"

namespace meridian::ui {
namespace {

// 1, 2 or 5 times a power of ten, at least `value`.
double niceCeiling(double value) {
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * magnitude >= value)
            return step * magnitude;
    }
    return 10 * magnitude;
}

}  // namespace

// The view is made with its chart: QChartView(parent) makes a chart of its own, which
// setChart() would release without deleting.
LagChart::LagChart(QWidget* parent) : QChartView(new QChart, parent), m_chart(chart()) {
    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(4, 4, 8, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_x = new QDateTimeAxis;
    m_x->setFormat(QStringLiteral("HH:mm"));
    m_x->setTickCount(7);
    m_y = new QValueAxis;
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setTitleText(tr("lag, ms"));
    m_y->setTickCount(5);
    m_y->setRange(0, 100);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(160);
    applyPalette();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    updateRanges(now);
}

int LagChart::pointCount() const {
    int n = 0;
    for (auto* s : m_series)
        n += s->count();
    return n;
}

double LagChart::yMaximum() const {
    return m_y->max();
}

QList<QPointF> LagChart::decimate(const QList<QPointF>& points, double fromMs, double bucketMs) {
    if (bucketMs <= 0 || points.size() < 4)
        return points;
    QList<QPointF> out;
    out.reserve(static_cast<qsizetype>(2 * points.size() / std::max(1.0, bucketMs / 1000.0)) + 4);
    qint64 bucket = std::numeric_limits<qint64>::min();
    QPointF low, high;
    auto flush = [&] {
        if (bucket == std::numeric_limits<qint64>::min())
            return;
        // Both extremes of the bucket, in the order they happened, so peaks survive.
        if (low.x() <= high.x()) {
            out << low;
            if (high != low)
                out << high;
        } else {
            out << high << low;
        }
    };
    for (const auto& p : points) {
        const auto b = static_cast<qint64>(std::floor((p.x() - fromMs) / bucketMs));
        if (b != bucket) {
            flush();
            bucket = b;
            low = high = p;
            continue;
        }
        if (p.y() < low.y())
            low = p;
        if (p.y() > high.y())
            high = p;
    }
    flush();
    return out;
}

void LagChart::setSeries(const QVector<LagSeries>& series, qint64 nowMs) {
    QSet<QString> seen;
    m_oldestMs = nowMs;
    for (const auto& s : series) {
        if (!s.points.isEmpty())
            m_oldestMs = std::min(m_oldestMs, static_cast<qint64>(s.points.first().x()));
    }
    const qint64 from = windowStart(nowMs);
    // Two points (a bucket's low and high) per kBucketPixels of plot width at most: more would
    // land on the same pixels and only cost drawing time.
    const double plotWidth = std::max<qreal>(200, m_chart->plotArea().width());
    const double bucketMs = (nowMs - from) / (plotWidth / kBucketPixels);
    for (const auto& s : series) {
        seen.insert(s.key);
        QLineSeries* line = m_series.value(s.key);
        if (!line) {
            line = new QLineSeries;
            line->setName(s.name);
            m_chart->addSeries(line);
            line->attachAxis(m_x);
            line->attachAxis(m_y);
            connect(line, &QLineSeries::hovered, this,
                    [this, line](const QPointF& point, bool state) {
                        if (!state)
                            return QToolTip::hideText();
                        QToolTip::showText(QCursor::pos(),
                                           QStringLiteral("%1\n%2 at %3")
                                               .arg(line->name(), format::lagMs(point.y()),
                                                    format::clock(static_cast<qint64>(point.x()))),
                                           this);
                    });
            m_series.insert(s.key, line);
        }
        QPen pen(s.color, 1.6);
        if (line->pen() != pen)
            line->setPen(pen);
        line->setVisible(m_visible.isEmpty() || m_visible.contains(s.key));
        const bool dots = s.points.size() < kDotsBelowPoints;
        if (line->pointsVisible() != dots)
            line->setPointsVisible(dots);
        double peak = 0;
        for (const auto& p : s.points)
            peak = std::max(peak, p.y());
        m_peak.insert(s.key, peak);
        line->replace(s.points.size() > 2 * plotWidth / kBucketPixels
                          ? decimate(s.points, static_cast<double>(from), bucketMs)
                          : s.points);
    }
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        m_peak.remove(it.key());
        m_chart->removeSeries(it.value());
        delete it.value();
        it = m_series.erase(it);
    }
    updateRanges(nowMs);
}

void LagChart::setVisibleKeys(const QStringList& keys) {
    m_visible = keys;
    for (auto it = m_series.begin(); it != m_series.end(); ++it)
        it.value()->setVisible(keys.isEmpty() || keys.contains(it.key()));
    updateRanges(m_nowMs > 0 ? m_nowMs : QDateTime::currentMSecsSinceEpoch());
}

qint64 LagChart::windowStart(qint64 nowMs) const {
    return std::min(std::max(m_oldestMs, nowMs - kWindowMs), nowMs - kMinimumSpanMs);
}

void LagChart::updateRanges(qint64 nowMs) {
    m_nowMs = nowMs;
    const qint64 from = windowStart(nowMs);
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(nowMs));
    const QString format =
        nowMs - from < 10 * 60'000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    if (m_x->format() != format)
        m_x->setFormat(format);
    double top = 0;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        if (it.value()->isVisible())
            top = std::max(top, m_peak.value(it.key()));
    }
    const double ceiling = niceCeiling(std::max(top * 1.15, 10.0));
    if (m_y->max() != ceiling)
        m_y->setRange(0, ceiling);
}

void LagChart::applyPalette() {
    const QPalette pal = palette();
    m_chart->setBackgroundBrush(pal.color(QPalette::Base));
    m_chart->setBackgroundPen(Qt::NoPen);
    m_chart->setPlotAreaBackgroundVisible(false);
    for (QAbstractAxis* axis :
         {static_cast<QAbstractAxis*>(m_x), static_cast<QAbstractAxis*>(m_y)}) {
        axis->setLabelsBrush(pal.color(QPalette::Text));
        axis->setTitleBrush(Theme::muted());
        axis->setLinePen(QPen(pal.color(QPalette::Mid), 1));
        axis->setGridLinePen(QPen(pal.color(QPalette::Midlight), 1));
    }
    setBackgroundBrush(pal.color(QPalette::Base));
}

void LagChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

}  // namespace meridian::ui
