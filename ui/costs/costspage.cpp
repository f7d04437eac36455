#include "costs/costspage.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "bridge/deploymentmonitor.h"
#include "common/consoleicons.h"
#include "common/datatable.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "common/theme.h"
#include "costs/costchart.h"
#include "costs/costformat.h"
#include "costs/costlinkmodel.h"
#include "costs/costviewmodel.h"
#include "costs/costwhatifpanel.h"

namespace meridian::ui {
namespace {

// A figure on a rounded card, like the Overview's region cards.
class FigureCard : public QFrame {
public:
    using QFrame::QFrame;

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(palette().color(QPalette::Base));
        p.drawRoundedRect(r, 6, 6);
    }
};

QSortFilterProxyModel* makeProxy(QAbstractItemModel* source, int sortRole, QObject* parent) {
    auto* proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(sortRole);
    proxy->setFilterKeyColumn(-1);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    return proxy;
}

}  // namespace

CostsPage::CostsPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent)
    : Page(parent), m_service(service), m_monitor(monitor) {
    setObjectName(QStringLiteral("costs"));
    m_links = new CostLinkModel(this);
    m_links->setColorOf(
        [monitor](const QString& key) { return Theme::series(monitor->linkIndex(key)); });
    m_views = new CostViewModel(this);
    m_linkProxy = makeProxy(m_links, CostLinkModel::kSortRole, this);
    m_viewProxy = makeProxy(m_views, CostViewModel::kSortRole, this);

    // The bar: what the figures are, a filter for both tables, the window.
    m_summary = new QLabel(tr("Asking the regions what they sent…"), this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("costFilter"));
    m_filter->setPlaceholderText(tr("Filter links and views…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(220);
    m_windowBox = new QComboBox(this);
    m_windowBox->setObjectName(QStringLiteral("costWindow"));
    for (Window w : {Window::LastHour, Window::Last24Hours, Window::Last7Days})
        m_windowBox->addItem(windowText(w), static_cast<int>(w));
    m_windowBox->setCurrentIndex(static_cast<int>(m_window));
    m_windowBox->setToolTip(tr("The time the tables, totals and what-ifs cover"));
    auto* windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_windowBox);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_filter);
    bar->addSpacing(8);
    bar->addWidget(windowLabel);
    bar->addWidget(m_windowBox);

    auto* cards = new QHBoxLayout;
    cards->setSpacing(10);
    cards->addWidget(card(tr("Egress cost"), &m_total, &m_totalDetail), 1);
    m_windowCaption = m_cards.last()->findChild<QLabel*>(QStringLiteral("caption"));
    cards->addWidget(card(tr("Per day"), &m_perDay, &m_perDayDetail), 1);
    cards->addWidget(card(tr("Projected, next 30 days"), &m_projection, &m_projectionDetail), 1);
    cards->addWidget(card(tr("Saved by compression"), &m_compression, &m_compressionDetail), 1);
    m_projection->setObjectName(QStringLiteral("projection"));

    const DataTableOptions costTable{.elide = Qt::ElideMiddle, .stretchLastColumn = false};
    m_linkView = makeDataTable(m_linkProxy, QStringLiteral("costLinks"), this, costTable);
    m_linkView->sortByColumn(CostLinkModel::Cost, Qt::DescendingOrder);
    m_linkView->horizontalHeader()->setSectionResizeMode(CostLinkModel::PriceClass,
                                                         QHeaderView::Stretch);
    m_viewView = makeDataTable(m_viewProxy, QStringLiteral("costViews"), this, costTable);
    m_viewView->sortByColumn(CostViewModel::Cost, Qt::DescendingOrder);
    m_viewView->horizontalHeader()->setSectionResizeMode(CostViewModel::View, QHeaderView::Stretch);

    m_pricing = new QLabel(this);
    m_pricing->setWordWrap(true);
    m_pricing->setTextFormat(Qt::RichText);
    m_pricing->setOpenExternalLinks(true);
    m_pricing->setTextInteractionFlags(Qt::TextBrowserInteraction);
    auto* linkBox = new QWidget(this);
    auto* linkColumn = new QVBoxLayout(linkBox);
    linkColumn->setContentsMargins(0, 0, 0, 0);
    linkColumn->setSpacing(6);
    linkColumn->addWidget(m_linkView, 1);
    linkColumn->addWidget(m_pricing);

    m_chart = new CostChart(this);
    m_chart->setObjectName(QStringLiteral("costChart"));
    m_chartCaption = new QLabel(this);
    m_whatIf = new CostWhatIfPanel(this);
    m_whatIf->setObjectName(QStringLiteral("whatIf"));

    auto* tables = new QSplitter(Qt::Vertical, this);
    tables->setChildrenCollapsible(false);
    tables->addWidget(section(tr("Egress per link"), linkBox));
    tables->addWidget(section(tr("Egress per feature view"), m_viewView));
    tables->setStretchFactor(0, 3);
    tables->setStretchFactor(1, 2);
    auto* side = new QSplitter(Qt::Vertical, this);
    side->setChildrenCollapsible(false);
    side->addWidget(section(tr("Cost per hour, last 24 hours"), m_chart, m_chartCaption));
    side->addWidget(section(tr("What if…"), m_whatIf));
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 2);
    auto* columns = new QSplitter(Qt::Horizontal, this);
    columns->setChildrenCollapsible(false);
    columns->addWidget(tables);
    columns->addWidget(side);
    columns->setStretchFactor(0, 3);
    columns->setStretchFactor(1, 2);
    columns->setSizes({640, 360});  // the tables' names and classes need the room

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 12);
    layout->setSpacing(10);
    layout->addLayout(bar);
    layout->addLayout(cards);
    layout->addWidget(columns, 1);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_linkProxy->setFilterFixedString(text);
        m_viewProxy->setFilterFixedString(text);
    });
    connect(m_windowBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        setWindow(static_cast<Window>(m_windowBox->itemData(index).toInt()));
    });
    connect(service, &RegionService::costLoaded, this, &CostsPage::onCost);
    connect(service, &RegionService::failed, this,
            [this](quint64 token, const QString&, const QString& text) { onFailed(token, text); });
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            request(false);
    });
    m_timer.start();
    showPricing({});
}

