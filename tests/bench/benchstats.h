#pragma once
// Small helpers for benchmark figures: latency samples, percentiles, medians, aligned output.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace meridian::bench {

// The integer after `name` on the command line ("--rows 1000"), else `fallback`.
inline int argValue(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0)
            return std::atoi(argv[i + 1]);
    }
    return fallback;
}

struct Figures {
    double p50Us = 0;
    double p99Us = 0;
    double perSecond = 0;
};

inline double percentile(std::vector<double> samples, double q) {
    if (samples.empty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const size_t i =
        std::min(samples.size() - 1, static_cast<size_t>(q * static_cast<double>(samples.size())));
    return samples[i];
}

// Runs `call` `n` times in a closed loop and measures each call.
template <typename Call>
Figures measure(int n, Call&& call) {
    std::vector<double> us;
    us.reserve(n);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        call(i);
        us.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {percentile(us, 0.5), percentile(us, 0.99), n / seconds};
}

// The round whose p50 is the median of the rounds.
inline Figures medianRound(std::vector<Figures> rounds) {
    std::sort(rounds.begin(), rounds.end(),
              [](const Figures& a, const Figures& b) { return a.p50Us < b.p50Us; });
    return rounds[rounds.size() / 2];
}

// Each figure's own median over the rounds (the p50, the p99 and the rate need not come from
// the same round).
inline Figures medianEach(const std::vector<Figures>& rounds) {
    auto median = [&](double Figures::*field) {
        std::vector<double> v;
        for (const auto& r : rounds)
            v.push_back(r.*field);
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    return {median(&Figures::p50Us), median(&Figures::p99Us), median(&Figures::perSecond)};
}

inline void printRow(const std::string& name, const Figures& f, const char* unit = "calls/s") {
    std::printf("  %-44s p50 %9.1f us   p99 %9.1f us   %11.0f %s\n", name.c_str(), f.p50Us, f.p99Us,
                f.perSecond, unit);
}

inline void printRatio(const std::string& name, double ratio, const std::string& target, bool met) {
    std::printf("  %-44s %6.2fx   target %-10s %s\n", name.c_str(), ratio, target.c_str(),
                met ? "met" : "NOT MET");
}

}  // namespace meridian::bench
