#include "metrics/samplewindow.h"

#include <algorithm>

namespace meridian::metrics {

void SampleWindow::add(int64_t atMs, double value) {
    std::lock_guard lock(m_mutex);
    m_samples[m_next] = {atMs, value};
    m_next = (m_next + 1) % m_samples.size();
    m_size = std::min(m_size + 1, m_samples.size());
}

void SampleWindow::add(int64_t atMs, const std::vector<double>& values) {
    std::lock_guard lock(m_mutex);
    for (double v : values) {
        m_samples[m_next] = {atMs, v};
        m_next = (m_next + 1) % m_samples.size();
    }
    m_size = std::min(m_size + values.size(), m_samples.size());
}

double SampleWindow::quantile(double q, int64_t sinceMs) const {
    std::vector<double> values;
    {
        std::lock_guard lock(m_mutex);
        values.reserve(m_size);
        for (size_t i = 0; i < m_size; ++i) {
            if (m_samples[i].atMs >= sinceMs)
                values.push_back(m_samples[i].value);
        }
    }
    if (values.empty())
        return 0;
    const size_t k =
        std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

size_t SampleWindow::count(int64_t sinceMs) const {
    std::lock_guard lock(m_mutex);
    size_t n = 0;
    for (size_t i = 0; i < m_size; ++i)
        n += m_samples[i].atMs >= sinceMs;
    return n;
}

}  // namespace meridian::metrics
