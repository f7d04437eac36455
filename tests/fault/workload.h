#pragma once
// The fault suite's clients: threads that write single rows to every region of the test cluster
// (rep/aa_view in all three with colliding keys and event times, rep/hs_view at the hub, the
// EU-only rep/eu_view at eu1 and eu2) and record every write with what became of it.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace meridian::test {

// One write as the client saw it. `acked` writes were acknowledged with `version`, the write
// clock the region gave the row; `refused` ones were answered RESOURCE_EXHAUSTED (a full disk:
// the store says the change was not made); the others errored or timed out and may or may not
// be applied.
struct WriteRecord {
    std::string view;    // "aa_view", "hs_view" or "eu_view" of project rep
    std::string region;  // where it was sent, and so its origin
    int64_t userId = 0;
    int64_t eventMs = 0;
    double score = 0;
    std::string label;  // unique per write: what a read shows of which write won
    bool acked = false;
    bool refused = false;
    uint64_t version = 0;
};

struct WriterTarget {
    std::string region;
    std::string endpoint;
    std::string view;
};

class Workload {
public:
    // Keys are user ids 1..keys; event times baseEventMs + 0..eventTimes-1, so that ties on
    // event time are decided by the write clock and then the origin. Each writer draws from its
    // own PRNG seeded from `seed`.
    Workload(std::vector<WriterTarget> targets, uint64_t seed, int64_t baseEventMs, int keys,
             int eventTimes);
    ~Workload();

    void start();
    void stop();

    std::vector<WriteRecord> records() const;
    int64_t acked() const { return m_acked; }
    int64_t unknown() const { return m_unknown; }
    int64_t refused() const { return m_refused; }

    // What eu_view labels start with, so that their bytes can be looked for in other files.
    static constexpr const char* kEuMarker = "EUONLY-";

private:
    void run(size_t writer);

    std::vector<WriterTarget> m_targets;
    uint64_t m_seed;
    int64_t m_baseEventMs;
    int m_keys;
    int m_eventTimes;
    std::atomic<bool> m_stop{false};
    std::atomic<int64_t> m_acked{0};
    std::atomic<int64_t> m_unknown{0};
    std::atomic<int64_t> m_refused{0};
    std::vector<std::thread> m_threads;
    mutable std::mutex m_mutex;
    std::vector<WriteRecord> m_records;
};

}  // namespace meridian::test
