#include "replication/hybridclock.h"

#include <algorithm>
#include <chrono>

namespace meridian::replication {

int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

HybridClock::HybridClock(WallClock wall)
    : m_wall(wall ? std::move(wall) : WallClock(wallClockMs)) {}

uint64_t HybridClock::tick() {
    const uint64_t physical = make(m_wall() + m_skewMs.load(std::memory_order_relaxed), 0);
    std::lock_guard lock(m_mutex);
    m_last = std::max(m_last + 1, physical);
    return m_last;
}

uint64_t HybridClock::observe(uint64_t remote) {
    const uint64_t physical = make(m_wall() + m_skewMs.load(std::memory_order_relaxed), 0);
    std::lock_guard lock(m_mutex);
    m_last = std::max({m_last + 1, remote + 1, physical});
    return m_last;
}

uint64_t HybridClock::current() const {
    std::lock_guard lock(m_mutex);
    return m_last;
}

uint64_t HybridClock::reading() const {
    const uint64_t physical = make(m_wall() + m_skewMs.load(std::memory_order_relaxed), 0);
    std::lock_guard lock(m_mutex);
    return std::max(m_last, physical);
}

void HybridClock::setSkew(int64_t ms) {
    m_skewMs.store(ms, std::memory_order_relaxed);
}

void HybridClock::restore(uint64_t value) {
    std::lock_guard lock(m_mutex);
    m_last = std::max(m_last, value);
}

}  // namespace meridian::replication
