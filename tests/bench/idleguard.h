#pragma once
// Keeps every CPU out of idle while it lives, with one SCHED_IDLE spinning thread per core.
//
// Why: in a virtual machine that wakes an idle vCPU only on its next timer tick, a process
// blocked in fdatasync waits a whole tick (4 ms at HZ=250) for the completion however fast the
// disk is, and whether it does depends on what else keeps its CPU busy — a single-threaded
// Redis waiting on its append-only file often leaves the CPU idle, a many-threaded store
// rarely does. SCHED_IDLE threads run only when nothing else wants the CPU, so they take no
// time from the servers or the clients; they only keep the vCPUs from halting.

#include <atomic>
#include <thread>
#include <vector>

namespace meridian::bench {

class IdleGuard {
public:
    explicit IdleGuard(unsigned threads = std::thread::hardware_concurrency());
    ~IdleGuard();
    IdleGuard(const IdleGuard&) = delete;
    IdleGuard& operator=(const IdleGuard&) = delete;

    bool active() const { return m_active; }  // false if SCHED_IDLE was refused

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_refused{0};
    std::vector<std::thread> m_threads;
    bool m_active = true;
};

}  // namespace meridian::bench
