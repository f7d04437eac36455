#include "replication/replicator.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "absl/strings/str_join.h"
#include "client/routing.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "registry/validation.h"
#include "replication/consistency.h"
#include "replication/replicationpolicy.h"
#include "storage/changelogtable.h"
#include "storage/cursortable.h"

namespace meridian::replication {

Replicator::Replicator(storage::Database& db, storage::ViewIds& viewIds, HybridClock& clock,
                       RegistryReplica& registry, deployment::Deployment deployment,
                       std::string self, SyncJobs::PriceFn price, client::TlsSettings tls)
    : m_db(db),
      m_viewIds(viewIds),
      m_clock(clock),
      m_registry(registry),
      m_deployment(std::move(deployment)),
      m_self(std::move(self)),
      m_feed(db, registry, clock),
      m_applier(db, viewIds, clock, registry),
      m_alerts(db),
      m_snapshotSource(db, registry,
                       (std::filesystem::path(db.path()).parent_path() / "snapshots-out").string()),
      m_snapshotInstaller(
          db, viewIds, clock, registry,
          (std::filesystem::path(db.path()).parent_path() / "snapshots-in").string()),
      m_hubs(db, m_self, static_cast<int>(m_deployment.regions.size()),
             std::max<int64_t>(1500, 3 * int64_t{m_deployment.replication.heartbeatMs})),
      m_jobs(std::make_unique<SyncJobs>(db, viewIds, registry, m_snapshotInstaller, m_links, m_self,
                                        std::move(price))) {
    LinkSettings settings;
    settings.maxBatch = m_deployment.replication.batchMaxChanges;
    settings.heartbeatMs = m_deployment.replication.heartbeatMs;
    settings.codec = m_deployment.replication.compression ? v1::CODEC_ZSTD : v1::CODEC_NONE;
    settings.tls = std::move(tls);
    // Every region pulls every peer: the sender decides what each may receive.
    for (const auto& r : m_deployment.regions) {
        if (r.info.name == m_self)
            continue;
        auto link = std::make_unique<PeerLink>(m_applier, m_self, r.info.name, r.endpoint,
                                               configuredEmulation(r.info.name), settings);
        // A peer that no longer keeps this region's place in its log sends a snapshot instead.
        link->onSnapshotNeeded([this](const std::string& peer, const std::string& why) {
            v1::TriggerSyncRequest request;
            request.set_from_region(peer);
            request.set_to_region(m_self);
            request.set_kind(v1::SyncJob::SNAPSHOT);
            request.set_principal("replicator (" + why + ")");
            auto job = m_jobs->trigger(request);
            if (!job.ok() && job.status().code() != absl::StatusCode::kAlreadyExists)
                std::fprintf(stderr, "meridian-store: cannot start a snapshot from %s: %s\n",
                             peer.c_str(), std::string(job.status().message()).c_str());
        });
        // A peer restored from an older copy of its database (or replaced) no longer holds
        // what this link applied of its log: the link reads it again from an earlier point.
        link->onDiverged([this](const std::string& peer, const v1::LogDivergence& d) {
            m_alerts.raise("peer_rewound", peer,
                           "the log of '" + peer + "' no longer holds seq " +
                               std::to_string(d.cursor()) + ", which '" + m_self +
                               "' had applied: " + d.reason() + ". Reading it again after seq " +
                               std::to_string(d.resumed_after()) + ".",
                           "critical");
            std::lock_guard lock(m_positionsMutex);
            m_rewoundAlertsMs[{"peer_rewound", peer}] = wallClockMs();
        });
        m_links.emplace(r.info.name, std::move(link));
    }
    m_hubs.setAlerts(&m_alerts);
    m_failover = std::make_unique<HubFailover>(m_hubs, m_registry, m_feed, m_applier, m_links);
    m_db.setCommitListener([this] { m_signal.notify(); });
    // The first periodic check comes one interval after startup, once links have caught up.
    m_lastConsistencyCheckMs = wallClockMs();
}

Replicator::~Replicator() {
    stop();
    m_db.setCommitListener({});
}

void Replicator::start() {
    for (auto& [peer, link] : m_links)
        link->start();
    m_failover->start();
}

void Replicator::stop() {
    m_stopping = true;
    m_failover->stop();
    if (m_checkThread.joinable())
        m_checkThread.join();
    m_jobs->stop();
    for (auto& [peer, link] : m_links)
        link->stop();
}

FeedStreamSettings Replicator::streamSettings() const {
    FeedStreamSettings s;
    s.heartbeatMs = m_deployment.replication.heartbeatMs;
    s.backlogEveryMs = std::max(250, m_deployment.replication.heartbeatMs);
    s.maxBatch = m_deployment.replication.batchMaxChanges;
    return s;
}

LinkEmulation Replicator::configuredEmulation(const std::string& peer) const {
    LinkEmulation e;
    if (const auto* l = m_deployment.link(m_self, peer)) {
        e.delayMs = l->delayMs;
        e.jitterMs = l->jitterMs;
        e.loss = l->loss;
    }
    return e;
}

void Replicator::notePeerPosition(const std::string& peer, uint64_t seq) {
    std::lock_guard lock(m_positionsMutex);
    m_peerPositions[peer] = seq;
}

void Replicator::noteLogRewound(const std::string& peer, const v1::LogDivergence& divergence) {
    // A peer whose stream breaks before it applies the first batch (a snapshot it needs first)
    // comes back with the same cursor every few seconds: one recovery per cursor.
    {
        std::lock_guard lock(m_positionsMutex);
        auto& handled = m_rewoundCursors[peer];
        const std::pair<uint64_t, uint64_t> cursor{divergence.cursor_epoch(), divergence.cursor()};
        if (handled == cursor)
            return;
        handled = cursor;
    }
    v1::TriggerSyncRequest request;
    request.set_from_region(peer);
    request.set_to_region(m_self);
    request.set_kind(v1::SyncJob::SNAPSHOT);
    request.set_principal("replicator (this region's log was rewound; '" + peer +
                          "' holds rows it lost)");
    auto job = m_jobs->trigger(request);
    std::string recovery;
    if (job.ok())
        recovery = "copying back the rows '" + peer + "' holds with snapshot job " + job->id();
    else if (job.status().code() == absl::StatusCode::kAlreadyExists)
        recovery = "a snapshot from '" + peer + "' already running copies back the rows it holds";
    else
        recovery = "a snapshot from '" + peer + "' to copy back the rows it holds did not start (" +
                   std::string(job.status().message()) +
                   "): start one with 'meridianctl sync --from " + peer + " --to " + m_self +
                   " --kind snapshot'";
    m_alerts.raise("log_rewound", peer,
                   "'" + peer + "' had applied this region's log to seq " +
                       std::to_string(divergence.cursor()) +
                       ", which this database no longer "
                       "holds: " +
                       divergence.reason() + ". '" + peer + "' reads the log again after seq " +
                       std::to_string(divergence.resumed_after()) + "; " + recovery + ".",
                   "critical");
    std::fprintf(stderr, "meridian-store: log rewound: %s\n", divergence.reason().c_str());
    std::lock_guard lock(m_positionsMutex);
    m_rewoundAlertsMs[{"log_rewound", peer}] = wallClockMs();
}

PeerLink* Replicator::link(const std::string& peer) {
    auto it = m_links.find(peer);
    return it == m_links.end() ? nullptr : it->second.get();
}

absl::StatusOr<LinkEmulation> Replicator::setEmulation(const v1::LinkEmulationRequest& request) {
    auto* l = link(request.peer());
    if (!l)
        return absl::NotFoundError("'" + request.peer() + "' is not a peer of region '" + m_self +
                                   "'");
    if (request.delay_ms() < 0 || request.delay_ms() > kMaxEmulatedDelayMs)
        return absl::InvalidArgumentError("delay must be within 0..600000 ms, not " +
                                          std::to_string(request.delay_ms()));
    if (request.jitter_ms() < 0 || request.jitter_ms() > kMaxEmulatedDelayMs)
        return absl::InvalidArgumentError("jitter must be within 0..600000 ms, not " +
                                          std::to_string(request.jitter_ms()));
    // Written so that NaN fails it too.
    if (!(request.loss() >= 0 && request.loss() < 1))
        return absl::InvalidArgumentError(
            "loss must be a fraction within 0..1 (exclusive of 1), not " +
            std::to_string(request.loss()));
    LinkEmulation e;
    if (request.reset()) {
        e = configuredEmulation(request.peer());
    } else {
        e.delayMs = request.delay_ms();
        e.jitterMs = request.jitter_ms();
        e.loss = request.loss();
        e.partitioned = request.partitioned();
    }
    l->setEmulation(e);
    return e;
}

std::string Replicator::linkModes(const std::string& peer) const {
    std::set<std::string> modes;
    const auto catalog = m_registry.catalog();
    for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
        const auto& v = o->feature_view();
        if (deliveryOf(v, peer, m_self, m_registry.regions()) == Delivery::Send ||
            (v.replication().mode() == v1::ReplicationPolicy::BATCH &&
             copyOf(v, m_self, m_registry.regions()) == Delivery::Send && v.owner_region() == peer))
            modes.insert(modeName(v.replication().mode()));
    }
    std::string out;
    for (const auto& m : modes)
        out += (out.empty() ? "" : "+") + m;
    return out.empty() ? "registry" : out;
}

