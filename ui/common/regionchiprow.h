#pragma once
// A row of region chips (cloud dot, region name, tinted by jurisdiction) that wraps onto as
// many lines as its width needs: where a feature view's data lives, on the Registry and Lineage
// pages alike.

#include <QVector>
#include <QWidget>

#include "lineage/lineagestyle.h"

namespace meridian::ui {

class RegionChipRow : public QWidget {
    Q_OBJECT

public:
    explicit RegionChipRow(QWidget* parent = nullptr);

    void setChips(const QVector<lineagestyle::RegionChip>& chips);
    const QVector<lineagestyle::RegionChip>& chips() const { return m_chips; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    // Each chip's rectangle when laid out in `width`.
    QVector<QRectF> arrange(int width) const;
    QVector<lineagestyle::RegionChip> m_chips;
};

}  // namespace meridian::ui
