#include "costs/costchart.h"

#include <QAreaSeries>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "common/displayformat.h"
#include "common/theme.h"
#include "common/timechart.h"
#include "costs/costformat.h"

namespace meridian::ui {
namespace {

constexpr qint64 kHourMs = console::CostAnalysis::kHourMs;

// 1, 2 or 5 times a power of ten, at least `value`.
double niceCeiling(double value) {
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * magnitude >= value * (1 - 1e-9))
            return step * magnitude;
    }
    return 10 * magnitude;
}

}  // namespace

// The view is made with its chart: QChartView(parent) makes a chart of its own, which
// setChart() would release without deleting.
CostChart::CostChart(QWidget* parent) : QChartView(new QChart, parent), m_chart(chart()) {
    timechart::setUp(m_chart, QMargins(4, 6, 10, 4));
    m_x = timechart::addTimeAxis(m_chart);  // a tick every four hours over a day
    m_y = timechart::addValueAxis(m_chart, tr("$ per hour"));

    m_doneOutline = new QLineSeries(this);
    m_currentOutline = new QLineSeries(this);
    m_done = new QAreaSeries(m_doneOutline);
    m_done->setName(tr("Cost per hour"));
    m_current = new QAreaSeries(m_currentOutline);
    m_current->setName(tr("This hour so far"));
    for (QAreaSeries* s : {m_done, m_current}) {
        m_chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
        connect(s, &QAreaSeries::hovered, this, [this](const QPointF& point, bool state) {
            if (!state)
                return QToolTip::hideText();
            QToolTip::showText(QCursor::pos(), describeHour(static_cast<qint64>(point.x())), this);
        });
    }
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    applyPalette();
    setHours({});
}

QList<QPointF> CostChart::bars(const std::vector<console::HourCost>& hours, size_t from,
                               size_t to) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(4 * (to - from)));
    for (size_t i = from; i < to; ++i) {
        const auto& h = hours[i];
        const double left = static_cast<double>(h.hourMs) + kHourMs * kGap / 2;
        const double right = static_cast<double>(h.hourMs) + kHourMs * (1 - kGap / 2);
        points << QPointF(left, 0) << QPointF(left, h.usd) << QPointF(right, h.usd)
               << QPointF(right, 0);
    }
    return points;
}

void CostChart::setHours(const std::vector<console::HourCost>& hours) {
    m_hours = hours;
    if (m_hours.empty()) {
        // An empty day ending now, so the axis reads right before the first answer.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 last = now / kHourMs * kHourMs;
        for (int i = 0; i < kHours; ++i)
            m_hours.push_back({last - (kHours - 1 - i) * kHourMs, 0, 0});
    }
    const size_t n = m_hours.size();
    m_doneOutline->replace(bars(m_hours, 0, n - 1));
    m_currentOutline->replace(bars(m_hours, n - 1, n));
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(m_hours.front().hourMs),
                  QDateTime::fromMSecsSinceEpoch(m_hours.back().hourMs + kHourMs));

    const double top = niceCeiling(std::max(peak() * 1.1, 0.01));
    // Enough decimals that neighbouring ticks read differently.
    const double step = top / (m_y->tickCount() - 1);
    const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 0, 4);
    m_y->setLabelFormat(QStringLiteral("$%.%1f").arg(decimals));
    m_y->setRange(0, top);
}

int CostChart::hoursWithTraffic() const {
    return static_cast<int>(
        std::count_if(m_hours.begin(), m_hours.end(), [](const auto& h) { return h.bytes > 0; }));
}

double CostChart::total() const {
    double sum = 0;
    for (const auto& h : m_hours)
        sum += h.usd;
    return sum;
}

double CostChart::peak() const {
    double top = 0;
    for (const auto& h : m_hours)
        top = std::max(top, h.usd);
    return top;
}

double CostChart::yMaximum() const {
    return m_y->max();
}

QString CostChart::describeHour(qint64 msSinceEpoch) const {
    for (size_t i = 0; i < m_hours.size(); ++i) {
        const auto& h = m_hours[i];
        if (msSinceEpoch < h.hourMs || msSinceEpoch >= h.hourMs + kHourMs)
            continue;
        const QString span = QStringLiteral("%1–%2").arg(
            QDateTime::fromMSecsSinceEpoch(h.hourMs).toString(QStringLiteral("HH:mm")),
            QDateTime::fromMSecsSinceEpoch(h.hourMs + kHourMs).toString(QStringLiteral("HH:mm")));
        const QString text =
            tr("%1: %2, %3 sent").arg(span, costformat::usd(h.usd), format::bytes(h.bytes));
        return i + 1 == m_hours.size() ? tr("%1 (so far)").arg(text) : text;
    }
    return {};
}

void CostChart::applyPalette() {
    timechart::applyPalette(this, m_chart, m_x, m_y);
    m_x->setGridLineVisible(false);
    const QColor bar = Theme::info();
    m_done->setPen(QPen(bar.darker(Theme::instance()->isDark() ? 100 : 115), 1));
    m_done->setBrush(bar);
    QColor partial = bar;
    partial.setAlphaF(0.45);
    m_current->setPen(QPen(bar, 1, Qt::DashLine));
    m_current->setBrush(partial);
}

void CostChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

}  // namespace meridian::ui