void Replicator::sampleLag(int64_t nowMs) {
    std::vector<std::pair<std::string, v1::LagSample>> samples;
    for (auto& [peer, link] : m_links) {
        for (const auto& s : link->stats(nowMs)) {
            if (!s.feature_view().empty())
                continue;
            v1::LagSample sample;
            sample.set_at(nowMs);
            sample.set_lag_seconds(s.lag_seconds());
            sample.set_changes_behind(s.changes_behind());
            sample.set_latency_p50_ms(s.latency_p50_ms());
            samples.emplace_back(peer, std::move(sample));
        }
    }
    std::lock_guard lock(m_lagHistoryMutex);
    for (auto& [peer, sample] : samples) {
        auto& history = m_lagHistory[peer];
        history.push_back(std::move(sample));
        while (!history.empty() && (history.front().at() < nowMs - kLagHistoryMs ||
                                    history.size() > kLagHistorySamples))
            history.pop_front();
    }
}

void Replicator::fillStats(v1::StatsResponse& out, const v1::StatsRequest& request) {
    const int64_t now = wallClockMs();
    std::map<std::string, std::map<std::string, int64_t>> conflicts;
    if (auto reader = m_db.read(); reader.ok()) {
        if (auto c = storage::CursorTable(**reader).conflicts(); c.ok())
            conflicts = std::move(*c);
    }
    const auto catalog = m_registry.catalog();
    for (auto& [peer, link] : m_links) {
        const std::string modes = linkModes(peer);
        for (auto& s : link->stats(now)) {
            int64_t total = 0;
            for (const auto& [view, n] : conflicts[peer])
                total += n;
            if (s.feature_view().empty()) {
                s.set_mode(modes);
                s.set_conflicts(total);
                if (request.with_lag_history()) {
                    std::lock_guard lock(m_lagHistoryMutex);
                    const auto& history = m_lagHistory[peer];
                    auto newer = std::partition_point(
                        history.begin(), history.end(), [&](const v1::LagSample& sample) {
                            return sample.at() <= request.lag_history_after();
                        });
                    for (; newer != history.end(); ++newer)
                        *s.add_lag_history() = *newer;
                }
            } else {
                const auto slash = s.feature_view().find('/');
                const auto* v = catalog->featureView(s.feature_view().substr(0, slash),
                                                     s.feature_view().substr(slash + 1));
                s.set_mode(v ? modeName(v->replication().mode()) : "deleted");
                s.set_conflicts(conflicts[peer][s.feature_view()]);
            }
            *out.add_links() = std::move(s);
        }
    }
}

