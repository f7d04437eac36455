#include "bridge/deploymentmonitor.h"

#include <algorithm>

#include "console/linkfigures.h"

namespace meridian::ui {

DeploymentMonitor::DeploymentMonitor(RegionService* service, QObject* parent)
    : QObject(parent), m_service(service), m_snapshot(service->layout()) {
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &DeploymentMonitor::tick);
    connect(service, &RegionService::polled, this, &DeploymentMonitor::onPolled);
    connect(service, &RegionService::failed, this, &DeploymentMonitor::onFailed);
    for (const auto& r : m_snapshot.regions)
        m_up.insert(QString::fromStdString(r.name), r.up);
    rememberLinkKeys();
}

void DeploymentMonitor::start() {
    m_timer.start();
    tick();
}

void DeploymentMonitor::stop() {
    m_timer.stop();
    m_pending = 0;
}

void DeploymentMonitor::setInterval(int ms) {
    m_timer.setInterval(ms);
}

int DeploymentMonitor::regionsUp() const {
    return static_cast<int>(std::count_if(m_snapshot.regions.begin(), m_snapshot.regions.end(),
                                          [](const auto& r) { return r.up; }));
}

bool DeploymentMonitor::isUp(const QString& region) const {
    return m_up.value(region, false);
}

QString DeploymentMonitor::linkKey(const console::LinkStatus& link) {
    return linkKey(QString::fromStdString(link.from), QString::fromStdString(link.to));
}

QString DeploymentMonitor::linkKey(const QString& from, const QString& to) {
    return from + QStringLiteral("→") + to;
}

bool DeploymentMonitor::isBroken(const console::LinkStatus& link) {
    return link.state == console::LinkState::Down || link.state == console::LinkState::Partitioned;
}

QStringList DeploymentMonitor::linkKeys() const {
    return m_linkKeys;
}

int DeploymentMonitor::linkIndex(const QString& key) const {
    return static_cast<int>(m_linkKeys.indexOf(key));
}

QList<QPointF> DeploymentMonitor::lagHistory(const QString& key) const {
    return m_lag.value(key);
}

void DeploymentMonitor::tick() {
    if (m_pending != 0 && m_pendingSince.elapsed() < kPollStaleMs)
        return;  // the previous poll is still out: never pile polls up behind a slow region
    m_pending = m_service->poll(lagHistoryAfterMs());
    m_pendingSince.start();
}

void DeploymentMonitor::onPolled(quint64 token, const DeploymentSnapshot& snapshot) {
    if (token != m_pending)
        return;  // late: a newer poll is out, or it was given up
    m_pending = 0;
    ingest(snapshot);
}

void DeploymentMonitor::onFailed(quint64 token, const QString&, const QString& message) {
    if (token == 0 || token != m_pending)
        return;
    m_pending = 0;
    emit pollFailed(message);
}

void DeploymentMonitor::rememberLinkKeys() {
    // Every ordered pair of regions, so that a link keeps its colour whenever it appears.
    QStringList keys;
    for (const auto& a : m_snapshot.regions) {
        for (const auto& b : m_snapshot.regions) {
            if (a.name != b.name)
                keys << linkKey(QString::fromStdString(a.name), QString::fromStdString(b.name));
        }
    }
    for (const auto& l : m_snapshot.links)
        keys << linkKey(l);
    keys.removeDuplicates();
    keys.sort();
    for (const auto& k : keys) {
        if (!m_linkKeys.contains(k))
            m_linkKeys << k;
    }
}

qint64 DeploymentMonitor::lagHistoryAfterMs() const {
    // The oldest of the links' newest samples: each region then sends at least what is new to
    // it (what the monitor has already is dropped), and a link without samples gets the hour.
    qint64 after = 0;
    bool any = false;
    for (const auto& l : m_snapshot.links) {
        if (!l.view.empty())
            continue;
        const auto samples = m_lag.constFind(linkKey(l));
        if (samples == m_lag.constEnd() || samples->isEmpty())
            return 0;
        const auto newest = static_cast<qint64>(samples->last().x());
        after = any ? std::min(after, newest) : newest;
        any = true;
    }
    return after;
}

void DeploymentMonitor::ingest(const DeploymentSnapshot& snapshot) {
    const bool first = !m_polled;
    m_snapshot = snapshot;
    m_polled = true;
    m_lastRefreshMs = snapshot.atMs;
    rememberLinkKeys();

    const double now = static_cast<double>(snapshot.atMs);
    for (const auto& l : snapshot.links) {
        if (!l.view.empty())
            continue;
        // The samples the region took since the last poll; any it sent before are dropped.
        auto& samples = m_lag[linkKey(l)];
        for (const auto& h : l.history) {
            const double at = static_cast<double>(h.atMs);
            if (samples.isEmpty() || at > samples.last().x())
                samples.append(QPointF(at, console::lagMs(h)));
        }
    }
    // Bounded: an hour of samples at most, whatever the regions send.
    for (auto it = m_lag.begin(); it != m_lag.end(); ++it) {
        auto& samples = it.value();
        qsizetype drop = 0;
        while (drop < samples.size() && samples[drop].x() < now - kHistoryMs)
            ++drop;
        drop = std::max<qsizetype>(drop, samples.size() - kMaxSamples);
        if (drop > 0)
            samples.remove(0, drop);
    }

    // The first answer reports the regions that are down; later ones report every change.
    QList<QPair<QString, QString>> down;
    QStringList up;
    for (const auto& r : snapshot.regions) {
        const QString name = QString::fromStdString(r.name);
        const bool was = m_up.value(name, false);
        if (!r.up && (first || was))
            down.append({name, QString::fromStdString(r.error)});
        else if (r.up && !first && !was)
            up << name;
        m_up.insert(name, r.up);
    }
    emit updated(m_snapshot);
    for (const auto& [name, error] : down)
        emit regionWentDown(name, error);
    for (const auto& name : up)
        emit regionCameUp(name);
}

}  // namespace meridian::ui