QWidget* CostsPage::card(const QString& caption, QLabel** value, QLabel** detail) {
    auto* frame = new FigureCard(this);
    frame->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* c = new QLabel(caption, frame);
    c->setObjectName(QStringLiteral("caption"));
    c->setForegroundRole(QPalette::PlaceholderText);
    *value = new QLabel(QStringLiteral("—"), frame);
    QFont big = (*value)->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.6);
    (*value)->setFont(big);
    (*value)->setTextInteractionFlags(Qt::TextSelectableByMouse);
    *detail = new QLabel(frame);
    (*detail)->setForegroundRole(QPalette::PlaceholderText);
    (*detail)->setWordWrap(true);
    auto* v = new QVBoxLayout(frame);
    v->setContentsMargins(12, 8, 12, 8);
    v->setSpacing(2);
    v->addWidget(c);
    v->addWidget(*value);
    v->addWidget(*detail);
    m_cards << frame;
    return frame;
}

QIcon CostsPage::icon() const {
    return ConsoleIcons::page(QStringLiteral("costs"));
}

qint64 CostsPage::windowMs(Window window) {
    switch (window) {
        case Window::LastHour:
            return console::CostAnalysis::kHourMs;
        case Window::Last24Hours:
            return 24 * console::CostAnalysis::kHourMs;
        case Window::Last7Days:
            return 7 * 24 * console::CostAnalysis::kHourMs;
    }
    return 24 * console::CostAnalysis::kHourMs;
}

QString CostsPage::windowText(Window window) {
    switch (window) {
        case Window::LastHour:
            return tr("Last hour");
        case Window::Last24Hours:
            return tr("Last 24 hours");
        case Window::Last7Days:
            return tr("Last 7 days");
    }
    return {};
}

void CostsPage::activate() {
    request(false);
}

void CostsPage::showEvent(QShowEvent* event) {
    Page::showEvent(event);
    if (!m_analysis)
        request(false);
}

bool CostsPage::hasData() const {
    return m_analysis != nullptr && m_haveChart;
}

void CostsPage::setWindow(Window window) {
    if (window == m_window)
        return;
    m_window = window;
    if (m_windowBox->currentIndex() != static_cast<int>(window))
        m_windowBox->setCurrentIndex(static_cast<int>(window));
    request(true);  // the answer to the old window is no longer wanted
}

void CostsPage::refresh() {
    request(false);
}

void CostsPage::request(bool force) {
    const bool pending = m_reportToken != 0 || m_chartToken != 0;
    if (pending && !force && m_requestedAt.isValid() && m_requestedAt.elapsed() < kRequestStaleMs)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 span = windowMs(m_window);
    m_requestedAt.start();
    m_reportToken = m_service->cost(now - span, now);
    // The chart always shows the last day: a longer window's report holds it already.
    m_chartToken = span >= kChartSpanMs ? 0 : m_service->cost(now - kChartSpanMs, now);
}

