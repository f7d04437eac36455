#pragma once
// Request counts, error counts and latency distributions per RPC method, and the read and
// write rates of the last minute; lock-free on the request path.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace meridian::service {

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

struct MethodMetrics {
    std::atomic<int64_t> requests{0};
    std::atomic<int64_t> errors{0};
    LatencyHistogram latency;
};

class ServiceMetrics {
public:
    MethodMetrics& method(const std::string& name);
    std::map<std::string, const MethodMetrics*> methods() const;

    RateMeter writes;  // rows written
    RateMeter reads;   // entity rows served

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::unique_ptr<MethodMetrics>> m_methods;
};

// Times one call and records it on destruction.
class CallTimer {
public:
    explicit CallTimer(MethodMetrics& m) : m_metrics(m), m_start(std::chrono::steady_clock::now()) {}
    ~CallTimer();
    void failed() { m_failed = true; }

private:
    MethodMetrics& m_metrics;
    std::chrono::steady_clock::time_point m_start;
    bool m_failed = false;
};

int64_t steadySeconds();

}  // namespace meridian::service
