#pragma once
// Steady online reads against every region while the soak test runs, one thread per region:
// GetOnlineFeatures of merchant_risk (held by every region of the demo) alternating with a
// user-keyed view that region keeps, so that reads are part of the mix the store carries.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace meridian::test {

struct ReadTarget {
    std::string region;
    std::string endpoint;
    std::string userView;  // a view keyed by user_id that the region holds
};

struct ReadCounts {
    int64_t ok = 0;
    int64_t failed = 0;
    int64_t present = 0;     // values answered PRESENT
    std::string firstError;  // of the first failed read
};

class ReadLoad {
public:
    ReadLoad(std::vector<ReadTarget> targets, double readsPerSecondPerRegion);
    ~ReadLoad();

    void start();
    void stop();
    std::map<std::string, ReadCounts> counts() const;

private:
    void run(const ReadTarget& target);

    std::vector<ReadTarget> m_targets;
    double m_rate;
    std::vector<std::thread> m_threads;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::map<std::string, ReadCounts> m_counts;
};

}  // namespace meridian::test
