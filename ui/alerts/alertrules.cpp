#include "alerts/alertrules.h"

#include <QDateTime>
#include <QSet>
#include <QSettings>

#include <algorithm>
#include <utility>

#include "bridge/deploymentmonitor.h"
#include "common/displayformat.h"
#include "common/qtstrings.h"
#include "console/linkfigures.h"
#include "costs/costformat.h"

namespace meridian::ui {
namespace {

const QString kGroup = QStringLiteral("alerts/rules");

}  // namespace

AlertRules::AlertRules(QObject* parent) : QObject(parent), m_settings(load()) {}

QString AlertRules::lagId(const QString& from, const QString& to) {
    return QStringLiteral("lag:") + DeploymentMonitor::linkKey(from, to);
}

QString AlertRules::regionDownId(const QString& region) {
    // The id ConsoleBackend gives a region that did not answer, so the two are one alert.
    return QStringLiteral("region_down:") + region;
}

QString AlertRules::budgetId() {
    return QStringLiteral("daily_cost");
}

AlertRules::Settings AlertRules::load() {
    QSettings s;
    s.beginGroup(kGroup);
    Settings d;
    Settings out;
    out.lagEnabled = s.value(QStringLiteral("lagEnabled"), d.lagEnabled).toBool();
    out.lagSeconds = std::max(0.1, s.value(QStringLiteral("lagSeconds"), d.lagSeconds).toDouble());
    out.lagForSeconds =
        std::max(0, s.value(QStringLiteral("lagForSeconds"), d.lagForSeconds).toInt());
    out.regionDownEnabled =
        s.value(QStringLiteral("regionDownEnabled"), d.regionDownEnabled).toBool();
    out.regionDownForSeconds = std::max(
        0, s.value(QStringLiteral("regionDownForSeconds"), d.regionDownForSeconds).toInt());
    out.budgetEnabled = s.value(QStringLiteral("budgetEnabled"), d.budgetEnabled).toBool();
    out.dailyBudgetUsd =
        std::max(0.0, s.value(QStringLiteral("dailyBudgetUsd"), d.dailyBudgetUsd).toDouble());
    return out;
}

void AlertRules::save(const Settings& settings) {
    QSettings s;
    s.beginGroup(kGroup);
    s.setValue(QStringLiteral("lagEnabled"), settings.lagEnabled);
    s.setValue(QStringLiteral("lagSeconds"), settings.lagSeconds);
    s.setValue(QStringLiteral("lagForSeconds"), settings.lagForSeconds);
    s.setValue(QStringLiteral("regionDownEnabled"), settings.regionDownEnabled);
    s.setValue(QStringLiteral("regionDownForSeconds"), settings.regionDownForSeconds);
    s.setValue(QStringLiteral("budgetEnabled"), settings.budgetEnabled);
    s.setValue(QStringLiteral("dailyBudgetUsd"), settings.dailyBudgetUsd);
}

void AlertRules::setSettings(const Settings& settings) {
    if (settings == m_settings)
        return;
    m_settings = settings;
    save(settings);
    const qint64 now = m_lastMs > 0 ? m_lastMs : QDateTime::currentMSecsSinceEpoch();
    if (!settings.lagEnabled) {
        m_lagSince.clear();
        clearAll(QStringLiteral("lag:"), now);
    }
    if (!settings.regionDownEnabled) {
        m_downSince.clear();
        clearAll(QStringLiteral("region_down:"), now);
    }
    checkBudget(now);
    emit settingsChanged();
    if (std::exchange(m_changed, false))
        emit changed();
}

void AlertRules::evaluate(const console::DeploymentSnapshot& snapshot) {
    const qint64 now = snapshot.atMs > 0 ? snapshot.atMs : QDateTime::currentMSecsSinceEpoch();
    m_lastMs = now;
    evaluateRegions(snapshot, now);
    evaluateLag(snapshot, now);
    if (std::exchange(m_changed, false))
        emit changed();
}

void AlertRules::evaluateRegions(const console::DeploymentSnapshot& snapshot, qint64 now) {
    if (!m_settings.regionDownEnabled)
        return;
    for (const auto& r : snapshot.regions) {
        const QString name = qs(r.name);
        const QString id = regionDownId(name);
        if (r.up) {
            m_downSince.remove(name);
            clear(id, now);
            continue;
        }
        const qint64 since = m_downSince.value(name, now);
        m_downSince.insert(name, since);
        if (now - since < m_settings.regionDownForSeconds * 1000LL)
            continue;
        const QString why = r.error.empty() ? tr("not answering") : qs(r.error);
        raise(id, "region_down", name,
              tr("%1 is down since %2: %3").arg(name, format::clock(since), why), "critical", now);
    }
}

void AlertRules::evaluateLag(const console::DeploymentSnapshot& snapshot, qint64 now) {
    if (!m_settings.lagEnabled)
        return;
    QSet<QString> down;
    for (const auto& r : snapshot.regions) {
        if (!r.up)
            down.insert(qs(r.name));
    }
    const double thresholdMs = m_settings.lagSeconds * 1000;
    QSet<QString> seen;
    for (const auto& l : snapshot.links) {
        if (!l.view.empty())
            continue;
        const QString from = qs(l.from);
        const QString to = qs(l.to);
        const QString key = DeploymentMonitor::linkKey(from, to);
        const QString id = lagId(from, to);
        seen.insert(key);
        const double lagMs = console::lagMs(l);
        if (lagMs <= thresholdMs) {
            m_lagSince.remove(key);
            clear(id, now);
            continue;
        }
        const qint64 since = m_lagSince.value(key, now);
        m_lagSince.insert(key, since);
        // A region that is down says so in its own alert; its links need not repeat it.
        const bool regionDown = down.contains(from) || down.contains(to);
        if (!m_active.contains(id) &&
            (regionDown || now - since < m_settings.lagForSeconds * 1000LL))
            continue;
        raise(id, "lag", QStringLiteral("%1 → %2").arg(from, to),
              tr("%1 → %2 is %3 behind (above %4 since %5)")
                  .arg(from, to, format::lagMs(lagMs), format::lagMs(m_settings.lagSeconds * 1000),
                       format::clock(since)),
              "warning", now);
    }
    // A link no longer reported has no lag to speak of.
    for (auto it = m_lagSince.begin(); it != m_lagSince.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        const QStringList ends = it.key().split(QStringLiteral("→"));
        if (ends.size() == 2)
            clear(lagId(ends[0], ends[1]), now);
        it = m_lagSince.erase(it);
    }
}

void AlertRules::evaluateCost(double usdPerDay, qint64 atMs) {
    m_usdPerDay = usdPerDay;
    checkBudget(atMs);
    if (std::exchange(m_changed, false))
        emit changed();
}

void AlertRules::checkBudget(qint64 now) {
    const QString id = budgetId();
    if (!m_settings.budgetEnabled || m_usdPerDay < 0 || m_usdPerDay <= m_settings.dailyBudgetUsd) {
        clear(id, now);
        return;
    }
    raise(id, "daily_cost", tr("egress, all regions"),
          tr("Egress costs %1/day, above the budget of %2/day (last 24 hours, list prices)")
              .arg(costformat::usd(m_usdPerDay), costformat::usd(m_settings.dailyBudgetUsd)),
          "warning", now);
}

void AlertRules::raise(const QString& id, const char* kind, const QString& subject,
                       const QString& message, const char* severity, qint64 now) {
    auto it = m_active.find(id);
    if (it != m_active.end()) {
        if (it->message != message.toStdString()) {
            it->message = message.toStdString();
            m_changed = true;
        }
        return;
    }
    console::AlertInfo a;
    a.id = id.toStdString();
    a.region = kRegion;
    a.kind = kind;
    a.subject = subject.toStdString();
    a.message = message.toStdString();
    a.severity = severity;
    a.raisedAtMs = now;
    m_active.insert(id, a);
    m_changed = true;
    emit raised(a);
}

void AlertRules::clear(const QString& id, qint64 now) {
    auto it = m_active.find(id);
    if (it == m_active.end())
        return;
    console::AlertInfo a = *it;
    m_active.erase(it);
    a.clearedAtMs = std::max<int64_t>(now, a.raisedAtMs);
    m_history.prepend(a);
    while (m_history.size() > kMaxHistory)
        m_history.removeLast();
    m_changed = true;
    emit cleared(a);
}

void AlertRules::clearAll(const QString& prefix, qint64 now) {
    const auto ids = m_active.keys();
    for (const auto& id : ids) {
        if (id.startsWith(prefix))
            clear(id, now);
    }
}

QVector<console::AlertInfo> AlertRules::alerts() const {
    QVector<console::AlertInfo> out;
    out.reserve(m_active.size() + m_history.size());
    for (const auto& a : m_active)
        out.push_back(a);
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.raisedAtMs > b.raisedAtMs; });
    for (const auto& a : m_history)
        out.push_back(a);
    return out;
}

}  // namespace meridian::ui
