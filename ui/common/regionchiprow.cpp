#include "common/regionchiprow.h"

#include <QFontMetrics>
#include <QPainter>

namespace meridian::ui {
namespace {

constexpr int kGap = 6;

}  // namespace

RegionChipRow::RegionChipRow(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void RegionChipRow::setChips(const QVector<lineagestyle::RegionChip>& chips) {
    m_chips = chips;
    updateGeometry();
    update();
}

QVector<QRectF> RegionChipRow::arrange(int width) const {
    const QFont font = lineagestyle::chipFont(this->font());
    const qreal h = QFontMetricsF(font).height() + 8;
    QVector<QRectF> rects;
    qreal x = 0;
    qreal y = 0;
    for (const auto& chip : m_chips) {
        const qreal w = lineagestyle::chipWidth(chip, font);
        if (x > 0 && x + w > width) {
            x = 0;
            y += h + kGap;
        }
        rects.push_back(QRectF(x, y, w, h));
        x += w + kGap;
    }
    return rects;
}

int RegionChipRow::heightForWidth(int width) const {
    const auto rects = arrange(width);
    return rects.isEmpty() ? 0 : static_cast<int>(std::ceil(rects.last().bottom())) + 1;
}

QSize RegionChipRow::sizeHint() const {
    const auto rects = arrange(QWIDGETSIZE_MAX);
    if (rects.isEmpty())
        return {0, 0};
    return QSize(static_cast<int>(std::ceil(rects.last().right())) + 1,
                 static_cast<int>(std::ceil(rects.last().bottom())) + 1);
}

QSize RegionChipRow::minimumSizeHint() const {
    return QSize(0, heightForWidth(120));
}

void RegionChipRow::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QFont font = lineagestyle::chipFont(this->font());
    const bool dark = palette().color(QPalette::Window).lightnessF() < 0.5;
    const auto rects = arrange(width());
    for (int i = 0; i < rects.size(); ++i)
        lineagestyle::paintChip(&painter, rects[i], m_chips[i], font, dark);
}

}  // namespace meridian::ui
