#pragma once
// The fault suite's nemesis: injects faults into a running TestCluster one after another, in an
// order and with durations drawn from a seeded PRNG, so that a seed replays the same schedule.

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace meridian::test {

class TestCluster;

enum class Fault {
    Kill,                // SIGKILL a region during writes, restart it on its data
    Pause,               // SIGSTOP, longer than the heartbeat, then SIGCONT
    PartitionLink,       // both directions of one link cut
    IsolateRegion,       // every link of one region cut
    DelaySpike,          // delay and jitter on both directions of one link
    KillDuringSnapshot,  // a snapshot job started, then its receiver or sender killed
    KillDuringBatch,     // an offline batch sync started, then its receiver or sender killed
    ClockJump,           // one region restarted with its clock ahead or behind, later on time
    DiskFull,            // one region restarted unable to grow its files, later with room
    SlowDisk,            // one region restarted with every sync slowed, later at full speed
};

// How a region is restarted: on time and at full speed unless these say otherwise.
struct Handicap {
    int clockSkewMs = 0;
    int64_t fileHeadroomBytes = 0;  // > 0: files may grow only this far past the largest
    int diskLatencyMs = 0;          // per sync
    bool any() const { return clockSkewMs != 0 || fileHeadroomBytes > 0 || diskLatencyMs > 0; }
};

class Nemesis {
public:
    Nemesis(TestCluster& cluster, std::vector<std::string> regions, uint64_t seed);

    // Injects faults, each held for a random time and undone, with quiet gaps between them,
    // until `duration` has passed. False, with the reason in `error`, when the harness could not
    // do what it meant to (a region that would not restart, a link emulation refused).
    bool run(std::chrono::milliseconds duration, std::string* error);
    // Every region running and resumed, on time and with room on its disk, every link back to
    // the deployment's settings.
    bool heal(std::string* error);

    const std::map<Fault, int>& injected() const { return m_injected; }
    // Snapshot and batch sync jobs the receiver refused to start (the kill happened anyway).
    int jobsRefused() const { return m_jobsRefused; }
    // Of those started, the jobs still queued or running at their receiver just before the kill.
    int jobsInFlight() const { return m_jobsInFlight; }
    // Clock jumps ahead and behind, and the largest, in ms.
    int clockJumpsAhead() const { return m_clockJumpsAhead; }
    int clockJumpsBehind() const { return m_clockJumpsBehind; }
    int largestClockJumpMs() const { return m_largestClockJumpMs; }
    // Disk-full faults whose region's WAL grew to the file size limit while it held.
    int disksFilled() const { return m_disksFilled; }
    // The slowest disk rehearsed, ms per sync.
    int slowestDiskMs() const { return m_slowestDiskMs; }
    static const char* nameOf(Fault fault);
    static std::vector<Fault> allFaults();

private:
    bool inject(Fault fault, std::string* error);
    bool killAndRestart(const std::string& region, std::string* error);
    // SIGTERM, then a start with `handicap`.
    bool restartWith(const std::string& region, const Handicap& handicap, std::string* error);
    bool clockJump(std::string* error);
    bool diskFull(std::string* error);
    bool slowDisk(std::string* error);
    bool killDuringJob(int kind, std::string* error);
    bool jobUnfinished(const std::string& at, const std::string& id);
    bool setLink(const std::string& at, const std::string& peer, bool partitioned, int delayMs,
                 int jitterMs, std::string* error);
    bool resetLink(const std::string& a, const std::string& b, std::string* error);
    int between(int lo, int hi);  // uniform in [lo, hi]
    const std::string& anyRegion();
    std::pair<std::string, std::string> anyLink();
    void note(const std::string& what);

    TestCluster& m_cluster;
    std::vector<std::string> m_regions;
    std::mt19937_64 m_rng;
    std::chrono::steady_clock::time_point m_started;
    std::map<Fault, int> m_injected;
    int m_jobsRefused = 0;
    int m_jobsInFlight = 0;
    int m_clockJumpsAhead = 0;
    int m_clockJumpsBehind = 0;
    int m_largestClockJumpMs = 0;
    int m_disksFilled = 0;
    int m_slowestDiskMs = 0;
    int64_t m_fileSizeLimit = 0;      // of the last restartWith()
    std::set<std::string> m_altered;  // regions running with a handicap
};

}  // namespace meridian::test
