#include "lineage/lineagepage.h"

#include <QCompleter>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPromise>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStringListModel>
#include <QThreadPool>
#include <QToolButton>
#include <QVBoxLayout>
#include <memory>

#include "common/consoleicons.h"
#include "common/displayformat.h"
#include "lineage/lineagedetailspane.h"
#include "lineage/lineagelegend.h"
#include "lineage/lineagescene.h"
#include "lineage/lineageview.h"

namespace meridian::ui {
namespace {

constexpr int kSidePanelWidth = 310;

bool sameGraph(const console::LineageGraph& a, const console::LineageGraph& b) {
    if (a.nodes.size() != b.nodes.size() || a.edges.size() != b.edges.size())
        return false;
    for (size_t i = 0; i < a.nodes.size(); ++i) {
        const auto& x = a.nodes[i];
        const auto& y = b.nodes[i];
        if (x.id != y.id || x.kind != y.kind || x.name != y.name || x.regions != y.regions)
            return false;
    }
    for (size_t i = 0; i < a.edges.size(); ++i) {
        const auto& x = a.edges[i];
        const auto& y = b.edges[i];
        if (x.from != y.from || x.to != y.to || x.crossesResidency != y.crossesResidency)
            return false;
    }
    return true;
}

QToolButton* toolButton(const QString& text, const QString& tip, QWidget* parent) {
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    b->setMinimumWidth(28);
    return b;
}

}  // namespace

LineagePage::LineagePage(RegionService* service, QWidget* parent)
    : Page(parent),
      m_service(service),
      m_scene(new LineageScene(this)),
      m_names(new QStringListModel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* bar = new QWidget(this);
    auto* barLayout = new QHBoxLayout(bar);
    barLayout->setContentsMargins(10, 6, 10, 6);
    barLayout->setSpacing(6);
    m_search = new QLineEdit(bar);
    m_search->setPlaceholderText(tr("Find a node (name)…  Enter jumps to the next match"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(300);
    auto* completer = new QCompleter(m_names, m_search);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_search->setCompleter(completer);
    barLayout->addWidget(m_search);
    auto* refreshButton = toolButton(tr("Refresh"), tr("Load the lineage again (F5)"), bar);
    barLayout->addWidget(refreshButton);
    m_summary = new QLabel(bar);
    m_summary->setTextFormat(Qt::RichText);
    barLayout->addWidget(m_summary, 1);
    auto* zoomOut = toolButton(QStringLiteral("−"), tr("Zoom out (-)"), bar);
    m_zoomLabel = new QLabel(QStringLiteral("100%"), bar);
    m_zoomLabel->setMinimumWidth(
        m_zoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("1000%")));
    m_zoomLabel->setAlignment(Qt::AlignCenter);
    auto* zoomIn = toolButton(QStringLiteral("+"), tr("Zoom in (+)"), bar);
    auto* fit = toolButton(tr("Fit"), tr("Show the whole graph (0)"), bar);
    auto* actual = toolButton(tr("100%"), tr("Actual size"), bar);
    barLayout->addWidget(zoomOut);
    barLayout->addWidget(m_zoomLabel);
    barLayout->addWidget(zoomIn);
    barLayout->addWidget(fit);
    barLayout->addWidget(actual);
    layout->addWidget(bar);
    auto* rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Plain);
    rule->setForegroundRole(QPalette::Mid);
    layout->addWidget(rule);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    m_view = new LineageView(splitter);
    m_view->setScene(m_scene);
    splitter->addWidget(m_view);

    auto* side = new QScrollArea(splitter);
    side->setWidgetResizable(true);
    side->setFrameShape(QFrame::NoFrame);
    side->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    side->setMinimumWidth(260);
    auto* sideBody = new QWidget(side);
    auto* sideLayout = new QVBoxLayout(sideBody);
    sideLayout->setContentsMargins(0, 0, 0, 8);
    m_details = new LineageDetailsPane(sideBody);
    sideLayout->addWidget(m_details, 1);
    auto* legendBox = new QGroupBox(tr("Legend"), sideBody);
    auto* legendLayout = new QVBoxLayout(legendBox);
    legendLayout->addWidget(new LineageLegend(legendBox));
    sideLayout->addWidget(legendBox);
    sideLayout->setContentsMargins(0, 0, 10, 10);
    side->setWidget(sideBody);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({900, kSidePanelWidth});
    layout->addWidget(splitter, 1);

    connect(refreshButton, &QToolButton::clicked, this, &LineagePage::refresh);
    auto* f5 = new QShortcut(QKeySequence::Refresh, this);
    f5->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f5, &QShortcut::activated, this, &LineagePage::refresh);
    connect(zoomIn, &QToolButton::clicked, m_view, [this] {
        m_view->setTransformationAnchor(QGraphicsView::AnchorViewCenter);
        m_view->zoomIn();
    });
    connect(zoomOut, &QToolButton::clicked, m_view, [this] {
        m_view->setTransformationAnchor(QGraphicsView::AnchorViewCenter);
        m_view->zoomOut();
    });
    connect(fit, &QToolButton::clicked, m_view, &LineageView::fit);
    connect(actual, &QToolButton::clicked, m_view, [this] {
        m_view->setTransformationAnchor(QGraphicsView::AnchorViewCenter);
        m_view->setZoom(1.0);
    });
    connect(m_view, &LineageView::zoomChanged, this, &LineagePage::updateZoomLabel);
    connect(m_view, &LineageView::clicked, this,
            [this](const QPointF& pos) { selectNode(m_scene->nodeAt(pos)); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] { findNode(m_search->text()); });
    connect(completer, qOverload<const QString&>(&QCompleter::activated), this,
            [this](const QString& text) { findNode(text); });

