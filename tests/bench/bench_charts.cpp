// The Replication page's live lag chart under load: 8 links × 3 600 samples (an hour at one
// a second), each second one sample more per link, handed over with QXYSeries::replace() and
// redrawn. Prints the process's CPU time over wall time against the target (≤ 5% of one core).
// Usage: bench_charts [seconds=20]; renders offscreen when there is no display.

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "common/theme.h"
#include "replication/lagchart.h"

namespace {

constexpr int kSeries = 8;
constexpr int kPoints = 3600;
constexpr int kRefreshMs = 1000;
constexpr double kTargetPercent = 5.0;

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
           usage.ru_stime.tv_usec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
    meridian::ui::Theme::instance()->apply(meridian::ui::Theme::Mode::Light);

    meridian::ui::LagChart chart;
    chart.resize(1100, 420);
    chart.show();

    // An hour of samples per link: a base delay, jitter and now and then a burst of lag.
    std::mt19937 rng(42);
    std::normal_distribution<double> jitter(0, 4);
    QVector<meridian::ui::LagSeries> series(kSeries);
    qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto sample = [&](int link, qint64 t) {
        const double base = 10 + link * 14;
        const double burst =
            (t / 1000) % 600 < 20 ? 300 * std::sin(((t / 1000) % 600) / 20.0 * M_PI) : 0;
        return std::max(0.0, base + jitter(rng) + burst);
    };
    for (int s = 0; s < kSeries; ++s) {
        series[s].key = QStringLiteral("region-%1→region-%2").arg(s).arg((s + 1) % kSeries);
        series[s].name = series[s].key;
        series[s].color = meridian::ui::Theme::series(s);
        series[s].points.reserve(kPoints + 1);
        for (int i = kPoints - 1; i >= 0; --i) {
            const qint64 t = now - i * 1000LL;
            series[s].points.append(QPointF(static_cast<double>(t), sample(s, t)));
        }
    }
    chart.setSeries(series, now);

    int refreshes = 0;
    double refreshWallMs = 0;
    double replaceWallMs = 0;
    QTimer timer;
    timer.setInterval(kRefreshMs);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        QElapsedTimer t;
        t.start();
        now += kRefreshMs;
        for (auto& s : series) {
            s.points.removeFirst();  // the bounded window: an hour, no more
            s.points.append(QPointF(static_cast<double>(now), sample(refreshes % kSeries, now)));
        }
        chart.setSeries(series, now);
        replaceWallMs += t.nsecsElapsed() / 1e6;
        chart.viewport()->repaint();  // draw now, so that the cost lands in this refresh
        refreshWallMs += t.nsecsElapsed() / 1e6;
        ++refreshes;
    });

    // Warm up (first layout, fonts, caches), then measure.
    QTimer::singleShot(1500, [&] {
        const double cpuStart = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        refreshes = 0;
        refreshWallMs = 0;
        replaceWallMs = 0;
        timer.start();
        QTimer::singleShot(seconds * 1000, [&, cpuStart, wall] {
            timer.stop();
            const double cpu = cpuSeconds() - cpuStart;
            const double elapsed = wall.elapsed() / 1000.0;
            const double percent = 100.0 * cpu / elapsed;
            std::printf(
                "bench_charts: %d series x %d points, replace() + redraw every %d ms, "
                "%d refreshes in %.1f s\n",
                kSeries, kPoints, kRefreshMs, refreshes, elapsed);
            std::printf(
                "  one refresh: %.1f ms on the GUI thread (%.1f ms replace, the rest drawing)\n",
                refreshes ? refreshWallMs / refreshes : 0.0,
                refreshes ? replaceWallMs / refreshes : 0.0);
            std::printf("  CPU: %.2f%% of one core (target <= %.0f%%): %s\n", percent,
                        kTargetPercent, percent <= kTargetPercent ? "met" : "MISSED");
            QCoreApplication::quit();
        });
    });
    return app.exec();
}
