#pragma once
// Money as the cost tables, chart and what-ifs show it: format::usd's precision, but amounts too
// small for four decimals say so instead of showing $0.0000, and prices per GB keep three.

#include <QString>

#include <cmath>

#include "common/displayformat.h"

namespace meridian::ui::costformat {

inline constexpr double kSmallestShownUsd = 0.0001;

inline QString usd(double amount) {
    if (amount != 0 && std::abs(amount) < kSmallestShownUsd)
        return amount > 0 ? QStringLiteral("< $0.0001") : QStringLiteral("> −$0.0001");
    if (amount < 0)
        return QStringLiteral("−") + format::usd(-amount);
    return format::usd(amount);
}

// "+$12.40", "−$3.10", "±$0.00".
inline QString signedUsd(double amount) {
    if (amount == 0)
        return QStringLiteral("±$0.00");
    return (amount > 0 ? QStringLiteral("+") : QStringLiteral("−")) + usd(std::abs(amount));
}

// "$0.020".
inline QString perGb(double usdPerGb) {
    return QStringLiteral("$") + QString::number(usdPerGb, 'f', 3);
}

// "42 %", "0.4 %", "< 0.1 %".
inline QString share(double part, double total) {
    if (total <= 0 || part <= 0)
        return QStringLiteral("—");
    const double pct = 100.0 * part / total;
    if (pct < 0.1)
        return QStringLiteral("< 0.1 %");
    return QString::number(pct, 'f', pct < 10 ? 1 : 0) + QStringLiteral(" %");
}

}  // namespace meridian::ui::costformat
