#include "costs/costwhatifpanel.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "common/qtstrings.h"
#include "common/theme.h"
#include "costs/costformat.h"
#include "costs/costviewmodel.h"

namespace meridian::ui {
namespace {

QLabel* figure(QWidget* parent, bool strong) {
    auto* label = new QLabel(QStringLiteral("—"), parent);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = label->font();
    f.setBold(strong);
    if (strong)
        f.setPointSizeF(f.pointSizeF() * 1.15);
    label->setFont(f);
    return label;
}

}  // namespace

CostWhatIfPanel::CostWhatIfPanel(QWidget* parent) : QWidget(parent) {
    m_compression = new QRadioButton(tr("&Compression off"), this);
    m_compression->setToolTip(tr("Every batch sent as it is before zstd, at the same prices"));
    m_batch = new QRadioButton(tr("&Batch:"), this);
    m_batch->setToolTip(tr("The view moved by batch sync instead of streaming"));
    m_without = new QRadioButton(tr("&Without region"), this);
    m_without->setToolTip(tr("The region and its links gone, everything else unchanged"));
    m_choice = new QButtonGroup(this);
    m_choice->addButton(m_compression);
    m_choice->addButton(m_batch);
    m_choice->addButton(m_without);
    m_compression->setChecked(true);

    m_view = new QComboBox(this);
    m_view->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_view->setMinimumContentsLength(18);
    m_view->setToolTip(tr("A feature view that streams today"));
    m_view->setAccessibleName(tr("Feature view"));
    m_hours = new QSpinBox(this);
    m_hours->setRange(1, 24);
    m_hours->setValue(kDefaultBatchHours);
    m_hours->setPrefix(tr("every "));
    m_hours->setSuffix(tr(" h"));
    m_hours->setAccessibleName(tr("Batch schedule in hours"));
    m_region = new QComboBox(this);
    m_region->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_region->setMinimumContentsLength(16);
    m_region->setAccessibleName(tr("Region"));

    auto* choices = new QGridLayout;
    choices->setHorizontalSpacing(8);
    choices->setVerticalSpacing(6);
    choices->addWidget(m_compression, 0, 0, 1, 3);
    choices->addWidget(m_batch, 1, 0);
    choices->addWidget(m_view, 1, 1);
    choices->addWidget(m_hours, 1, 2);
    choices->addWidget(m_without, 2, 0);
    choices->addWidget(m_region, 2, 1, 1, 2);
    choices->setColumnStretch(1, 1);

    m_actual = figure(this, false);
    m_projected = figure(this, true);
    m_difference = figure(this, true);
    auto* figures = new QGridLayout;
    figures->setHorizontalSpacing(16);
    figures->setVerticalSpacing(4);
    auto caption = [this](const QString& text) {
        auto* l = new QLabel(text, this);
        l->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        return l;
    };
    figures->addWidget(caption(tr("Actual, projected")), 0, 0);
    figures->addWidget(m_actual, 0, 1);
    figures->addWidget(caption(tr("With this change")), 1, 0);
    figures->addWidget(m_projected, 1, 1);
    figures->addWidget(caption(tr("Difference")), 2, 0);
    figures->addWidget(m_difference, 2, 1);
    figures->setColumnStretch(1, 1);

    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addLayout(choices);
    auto* rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setForegroundRole(QPalette::Midlight);
    layout->addWidget(rule);
    layout->addLayout(figures);
    layout->addWidget(m_note);
    layout->addStretch(1);

    connect(m_choice, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool checked) {
        if (checked)
            recompute();
    });
    // Touching a scenario's editor chooses that scenario.
    connect(m_view, &QComboBox::currentIndexChanged, this,
            [this] { m_batch->isChecked() ? recompute() : m_batch->setChecked(true); });
    connect(m_hours, &QSpinBox::valueChanged, this,
            [this] { m_batch->isChecked() ? recompute() : m_batch->setChecked(true); });
    connect(m_region, &QComboBox::currentIndexChanged, this,
            [this] { m_without->isChecked() ? recompute() : m_without->setChecked(true); });
}

void CostWhatIfPanel::setAnalysis(std::shared_ptr<const console::CostAnalysis> analysis,
                                  const QStringList& regions) {
    m_analysis = std::move(analysis);
    {
        // Views that stream, the most expensive first: the ones worth asking about.
        const QSignalBlocker block(m_view);
        const QString current = m_view->currentData().toString();
        m_view->clear();
        if (m_analysis) {
            for (const auto& v : m_analysis->views()) {
                const bool streams =
                    std::find(v.kinds.begin(), v.kinds.end(), "stream") != v.kinds.end();
                if (!v.view.empty() && streams)
                    m_view->addItem(qs(v.view), qs(v.view));
            }
        }
        const int keep = m_view->findData(current);
        m_view->setCurrentIndex(keep >= 0 ? keep : 0);
        m_view->setEnabled(m_view->count() > 0);
    }
    {
        const QSignalBlocker block(m_region);
        const QString current = m_region->currentText();
        QStringList names = regions;
        if (m_analysis)
            names << qsList(m_analysis->regions());
        names.removeDuplicates();
        names.sort();
        m_region->clear();
        m_region->addItems(names);
        const int keep = m_region->findText(current);
        m_region->setCurrentIndex(keep >= 0 ? keep : 0);
        m_region->setEnabled(m_region->count() > 0);
    }
    m_batch->setEnabled(m_view->count() > 0);
    m_without->setEnabled(m_region->count() > 0);
    if (!m_batch->isEnabled() && m_batch->isChecked())
        m_compression->setChecked(true);
    recompute();
}

