#include "fault/nemesis.h"

#include <signal.h>

#include <QDirIterator>
#include <QFileInfo>
#include <QtTest>

#include <algorithm>
#include <cstdlib>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

namespace meridian::test {

Nemesis::Nemesis(TestCluster& cluster, std::vector<std::string> regions, uint64_t seed)
    : m_cluster(cluster), m_regions(std::move(regions)), m_rng(seed) {}

const char* Nemesis::nameOf(Fault fault) {
    switch (fault) {
        case Fault::Kill:
            return "SIGKILL + restart during writes";
        case Fault::Pause:
            return "SIGSTOP/SIGCONT pause > heartbeat";
        case Fault::PartitionLink:
            return "partition of one link";
        case Fault::IsolateRegion:
            return "one region isolated";
        case Fault::DelaySpike:
            return "delay spike on one link";
        case Fault::KillDuringSnapshot:
            return "SIGKILL after a snapshot started";
        case Fault::KillDuringBatch:
            return "SIGKILL after a batch sync started";
        case Fault::ClockJump:
            return "clock jump on one region";
        case Fault::DiskFull:
            return "disk full on one region";
        case Fault::SlowDisk:
            return "slow disk on one region";
    }
    return "?";
}

std::vector<Fault> Nemesis::allFaults() {
    return {Fault::Kill,
            Fault::Pause,
            Fault::PartitionLink,
            Fault::IsolateRegion,
            Fault::DelaySpike,
            Fault::KillDuringSnapshot,
            Fault::KillDuringBatch,
            Fault::ClockJump,
            Fault::DiskFull,
            Fault::SlowDisk};
}

int Nemesis::between(int lo, int hi) {
    return lo + static_cast<int>(m_rng() % static_cast<uint64_t>(hi - lo + 1));
}

const std::string& Nemesis::anyRegion() {
    return m_regions[m_rng() % m_regions.size()];
}

std::pair<std::string, std::string> Nemesis::anyLink() {
    const size_t a = m_rng() % m_regions.size();
    const size_t b = (a + 1 + m_rng() % (m_regions.size() - 1)) % m_regions.size();
    return {m_regions[a], m_regions[b]};
}

void Nemesis::note(const std::string& what) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - m_started)
                        .count();
    qInfo("nemesis %6.1f s  %s", static_cast<double>(ms) / 1000.0, what.c_str());
}

bool Nemesis::run(std::chrono::milliseconds duration, std::string* error) {
    m_started = std::chrono::steady_clock::now();
    const auto all = allFaults();
    while (std::chrono::steady_clock::now() - m_started < duration) {
        const Fault fault = all[m_rng() % all.size()];
        if (!inject(fault, error))
            return false;
        ++m_injected[fault];
        // A quiet gap; QTest::qWait keeps the event loop turning, so that the stores' output
        // pipes are drained while time passes.
        QTest::qWait(between(200, 1500));
    }
    return true;
}

