#pragma once
// The most recent samples of a quantity (bounded), for percentiles over the last minutes.

#include <cstdint>
#include <mutex>
#include <vector>

namespace meridian::metrics {

class SampleWindow {
public:
    explicit SampleWindow(size_t capacity = 4096) : m_samples(capacity) {}

    void add(int64_t atMs, double value);
    // Several samples taken at once (one lock).
    void add(int64_t atMs, const std::vector<double>& values);
    // The q-quantile of samples taken at or after `sinceMs`; 0 when there are none.
    double quantile(double q, int64_t sinceMs) const;
    size_t count(int64_t sinceMs) const;

private:
    struct Sample {
        int64_t atMs = 0;
        double value = 0;
    };
    mutable std::mutex m_mutex;
    std::vector<Sample> m_samples;
    size_t m_next = 0;
    size_t m_size = 0;
};

}  // namespace meridian::metrics
