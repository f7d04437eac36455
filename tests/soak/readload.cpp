#include "readload.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>

#include "support/testclient.h"

namespace meridian::test {
namespace {

// Entities per request: a model scoring a small batch.
constexpr int kEntitiesPerRead = 20;
// The demo's key populations (datagen::populationShapeFor): ids 1..size.
constexpr int64_t kMerchants = 5'000;
constexpr int64_t kUsers = 100'000;

v1::GetOnlineFeaturesRequest readOf(const std::string& view, const std::string& key,
                                    int64_t population, std::mt19937_64& random) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("commerce");
    r.mutable_features()->add_refs(view + ":*");
    std::uniform_int_distribution<int64_t> id(1, population);
    for (int i = 0; i < kEntitiesPerRead; ++i)
        (*r.add_entities()->mutable_keys())[key].set_int64_val(id(random));
    return r;
}

}  // namespace

ReadLoad::ReadLoad(std::vector<ReadTarget> targets, double readsPerSecondPerRegion)
    : m_targets(std::move(targets)), m_rate(readsPerSecondPerRegion) {}

ReadLoad::~ReadLoad() {
    stop();
}

void ReadLoad::start() {
    for (const auto& t : m_targets)
        m_threads.emplace_back([this, &t] { run(t); });
}

void ReadLoad::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
        t.join();
    m_threads.clear();
}

std::map<std::string, ReadCounts> ReadLoad::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

void ReadLoad::run(const ReadTarget& target) {
    TestClient client(target.endpoint);
    std::mt19937_64 random(std::hash<std::string>{}(target.region));
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / m_rate));
    auto next = std::chrono::steady_clock::now();
    for (int64_t n = 0;; ++n) {
        {
            // Pacing, not waiting for a condition: the next read is due at `next` unless stopped.
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_until(lock, next, [this] { return m_stop; }))
                return;
        }
        next += period;
        const bool merchants = n % 2 == 0;
        const auto request = merchants ? readOf("merchant_risk", "merchant_id", kMerchants, random)
                                       : readOf(target.userView, "user_id", kUsers, random);
        v1::GetOnlineFeaturesResponse response;
        auto ctx = client.context(std::chrono::seconds(5));
        const auto st = client.serving().GetOnlineFeatures(ctx.get(), request, &response);
        int64_t present = 0;
        for (const auto& row : response.rows()) {
            for (const auto& v : row.values())
                present += v.status() == v1::PRESENT;
        }
        std::lock_guard lock(m_mutex);
        auto& c = m_counts[target.region];
        if (st.ok()) {
            ++c.ok;
            c.present += present;
        } else {
            ++c.failed;
            if (c.firstError.empty())
                c.firstError = (merchants ? std::string("merchant_risk") : target.userView) + ": " +
                               st.error_message();
        }
        // After a stall, carry on at the rate rather than firing the missed reads at once.
        next = std::max(next, std::chrono::steady_clock::now());
    }
}

}  // namespace meridian::test
