#include "audit/auditpage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

#include "audit/audittablemodel.h"
#include "audit/erasurespanel.h"
#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"

namespace meridian::ui {
namespace {

struct Window {
    const char* label;
    qint64 ms;
};
constexpr Window kWindows[] = {{QT_TRANSLATE_NOOP("AuditPage", "Last hour"), 3'600'000LL},
                               {QT_TRANSLATE_NOOP("AuditPage", "Last 24 hours"), 86'400'000LL},
                               {QT_TRANSLATE_NOOP("AuditPage", "Last 7 days"), 7 * 86'400'000LL},
                               {QT_TRANSLATE_NOOP("AuditPage", "Last 30 days"), 30 * 86'400'000LL}};

}  // namespace

AuditPage::AuditPage(RegionService* service, QWidget* parent) : Page(parent), m_service(service) {
    setObjectName(QStringLiteral("audit"));
    m_model = new AuditTableModel(this);
    m_proxy = new AuditFilterModel(this);
    m_proxy->setSourceModel(m_model);

    m_summary = new QLabel(tr("Asking the regions for their audit logs…"), this);
    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("auditWindow"));
    for (const auto& w : kWindows)
        m_window->addItem(tr(w.label), w.ms);
    m_window->setCurrentIndex(1);
    m_principal = new QComboBox(this);
    m_principal->setObjectName(QStringLiteral("auditPrincipal"));
    m_action = new QComboBox(this);
    m_action->setObjectName(QStringLiteral("auditAction"));
    m_region = new QComboBox(this);
    m_region->setObjectName(QStringLiteral("auditRegion"));
    for (auto* box : {m_principal, m_action, m_region}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMinimumContentsLength(10);
    }
    fillChoices(m_principal, {});
    fillChoices(m_action, {});
    fillChoices(m_region, {});
    m_principal->setToolTip(tr("Only this principal's entries"));
    m_action->setToolTip(tr("Only this action"));
    m_region->setToolTip(tr("Only entries this region recorded"));
    m_denied = new QCheckBox(tr("Refused only"), this);
    m_denied->setToolTip(tr("Only calls refused with UNAUTHENTICATED or PERMISSION_DENIED"));
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter (target, result, request id)…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(200);
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setToolTip(tr("Write the rows shown to a CSV file"));

    auto* filters = new QHBoxLayout;
    filters->setSpacing(8);
    filters->addWidget(m_window);
    filters->addWidget(new QLabel(tr("Principal"), this));
    filters->addWidget(m_principal);
    filters->addWidget(new QLabel(tr("Action"), this));
    filters->addWidget(m_action);
    filters->addWidget(new QLabel(tr("Region"), this));
    filters->addWidget(m_region);
    filters->addWidget(m_denied);
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_export);

    m_view = makeDataTable(m_proxy, QStringLiteral("auditLog"), this);
    m_view->sortByColumn(AuditTableModel::Time, Qt::DescendingOrder);
    m_view->horizontalHeader()->setSectionResizeMode(AuditTableModel::Result, QHeaderView::Stretch);
    auto* empty = new QLabel(tr("No audit entries in this window."), this);
    empty->setAlignment(Qt::AlignCenter);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_view);
    m_stack->addWidget(empty);

    auto* log = new QWidget(this);
    auto* logLayout = new QVBoxLayout(log);
    logLayout->setContentsMargins(0, 8, 0, 0);
    logLayout->setSpacing(8);
    logLayout->addWidget(m_summary);
    logLayout->addLayout(filters);
    logLayout->addWidget(m_stack, 1);
    m_erasures = new ErasuresPanel(service, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(log, tr("Log"));
    m_tabs->addTab(m_erasures, tr("Erasures"));
    m_tabs->setTabToolTip(1, tr("Entities erased in every region (right to be forgotten)"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(0);
    layout->addWidget(m_tabs, 1);
    connect(m_erasures, &ErasuresPanel::message, this, &Page::message);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == 1)
            m_erasures->refresh();
    });

    auto choose = [this](QComboBox* box, void (AuditFilterModel::*set)(const QString&)) {
        connect(box, &QComboBox::currentIndexChanged, this, [this, box, set] {
            (m_proxy->*set)(box->currentData().toString());
            updateSummary();
        });
    };
    choose(m_principal, &AuditFilterModel::setPrincipal);
    choose(m_action, &AuditFilterModel::setAction);
    choose(m_region, &AuditFilterModel::setRegion);
    connect(m_denied, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setDeniedOnly(on);
        updateSummary();
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        updateSummary();
    });
    connect(m_window, &QComboBox::currentIndexChanged, this, &AuditPage::refresh);
    connect(m_export, &QPushButton::clicked, this, &AuditPage::exportWithDialog);
    connect(service, &RegionService::auditListed, this, &AuditPage::onEntries);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) {
                if (token == 0 || token != m_token)
                    return;
                m_token = 0;
                m_summary->setText(tr("Audit logs unavailable: %1").arg(text));
                emit message(tr("Audit logs unavailable: %1").arg(text));
            });
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_timer.start();
    updateSummary();
}