uint64_t Replicator::watermark(const std::string& origin) {
    uint64_t mark = m_clock.current();
    if (origin == m_self)
        return mark;
    auto reader = m_db.read();
    if (!reader.ok())
        return 0;
    auto cursors = storage::CursorTable(**reader).all();
    if (!cursors.ok())
        return 0;
    if (!origin.empty()) {
        auto it = cursors->find(origin);
        return it == cursors->end() ? 0 : it->second.hlc;
    }
    for (const auto& [peer, link] : m_links) {
        auto it = cursors->find(peer);
        mark = std::min(mark, it == cursors->end() ? uint64_t{0} : it->second.hlc);
    }
    return mark;
}

double Replicator::stalenessSeconds(const std::string& project, const std::string& view,
                                    int64_t nowMs) {
    const std::string key = project + "/" + view;
    double worst = 0;
    for (auto& [peer, link] : m_links) {
        for (const auto& s : link->stats(nowMs)) {
            if (s.feature_view() == key)
                worst = std::max(worst, s.lag_seconds());
        }
    }
    return worst;
}

void Replicator::checkClockOffsets(int64_t) {
    // A peer whose clock runs far ahead would win every tie of the conflict rule: say so.
    // Transit time only makes a peer look behind, never ahead.
    for (auto& [peer, link] : m_links) {
        const auto ahead = link->peerClockAheadMs();
        if (!ahead)
            continue;
        if (*ahead > m_deployment.replication.maxClockOffsetMs) {
            m_alerts.raise("clock_offset", peer,
                           "clock of region '" + peer + "' runs " + std::to_string(*ahead) +
                               " ms ahead of '" + m_self + "' (max " +
                               std::to_string(m_deployment.replication.maxClockOffsetMs) +
                               " ms); its writes would win every tie of the conflict rule",
                           "critical");
        } else {
            m_alerts.clear("clock_offset", peer);
        }
    }
}

