#pragma once
// Emulated network conditions on a link (demo and tests): one-way delay with jitter, loss of
// whole batches (resent after a timeout) and partitions. Always shown as emulated.

#include <cstdint>
#include <random>
#include <string>

namespace meridian::replication {

// Longest delay (and jitter) a link can be given: ten minutes.
inline constexpr int kMaxEmulatedDelayMs = 600'000;

struct LinkEmulation {
    int delayMs = 0;
    int jitterMs = 0;
    double loss = 0;
    bool partitioned = false;

    bool active() const { return delayMs > 0 || jitterMs > 0 || loss > 0 || partitioned; }
    // "delay 40 ms ±5 ms, loss 1%", "partitioned", or "" when inactive.
    std::string describe() const;
};

// When batches sent at given times arrive: never out of order, each at least `delay` late.
class DeliverySchedule {
public:
    explicit DeliverySchedule(uint64_t seed = 1) : m_rng(seed) {}
    int64_t arrivalMs(int64_t sentAtMs, const LinkEmulation& emulation);
    bool lost(const LinkEmulation& emulation);
    void reset() { m_lastArrivalMs = 0; }

private:
    std::mt19937_64 m_rng;
    int64_t m_lastArrivalMs = 0;
};

}  // namespace meridian::replication