void CostsPage::onCost(quint64 token, const CostReport& report) {
    if (token == 0)
        return;
    if (token == m_reportToken) {
        m_reportToken = 0;
        m_error.clear();
        m_updatedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_analysis = std::make_shared<const console::CostAnalysis>(report);
        if (windowMs(m_window) >= kChartSpanMs)
            showChart(*m_analysis);
        showAnalysis();
    } else if (token == m_chartToken) {
        m_chartToken = 0;
        showChart(console::CostAnalysis(report));
    }
}

void CostsPage::onFailed(quint64 token, const QString& text) {
    if (token == 0 || (token != m_reportToken && token != m_chartToken))
        return;
    if (token == m_reportToken)
        m_reportToken = 0;
    else
        m_chartToken = 0;
    m_error = text;
    emit message(tr("Costs unavailable: %1").arg(text));
    if (!m_analysis)
        m_summary->setText(tr("<span style='color:%1'>The regions did not say what they sent: "
                              "%2</span>")
                               .arg(Theme::bad().name(), text.toHtmlEscaped()));
}

QStringList CostsPage::regionNames() const {
    QStringList names;
    for (const auto& r : m_monitor->snapshot().regions)
        names << qs(r.name);
    return names;
}

void CostsPage::showAnalysis() {
    const auto& a = *m_analysis;
    m_links->setLinks(a.links(), a.usd());
    m_views->setViews(a.views(), a.usd());
    if (!m_sized && m_links->rowCount() > 0) {
        m_sized = true;
        sizeColumns();
    }

    const qint64 span = windowMs(m_window);
    const qint64 observedMs = static_cast<qint64>(a.windowSeconds() * 1000);
    const bool young = observedMs + 60'000 < span;
    m_windowCaption->setText(tr("Egress cost, %1").arg(windowText(m_window).toLower()));
    m_total->setText(costformat::usd(a.usd()));
    m_totalDetail->setText(tr("%1 sent on %n link(s)", nullptr, static_cast<int>(a.links().size()))
                               .arg(format::bytes(a.bytes())));
    m_perDay->setText(tr("%1 / day").arg(costformat::usd(a.usdPerDay())));
    m_perDayDetail->setText(
        young ? tr("from %1 of traffic so far").arg(format::seconds(a.windowSeconds()))
              : tr("at the rate of the %1").arg(windowText(m_window).toLower()));
    m_projection->setText(costformat::usd(a.usdPer30Days()));
    m_projectionDetail->setText(tr("list prices, before discounts"));
    const double withoutCompression =
        a.whatIf({console::WhatIf::Kind::CompressionOff, {}, 0, {}}).usdPer30Days;
    m_compression->setText(
        tr("%1 / 30 days").arg(costformat::usd(withoutCompression - a.usdPer30Days())));
    m_compressionDetail->setText(
        a.bytes() > 0 ? tr("zstd sends %1× fewer bytes")
                            .arg(static_cast<double>(a.rawBytes()) / static_cast<double>(a.bytes()),
                                 0, 'f', 1)
                      : tr("nothing sent yet"));

    QStringList kinds;
    for (const auto& k : a.kinds())
        kinds << tr("%1 <b>%2</b>").arg(qs(k.kind).toHtmlEscaped(), costformat::usd(k.usd));
    const QString sep = QStringLiteral(" &nbsp;·&nbsp; ");
    QString text =
        kinds.isEmpty() ? tr("No egress in the window") : tr("By kind: ") + kinds.join(sep);
    text += sep + tr("<span style='color:%1'>updated %2</span>")
                      .arg(Theme::muted().name(), format::clock(m_updatedAtMs));
    m_summary->setText(text);

    m_whatIf->setAnalysis(m_analysis, regionNames());
    showPricing(a.report().pricingSource);
}

void CostsPage::showChart(const console::CostAnalysis& analysis) {
    m_haveChart = true;
    m_chart->setHours(analysis.hourly(CostChart::kHours));
    if (m_chart->total() <= 0) {
        m_chartCaption->setText(tr("no egress in the last 24 hours"));
        return;
    }
    QString peakAt;
    const auto hours = analysis.hourly(CostChart::kHours);
    const auto peak = std::max_element(hours.begin(), hours.end(),
                                       [](const auto& a, const auto& b) { return a.usd < b.usd; });
    peakAt = QDateTime::fromMSecsSinceEpoch(peak->hourMs).toString(QStringLiteral("HH:mm"));
    m_chartCaption->setText(
        tr("%1 in 24 h · peak %2 at %3")
            .arg(costformat::usd(m_chart->total()), costformat::usd(peak->usd), peakAt));
}

