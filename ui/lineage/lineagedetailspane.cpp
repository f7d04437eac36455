#include "lineage/lineagedetailspane.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QVBoxLayout>

#include "common/consoleicons.h"
#include "common/qtstrings.h"
#include "common/regionchiprow.h"
#include "lineage/lineagescene.h"

namespace meridian::ui {
namespace {

using Kind = console::LineageNode::Kind;

// "user (entity), transactions (data source)", grouped by kind and sorted.
QString neighbours(const LineageScene* scene, const QVector<int>& nodes) {
    QMap<int, QStringList> byKind;
    for (int i : nodes) {
        const auto& n = scene->node(i);
        byKind[static_cast<int>(n.kind)] << qs(n.name).toHtmlEscaped();
    }
    QStringList parts;
    for (auto it = byKind.begin(); it != byKind.end(); ++it) {
        it->sort();
        it->removeDuplicates();
        parts << QStringLiteral("<i>%1</i>: %2")
                     .arg(lineagestyle::kindPluralName(static_cast<Kind>(it.key())).toLower(),
                          it->join(QStringLiteral(", ")));
    }
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral("<br>"));
}

}  // namespace

LineageDetailsPane::LineageDetailsPane(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(6);
    auto* header = new QHBoxLayout;
    header->setSpacing(8);
    m_icon = new QLabel(this);
    m_icon->setFixedSize(28, 28);
    header->addWidget(m_icon, 0, Qt::AlignTop);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setWeight(QFont::DemiBold);
    m_title->setFont(big);
    header->addWidget(m_title, 1);
    layout->addLayout(header);
    m_kind = new QLabel(this);
    m_kind->setWordWrap(true);
    layout->addWidget(m_kind);
    m_regionsLabel = new QLabel(tr("Stored in"), this);
    QFont bold = m_regionsLabel->font();
    bold.setWeight(QFont::DemiBold);
    m_regionsLabel->setFont(bold);
    layout->addSpacing(4);
    layout->addWidget(m_regionsLabel);
    m_regions = new RegionChipRow(this);
    layout->addWidget(m_regions);
    m_body = new QLabel(this);
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::RichText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addSpacing(4);
    layout->addWidget(m_body);
    layout->addStretch(1);
    showNode(nullptr, -1);
}

QString LineageDetailsPane::titleText() const {
    return m_title->text();
}

QString LineageDetailsPane::bodyText() const {
    return m_kind->text() + QLatin1Char('\n') + m_body->text();
}

void LineageDetailsPane::showNode(const LineageScene* scene, int index) {
    m_index = scene && index >= 0 && index < scene->nodeCount() ? index : -1;
    if (m_index < 0) {
        m_icon->clear();
        m_title->setText(tr("No node selected"));
        m_kind->setText(
            tr("Click a node to see where its data comes from and where it goes; "
               "its upstream and downstream stay lit. Click the background to clear."));
        m_regionsLabel->hide();
        m_regions->hide();
        m_body->clear();
        return;
    }
    const auto& node = scene->node(m_index);
    m_icon->setPixmap(ConsoleIcons::lineageKind(node.kind).pixmap(28, 28));
    m_title->setText(qs(node.name));
    QString kind = lineagestyle::kindName(node.kind);
    if (!node.project.empty())
        kind += tr(" in project <b>%1</b>").arg(qs(node.project).toHtmlEscaped());
    if (node.kind == Kind::Region) {
        const QString j = scene->jurisdictionOf(qs(node.name));
        if (!j.isEmpty())
            kind += tr(", jurisdiction <b>%1</b>").arg(j);
    }
    m_kind->setText(kind);

    m_regionsLabel->setVisible(!node.regions.empty());
    m_regions->setVisible(!node.regions.empty());
    m_regions->setChips(scene->chipsFor(node.regions));

    QVector<int> inputs;
    QVector<int> outputs;
    QStringList crossings;
    for (const auto* edge : scene->edgeItems()) {
        if (edge->to() == m_index)
            inputs << edge->from();
        else if (edge->from() == m_index)
            outputs << edge->to();
        else
            continue;
        if (edge->crossesResidency())
            crossings << scene->crossingText(edge).toHtmlEscaped();
    }
    const int up = scene->upstreamOf(m_index).size();
    const int down = scene->downstreamOf(m_index).size();
    QString body =
        tr("<p><b>Upstream</b> %1 &nbsp;·&nbsp; <b>Downstream</b> %2</p>").arg(up).arg(down);
    body += tr("<p><b>Inputs</b><br>%1</p>").arg(neighbours(scene, inputs));
    body += tr("<p><b>Outputs</b><br>%1</p>").arg(neighbours(scene, outputs));
    if (!crossings.isEmpty()) {
        body += QStringLiteral("<p style=\"color:%1\"><b>%2</b><br>%3</p>")
                    .arg(scene->colors().crossing.name(),
                         crossings.size() == 1 ? tr("1 residency crossing")
                                               : tr("%1 residency crossings").arg(crossings.size()),
                         crossings.join(QStringLiteral("<br><br>")));
    }
    m_body->setText(body);
}

}  // namespace meridian::ui
