#include "audit/erasedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "audit/erasuremodels.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"

namespace meridian::ui {

EraseDialog::EraseDialog(RegionService* service, QWidget* parent)
    : QDialog(parent), m_service(service) {
    setObjectName(QStringLiteral("eraseDialog"));
    setWindowTitle(tr("Erase an entity"));
    auto* intro = new QLabel(
        tr("Deletes the entity's online rows, offline history and changelog entries in every "
           "region, with the freed pages zeroed, so that nothing of it is left in the regions' "
           "files. Regions keep only a hash of the key, so that rows of it written before the "
           "erasure are never stored again. A region that is down is erased when it is back."),
        this);
    intro->setWordWrap(true);
    m_entity = new QLineEdit(this);
    m_entity->setObjectName(QStringLiteral("eraseEntity"));
    m_entity->setPlaceholderText(tr("user_id=1042"));
    m_entity->setToolTip(tr("Every join key of the views as key=value, separated by commas"));
    m_views = new QLineEdit(this);
    m_views->setObjectName(QStringLiteral("eraseViews"));
    m_views->setPlaceholderText(tr("every view keyed by exactly these join keys"));
    m_views->setToolTip(tr("project/view, separated by commas"));
    m_previewButton = new QPushButton(tr("Preview"), this);
    m_previewButton->setToolTip(tr("Ask every region what it holds of the entity"));
    auto* form = new QFormLayout;
    auto* entityRow = new QHBoxLayout;
    entityRow->addWidget(m_entity, 1);
    entityRow->addWidget(m_previewButton);
    form->addRow(tr("Entity"), entityRow);
    form->addRow(tr("Views"), m_views);

    m_model = new RegionErasureModel(this);
    DataTableOptions options;
    options.selection = QAbstractItemView::NoSelection;
    m_table = makeDataTable(m_model, QStringLiteral("erasePreview"), this, options);
    m_table->setMinimumHeight(150);
    m_table->hideColumn(RegionErasureModel::ErasedAt);
    m_table->hideColumn(RegionErasureModel::Log);
    m_status = new QLabel(tr("Give the entity, then Preview."), this);
    m_status->setWordWrap(true);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_eraseButton = m_buttons->addButton(tr("Erase…"), QDialogButtonBox::DestructiveRole);
    m_eraseButton->setEnabled(false);
    m_eraseButton->setToolTip(tr("Preview first: the erasure is confirmed from what it shows"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);
    resize(720, 440);

    connect(m_previewButton, &QPushButton::clicked, this, &EraseDialog::preview);
    connect(m_entity, &QLineEdit::returnPressed, this, &EraseDialog::preview);
    // An erasure is confirmed from the preview of exactly what it erases.
    auto stale = [this] {
        m_eraseButton->setEnabled(!m_previewedEntity.isEmpty() &&
                                  m_entity->text().trimmed() == m_previewedEntity &&
                                  views() == m_previewedViews);
    };
    connect(m_entity, &QLineEdit::textChanged, this, stale);
    connect(m_views, &QLineEdit::textChanged, this, stale);
    connect(m_eraseButton, &QPushButton::clicked, this, &EraseDialog::erase);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(service, &RegionService::erasurePreviewed, this, &EraseDialog::onPreview);
    connect(service, &RegionService::erasureStarted, this, &EraseDialog::onStarted);
    connect(service, &RegionService::failed, this, &EraseDialog::onFailed);
}

QStringList EraseDialog::views() const {
    QStringList out;
    for (const auto& v : m_views->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!v.trimmed().isEmpty())
            out << v.trimmed();
    return out;
}

QString EraseDialog::statusText() const {
    return m_status->text();
}

void EraseDialog::preview() {
    const QString entity = m_entity->text().trimmed();
    if (entity.isEmpty()) {
        m_status->setText(tr("Give the entity as key=value, e.g. user_id=1042."));
        return;
    }
    m_previewedEntity.clear();
    m_eraseButton->setEnabled(false);
    m_model->clear();
    m_status->setText(tr("Asking every region what it holds of %1…").arg(entity));
    m_previewedViews = views();
    m_previewToken = m_service->previewErasure(entity, m_previewedViews);
}

void EraseDialog::onPreview(quint64 token, const console::ErasurePreview& preview) {
    if (token != m_previewToken)
        return;
    m_previewToken = 0;
    m_preview = preview;
    m_previewedEntity = qs(preview.entity);
    m_model->setPreview(preview);
    m_table->resizeColumnsToContents();
    qint64 rows = 0;
    int holding = 0, down = 0;
    for (const auto& r : preview.regions) {
        rows += r.onlineRows() + r.offlineRows();
        holding += r.reachable && r.onlineRows() + r.offlineRows() > 0;
        down += !r.reachable;
    }
    const int viewCount = preview.regions.empty() ? 0 : [&] {
        for (const auto& r : preview.regions)
            if (r.reachable)
                return static_cast<int>(r.views.size());
        return 0;
    }();
    QString text = tr("%1: %2 in %3, across %4.")
                       .arg(m_previewedEntity, format::counted(rows, tr("row"), tr("rows")),
                            format::counted(holding, tr("region"), tr("regions")),
                            format::counted(viewCount, tr("view"), tr("views")));
    if (down > 0)
        text += QLatin1Char(' ') + tr("%1 down: erased when back.")
                                       .arg(format::counted(down, tr("region"), tr("regions")));
    m_status->setText(text);
    m_eraseButton->setEnabled(m_entity->text().trimmed() == m_previewedEntity &&
                              views() == m_previewedViews);
}

QString EraseDialog::confirmationText() const {
    QStringList lines;
    int viewCount = 0;
    for (const auto& r : m_preview.regions) {
        if (!r.reachable) {
            lines << tr("%1: down now; erased when it is back").arg(qs(r.region));
            continue;
        }
        viewCount = static_cast<int>(r.views.size());
        lines << tr("%1: %2, %3, and their log entries")
                     .arg(qs(r.region),
                          format::counted(r.onlineRows(), tr("online row"), tr("online rows")),
                          format::counted(r.offlineRows(), tr("offline row"), tr("offline rows")));
    }
    QStringList names;
    if (!m_previewedViews.isEmpty())
        names = m_previewedViews;
    else
        for (const auto& r : m_preview.regions)
            if (r.reachable) {
                for (const auto& v : r.views)
                    names << qs(v.view);
                break;
            }
    return tr("Erase %1 from %2 in %3?")
               .arg(m_previewedEntity, format::counted(viewCount, tr("view"), tr("views")),
                    format::counted(static_cast<qint64>(m_preview.regions.size()), tr("region"),
                                    tr("regions"))) +
           QStringLiteral("\n\n") + lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n") +
           tr("Views: %1").arg(names.join(QStringLiteral(", "))) + QStringLiteral("\n\n") +
           tr("This cannot be undone.");
}

void EraseDialog::erase() {
    if (m_previewedEntity.isEmpty())
        return;
    if (!m_preConfirmed) {
        QMessageBox box(QMessageBox::Warning, tr("Erase %1").arg(m_previewedEntity),
                        confirmationText(), QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("eraseConfirmation"));
        auto* go = box.addButton(tr("Erase everywhere"), QMessageBox::DestructiveRole);
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != go)
            return;
    }
    m_eraseButton->setEnabled(false);
    m_previewButton->setEnabled(false);
    m_status->setText(tr("Erasing %1…").arg(m_previewedEntity));
    m_eraseToken = m_service->erase(m_previewedEntity, m_previewedViews);
}

void EraseDialog::onStarted(quint64 token, const console::ErasureJobInfo& job) {
    if (token != m_eraseToken)
        return;
    m_eraseToken = 0;
    emit started(job);
    accept();
}

void EraseDialog::onFailed(quint64 token, const QString&, const QString& message) {
    if (token == 0 || (token != m_previewToken && token != m_eraseToken))
        return;
    const bool erasing = token == m_eraseToken;
    m_previewToken = m_eraseToken = 0;
    m_previewButton->setEnabled(true);
    m_status->setText(erasing ? tr("Not erased: %1").arg(message)
                              : tr("No preview: %1").arg(message));
}

}  // namespace meridian::ui
