#pragma once
// The Costs page's "what if" panel: choose compression off, a feature view moved by batch every
// N hours instead of streaming, or the deployment without one region, and see the projected
// $/30 days next to the actual one and the difference. The figures are CostAnalysis::whatIf's.

#include <QStringList>
#include <QWidget>

#include <memory>

#include "console/costanalysis.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QRadioButton;
class QSpinBox;

namespace meridian::ui {

class CostWhatIfPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kDefaultBatchHours = 6;

    explicit CostWhatIfPanel(QWidget* parent = nullptr);

    // The analysis to ask, and the regions of the deployment (some may have sent nothing).
    void setAnalysis(std::shared_ptr<const console::CostAnalysis> analysis,
                     const QStringList& regions);

    void chooseCompressionOff();
    void chooseViewAsBatch(const QString& view, int everyHours);
    void chooseWithoutRegion(const QString& region);

    console::WhatIf scenario() const;
    // Empty until there is an analysis.
    bool hasResult() const { return m_hasResult; }
    const console::WhatIfResult& result() const { return m_result; }
    QString differenceText() const;

signals:
    void resultChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void recompute();
    void colourDifference();
    QString explanation() const;

    std::shared_ptr<const console::CostAnalysis> m_analysis;
    QButtonGroup* m_choice;
    QRadioButton* m_compression;
    QRadioButton* m_batch;
    QRadioButton* m_without;
    QComboBox* m_view;
    QSpinBox* m_hours;
    QComboBox* m_region;
    QLabel* m_actual;
    QLabel* m_projected;
    QLabel* m_difference;
    QLabel* m_note;
    console::WhatIfResult m_result;
    bool m_hasResult = false;
};

}  // namespace meridian::ui
