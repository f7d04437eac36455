#include "registry/registrypage.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "registry/registrydetailspane.h"
#include "registry/registrydiffmodel.h"
#include "registry/registryfiltermodel.h"
#include "registry/registrytreemodel.h"
#include "registry/registryversionmodel.h"

namespace meridian::ui {
namespace {

QLabel* heading(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setContentsMargins(2, 6, 2, 2);
    return l;
}

}  // namespace

RegistryPage::RegistryPage(RegionService* service, QWidget* parent)
    : Page(parent),
      m_service(service),
      m_model(new RegistryTreeModel(this)),
      m_filter(new RegistryFilterModel(this)),
      m_versions(new RegistryVersionModel(this)),
      m_diff(new RegistryDiffModel(this)) {
    m_filter->setSourceModel(m_model);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    // Left: where to read the registry from, the search box and the tree.
    auto* left = new QWidget(splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(10, 10, 6, 10);
    leftLayout->setSpacing(6);
    auto* sourceRow = new QHBoxLayout;
    sourceRow->addWidget(new QLabel(tr("Registry of"), left));
    m_region = new QComboBox(left);
    m_region->addItem(tr("the control region"), QString());
    QHash<QString, QString> jurisdictions;
    for (const auto& r : m_service->layout().regions) {
        m_region->addItem(ConsoleIcons::cloud(qs(r.cloud)), qs(r.name), qs(r.name));
        jurisdictions.insert(qs(r.name), qs(r.jurisdiction));
    }
    sourceRow->addWidget(m_region, 1);
    leftLayout->addLayout(sourceRow);
    m_search = new QLineEdit(left);
    m_search->setPlaceholderText(tr("Search name, owner, tags, description"));
    m_search->setClearButtonEnabled(true);
    leftLayout->addWidget(m_search);
    m_tree = new QTreeView(left);
    m_tree->setModel(m_filter);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->header()->setStretchLastSection(false);
    // Names in full; the owner column takes what is left and elides.
    for (int c = RegistryTreeModel::NameColumn; c < RegistryTreeModel::ColumnCount; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(RegistryTreeModel::OwnerColumn, QHeaderView::Stretch);
    leftLayout->addWidget(m_tree, 1);
    m_count = new QLabel(left);
    m_count->setForegroundRole(QPalette::PlaceholderText);
    leftLayout->addWidget(m_count);
    splitter->addWidget(left);

    // Right: details, history with diff, spec.
    m_tabs = new QTabWidget(splitter);
    m_tabs->setDocumentMode(true);
    auto* detailsScroll = new QScrollArea(m_tabs);
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::NoFrame);
    m_details = new RegistryDetailsPane(detailsScroll);
    m_details->setJurisdictions(jurisdictions);
    detailsScroll->setWidget(m_details);
    m_tabs->addTab(detailsScroll, tr("Details"));

    auto* history = new QWidget(m_tabs);
    auto* historyLayout = new QVBoxLayout(history);
    historyLayout->setContentsMargins(10, 6, 10, 10);
    auto* historySplit = new QSplitter(Qt::Vertical, history);
    auto* versionsBox = new QWidget(historySplit);
    auto* versionsLayout = new QVBoxLayout(versionsBox);
    versionsLayout->setContentsMargins(0, 0, 0, 0);
    versionsLayout->addWidget(
        heading(tr("<b>Versions</b> — select one to compare it with the version before it, or two "
                   "(Ctrl+click) to compare them"),
                versionsBox));
    m_versionTable =
        makeDataTable(m_versions, QString(), versionsBox, {.look = DataTableOptions::Look::Plain});
    m_versionTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    versionsLayout->addWidget(m_versionTable);
    auto* diffBox = new QWidget(historySplit);
    auto* diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    m_diffTitle = heading(QString(), diffBox);
    diffLayout->addWidget(m_diffTitle);
    m_diffTable = makeDataTable(m_diff, QString(), diffBox,
                                {.look = DataTableOptions::Look::Plain,
                                 .selection = QAbstractItemView::SingleSelection,
                                 .stretchLastColumn = false});
    m_diffTable->setWordWrap(true);
    m_diffTable->horizontalHeader()->setSectionResizeMode(RegistryDiffModel::ChangeColumn,
                                                          QHeaderView::ResizeToContents);
    m_diffTable->horizontalHeader()->setSectionResizeMode(RegistryDiffModel::PathColumn,
                                                          QHeaderView::ResizeToContents);
    m_diffTable->horizontalHeader()->setSectionResizeMode(RegistryDiffModel::BeforeColumn,
                                                          QHeaderView::Stretch);
    m_diffTable->horizontalHeader()->setSectionResizeMode(RegistryDiffModel::AfterColumn,
                                                          QHeaderView::Stretch);
    m_diffTable->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    diffLayout->addWidget(m_diffTable);
    historySplit->addWidget(versionsBox);
    historySplit->addWidget(diffBox);
    historySplit->setSizes({200, 300});
    historyLayout->addWidget(historySplit);
    m_tabs->addTab(history, tr("History && diff"));

    auto* specPage = new QWidget(m_tabs);
    auto* specLayout = new QVBoxLayout(specPage);
    specLayout->setContentsMargins(10, 6, 10, 10);
    m_specTitle = heading(QString(), specPage);
    specLayout->addWidget(m_specTitle);
    m_spec = new QPlainTextEdit(specPage);
    m_spec->setReadOnly(true);
    m_spec->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(std::max(9.0, m_spec->font().pointSizeF()));
    m_spec->setFont(mono);
    specLayout->addWidget(m_spec);
    m_tabs->addTab(specPage, tr("Spec"));
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({560, 640});

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setSearchText(text);
        m_tree->expandAll();
        m_count->setText(text.trimmed().isEmpty()
                             ? tr("%1 objects").arg(m_model->entries().size())
                             : tr("Showing the objects that match “%1”").arg(text.trimmed()));
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &RegistryPage::onTreeSelection);
    connect(m_versionTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RegistryPage::onVersionSelection);
    connect(m_region, &QComboBox::currentIndexChanged, this, &RegistryPage::refresh);
    auto* f5 = new QShortcut(QKeySequence::Refresh, this);
    f5->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f5, &QShortcut::activated, this, &RegistryPage::refresh);
    connect(m_service, &RegionService::registryListed, this, &RegistryPage::onListed);
    connect(m_service, &RegionService::historyLoaded, this, &RegistryPage::onHistory);
    connect(m_service, &RegionService::diffLoaded, this, &RegistryPage::onDiff);
    connect(m_service, &RegionService::failed, this, &RegistryPage::onFailed);
    showSpec(nullptr, true);
    m_diffTitle->setText(tr("<b>Changes</b>"));
}

