#include "datagen/randomsource.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace meridian::datagen {
namespace {

uint64_t splitMix(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

}  // namespace

uint64_t hashText(std::string_view text) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t mixSeeds(uint64_t a, uint64_t b) {
    uint64_t state = a ^ rotl(b, 32) ^ 0x6a09e667f3bcc909ull;
    splitMix(state);
    return splitMix(state) ^ b;
}

RandomSource::RandomSource(uint64_t seed) {
    uint64_t state = seed;
    for (auto& word : m_state)
        word = splitMix(state);
}

uint64_t RandomSource::nextU64() {
    const uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

double RandomSource::uniform() {
    return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

int64_t RandomSource::uniformInt(int64_t low, int64_t high) {
    if (high <= low)
        return low;
    const uint64_t span = static_cast<uint64_t>(high - low) + 1;
    return low + static_cast<int64_t>(nextU64() % span);
}

bool RandomSource::bernoulli(double p) {
    return uniform() < p;
}

double RandomSource::normal(double mean, double stddev) {
    // Box-Muller; 1 - uniform() is in (0, 1], so the logarithm is finite.
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double RandomSource::logNormal(double median, double sigma) {
    return median * std::exp(normal(0.0, sigma));
}

double RandomSource::exponential(double mean) {
    return -mean * std::log(1.0 - uniform());
}

int64_t RandomSource::poisson(double mean) {
    if (mean <= 0)
        return 0;
    if (mean < 30) {
        // Knuth: count uniforms until their product drops below e^-mean.
        const double limit = std::exp(-mean);
        int64_t k = 0;
        double product = uniform();
        while (product > limit) {
            ++k;
            product *= uniform();
        }
        return k;
    }
    return std::max<int64_t>(0, std::llround(normal(mean, std::sqrt(mean))));
}

int64_t RandomSource::binomial(int64_t trials, double p) {
    if (trials <= 0 || p <= 0)
        return 0;
    if (p >= 1)
        return trials;
    if (trials <= 64) {
        int64_t k = 0;
        for (int64_t i = 0; i < trials; ++i)
            k += bernoulli(p) ? 1 : 0;
        return k;
    }
    const double mean = static_cast<double>(trials) * p;
    const int64_t k = std::llround(normal(mean, std::sqrt(mean * (1 - p))));
    return std::clamp<int64_t>(k, 0, trials);
}

double RandomSource::logitNormal(double mean, double spread) {
    const double m = std::clamp(mean, 1e-6, 1 - 1e-6);
    const double logit = std::log(m / (1 - m)) + normal(0.0, spread);
    return 1.0 / (1.0 + std::exp(-logit));
}

}  // namespace meridian::datagen
