#pragma once
// Polls a deployment once a second through a RegionService and keeps what pages refresh from:
// the latest snapshot, each link's lag over the last hour as its region recorded it (each poll
// fetches the samples taken since the previous one; bounded) and regions going down or coming
// back. Answers to a poll that was superseded are dropped.

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include "bridge/regionservice.h"

namespace meridian::ui {

class DeploymentMonitor : public QObject {
    Q_OBJECT

public:
    static constexpr int kIntervalMs = 1000;
    static constexpr qint64 kHistoryMs = 3'600'000;
    // A link's samples kept at most, whatever the regions send (they sample every 5 s).
    static constexpr int kMaxSamples = 4000;
    // A poll still unanswered after this is given up (the service lost it).
    static constexpr qint64 kPollStaleMs = 10'000;

    explicit DeploymentMonitor(RegionService* service, QObject* parent = nullptr);

    RegionService* service() const { return m_service; }
    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    void setInterval(int ms);

    // The latest poll, or the service's layout until the first answer.
    const DeploymentSnapshot& snapshot() const { return m_snapshot; }
    bool hasSnapshot() const { return m_polled; }
    qint64 lastRefreshMs() const { return m_lastRefreshMs; }
    int regionCount() const { return static_cast<int>(m_snapshot.regions.size()); }
    int regionsUp() const;
    bool isUp(const QString& region) const;

    // "from→to", the key of a whole link (not of a view on it).
    static QString linkKey(const console::LinkStatus& link);
    static QString linkKey(const QString& from, const QString& to);
    // True when the link is not streaming (down, partitioned) as far as lag colour goes.
    static bool isBroken(const console::LinkStatus& link);
    // Keys of every link seen so far, sorted; and its stable colour index for tables and charts.
    QStringList linkKeys() const;
    int linkIndex(const QString& key) const;
    // Lag samples of a link as its region took them (x: ms since epoch, y: lag in ms), oldest
    // first, last hour only.
    QList<QPointF> lagHistory(const QString& key) const;

    // For tests and benchmarks: record a snapshot as if a poll had answered it.
    void ingest(const DeploymentSnapshot& snapshot);

signals:
    void updated(const meridian::console::DeploymentSnapshot& snapshot);
    void regionWentDown(const QString& region, const QString& error);
    void regionCameUp(const QString& region);
    void pollFailed(const QString& message);

private:
    void tick();
    void onPolled(quint64 token, const DeploymentSnapshot& snapshot);
    void onFailed(quint64 token, const QString& what, const QString& message);
    void rememberLinkKeys();
    // What the next poll asks the regions for: the samples after this time.
    qint64 lagHistoryAfterMs() const;

    RegionService* m_service;
    QTimer m_timer;
    quint64 m_pending = 0;
    QElapsedTimer m_pendingSince;
    bool m_polled = false;
    DeploymentSnapshot m_snapshot;
    qint64 m_lastRefreshMs = 0;
    QHash<QString, bool> m_up;
    QHash<QString, QList<QPointF>> m_lag;
    QStringList m_linkKeys;
};

}  // namespace meridian::ui
