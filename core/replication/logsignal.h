#pragma once
// Wakes replication streams when the region commits something new.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace meridian::replication {

class LogSignal {
public:
    void notify() {
        {
            std::lock_guard lock(m_mutex);
            ++m_generation;
        }
        m_changed.notify_all();
    }
    uint64_t generation() const {
        std::lock_guard lock(m_mutex);
        return m_generation;
    }
    // Waits until something is committed after `seen`, or the timeout passes.
    void waitAfter(uint64_t seen, std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, timeout, [&] { return m_generation != seen; });
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    uint64_t m_generation = 0;
};

}  // namespace meridian::replication
