#pragma once
// What the Lineage page says about the node a reviewer clicked: kind and name, project, the
// regions that hold its data, its direct inputs and outputs, how much lies upstream and
// downstream, and every residency crossing that touches it.

#include <QWidget>

class QLabel;

namespace meridian::ui {

class LineageScene;
class RegionChipRow;

class LineageDetailsPane : public QWidget {
    Q_OBJECT

public:
    explicit LineageDetailsPane(QWidget* parent = nullptr);

    // -1 shows the hint to click a node.
    void showNode(const LineageScene* scene, int index);
    int shownNode() const { return m_index; }

    // For tests and screenshots.
    QString titleText() const;
    QString bodyText() const;

private:
    int m_index = -1;
    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_kind;
    QLabel* m_regionsLabel;
    RegionChipRow* m_regions;
    QLabel* m_body;
};

}  // namespace meridian::ui
