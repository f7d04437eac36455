#include "replication/syncdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "replication/jobtablemodel.h"

namespace meridian::ui {
namespace {

void setColor(QLabel* label, const QColor& color) {
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, color);
    label->setPalette(p);
}

}  // namespace

SyncDialog::SyncDialog(RegionService* service, const DeploymentSnapshot& layout, QWidget* parent)
    : QDialog(parent), m_service(service) {
    setWindowTitle(tr("Sync now"));
    setWindowIcon(ConsoleIcons::sync());
    setMinimumWidth(520);

    m_from = new QComboBox(this);
    m_to = new QComboBox(this);
    QString control;
    for (const auto& r : layout.regions) {
        const QString name = qs(r.name);
        m_from->addItem(ConsoleIcons::cloud(qs(r.cloud)), name, name);
        m_to->addItem(ConsoleIcons::cloud(qs(r.cloud)), name, name);
        if (r.role == "control")
            control = name;
    }
    if (!control.isEmpty())
        m_from->setCurrentIndex(m_from->findData(control));
    for (int i = 0; i < m_to->count(); ++i) {
        if (m_to->itemData(i) != m_from->currentData()) {
            m_to->setCurrentIndex(i);
            break;
        }
    }
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("Catch-up — apply the sender's log up to its head now"),
                    static_cast<int>(console::SyncJobInfo::Kind::CatchUp));
    m_kind->addItem(tr("Offline batch — copy changed offline partitions"),
                    static_cast<int>(console::SyncJobInfo::Kind::OfflineBatch));
    m_kind->addItem(tr("Snapshot — residency-filtered copy, then the log"),
                    static_cast<int>(console::SyncJobInfo::Kind::Snapshot));
    m_views = new QListWidget(this);
    m_views->setMinimumHeight(110);
    m_views->addItem(tr("Loading feature views…"));
    m_views->setEnabled(false);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);

    auto* setup = new QWidget(this);
    auto* form = new QFormLayout(setup);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&From (sender):"), m_from);
    form->addRow(tr("&To (runs the job):"), m_to);
    form->addRow(tr("&Kind:"), m_kind);
    auto* scopeLabel = new QLabel(tr("&Scope:"), setup);
    scopeLabel->setBuddy(m_views);
    form->addRow(scopeLabel, m_views);
    form->addRow(QString(), m_hint);

    auto* progress = new QWidget(this);
    auto* pl = new QVBoxLayout(progress);
    pl->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(progress);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_scope = new QLabel(progress);
    m_scope->setWordWrap(true);
    m_progress = new QProgressBar(progress);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    // Beside the bar, not in the button box (which shows every button it lays out).
    m_cancelJob = new QPushButton(tr("Cancel &job"), progress);
    m_cancelJob->setToolTip(tr("Ask the region running the job to stop it"));
    m_cancelJob->setEnabled(false);
    m_rows = new QLabel(progress);
    m_detail = new QLabel(progress);
    m_state = new QLabel(progress);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    pl->addWidget(m_title);
    pl->addWidget(m_scope);
    pl->addSpacing(6);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_progress, 1);
    bar->addWidget(m_cancelJob);
    pl->addLayout(bar);
    pl->addWidget(m_rows);
    pl->addWidget(m_detail);
    pl->addSpacing(6);
    pl->addWidget(m_state);
    pl->addStretch(1);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(setup);
    m_pages->addWidget(progress);

    auto* buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(tr("&Start sync"), QDialogButtonBox::AcceptRole);
    m_start->setIcon(ConsoleIcons::sync());
    m_start->setDefault(true);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    m_close->setText(tr("Close"));
    connect(m_start, &QPushButton::clicked, this, &SyncDialog::start);
    connect(m_cancelJob, &QPushButton::clicked, this, &SyncDialog::cancelJob);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    auto* layoutBox = new QVBoxLayout(this);
    layoutBox->addWidget(m_pages);
    layoutBox->addWidget(buttons);

    connect(m_from, &QComboBox::currentIndexChanged, this, &SyncDialog::validate);
    connect(m_to, &QComboBox::currentIndexChanged, this, &SyncDialog::validate);
    connect(service, &RegionService::registryListed, this, &SyncDialog::onRegistry);
    connect(service, &RegionService::syncStarted, this, &SyncDialog::onStarted);
    connect(service, &RegionService::failed, this, &SyncDialog::onFailed);
    connect(service, &RegionService::jobUpdated, this, [this](const console::SyncJobInfo& job) {
        if (m_finished || qs(job.id) != m_jobId)
            return;
        if (JobTableModel::isRunning(job))
            showJob(job);
        else
            finish(job);
    });
    connect(service, &RegionService::jobFinished, this, [this](const console::SyncJobInfo& job) {
        if (!m_finished && qs(job.id) == m_jobId)
            finish(job);
    });
    m_registryToken = service->listRegistry(QString());
    validate();
}