void Replicator::scheduleBatchSyncs(int64_t nowMs) {
    const auto catalog = m_registry.catalog();
    for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
        const auto& v = o->feature_view();
        if (v.replication().mode() != v1::ReplicationPolicy::BATCH || v.owner_region() == m_self)
            continue;
        if (copyOf(v, m_self, m_registry.regions()) != Delivery::Send || !link(v.owner_region()))
            continue;
        const long long every = registry::parseDurationSeconds(
            v.replication().schedule().empty() ? "1h" : v.replication().schedule());
        const std::string key = v.project() + "/" + v.name();
        auto& last = m_lastBatchSyncMs[key];
        if (last != 0 && nowMs - last < every * 1000)
            continue;
        v1::TriggerSyncRequest request;
        request.set_from_region(v.owner_region());
        request.set_to_region(m_self);
        request.set_kind(v1::SyncJob::OFFLINE_BATCH);
        request.add_scope(key);
        request.set_principal("scheduler (every " + v.replication().schedule() + ")");
        auto job = m_jobs->trigger(request);
        if (job.ok() || job.status().code() == absl::StatusCode::kAlreadyExists)
            last = nowMs;
    }
}

void Replicator::maintain(int64_t nowMs, const storage::LogExtent& log) {
    checkClockOffsets(nowMs);
    sampleLag(nowMs);
    scheduleBatchSyncs(nowMs);
    scheduleConsistencyChecks(nowMs);
    m_snapshotSource.prune(nowMs, 30 * 60 * 1000);
    // Warn while a lagging peer can still catch up from the log; a snapshot is its way back after.
    const uint64_t window = log.first > 0 && log.last >= log.first ? log.last - log.first + 1 : 0;
    std::map<std::string, uint64_t> positions;
    {
        std::lock_guard lock(m_positionsMutex);
        positions = m_peerPositions;
        for (auto it = m_rewoundAlertsMs.begin(); it != m_rewoundAlertsMs.end();) {
            if (nowMs - it->second < kRewoundAlertMs) {
                ++it;
                continue;
            }
            m_alerts.clear(it->first.first, it->first.second);
            it = m_rewoundAlertsMs.erase(it);
        }
    }
    for (const auto& [peer, position] : positions) {
        if (log.cutoff > 0 && position < log.cutoff) {
            m_alerts.raise("log_retention", peer,
                           "region '" + peer + "' is at seq " + std::to_string(position) +
                               ", behind the log kept by '" + m_self + "' (now from " +
                               std::to_string(log.cutoff + 1) +
                               "): it will catch up through a snapshot",
                           "critical");
        } else if (window > 0 && position < log.first + window / 5 && log.last - position > 1000) {
            m_alerts.raise("log_retention", peer,
                           "region '" + peer + "' is " + std::to_string(log.last - position) +
                               " changes behind, near the oldest entries '" + m_self +
                               "' keeps: it needs a snapshot if it falls further behind");
        } else {
            m_alerts.clear("log_retention", peer);
        }
    }
}

