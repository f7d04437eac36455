#pragma once
// The four columns every cost table ends with, for a row of egress (a link, a feature view):
// bytes sent, the cost in the window, its 30-day projection and its share of the total. Each
// model puts them last and in this order, so that `column - Sent` is the figure. Rows are
// console::LinkCost or console::ViewCost: anything with bytes, rawBytes, usd and usdPer30Days.

#include <QCoreApplication>
#include <QVariant>

#include "common/displayformat.h"
#include "costs/costformat.h"

namespace meridian::ui {

class EgressColumns {
    Q_DECLARE_TR_FUNCTIONS(meridian::ui::EgressColumns)

public:
    enum Figure { Sent, Cost, Per30Days, Share, FigureCount };

    template <typename Row>
    static QVariant display(const Row& r, int figure, double totalUsd) {
        switch (figure) {
            case Sent:
                return format::bytes(r.bytes);
            case Cost:
                return costformat::usd(r.usd);
            case Per30Days:
                return costformat::usd(r.usdPer30Days);
            case Share:
                return costformat::share(r.usd, totalUsd);
        }
        return {};
    }

    // The figures sort by their numbers, not by their text.
    template <typename Row>
    static QVariant sortValue(const Row& r, int figure) {
        switch (figure) {
            case Sent:
                return static_cast<qlonglong>(r.bytes);
            case Cost:
            case Share:
                return r.usd;
            case Per30Days:
                return r.usdPer30Days;
        }
        return {};
    }

    template <typename Row>
    static QVariant toolTip(const Row& r, int figure) {
        if (figure == Sent) {
            const double ratio = r.bytes > 0 ? static_cast<double>(r.rawBytes) / r.bytes : 1;
            return tr("%1 sent, %2 before compression (%3× smaller)")
                .arg(format::bytes(r.bytes), format::bytes(r.rawBytes))
                .arg(ratio, 0, 'f', 1);
        }
        if (figure == Per30Days)
            return tr("%1 in the window, extrapolated to 30 days").arg(costformat::usd(r.usd));
        return {};
    }
};

}  // namespace meridian::ui