QIcon RegistryPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("registry"));
}

void RegistryPage::activate() {
    refresh();
}

void RegistryPage::refresh() {
    m_listToken = m_service->listRegistry(m_region->currentData().toString());
    emit message(tr("Listing the registry of %1…").arg(m_region->currentText()));
}

void RegistryPage::onFailed(quint64 token, const QString& what, const QString& message) {
    if (token == m_listToken) {
        m_listToken = 0;
        m_count->setText(tr("Could not list the registry: %1").arg(message));
    } else if (token == m_historyToken) {
        m_historyToken = 0;
    } else if (token == m_diffToken) {
        m_diffToken = 0;
        m_diffTitle->setText(
            tr("<b>Changes</b> — could not compare: %1").arg(message.toHtmlEscaped()));
    } else {
        return;
    }
    emit this->message(tr("Registry (%1) failed: %2").arg(what, message));
}

void RegistryPage::onListed(quint64 token, const QVector<console::RegistryEntry>& entries) {
    if (token != m_listToken)
        return;
    m_listToken = 0;
    QString keep = m_selectedKey;
    if (!m_hasData) {
        // First answer: open on the first feature view rather than an empty details pane.
        for (const auto& e : entries) {
            if (e.kind == console::ObjectKind::FeatureView) {
                keep = RegistryTreeModel::keyOf(e);
                break;
            }
        }
    }
    m_model->setEntries(entries);
    m_hasData = true;
    m_tree->expandAll();
    QSet<QString> projects;
    for (const auto& e : entries)
        projects.insert(qs(e.kind == console::ObjectKind::Project ? e.name : e.project));
    m_count->setText(tr("%1 objects in %2 project(s)").arg(entries.size()).arg(projects.size()));
    if (keep.isEmpty() || !selectKey(keep)) {
        m_selectedKey.clear();
        onTreeSelection();
    }
    emit message(tr("Registry: %1 objects").arg(entries.size()));
}

