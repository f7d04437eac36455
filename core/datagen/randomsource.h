#pragma once
// A small, fully specified pseudo-random generator (xoshiro256**) with the distributions the
// data generator draws from, so that a seed gives the same rows on every platform.

#include <cstdint>
#include <string_view>

namespace meridian::datagen {

// FNV-1a, 64 bits: a stable hash of text for deriving seeds.
uint64_t hashText(std::string_view text);

// splitmix64 of the combination: a well-mixed seed from two values.
uint64_t mixSeeds(uint64_t a, uint64_t b);

class RandomSource {
public:
    explicit RandomSource(uint64_t seed);

    uint64_t nextU64();
    double uniform();                               // [0, 1)
    int64_t uniformInt(int64_t low, int64_t high);  // [low, high]
    bool bernoulli(double p);
    double normal(double mean, double stddev);
    // exp(N(log(median), sigma)): amounts, durations, rates.
    double logNormal(double median, double sigma);
    double exponential(double mean);
    int64_t poisson(double mean);
    int64_t binomial(int64_t trials, double p);
    // A value in (0, 1) around `mean`, spread on the logit scale: rates and probabilities.
    double logitNormal(double mean, double spread);

private:
    uint64_t m_state[4];
};

}  // namespace meridian::datagen
