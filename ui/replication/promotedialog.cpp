#include "replication/promotedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"

namespace meridian::ui {

PromoteDialog::PromoteDialog(RegionService* service, const DeploymentSnapshot& layout,
                             const console::HubInfo& hub, QWidget* parent)
    : QDialog(parent), m_service(service), m_hub(hub) {
    setObjectName(QStringLiteral("promoteDialog"));
    setWindowTitle(tr("Promote a hub — %1").arg(qs(hub.view)));
    setMinimumWidth(560);

    auto* intro = new QLabel(
        tr("<b>%1</b> takes its writes at <b>%2</b> (epoch %3). Promoting another region makes "
           "it the hub in epoch %4 once a majority of the regions promise that epoch; every "
           "region then refuses the view's writes and changes from %2.")
            .arg(qs(hub.view).toHtmlEscaped(), qs(hub.hub).toHtmlEscaped())
            .arg(hub.epoch)
            .arg(hub.epoch + 1),
        this);
    intro->setWordWrap(true);
    m_to = new QComboBox(this);
    m_to->setObjectName(QStringLiteral("promoteTo"));
    for (const auto& r : layout.regions)
        if (r.name != hub.hub)
            m_to->addItem(qs(r.name));
    m_loss = new QLabel(this);
    m_loss->setObjectName(QStringLiteral("lossWindow"));
    m_loss->setWordWrap(true);
    m_loss->setTextFormat(Qt::RichText);
    m_loss->setMinimumHeight(m_loss->fontMetrics().lineSpacing() * 3);
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("promotionResult"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::RichText);

    auto* form = new QFormLayout;
    form->addRow(tr("New hub:"), m_to);
    form->addRow(tr("Loss window:"), m_loss);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_promote = buttons->addButton(tr("Promote"), QDialogButtonBox::AcceptRole);
    m_promote->setEnabled(false);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_promote, &QPushButton::clicked, this, &PromoteDialog::promote);

    auto* layoutBox = new QVBoxLayout(this);
    layoutBox->addWidget(intro);
    layoutBox->addLayout(form);
    layoutBox->addWidget(m_result);
    layoutBox->addStretch(1);
    layoutBox->addWidget(buttons);

    connect(m_to, &QComboBox::currentTextChanged, this, &PromoteDialog::plan);
    connect(service, &RegionService::promoted, this, &PromoteDialog::onPromoted);
    connect(service, &RegionService::failed, this, &PromoteDialog::onFailed);
    plan();
}

QString PromoteDialog::lossText() const {
    return m_loss->text();
}
QString PromoteDialog::resultText() const {
    return m_result->text();
}

void PromoteDialog::plan() {
    m_planned = false;
    m_promote->setEnabled(false);
    if (m_to->currentText().isEmpty()) {
        m_loss->setText(tr("No other region to promote."));
        return;
    }
    m_loss->setText(tr("Asking %1 what promoting it would lose…").arg(m_to->currentText()));
    m_planToken = m_service->promote(qs(m_hub.view), m_to->currentText(), true);
}

void PromoteDialog::promote() {
    if (!m_planned || m_promoteToken != 0)
        return;
    m_promote->setEnabled(false);
    m_to->setEnabled(false);
    m_result->setText(tr("Promoting %1: gathering promises…").arg(m_to->currentText()));
    m_promoteToken = m_service->promote(qs(m_hub.view), m_to->currentText(), false);
}

void PromoteDialog::onPromoted(quint64 token, const console::PromotionInfo& report) {
    if (report.views.empty())
        return;
    const auto& v = report.views.front();
    if (token == m_planToken) {
        m_planToken = 0;
        const QColor colour =
            v.notApplied > 0 || !v.oldHubReachable ? Theme::warning() : Theme::good();
        m_loss->setText(
            QStringLiteral("<b style='color:%1'>%2</b><br>%3")
                .arg(colour.name(),
                     v.oldHubReachable
                         ? format::counted(v.notApplied, tr("change not applied"),
                                           tr("changes not applied"))
                         : tr("at least %1")
                               .arg(format::counted(v.notApplied, tr("change not applied"),
                                                    tr("changes not applied"))),
                     qs(v.lossWindow).toHtmlEscaped()));
        m_planned = true;
        m_promote->setEnabled(true);
        return;
    }
    if (token != m_promoteToken)
        return;
    m_promoteToken = 0;
    m_done = true;
    if (v.committed) {
        QStringList promised;
        for (const auto& r : v.promised)
            promised << qs(r);
        m_result->setText(
            tr("<b style='color:%1'>%2 is the hub in epoch %3.</b> Promised by %4 of %5 regions "
               "(%6). %7")
                .arg(Theme::good().name(), qs(report.toRegion).toHtmlEscaped())
                .arg(v.newEpoch)
                .arg(v.promised.size())
                .arg(report.regions)
                .arg(
                    promised.join(QStringLiteral(", ")).toHtmlEscaped(),
                    v.writesAfterMs > 0
                        ? tr("It takes writes %1 ms after the commit, when %2's lease has run out.")
                              .arg(v.writesAfterMs)
                              .arg(qs(v.oldHub).toHtmlEscaped())
                        : tr("It takes writes now: %1 promised to stop.")
                              .arg(qs(v.oldHub).toHtmlEscaped())));
    } else {
        m_result->setText(tr("<b style='color:%1'>Not promoted:</b> %2")
                              .arg(Theme::bad().name(), qs(v.error).toHtmlEscaped()));
        m_to->setEnabled(true);
    }
    emit promoted(report);
}

void PromoteDialog::onFailed(quint64 token, const QString&, const QString& message) {
    if (token == 0)
        return;
    if (token == m_planToken) {
        m_planToken = 0;
        m_loss->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                            .arg(Theme::bad().name(), message.toHtmlEscaped()));
    } else if (token == m_promoteToken) {
        m_promoteToken = 0;
        m_result->setText(tr("<b style='color:%1'>Not promoted:</b> %2")
                              .arg(Theme::bad().name(), message.toHtmlEscaped()));
        m_to->setEnabled(true);
        m_promote->setEnabled(m_planned);
    }
}

}  // namespace meridian::ui