bool RegistryPage::selectKey(const QString& key) {
    const QModelIndex source = m_model->indexOfKey(key);
    const QModelIndex proxy = m_filter->mapFromSource(source);
    if (!proxy.isValid())
        return false;
    m_tree->scrollTo(proxy);
    m_tree->selectionModel()->setCurrentIndex(
        proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    // Re-selecting the same row emits nothing; refresh what depends on it anyway.
    if (m_selectedKey == key)
        onTreeSelection();
    return true;
}

const console::RegistryEntry* RegistryPage::selectedEntry() const {
    return m_model->entryAt(m_filter->mapToSource(m_tree->currentIndex()));
}

void RegistryPage::onTreeSelection() {
    const console::RegistryEntry* e = selectedEntry();
    m_selectedKey = e ? RegistryTreeModel::keyOf(*e) : QString();
    m_details->showEntry(e);
    showSpec(e, true);
    m_versions->clear();
    m_diff->clear();
    m_diffToken = 0;
    if (!e) {
        m_historyToken = 0;
        m_diffTitle->setText(tr("<b>Changes</b>"));
        return;
    }
    m_diffTitle->setText(tr("<b>Changes</b> — loading the history of %1…").arg(qs(e->name)));
    m_historyToken = m_service->history(e->kind, qs(e->project), qs(e->name));
}

void RegistryPage::onHistory(quint64 token, const QVector<console::RegistryEntry>& versions) {
    if (token != m_historyToken)
        return;
    m_historyToken = 0;
    m_versions->setVersions(versions);
    if (versions.size() < 2) {
        m_diffTitle->setText(
            versions.isEmpty()
                ? tr("<b>Changes</b> — no history recorded")
                : tr("<b>Changes</b> — only one version so far: nothing to compare"));
        return;
    }
    // The latest change is what a reviewer looks at first: the newest two, compared.
    auto* selection = m_versionTable->selectionModel();
    QItemSelection rows;
    rows.select(m_versions->index(0, 0),
                m_versions->index(1, RegistryVersionModel::ColumnCount - 1));
    selection->select(rows, QItemSelectionModel::ClearAndSelect);
}

void RegistryPage::onVersionSelection() {
    const console::RegistryEntry* object = selectedEntry();
    QVector<int> rows;
    for (const auto& index : m_versionTable->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    if (!object || rows.isEmpty()) {
        showSpec(object, true);
        return;
    }
    // Rows are newest first: the last selected row is the older version.
    int newer = rows.first();
    int older = rows.size() > 1 ? rows.last() : rows.first() + 1;
    showSpec(&m_versions->versionAt(newer), newer == 0);
    if (older >= m_versions->rowCount()) {
        m_diff->clear();
        m_diffToken = 0;
        m_diffTitle->setText(tr("<b>Changes</b> — v%1 is the first version")
                                 .arg(m_versions->versionAt(newer).version));
        return;
    }
    const qint64 from = m_versions->versionAt(older).version;
    const qint64 to = m_versions->versionAt(newer).version;
    m_diffTitle->setText(tr("<b>Changes from v%1 to v%2</b> — loading…").arg(from).arg(to));
    m_diffToken = m_service->diff(object->kind, qs(object->project), qs(object->name), from, to);
}

void RegistryPage::onDiff(quint64 token, const QVector<console::FieldDiff>& changes) {
    if (token != m_diffToken)
        return;
    m_diffToken = 0;
    m_diff->setChanges(changes);
    QString title = m_diffTitle->text();
    title.replace(QStringLiteral(" — loading…"), QString());
    int counts[3] = {0, 0, 0};
    for (const auto& c : changes)
        ++counts[static_cast<int>(c.change)];
    title += changes.isEmpty()
                 ? tr(" — no differences in the spec")
                 : tr(" — <span style=\"color:%1\">%2 added</span>, <span style=\"color:%3\">%4 "
                      "removed</span>, <span style=\"color:%5\">%6 modified</span>")
                       .arg(Theme::good().name())
                       .arg(counts[0])
                       .arg(Theme::bad().name())
                       .arg(counts[1])
                       .arg(Theme::warning().name())
                       .arg(counts[2]);
    m_diffTitle->setText(title);
    m_diffTable->resizeRowsToContents();
}

void RegistryPage::showSpec(const console::RegistryEntry* entry, bool current) {
    if (!entry) {
        m_specTitle->setText(tr("<b>Spec</b> — select an object"));
        m_spec->clear();
        return;
    }
    m_specTitle->setText(
        current ? tr("<b>Spec of %1, v%2</b> (current)").arg(qs(entry->name)).arg(entry->version)
                : tr("<b>Spec of %1, v%2</b> (an older version)")
                      .arg(qs(entry->name))
                      .arg(entry->version));
    m_spec->setPlainText(qs(entry->text));
}

}  // namespace meridian::ui
