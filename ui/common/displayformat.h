#pragma once
// Numbers, sizes, durations, money and times as the console shows them, one way everywhere.

#include <QString>
#include <QtGlobal>

namespace meridian::ui::format {

QString count(qint64 n);  // "120,013"
// "1 region", "4 regions": the count and the noun that agrees with it.
QString counted(qint64 n, const QString& one, const QString& many);
QString compactCount(qint64 n);                  // "120k", "1.2M"
QString bytes(qint64 n);                         // "14.0 MB"
QString rate(double perSecond);                  // "50.0/s"
QString lagMs(double ms);                        // "42 ms", "1.2 s", "3 min"
QString seconds(double s);                       // "8 s", "2 min 10 s"
QString usd(double amount);                      // "$0.31", "$0.0013", "$12.40"
QString clock(qint64 msSinceEpoch);              // "10:41:07"
QString dateTime(qint64 msSinceEpoch);           // "2024-05-01 10:41"
QString age(qint64 msSinceEpoch, qint64 nowMs);  // "3 min ago"

}  // namespace meridian::ui::format
