#pragma once
// Lock-free latency and rate figures for request paths and replication links.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace meridian::metrics {

// Latencies in log-spaced buckets (about 9% wide) from 1 µs to ~100 s.
class LatencyHistogram {
public:
    void record(double micros);
    // q in [0, 1]; returns milliseconds (0 when empty).
    double quantileMs(double q) const;
    int64_t count() const { return m_count.load(std::memory_order_relaxed); }

private:
    static constexpr int kBuckets = 224;
    std::array<std::atomic<int64_t>, kBuckets> m_buckets{};
    std::atomic<int64_t> m_count{0};
};

// Events per second over the last minute, in one-second slots.
class RateMeter {
public:
    void add(int64_t n, int64_t nowSec);
    double perSecond(int64_t nowSec) const;

private:
    static constexpr int kSlots = 60;
    std::array<std::atomic<int64_t>, kSlots> m_counts{};
    std::array<std::atomic<int64_t>, kSlots> m_stamps{};
    std::atomic<int64_t> m_first{-1};  // second of the first event: a young meter averages less
};

int64_t steadySeconds();

}  // namespace meridian::metrics
