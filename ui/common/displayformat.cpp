#include "common/displayformat.h"

#include <QDateTime>
#include <QLocale>

#include <cmath>

namespace meridian::ui::format {

QString count(qint64 n) {
    static const QLocale locale(QLocale::English);
    return locale.toString(n);
}

QString counted(qint64 n, const QString& one, const QString& many) {
    return count(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString compactCount(qint64 n) {
    const double a = std::abs(static_cast<double>(n));
    if (a >= 1e9)
        return QString::number(n / 1e9, 'f', 1) + "G";
    if (a >= 1e6)
        return QString::number(n / 1e6, 'f', a >= 1e7 ? 0 : 1) + "M";
    if (a >= 1e4)
        return QString::number(n / 1e3, 'f', 0) + "k";
    return count(n);
}

QString bytes(qint64 n) {
    const double a = static_cast<double>(n);
    if (a >= 1e9)
        return QString::number(a / 1e9, 'f', 2) + " GB";
    if (a >= 1e6)
        return QString::number(a / 1e6, 'f', 1) + " MB";
    if (a >= 1e3)
        return QString::number(a / 1e3, 'f', 1) + " kB";
    return QString::number(n) + " B";
}

QString rate(double perSecond) {
    if (perSecond >= 1000)
        return compactCount(static_cast<qint64>(perSecond)) + "/s";
    return QString::number(perSecond, 'f', perSecond >= 100 ? 0 : 1) + "/s";
}

QString lagMs(double ms) {
    if (ms < 0)
        ms = 0;
    if (ms < 10)
        return QString::number(ms, 'f', ms > 0 && ms < 1 ? 1 : 0) + " ms";
    if (ms < 1000)
        return QString::number(std::lround(ms)) + " ms";
    if (ms < 60'000)
        return QString::number(ms / 1000, 'f', 1) + " s";
    return seconds(ms / 1000);
}

QString seconds(double s) {
    if (s < 60)
        return QString::number(std::lround(s)) + " s";
    const qint64 total = std::llround(s);
    if (total < 3600)
        return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
    return QStringLiteral("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

QString usd(double amount) {
    if (amount == 0)
        return QStringLiteral("$0.00");
    if (std::abs(amount) < 0.0001)
        return QStringLiteral("< $0.0001");
    if (std::abs(amount) < 0.01)
        return "$" + QString::number(amount, 'f', 4);
    if (std::abs(amount) < 1000)
        return "$" + QString::number(amount, 'f', 2);
    static const QLocale locale(QLocale::English);
    return "$" + locale.toString(amount, 'f', 0);
}

QString clock(qint64 msSinceEpoch) {
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch).toString(QStringLiteral("HH:mm:ss"));
}

QString dateTime(qint64 msSinceEpoch) {
    if (msSinceEpoch <= 0)
        return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString age(qint64 msSinceEpoch, qint64 nowMs) {
    if (msSinceEpoch <= 0)
        return QStringLiteral("—");
    const qint64 s = std::max<qint64>(0, (nowMs - msSinceEpoch) / 1000);
    if (s < 60)
        return QStringLiteral("%1 s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min ago").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1 h ago").arg(s / 3600);
    return QStringLiteral("%1 d ago").arg(s / 86400);
}

}  // namespace meridian::ui::format