bool Nemesis::inject(Fault fault, std::string* error) {
    switch (fault) {
        case Fault::Kill:
            return killAndRestart(anyRegion(), error);
        case Fault::Pause: {
            const std::string region = anyRegion();
            const int ms = between(600, 3000);  // the heartbeat is 200 ms
            const qint64 pid = m_cluster.pid(region);
            if (pid <= 0) {
                *error = "no process to pause for " + region;
                return false;
            }
            note("pause " + region + " (pid " + std::to_string(pid) + ") for " +
                 std::to_string(ms) + " ms");
            ::kill(static_cast<pid_t>(pid), SIGSTOP);
            QTest::qWait(ms);
            ::kill(static_cast<pid_t>(pid), SIGCONT);
            return true;
        }
        case Fault::PartitionLink: {
            const auto [a, b] = anyLink();
            const int ms = between(1000, 5000);
            note("partition " + a + " <-> " + b + " for " + std::to_string(ms) + " ms");
            if (!setLink(a, b, true, 0, 0, error) || !setLink(b, a, true, 0, 0, error))
                return false;
            QTest::qWait(ms);
            return resetLink(a, b, error);
        }
        case Fault::IsolateRegion: {
            const std::string region = anyRegion();
            const int ms = between(1000, 5000);
            note("isolate " + region + " for " + std::to_string(ms) + " ms");
            for (const auto& other : m_regions) {
                if (other != region && (!setLink(region, other, true, 0, 0, error) ||
                                        !setLink(other, region, true, 0, 0, error)))
                    return false;
            }
            QTest::qWait(ms);
            for (const auto& other : m_regions) {
                if (other != region && !resetLink(region, other, error))
                    return false;
            }
            return true;
        }
        case Fault::DelaySpike: {
            const auto [a, b] = anyLink();
            const int delay = between(100, 1500);
            const int jitter = between(0, delay / 4);
            const int ms = between(1000, 5000);
            note("delay " + a + " <-> " + b + " " + std::to_string(delay) + " ms ±" +
                 std::to_string(jitter) + " for " + std::to_string(ms) + " ms");
            if (!setLink(a, b, false, delay, jitter, error) ||
                !setLink(b, a, false, delay, jitter, error))
                return false;
            QTest::qWait(ms);
            return resetLink(a, b, error);
        }
        case Fault::KillDuringSnapshot:
            return killDuringJob(v1::SyncJob::SNAPSHOT, error);
        case Fault::KillDuringBatch:
            return killDuringJob(v1::SyncJob::OFFLINE_BATCH, error);
        case Fault::ClockJump:
            return clockJump(error);
        case Fault::DiskFull:
            return diskFull(error);
        case Fault::SlowDisk:
            return slowDisk(error);
    }
    return true;
}

// The store's clock cannot be moved while it runs: the region is restarted with
// --clock-skew-ms, which is what a wall clock stepped while the store was down looks like to
// it. Its hybrid clock starts above every value in its log, so a jump behind does not hand out
// write clocks it already gave; a jump ahead drags its peers' clocks along as they observe it.
bool Nemesis::clockJump(std::string* error) {
    const std::string region = anyRegion();
    const bool ahead = m_rng() % 2 == 0;
    const int skewMs = (ahead ? 1 : -1) * between(500, 5000);
    const int ms = between(2000, 6000);
    note("clock of " + region + " jumps " + (ahead ? "+" : "") + std::to_string(skewMs) +
         " ms (restart) for " + std::to_string(ms) + " ms");
    if (!restartWith(region, {.clockSkewMs = skewMs}, error))
        return false;
    ++(ahead ? m_clockJumpsAhead : m_clockJumpsBehind);
    m_largestClockJumpMs = std::max(m_largestClockJumpMs, std::abs(skewMs));
    QTest::qWait(ms);
    note("clock of " + region + " back on time (restart)");
    return restartWith(region, {}, error);
}

// RLIMIT_FSIZE stands for the full disk: after a clean stop has folded the WAL into region.db,
// no file may grow more than a little past the largest, so the WAL fills up and writes are
// refused (RESOURCE_EXHAUSTED) until the region is restarted with room.
bool Nemesis::diskFull(std::string* error) {
    const std::string region = anyRegion();
    const int64_t headroom = int64_t{between(64, 512)} * 1024;
    const int ms = between(3000, 8000);
    note("disk of " + region + " full, " + std::to_string(headroom / 1024) +
         " KiB left (restart) for " + std::to_string(ms) + " ms");
    if (!restartWith(region, {.fileHeadroomBytes = headroom}, error))
        return false;
    QTest::qWait(ms);
    // A write that crosses the limit is cut at it, so a full WAL ends within a frame of it.
    const int64_t walBytes = QFileInfo(m_cluster.dataDir(region) + "/region.db-wal").size();
    const bool filled = walBytes + 4096 + 24 > m_fileSizeLimit;
    m_disksFilled += filled ? 1 : 0;
    note("disk of " + region + " with room again (restart); its WAL had reached " +
         std::to_string(walBytes / 1024) + " of " + std::to_string(m_fileSizeLimit / 1024) +
         " KiB" + (filled ? " (full)" : " (not full)"));
    return restartWith(region, {}, error);
}