    connect(m_service, &RegionService::lineageLoaded, this, &LineagePage::onLineage);
    connect(m_service, &RegionService::registryListed, this, &LineagePage::onRegistry);
    connect(m_service, &RegionService::failed, this, &LineagePage::onFailed);

    QHash<QString, QString> jurisdictions;
    for (const auto& r : m_service->layout().regions)
        jurisdictions.insert(QString::fromStdString(r.name),
                             QString::fromStdString(r.jurisdiction));
    m_scene->setJurisdictions(jurisdictions);
    m_view->setOverlayText(tr("Lineage not loaded yet"));
    updateSummary();
}

LineagePage::~LineagePage() = default;

QIcon LineagePage::icon() const {
    return ConsoleIcons::page(QStringLiteral("lineage"));
}

void LineagePage::activate() {
    refresh();
}

void LineagePage::refresh() {
    m_lineageToken = m_service->lineage(QString());
    // The registry tells where each source's data originates, for crossing explanations.
    m_registryToken = m_service->listRegistry(QString());
    if (!m_hasData)
        m_view->setOverlayText(tr("Loading lineage…"));
    emit message(tr("Loading lineage…"));
}

void LineagePage::onFailed(quint64 token, const QString& what, const QString& message) {
    if (token == m_registryToken) {
        m_registryToken = 0;
        return;  // explanations fall back to the view's jurisdictions
    }
    if (token != m_lineageToken)
        return;
    m_lineageToken = 0;
    if (!m_hasData)
        m_view->setOverlayText(tr("Could not load the lineage: %1").arg(message));
    emit this->message(tr("Lineage (%1) failed: %2").arg(what, message));
}

void LineagePage::onRegistry(quint64 token, const QVector<console::RegistryEntry>& entries) {
    if (token != m_registryToken)
        return;
    m_registryToken = 0;
    m_origins.clear();
    for (const auto& e : entries) {
        if (e.kind != console::ObjectKind::DataSource)
            continue;
        for (const auto& [label, value] : e.fields) {
            if (label == "Origin region" && !value.empty()) {
                m_origins.insert(
                    QStringLiteral("data_source:%1/%2")
                        .arg(QString::fromStdString(e.project), QString::fromStdString(e.name)),
                    QString::fromStdString(value));
            }
        }
    }
    m_scene->setSourceOrigins(m_origins);
    if (m_details->shownNode() >= 0)
        m_details->showNode(m_scene, m_details->shownNode());
}

void LineagePage::onLineage(quint64 token, const console::LineageGraph& graph) {
    if (token != m_lineageToken)
        return;
    m_lineageToken = 0;
    if (m_hasData && !m_layingOut && sameGraph(graph, m_scene->graph())) {
        emit message(tr("Lineage unchanged"));
        return;  // the picture on screen is still right: no layout, the view stays where it is
    }
    startLayout(graph);
}

