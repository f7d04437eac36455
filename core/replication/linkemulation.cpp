#include "replication/linkemulation.h"

#include <algorithm>
#include <cstdio>

namespace meridian::replication {

std::string LinkEmulation::describe() const {
    if (partitioned)
        return "partitioned";
    if (!active())
        return {};
    char buf[96];
    int n = std::snprintf(buf, sizeof buf, "delay %d ms", delayMs);
    if (jitterMs > 0)
        n += std::snprintf(buf + n, sizeof buf - n, " ±%d ms", jitterMs);
    if (loss > 0)
        std::snprintf(buf + n, sizeof buf - n, ", loss %.1f%%", loss * 100.0);
    return buf;
}

int64_t DeliverySchedule::arrivalMs(int64_t sentAtMs, const LinkEmulation& emulation) {
    int64_t jitter = 0;
    if (emulation.jitterMs > 0) {
        std::uniform_int_distribution<int> d(-emulation.jitterMs, emulation.jitterMs);
        jitter = d(m_rng);
    }
    const int64_t arrival = sentAtMs + std::max<int64_t>(0, emulation.delayMs + jitter);
    // A stream delivers in order: a batch never overtakes the one before it.
    m_lastArrivalMs = std::max(m_lastArrivalMs, arrival);
    return m_lastArrivalMs;
}

bool DeliverySchedule::lost(const LinkEmulation& emulation) {
    if (emulation.loss <= 0)
        return false;
    std::uniform_real_distribution<double> d(0.0, 1.0);
    return d(m_rng) < emulation.loss;
}

}  // namespace meridian::replication
