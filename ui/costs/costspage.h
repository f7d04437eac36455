#pragma once
// The Costs page: what replication and sync traffic between regions costs, as the sending
// regions account it — per link (with its price class and $/GB) and per feature view, the
// window's total, $/day and 30-day projection, $ per hour over the last day, and what-ifs.
// Asks for a cost report when activated and every 30 s while visible; answers to a request that
// a newer one superseded are dropped.

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QTimer>

#include <memory>

#include "bridge/regionservice.h"
#include "common/page.h"
#include "console/costanalysis.h"

class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class CostChart;
class CostLinkModel;
class CostViewModel;
class CostWhatIfPanel;
class DeploymentMonitor;

class CostsPage : public Page {
    Q_OBJECT

public:
    enum class Window { LastHour, Last24Hours, Last7Days };
    static constexpr int kRefreshMs = 30'000;
    // A request unanswered for this long is given up and asked again.
    static constexpr qint64 kRequestStaleMs = 60'000;
    static constexpr qint64 kChartSpanMs = 24 * console::CostAnalysis::kHourMs;

    CostsPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent = nullptr);

    QString title() const override { return tr("Costs"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override;

    Window window() const { return m_window; }
    void setWindow(Window window);
    static qint64 windowMs(Window window);
    static QString windowText(Window window);

    // Asks for the window's report (and the last day's, for the chart) unless one is out.
    void refresh();

    const console::CostAnalysis* analysis() const { return m_analysis.get(); }
    CostLinkModel* linkModel() const { return m_links; }
    CostViewModel* viewModel() const { return m_views; }
    QSortFilterProxyModel* linkProxy() const { return m_linkProxy; }
    QSortFilterProxyModel* viewProxy() const { return m_viewProxy; }
    QTableView* linkView() const { return m_linkView; }
    QTableView* viewView() const { return m_viewView; }
    CostChart* chart() const { return m_chart; }
    CostWhatIfPanel* whatIf() const { return m_whatIf; }
    // The 30-day projection as the page shows it, e.g. "$1,234".
    QString projectionText() const;
    QString pricingText() const;

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void request(bool force);
    void onCost(quint64 token, const CostReport& report);
    void onFailed(quint64 token, const QString& text);
    void showAnalysis();
    void showChart(const console::CostAnalysis& analysis);
    void showPricing(const std::string& pricingSource);
    void sizeColumns();
    QStringList regionNames() const;
    QWidget* card(const QString& caption, QLabel** value, QLabel** detail);

    RegionService* m_service;
    DeploymentMonitor* m_monitor;
    Window m_window = Window::Last24Hours;
    std::shared_ptr<const console::CostAnalysis> m_analysis;
    CostLinkModel* m_links;
    CostViewModel* m_views;
    QSortFilterProxyModel* m_linkProxy;
    QSortFilterProxyModel* m_viewProxy;
    QLabel* m_summary;
    QLineEdit* m_filter;
    QComboBox* m_windowBox;
    QList<QFrame*> m_cards;
    QLabel* m_windowCaption;
    QLabel* m_total;
    QLabel* m_totalDetail;
    QLabel* m_perDay;
    QLabel* m_perDayDetail;
    QLabel* m_projection;
    QLabel* m_projectionDetail;
    QLabel* m_compression;
    QLabel* m_compressionDetail;
    QTableView* m_linkView;
    QTableView* m_viewView;
    QLabel* m_pricing;
    CostChart* m_chart;
    QLabel* m_chartCaption;
    CostWhatIfPanel* m_whatIf;
    QTimer m_timer;
    QElapsedTimer m_requestedAt;
    quint64 m_reportToken = 0;
    quint64 m_chartToken = 0;
    bool m_haveChart = false;
    qint64 m_updatedAtMs = 0;
    bool m_sized = false;
    QString m_error;
    QString m_pricingFile;
    QHash<QString, QString> m_pricingCache;  // pricing file -> where its prices come from
};

}  // namespace meridian::ui