QIcon AuditPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("audit"));
}

void AuditPage::activate() {
    refresh();
    m_erasures->refresh();
}

void AuditPage::showView(const QString& view) {
    m_tabs->setCurrentIndex(view == QStringLiteral("erasures") ? 1 : 0);
}

void AuditPage::setIdentity(const console::Identity& identity) {
    m_erasures->setIdentity(identity);
}

void AuditPage::refresh() {
    const qint64 window = m_window->currentData().toLongLong();
    m_token = m_service->audit(QDateTime::currentMSecsSinceEpoch() - window);
}

void AuditPage::fillChoices(QComboBox* box, const QStringList& values) {
    const QString current = box->currentData().toString();
    QSignalBlocker block(box);
    box->clear();
    box->addItem(tr("All"), QString());
    for (const auto& v : values)
        box->addItem(v, v);
    // A choice that has no entries left stays, so that a refresh never changes the filter.
    if (!current.isEmpty() && !values.contains(current))
        box->addItem(current, current);
    box->setCurrentIndex(std::max(0, box->findData(current)));
}

void AuditPage::sizeColumns() {
    using C = AuditTableModel;
    const QFontMetrics fm(m_view->font());
    auto fit = [&](int column, const QString& sample, int extra = 0, int cap = 0) {
        m_view->resizeColumnToContents(column);
        int w = std::max({m_view->columnWidth(column), fm.horizontalAdvance(sample) + 18 + extra,
                          m_view->horizontalHeader()->sectionSizeHint(column)});
        if (cap > 0)
            w = std::min(w, cap);
        m_view->setColumnWidth(column, w);
    };
    fit(C::Time, QStringLiteral("2026-12-31 23:59"));
    fit(C::Region, QStringLiteral("aws-eu-west-1"), 0, 170);
    fit(C::Principal, QStringLiteral("unauthenticated"), 0, 160);
    fit(C::Action, QStringLiteral("refused: Registry.Apply"), 22, 260);
    fit(C::Target, QStringLiteral("feature view commerce/user_stats"), 0, 260);
    fit(C::Request, QStringLiteral("aws-us-east-1-1234"), 0, 200);
}

void AuditPage::onEntries(quint64 token, const QVector<console::AuditEntryInfo>& entries) {
    if (token != m_token)
        return;
    m_token = 0;
    const bool first = !m_haveEntries;
    m_haveEntries = true;
    m_model->setEntries(entries);
    if (first)
        sizeColumns();
    std::set<QString> principals, actions, regions;
    for (const auto& e : entries) {
        principals.insert(qs(e.principal));
        actions.insert(qs(e.action));
        regions.insert(qs(e.region));
    }
    fillChoices(m_principal, QStringList(principals.begin(), principals.end()));
    fillChoices(m_action, QStringList(actions.begin(), actions.end()));
    fillChoices(m_region, QStringList(regions.begin(), regions.end()));
    updateSummary();
}

void AuditPage::updateSummary() {
    if (!m_haveEntries)
        return;
    int refused = 0;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        refused += m_proxy->index(row, 0).data(AuditTableModel::kDeniedRole).toBool();
    const int shown = m_proxy->rowCount();
    m_summary->setText(
        tr("%1 of %2 entries shown · %3 refused calls among them")
            .arg(format::count(shown), format::count(m_model->rowCount()), format::count(refused)));
    m_stack->setCurrentIndex(shown == 0 ? 1 : 0);
    m_export->setEnabled(shown > 0);
}

bool AuditPage::exportCsv(const QString& path, QString* error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    file.write(m_proxy->toCsv().toUtf8());
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void AuditPage::exportWithDialog() {
    const QString suggested =
        QStringLiteral("meridian-audit-%1.csv")
            .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmm")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the audit log"), suggested,
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error)) {
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), error));
        return;
    }
    emit message(tr("Wrote %1 audit entries to %2")
                     .arg(format::count(m_proxy->rowCount()), QDir::toNativeSeparators(path)));
}

}  // namespace meridian::ui