void SyncDialog::setLink(const QString& from, const QString& to) {
    if (int i = m_from->findData(from); i >= 0)
        m_from->setCurrentIndex(i);
    if (int i = m_to->findData(to); i >= 0)
        m_to->setCurrentIndex(i);
}

QString SyncDialog::statusText() const {
    return m_state->text();
}

QStringList SyncDialog::scope() const {
    QStringList views;
    for (int i = 0; i < m_views->count(); ++i) {
        const auto* item = m_views->item(i);
        if ((item->flags() & Qt::ItemIsUserCheckable) && item->checkState() == Qt::Checked)
            views << item->data(Qt::UserRole).toString();
    }
    return views;
}

void SyncDialog::validate() {
    const bool same = m_from->currentData() == m_to->currentData();
    m_start->setEnabled(!same && m_from->count() > 1 && m_startToken == 0);
    if (same) {
        m_hint->setText(
            tr("Choose two different regions: the job runs at “To” and pulls from "
               "“From”."));
        setColor(m_hint, Theme::bad());
    } else {
        m_hint->setText(
            tr("No view checked: everything the link carries. Residency is enforced "
               "at the sender whatever is chosen."));
        setColor(m_hint, Theme::muted());
    }
}

void SyncDialog::onRegistry(quint64 token, const QVector<console::RegistryEntry>& entries) {
    if (token != m_registryToken)
        return;
    m_registryToken = 0;
    m_views->clear();
    for (const auto& e : entries) {
        if (e.kind != console::ObjectKind::FeatureView || e.deleted)
            continue;
        const QString name = qs(e.project) + QLatin1Char('/') + qs(e.name);
        auto* item = new QListWidgetItem(ConsoleIcons::objectKind(e.kind), name, m_views);
        item->setData(Qt::UserRole, name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        QString tip = tr("%1 · residency %2").arg(qs(e.replicationMode), qs(e.residency));
        item->setToolTip(tip);
    }
    if (m_views->count() == 0)
        m_views->addItem(tr("No feature views: the sync covers the registry"));
    m_views->setEnabled(true);
}

void SyncDialog::start() {
    const QString from = m_from->currentData().toString();
    const QString to = m_to->currentData().toString();
    const auto kind = static_cast<console::SyncJobInfo::Kind>(m_kind->currentData().toInt());
    m_startToken = m_service->triggerSync(from, to, kind, scope());
    m_start->setEnabled(false);
    m_title->setText(tr("%1: %2 → %3").arg(JobTableModel::kindText(kind), from, to));
    m_progress->setRange(0, 0);
    m_rows->clear();
    m_detail->clear();
    m_state->setText(tr("Starting at %1…").arg(to));
    setColor(m_state, Theme::muted());
    m_pages->setCurrentIndex(1);
}

void SyncDialog::onStarted(quint64 token, const console::SyncJobInfo& job) {
    if (token != m_startToken)
        return;
    m_jobId = qs(job.id);
    m_jobRegion = qs(job.to);
    m_start->setVisible(false);
    m_cancelJob->setEnabled(true);
    m_close->setToolTip(tr("Closing leaves the job running; follow it in the job history."));
    showJob(job);
    emit jobChanged(job);
    if (JobTableModel::isRunning(job))
        m_service->watchJob(m_jobRegion, m_jobId);
    else
        finish(job);
}

void SyncDialog::showJob(const console::SyncJobInfo& job) {
    m_job = job;
    m_title->setText(
        tr("%1: %2 → %3  (%4)")
            .arg(JobTableModel::kindText(job.kind), qs(job.from), qs(job.to), qs(job.id)));
    const QStringList scope = qsList(job.scope);
    m_scope->setText(
        tr("Scope: %1 · started by %2 at %3")
            .arg(scope.isEmpty() ? tr("everything the link carries")
                                 : scope.join(QStringLiteral(", ")),
                 job.startedBy.empty() ? tr("you") : qs(job.startedBy),
                 format::clock(job.startedAtMs > 0 ? job.startedAtMs : job.createdAtMs)));
    const bool indeterminate = JobTableModel::isRunning(job) && job.percent <= 0 && job.total <= 0;
    if (indeterminate) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 100);
        m_progress->setValue(static_cast<int>(job.percent));
    }
    m_rows->setText(
        job.total > 0
            ? tr("%1 of %2 rows · %3")
                  .arg(format::count(job.rows), format::count(job.total), format::bytes(job.bytes))
            : tr("%1 rows · %2").arg(format::count(job.rows), format::bytes(job.bytes)));
    QStringList detail;
    if (JobTableModel::isRunning(job) && job.etaSeconds > 0)
        detail << tr("about %1 left").arg(format::seconds(job.etaSeconds));
    if (job.costUsd > 0)
        detail << tr("cost %1").arg(format::usd(job.costUsd));
    else
        detail << tr("estimated cost %1").arg(format::usd(job.estimatedCostUsd));
    if (job.residencyRefused > 0)
        detail << JobTableModel::residencyText(job);
    m_detail->setText(detail.join(QStringLiteral(" · ")));
    if (JobTableModel::isRunning(job)) {
        m_state->setText(JobTableModel::stateText(job.state) + QStringLiteral("…"));
        setColor(m_state, Theme::info());
    }
    emit jobChanged(job);
}