void LineagePage::startLayout(const console::LineageGraph& graph) {
    const quint64 generation = ++m_layoutGeneration;
    m_layingOut = true;
    const QString text =
        tr("Laying out %1 nodes…").arg(format::count(static_cast<qint64>(graph.nodes.size())));
    m_view->setOverlayText(text);
    emit message(text);

    // Sizes need the GUI's fonts; the layout itself is plain data and runs on the pool.
    const QVector<QSizeF> sizes = m_scene->nodeSizes(graph);
    auto promise = std::make_shared<QPromise<LineageLayoutResult>>();
    QFuture<LineageLayoutResult> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, graph, sizes] {
        promise->addResult(LineageLayout::compute(graph, sizes));
        promise->finish();
    });
    auto* watcher = new QFutureWatcher<LineageLayoutResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, graph] {
        watcher->deleteLater();
        if (generation != m_layoutGeneration)
            return;  // a newer graph is being laid out
        m_layingOut = false;
        showLayout(graph, watcher->result());
    });
    watcher->setFuture(future);
}

void LineagePage::showLayout(const console::LineageGraph& graph,
                             const LineageLayoutResult& layout) {
    if (!layout.error.isEmpty()) {
        m_view->setOverlayText(layout.error);
        emit message(layout.error);
        return;
    }
    const QString focusedId = m_scene->focusNode() >= 0
                                  ? QString::fromStdString(m_scene->node(m_scene->focusNode()).id)
                                  : QString();
    const bool first = !m_hasData;
    m_scene->build(graph, layout);
    m_hasData = true;
    QStringList names;
    for (const auto& n : graph.nodes)
        names << QString::fromStdString(n.name);
    names.removeDuplicates();
    names.sort(Qt::CaseInsensitive);
    m_names->setStringList(names);
    m_view->setOverlayText(graph.nodes.empty() ? tr("The registry has no lineage yet: apply a "
                                                    "feature repository to see it here.")
                                               : QString());
    if (first)
        m_view->fit();
    const int again = m_scene->indexOf(focusedId);
    m_scene->setFocusNode(again);
    m_details->showNode(m_scene, again);
    updateSummary();
    emit message(tr("Lineage: %1 nodes laid out in %2 s")
                     .arg(format::count(m_scene->nodeCount()))
                     .arg(layout.seconds, 0, 'f', 2));
    emit graphShown();
}

void LineagePage::selectNode(int index) {
    m_scene->setFocusNode(index);
    m_details->showNode(m_scene, m_scene->focusNode());
    if (m_scene->focusNode() >= 0) {
        const auto& n = m_scene->node(m_scene->focusNode());
        emit message(tr("%1 %2: %3 upstream, %4 downstream")
                         .arg(lineagestyle::kindName(n.kind), QString::fromStdString(n.name))
                         .arg(m_scene->upstreamOf(index).size())
                         .arg(m_scene->downstreamOf(index).size()));
    }
}

bool LineagePage::findNode(const QString& text) {
    const QVector<int> hits = m_scene->findNodes(text);
    if (hits.isEmpty()) {
        emit message(tr("No node matches “%1”").arg(text));
        return false;
    }
    m_searchHit = text == m_lastSearch ? (m_searchHit + 1) % hits.size() : 0;
    m_lastSearch = text;
    const int index = hits[m_searchHit];
    selectNode(index);
    m_view->reveal(m_scene->nodeRect(index));
    emit message(tr("Match %1 of %2 for “%3”").arg(m_searchHit + 1).arg(hits.size()).arg(text));
    return true;
}

void LineagePage::updateZoomLabel(qreal zoom) {
    m_zoomLabel->setText(QStringLiteral("%1%").arg(qRound(zoom * 100)));
}

void LineagePage::updateSummary() {
    if (!m_hasData) {
        m_summary->clear();
        return;
    }
    int crossings = 0;
    for (const auto* e : m_scene->edgeItems())
        crossings += e->crossesResidency() ? 1 : 0;
    QString text = tr("%1 nodes · %2 edges")
                       .arg(format::count(m_scene->nodeCount()))
                       .arg(format::count(m_scene->edgeCount()));
    if (crossings > 0) {
        text += QStringLiteral(" · <span style=\"color:%1\">%2</span>")
                    .arg(m_scene->colors().crossing.name(),
                         crossings == 1 ? tr("1 residency crossing")
                                        : tr("%1 residency crossings").arg(crossings));
    }
    m_summary->setText(QStringLiteral("&nbsp;&nbsp;") + text);
}

}  // namespace meridian::ui