absl::StatusOr<v1::ConsistencyReport> Replicator::checkConsistency(
    const v1::CheckConsistencyRequest& request) {
    const std::string& peer = request.peer();
    if (peer.empty())
        return absl::InvalidArgumentError("peer is missing: the region to compare with");
    if (peer == m_self)
        return absl::InvalidArgumentError("a region is not compared with itself");
    auto* l = link(peer);
    if (!l)
        return absl::NotFoundError("'" + peer + "' is not a region of deployment '" +
                                   m_deployment.name + "'");
    if (request.lag_bound_ms() < 0 || request.max_differences() < 0)
        return absl::InvalidArgumentError("lag_bound_ms and max_differences may not be negative");
    auto inScope = viewsInScope(m_registry, m_self, peer, request.scope());
    if (!inScope.ok())
        return inScope.status();
    const auto& views = *inScope;
    CheckOptions options;
    if (request.lag_bound_ms() > 0)
        options.lagBoundMs = request.lag_bound_ms();
    if (request.max_differences() > 0)
        options.maxDifferences = request.max_differences();
    auto stub = v1::Replication::NewStub(l->channel());
    v1::ConsistencyReport report;
    report.set_region(m_self);
    report.set_peer(peer);
    report.set_checked_at(wallClockMs());
    int unreachable = 0;
    std::string firstError;
    for (const auto& v : views) {
        int64_t copyBytes = 0;
        auto checked =
            checkView(m_db, m_viewIds, v, m_self, peer, *stub, options, nullptr, &copyBytes);
        if (!checked.ok()) {
            auto* failed = report.add_views();
            failed->set_feature_view(v.project() + "/" + v.name());
            failed->set_error(std::string(checked.status().message()));
            if (checked.status().code() == absl::StatusCode::kUnavailable ||
                checked.status().code() == absl::StatusCode::kDeadlineExceeded) {
                ++unreachable;
                if (firstError.empty())
                    firstError = failed->error();
            }
            continue;
        }
        report.set_full_copy_bytes(report.full_copy_bytes() + copyBytes);
        *report.add_views() = std::move(*checked);
    }
    if (!views.empty() && unreachable == static_cast<int>(views.size()))
        return absl::UnavailableError(firstError);
    return report;
}

void Replicator::scheduleConsistencyChecks(int64_t nowMs) {
    const int64_t interval = m_deployment.replication.consistencyCheckSeconds * 1000;
    if (interval <= 0 || nowMs - m_lastConsistencyCheckMs < interval || m_checking.exchange(true))
        return;
    m_lastConsistencyCheckMs = nowMs;
    if (m_checkThread.joinable())
        m_checkThread.join();
    m_checkThread = std::thread([this] {
        checkEveryPeer();
        m_checking = false;
    });
}

void Replicator::checkEveryPeer() {
    for (auto& [peer, l] : m_links) {
        if (m_stopping)
            return;
        const auto views = sharedViews(m_registry, m_self, peer);
        if (views.empty() || l->emulation().partitioned)
            continue;
        auto stub = v1::Replication::NewStub(l->channel());
        int64_t differing = 0;
        std::vector<std::string> named;
        bool complete = true;
        const int64_t nowMs = wallClockMs();
        // How far behind the peer is on each view: what it has not received yet is lag, which
        // the lag alerts report, not divergence.
        std::map<std::string, double> peerLag;
        {
            auto admin = v1::Admin::NewStub(l->channel());
            grpc::ClientContext ctx;
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
            v1::StatsResponse stats;
            if (!admin->Stats(&ctx, v1::StatsRequest{}, &stats).ok())
                continue;  // checked at the next interval
            peerLag = client::probeFromStats(peer, stats, 0, nowMs).viewLagSeconds;
        }
        for (const auto& v : views) {
            if (m_stopping)
                return;
            CheckOptions options;
            options.maxDifferences = 0;
            // Rows still within either copy's lag are on their way, not diverged.
            const double lag = std::max(stalenessSeconds(v.project(), v.name(), nowMs),
                                        peerLag[v.project() + "/" + v.name()]);
            options.lagBoundMs = 5000 + static_cast<int64_t>(1000 * lag);
            auto checked = checkView(m_db, m_viewIds, v, m_self, peer, *stub, options);
            if (!checked.ok()) {
                complete = false;
                continue;
            }
            if (checked->differences_total() > 0) {
                differing += checked->differences_total();
                named.push_back(v.project() + "/" + v.name());
            }
        }
        if (differing > 0) {
            m_alerts.raise("divergence", peer,
                           std::to_string(differing) + " key" + (differing == 1 ? "" : "s") +
                               " of " + absl::StrJoin(named, ", ") + " differ between '" + m_self +
                               "' and '" + peer + "': meridianctl check --between " + m_self + " " +
                               peer + ", then meridianctl repair",
                           "warning");
        } else if (complete) {
            m_alerts.clear("divergence", peer);
        }
    }
}

}  // namespace meridian::replication
