#include "idleguard.h"

#include <pthread.h>
#include <sched.h>

#include <latch>

namespace meridian::bench {

IdleGuard::IdleGuard(unsigned threads) {
    std::latch ready(static_cast<std::ptrdiff_t>(threads));
    for (unsigned i = 0; i < threads; ++i) {
        m_threads.emplace_back([this, &ready] {
            sched_param none{};
            const bool idlePolicy = pthread_setschedparam(pthread_self(), SCHED_IDLE, &none) == 0;
            if (!idlePolicy)
                ++m_refused;
            ready.count_down();
            // Never spin at normal priority: that would take CPU from the systems measured.
            if (!idlePolicy)
                return;
            // A plain load loop, no pause instruction: pausing in a loop can make the
            // hypervisor deschedule the vCPU, which is what this guard is to prevent.
            while (!m_stop.load(std::memory_order_relaxed)) {
            }
        });
    }
    ready.wait();
    m_active = m_refused.load() == 0;
}

IdleGuard::~IdleGuard() {
    m_stop = true;
    for (auto& t : m_threads)
        t.join();
}

}  // namespace meridian::bench
