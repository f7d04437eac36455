#include "service/servicemetrics.h"

namespace meridian::service {
MethodMetrics& ServiceMetrics::method(const std::string& name) {
    std::lock_guard lock(m_mutex);
    auto& slot = m_methods[name];
    if (!slot)
        slot = std::make_unique<MethodMetrics>();
    return *slot;
}

std::map<std::string, const MethodMetrics*> ServiceMetrics::methods() const {
    std::lock_guard lock(m_mutex);
    std::map<std::string, const MethodMetrics*> out;
    // A method looked up ahead of its first call is not reported until it is called.
    for (const auto& [name, m] : m_methods) {
        if (m->requests.load(std::memory_order_relaxed) > 0)
            out[name] = m.get();
    }
    return out;
}

CallTimer::~CallTimer() {
    const auto micros =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - m_start)
            .count();
    m_metrics.requests.fetch_add(1, std::memory_order_relaxed);
    if (m_failed)
        m_metrics.errors.fetch_add(1, std::memory_order_relaxed);
    m_metrics.latency.record(micros);
}

}  // namespace meridian::service