void CostWhatIfPanel::chooseCompressionOff() {
    m_compression->setChecked(true);
    recompute();
}

void CostWhatIfPanel::chooseViewAsBatch(const QString& view, int everyHours) {
    {
        const QSignalBlocker a(m_view);
        const QSignalBlocker b(m_hours);
        m_view->setCurrentIndex(m_view->findData(view));
        m_hours->setValue(everyHours);
    }
    m_batch->setChecked(true);
    recompute();
}

void CostWhatIfPanel::chooseWithoutRegion(const QString& region) {
    {
        const QSignalBlocker block(m_region);
        m_region->setCurrentIndex(m_region->findText(region));
    }
    m_without->setChecked(true);
    recompute();
}

console::WhatIf CostWhatIfPanel::scenario() const {
    console::WhatIf w;
    if (m_batch->isChecked()) {
        w.kind = console::WhatIf::Kind::ViewAsBatch;
        w.view = m_view->currentData().toString().toStdString();
        w.everyHours = m_hours->value();
    } else if (m_without->isChecked()) {
        w.kind = console::WhatIf::Kind::WithoutRegion;
        w.region = m_region->currentText().toStdString();
    }
    return w;
}

QString CostWhatIfPanel::differenceText() const {
    if (!m_hasResult)
        return {};
    QString text = costformat::signedUsd(m_result.differencePer30Days);
    if (m_result.actualPer30Days > 0) {
        const double pct = 100.0 * m_result.differencePer30Days / m_result.actualPer30Days;
        text += QStringLiteral("  (%1%2 %)")
                    .arg(pct > 0   ? QStringLiteral("+")
                         : pct < 0 ? QStringLiteral("−")
                                   : QString())
                    .arg(std::abs(pct), 0, 'f', std::abs(pct) < 10 ? 1 : 0);
    }
    return text;
}

QString CostWhatIfPanel::explanation() const {
    const auto w = scenario();
    switch (w.kind) {
        case console::WhatIf::Kind::CompressionOff: {
            const double ratio = m_analysis && m_analysis->bytes() > 0
                                     ? static_cast<double>(m_analysis->rawBytes()) /
                                           static_cast<double>(m_analysis->bytes())
                                     : 1.0;
            return tr("Batches would leave uncompressed: zstd makes today's traffic %1× "
                      "smaller.")
                .arg(ratio, 0, 'f', 1);
        }
        case console::WhatIf::Kind::ViewAsBatch: {
            const int hours = m_hours->value();
            const double syncs = std::max(1.0, 24.0 / hours);
            return tr("A batch sync copies each changed day partition whole, so syncing every %1 "
                      "h sends about %2× the day's data of %3 over each link, instead of "
                      "streaming each change once.")
                .arg(hours)
                .arg((syncs + 1) / 2, 0, 'f', 1)
                .arg(m_view->currentText());
        }
        case console::WhatIf::Kind::WithoutRegion:
            return tr("Every link to and from %1 gone; the other links carry what they carry "
                      "today.")
                .arg(qs(w.region));
    }
    return {};
}

void CostWhatIfPanel::recompute() {
    m_hasResult = m_analysis != nullptr;
    if (!m_hasResult) {
        for (QLabel* l : {m_actual, m_projected, m_difference})
            l->setText(QStringLiteral("—"));
        m_note->clear();
        emit resultChanged();
        return;
    }
    m_result = m_analysis->whatIf(scenario());
    m_actual->setText(tr("%1 / 30 days").arg(costformat::usd(m_result.actualPer30Days)));
    m_projected->setText(tr("%1 / 30 days").arg(costformat::usd(m_result.usdPer30Days)));
    m_difference->setText(differenceText());
    colourDifference();
    m_note->setText(explanation());
    emit resultChanged();
}

void CostWhatIfPanel::colourDifference() {
    // Cheaper is good news, dearer is a warning; the same is just text.
    QPalette p = palette();
    const double d = m_hasResult ? m_result.differencePer30Days : 0;
    const double noise = 0.005 * std::max(m_result.actualPer30Days, 0.01);
    if (d > noise)
        p.setColor(QPalette::WindowText, Theme::bad());
    else if (d < -noise)
        p.setColor(QPalette::WindowText, Theme::good());
    m_difference->setPalette(p);
}

void CostWhatIfPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        colourDifference();
}

}  // namespace meridian::ui
