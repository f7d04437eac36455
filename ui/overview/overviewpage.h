#pragma once
// The Overview page: the world map of regions and replication links (lag and $/day on each),
// a one-line summary, and a card per region. Refreshed by DeploymentMonitor; the cost of the
// last hour is asked for once a minute and scaled to a day.

#include <QHash>
#include <QTimer>

#include "bridge/regionservice.h"
#include "common/page.h"

class QGridLayout;
class QLabel;

namespace meridian::ui {

class DeploymentMonitor;
class RegionCard;
class WorldMapWidget;

class OverviewPage : public Page {
    Q_OBJECT

public:
    static constexpr int kCostRefreshMs = 60'000;
    static constexpr qint64 kCostWindowMs = 3'600'000;
    static constexpr int kMaxCardColumns = 4;
    static constexpr int kMinCardWidth = 290;

    OverviewPage(RegionService* service, DeploymentMonitor* monitor, QWidget* parent = nullptr);

    QString title() const override { return tr("Overview"); }
    QIcon icon() const override;
    void activate() override;
    bool hasData() const override;

    WorldMapWidget* map() const { return m_map; }
    RegionCard* card(const QString& region) const { return m_cards.value(region); }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void layoutCards();
    void refresh(const DeploymentSnapshot& snapshot);
    void requestCost();
    void onCost(quint64 token, const CostReport& report);

    RegionService* m_service;
    DeploymentMonitor* m_monitor;
    QLabel* m_summary;
    WorldMapWidget* m_map;
    QGridLayout* m_cardGrid;
    QHash<QString, RegionCard*> m_cards;
    QList<RegionCard*> m_cardOrder;
    int m_cardColumns = 0;
    QTimer m_costTimer;
    quint64 m_costToken = 0;
    bool m_haveCost = false;
    bool m_costFailed = false;
    double m_usdPerDay = 0;
};

}  // namespace meridian::ui