void SyncDialog::finish(const console::SyncJobInfo& job) {
    m_finished = true;
    showJob(job);
    m_progress->setRange(0, 100);
    if (job.state == console::SyncJobInfo::State::Succeeded)
        m_progress->setValue(100);
    QString text = JobTableModel::stateText(job.state);
    if (!job.message.empty())
        text += QStringLiteral(": ") + qs(job.message);
    m_state->setText(text);
    setColor(m_state, job.state == console::SyncJobInfo::State::Succeeded ? Theme::good()
                      : job.state == console::SyncJobInfo::State::Failed  ? Theme::bad()
                                                                          : Theme::warning());
    m_cancelJob->setEnabled(false);
    m_close->setToolTip(QString());
    m_close->setDefault(true);
    m_close->setFocus();
}

void SyncDialog::cancelJob() {
    if (m_jobId.isEmpty() || m_finished)
        return;
    m_cancelToken = m_service->cancelJob(m_jobRegion, m_jobId);
    m_cancelJob->setEnabled(false);
    m_state->setText(tr("Cancelling…"));
    setColor(m_state, Theme::warning());
}

void SyncDialog::onFailed(quint64 token, const QString& what, const QString& message) {
    if (token != 0 && token == m_startToken) {
        m_startToken = 0;
        m_pages->setCurrentIndex(0);
        m_hint->setText(tr("The sync did not start: %1").arg(message));
        setColor(m_hint, Theme::bad());
        m_start->setEnabled(true);
    } else if (token != 0 && token == m_cancelToken) {
        m_cancelToken = 0;
        m_cancelJob->setEnabled(!m_finished);
        m_state->setText(tr("Could not cancel: %1").arg(message));
        setColor(m_state, Theme::bad());
    } else if (token == 0 && !m_jobId.isEmpty() && what == QStringLiteral("watch:") + m_jobId &&
               !m_finished) {
        m_state->setText(tr("Lost contact with %1 (%2); the job may still be running there.")
                             .arg(m_jobRegion, message));
        setColor(m_state, Theme::bad());
    } else if (token != 0 && token == m_registryToken) {
        m_registryToken = 0;
        m_views->clear();
        m_views->addItem(
            tr("Feature views unavailable (%1): the sync covers everything").arg(message));
    }
}

}  // namespace meridian::ui
