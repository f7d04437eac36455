#pragma once
// Request counts, error counts and latency distributions per RPC method, and the read and
// write rates of the last minute; lock-free on the request path.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "metrics/latencyhistogram.h"

namespace meridian::service {

using metrics::LatencyHistogram;
using metrics::RateMeter;
using metrics::steadySeconds;

struct MethodMetrics {
    std::atomic<int64_t> requests{0};
    std::atomic<int64_t> errors{0};
    LatencyHistogram latency;
};

class ServiceMetrics {
public:
    MethodMetrics& method(const std::string& name);
    // The methods called at least once.
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
    explicit CallTimer(MethodMetrics& m)
        : m_metrics(m), m_start(std::chrono::steady_clock::now()) {}
    ~CallTimer();
    void failed() { m_failed = true; }

private:
    MethodMetrics& m_metrics;
    std::chrono::steady_clock::time_point m_start;
    bool m_failed = false;
};

}  // namespace meridian::service