// A slow disk cannot be made without privileges: the region is restarted with
// --rehearse-disk-latency-ms, a SQLite VFS that waits before every sync, so that group commits,
// checkpoints and snapshots all slow down.
bool Nemesis::slowDisk(std::string* error) {
    const std::string region = anyRegion();
    const int latencyMs = between(20, 250);
    const int ms = between(3000, 8000);
    note("disk of " + region + " slow, " + std::to_string(latencyMs) + " ms a sync (restart) for " +
         std::to_string(ms) + " ms");
    if (!restartWith(region, {.diskLatencyMs = latencyMs}, error))
        return false;
    m_slowestDiskMs = std::max(m_slowestDiskMs, latencyMs);
    QTest::qWait(ms);
    note("disk of " + region + " at full speed again (restart)");
    return restartWith(region, {}, error);
}

bool Nemesis::restartWith(const std::string& region, const Handicap& handicap, std::string* error) {
    if (!m_cluster.stop(region)) {
        *error = "region " + region +
                 " did not exit cleanly on SIGTERM: " + m_cluster.output(region).toStdString();
        return false;
    }
    int64_t limit = 0;
    if (handicap.fileHeadroomBytes > 0) {
        QDirIterator it(m_cluster.dataDir(region), QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            limit = std::max<int64_t>(limit, QFileInfo(it.next()).size());
        limit += handicap.fileHeadroomBytes;
    }
    QStringList args;
    if (handicap.clockSkewMs != 0)
        args << QStringLiteral("--clock-skew-ms") << QString::number(handicap.clockSkewMs);
    if (handicap.diskLatencyMs > 0)
        args << QStringLiteral("--rehearse-disk-latency-ms")
             << QString::number(handicap.diskLatencyMs);
    m_cluster.setExtraArgs(region, args);
    m_cluster.setFileSizeLimit(region, limit);
    m_fileSizeLimit = limit;
    if (handicap.any())
        m_altered.insert(region);
    else
        m_altered.erase(region);
    if (!m_cluster.start(region) || !m_cluster.client(region).waitHealthy()) {
        *error = "region " + region + " did not come back after a restart (" +
                 args.join(' ').toStdString() +
                 (limit ? " file size limit " + std::to_string(limit) + " bytes" : "") +
                 "): " + m_cluster.output(region).toStdString();
        return false;
    }
    return true;
}

bool Nemesis::killAndRestart(const std::string& region, std::string* error) {
    const int downMs = between(300, 2500);
    note("SIGKILL " + region + ", restart after " + std::to_string(downMs) + " ms");
    m_cluster.kill(region);
    QTest::qWait(downMs);
    if (!m_cluster.start(region) || !m_cluster.client(region).waitHealthy()) {
        *error = "region " + region +
                 " did not come back after SIGKILL: " + m_cluster.output(region).toStdString();
        return false;
    }
    return true;
}

bool Nemesis::killDuringJob(int kind, std::string* error) {
    const auto [to, from] = anyLink();
    const bool killReceiver = m_rng() % 2 == 0;
    const int afterMs = between(0, 150);
    v1::TriggerSyncRequest request;
    request.set_from_region(from);
    request.set_kind(static_cast<v1::SyncJob::Kind>(kind));
    request.set_principal("fault-suite");
    v1::SyncJob job;
    auto ctx = m_cluster.client(to).context();
    const auto st = m_cluster.client(to).replication().TriggerSync(ctx.get(), request, &job);
    note(std::string(kind == v1::SyncJob::SNAPSHOT ? "snapshot" : "batch sync") + " " + from +
         " -> " + to + (st.ok() ? " started" : " refused (" + st.error_message() + ")") +
         ", SIGKILL of the " + (killReceiver ? "receiver" : "sender") + " after " +
         std::to_string(afterMs) + " ms");
    if (!st.ok())
        ++m_jobsRefused;
    QTest::qWait(afterMs);
    // Whether the kill really hit the job in flight, as the receiver saw it just before.
    if (st.ok() && jobUnfinished(to, job.id()))
        ++m_jobsInFlight;
    return killAndRestart(killReceiver ? to : from, error);
}

bool Nemesis::jobUnfinished(const std::string& at, const std::string& id) {
    v1::ListJobsResponse out;
    auto ctx = m_cluster.client(at).context(std::chrono::seconds(2));
    if (!m_cluster.client(at).replication().ListJobs(ctx.get(), v1::ListJobsRequest{}, &out).ok())
        return false;
    for (const auto& j : out.jobs()) {
        if (j.id() == id)
            return j.state() == v1::SyncJob::QUEUED || j.state() == v1::SyncJob::RUNNING;
    }
    return false;
}

bool Nemesis::setLink(const std::string& at, const std::string& peer, bool partitioned, int delayMs,
                      int jitterMs, std::string* error) {
    v1::LinkEmulationRequest request;
    request.set_peer(peer);
    request.set_partitioned(partitioned);
    request.set_delay_ms(delayMs);
    request.set_jitter_ms(jitterMs);
    v1::LinkEmulationResponse out;
    auto ctx = m_cluster.client(at).context();
    const auto st = m_cluster.client(at).replication().SetLinkEmulation(ctx.get(), request, &out);
    if (!st.ok())
        *error = "link emulation at " + at + " for " + peer + ": " + st.error_message();
    return st.ok();
}

bool Nemesis::resetLink(const std::string& a, const std::string& b, std::string* error) {
    for (const auto& [at, peer] : {std::pair{a, b}, std::pair{b, a}}) {
        v1::LinkEmulationRequest request;
        request.set_peer(peer);
        request.set_reset(true);
        v1::LinkEmulationResponse out;
        auto ctx = m_cluster.client(at).context();
        const auto st =
            m_cluster.client(at).replication().SetLinkEmulation(ctx.get(), request, &out);
        if (!st.ok()) {
            *error = "link emulation reset at " + at + " for " + peer + ": " + st.error_message();
            return false;
        }
    }
    return true;
}

bool Nemesis::heal(std::string* error) {
    // Faults undo themselves, but a region left with a skew or a limit is restarted without.
    const auto altered = m_altered;
    for (const auto& r : altered) {
        m_cluster.setExtraArgs(r, {});
        m_cluster.setFileSizeLimit(r, 0);
        if (m_cluster.running(r)) {
            ::kill(static_cast<pid_t>(m_cluster.pid(r)), SIGCONT);
            m_cluster.stop(r);
        }
        m_altered.erase(r);
    }
    for (const auto& r : m_regions) {
        if (!m_cluster.running(r)) {
            if (!m_cluster.start(r)) {
                *error = "region " + r + " did not start: " + m_cluster.output(r).toStdString();
                return false;
            }
        } else {
            ::kill(static_cast<pid_t>(m_cluster.pid(r)), SIGCONT);
        }
    }
    for (const auto& r : m_regions) {
        if (!m_cluster.client(r).waitHealthy()) {
            *error = "region " + r + " does not answer Health after the heal";
            return false;
        }
    }
    for (size_t i = 0; i < m_regions.size(); ++i) {
        for (size_t j = i + 1; j < m_regions.size(); ++j) {
            if (!resetLink(m_regions[i], m_regions[j], error))
                return false;
        }
    }
    note("healed: every region running, on time, with room on its disk; every link reset");
    return true;
}

}  // namespace meridian::test
