#pragma once
// A hybrid logical clock: physical milliseconds in the high 48 bits and a logical counter in
// the low 16, advanced on every local change and every change received from a peer, so clock
// values order causally related changes even across skewed wall clocks.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace meridian::replication {

class HybridClock {
public:
    using WallClock = std::function<int64_t()>;  // ms since epoch

    explicit HybridClock(WallClock wall = {});

    // A fresh value for a local change, greater than every value seen so far.
    uint64_t tick();
    // Folds in a value received from a peer; returns the clock afterwards.
    uint64_t observe(uint64_t remote);
    // The latest value handed out or observed.
    uint64_t current() const;
    // What tick() would start from now, without advancing: shows peers how this clock reads.
    uint64_t reading() const;
    // Raise the clock to at least `value` (after a restart, from the log).
    void restore(uint64_t value);
    // The physical part alone (wall clock plus any rehearsal skew), in ms.
    int64_t wallMs() const { return m_wall() + m_skewMs.load(std::memory_order_relaxed); }
    // Skews the physical part by `ms` (to rehearse a region whose wall clock is off).
    void setSkew(int64_t ms);

    static int64_t physicalMs(uint64_t hlc) { return static_cast<int64_t>(hlc >> 16); }
    static uint16_t logical(uint64_t hlc) { return static_cast<uint16_t>(hlc & 0xffff); }
    static uint64_t make(int64_t ms, uint16_t logical) {
        return (static_cast<uint64_t>(ms) << 16) | logical;
    }

private:
    WallClock m_wall;
    std::atomic<int64_t> m_skewMs{0};
    mutable std::mutex m_mutex;
    uint64_t m_last = 0;
};

int64_t wallClockMs();

}  // namespace meridian::replication
