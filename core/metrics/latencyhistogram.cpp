#include "metrics/latencyhistogram.h"

#include <cmath>

namespace meridian::metrics {

namespace {

constexpr double kGrowth = 1.09;

int bucketOf(double micros) {
    if (micros <= 1.0)
        return 0;
    const int b = static_cast<int>(std::log(micros) / std::log(kGrowth)) + 1;
    return b;
}

double upperBoundMicros(int bucket) {
    return std::pow(kGrowth, bucket);
}

}  // namespace

void LatencyHistogram::record(double micros) {
    int b = bucketOf(micros);
    if (b >= kBuckets)
        b = kBuckets - 1;
    m_buckets[b].fetch_add(1, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

double LatencyHistogram::quantileMs(double q) const {
    int64_t total = 0;
    std::array<int64_t, kBuckets> snapshot{};
    for (int i = 0; i < kBuckets; ++i) {
        snapshot[i] = m_buckets[i].load(std::memory_order_relaxed);
        total += snapshot[i];
    }
    if (total == 0)
        return 0;
    const auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(total)));
    int64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += snapshot[i];
        if (seen >= rank && snapshot[i] > 0) {
            // The bucket's geometric middle.
            const double lo = i == 0 ? 0.5 : upperBoundMicros(i - 1);
            return std::sqrt(lo * upperBoundMicros(i)) / 1000.0;
        }
    }
    return upperBoundMicros(kBuckets - 1) / 1000.0;
}

void RateMeter::add(int64_t n, int64_t nowSec) {
    int64_t unset = -1;
    m_first.compare_exchange_strong(unset, nowSec, std::memory_order_relaxed);
    const int slot = static_cast<int>(nowSec % kSlots);
    if (m_stamps[slot].exchange(nowSec, std::memory_order_relaxed) != nowSec) {
        m_counts[slot].store(0, std::memory_order_relaxed);
    }
    m_counts[slot].fetch_add(n, std::memory_order_relaxed);
}

double RateMeter::perSecond(int64_t nowSec) const {
    int64_t total = 0;
    // The current second is still filling: average over the 60 complete seconds before it.
    for (int i = 0; i < kSlots; ++i) {
        const int64_t stamp = m_stamps[i].load(std::memory_order_relaxed);
        if (stamp < nowSec && stamp >= nowSec - kSlots)
            total += m_counts[i].load(std::memory_order_relaxed);
    }
    const int64_t first = m_first.load(std::memory_order_relaxed);
    if (first < 0 || first >= nowSec)
        return 0;
    const int64_t span = std::min<int64_t>(kSlots, nowSec - first);
    return static_cast<double>(total) / static_cast<double>(span);
}

int64_t steadySeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace meridian::metrics