void CostsPage::showPricing(const std::string& pricingSource) {
    m_pricingFile = qs(pricingSource);
    QString sources;
    if (!m_pricingFile.isEmpty()) {
        auto it = m_pricingCache.find(m_pricingFile);
        if (it == m_pricingCache.end()) {
            std::vector<std::string> clouds;
            for (const auto& r : m_monitor->snapshot().regions)
                clouds.push_back(r.cloud);
            QStringList parts;
            for (const auto& s : console::priceSources(pricingSource, clouds)) {
                const QString url = qs(s.source).section(QLatin1Char(' '), 0, 0);
                const QString link = url.startsWith(QLatin1String("http"))
                                         ? QStringLiteral("<a href='%1'>%2</a>")
                                               .arg(url.toHtmlEscaped(), qs(s.cloud))
                                         : qs(s.cloud).toHtmlEscaped();
                parts << tr("%1 recorded %2").arg(link, qs(s.recorded).toHtmlEscaped());
            }
            it = m_pricingCache.insert(m_pricingFile, parts.join(QStringLiteral(", ")));
        }
        sources = *it;
    }
    const QString file = m_pricingFile.isEmpty()
                             ? tr("the regions' price table")
                             : QStringLiteral("<code>%1</code>")
                                   .arg(QFileInfo(m_pricingFile).fileName().toHtmlEscaped());
    QString text =
        tr("<b>Prices</b> are list prices in USD per GB (first tier, paid by the sending "
           "region) from %1")
            .arg(file);
    text += sources.isEmpty() ? QStringLiteral(". ") : tr(" (%1). ").arg(sources);
    text += tr("Discounts, free allowances and committed-use rates are not applied.");
    m_pricing->setText(
        QStringLiteral("<span style='color:%1'>%2</span>").arg(Theme::muted().name(), text));
    m_pricing->setToolTip(m_pricingFile.isEmpty()
                              ? QString()
                              : tr("Price table: %1\nEdit it to match your contracts; each price "
                                   "carries its source and the date it was recorded.")
                                    .arg(m_pricingFile));
}

QString CostsPage::pricingText() const {
    return m_pricing->text();
}

QString CostsPage::projectionText() const {
    return m_projection->text();
}

void CostsPage::sizeColumns() {
    const QFontMetrics fm(m_linkView->font());
    auto fit = [&fm](QTableView* view, int column, const QString& sample, int extra = 0) {
        view->resizeColumnToContents(column);
        const int w =
            std::max({view->columnWidth(column), fm.horizontalAdvance(sample) + 18 + extra,
                      view->horizontalHeader()->sectionSizeHint(column)});
        view->setColumnWidth(column, w);
    };
    using L = CostLinkModel;
    fit(m_linkView, L::From, QString(), 22);
    fit(m_linkView, L::To, QString());
    fit(m_linkView, L::PriceClass, QString());
    fit(m_linkView, L::UsdPerGb, QStringLiteral("$0.000"));
    fit(m_linkView, L::Sent, QStringLiteral("999.9 MB"));
    fit(m_linkView, L::Cost, QStringLiteral("$999.99"));
    fit(m_linkView, L::Per30Days, QStringLiteral("$99,999"));
    fit(m_linkView, L::Share, QStringLiteral("99.9 %"));
    using V = CostViewModel;
    fit(m_viewView, V::Kinds, QStringLiteral("stream, snapshot"));
    fit(m_viewView, V::Links, QStringLiteral("99"));
    fit(m_viewView, V::Sent, QStringLiteral("999.9 MB"));
    fit(m_viewView, V::Cost, QStringLiteral("$999.99"));
    fit(m_viewView, V::Per30Days, QStringLiteral("$99,999"));
    fit(m_viewView, V::Share, QStringLiteral("99.9 %"));
}

void CostsPage::changeEvent(QEvent* event) {
    Page::changeEvent(event);
    // Colours written into rich text follow the palette.
    if (event->type() == QEvent::PaletteChange && m_analysis) {
        showAnalysis();
    } else if (event->type() == QEvent::PaletteChange) {
        showPricing(m_pricingFile.toStdString());
    }
}

}  // namespace meridian::ui
