#pragma once
// The key to the lineage graph: a swatch per node kind, the edge styles (data flow, residency
// crossing, highlighted lineage) and what a region badge looks like. Painted with the same
// colours as the scene, so it stays right in the light and the dark palette.

#include <QWidget>

namespace meridian::ui {

class LineageLegend : public QWidget {
    Q_OBJECT

public:
    explicit LineageLegend(QWidget* parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int rowHeight() const;
};

}  // namespace meridian::ui
