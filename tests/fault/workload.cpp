#include "fault/workload.h"

#include <chrono>
#include <random>

#include "support/testclient.h"

namespace meridian::test {

Workload::Workload(std::vector<WriterTarget> targets, uint64_t seed, int64_t baseEventMs, int keys,
                   int eventTimes)
    : m_targets(std::move(targets)),
      m_seed(seed),
      m_baseEventMs(baseEventMs),
      m_keys(keys),
      m_eventTimes(eventTimes) {}

Workload::~Workload() {
    stop();
}

void Workload::start() {
    m_stop = false;
    for (size_t i = 0; i < m_targets.size(); ++i)
        m_threads.emplace_back([this, i] { run(i); });
}

void Workload::stop() {
    m_stop = true;
    for (auto& t : m_threads) {
        if (t.joinable())
            t.join();
    }
    m_threads.clear();
}

std::vector<WriteRecord> Workload::records() const {
    std::lock_guard lock(m_mutex);
    return m_records;
}

void Workload::run(size_t writer) {
    const auto& target = m_targets[writer];
    TestClient client(target.endpoint);
    std::mt19937_64 rng(m_seed * 1000003 + writer);
    const std::string prefix = (target.view == "eu_view" ? std::string(kEuMarker) : std::string()) +
                               target.region + "/" + target.view + "/";
    for (int64_t n = 0; !m_stop; ++n) {
        WriteRecord r;
        r.view = target.view;
        r.region = target.region;
        r.userId = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(m_keys));
        r.eventMs =
            m_baseEventMs + static_cast<int64_t>(rng() % static_cast<uint64_t>(m_eventTimes));
        r.score = static_cast<double>(rng() % 1'000'000);
        r.label = prefix + std::to_string(n);

        // One row per request: the response's version is then that row's write clock.
        v1::WriteFeaturesRequest request;
        request.set_project("rep");
        request.set_feature_view(target.view);
        auto* row = request.add_rows();
        (*row->mutable_keys())["user_id"].set_int64_val(r.userId);
        row->set_event_timestamp(r.eventMs);
        (*row->mutable_values())["score"].set_double_val(r.score);
        (*row->mutable_values())["label"].set_string_val(r.label);
        v1::WriteFeaturesResponse response;
        auto ctx = client.context(std::chrono::seconds(2));
        const auto status = client.serving().WriteFeatures(ctx.get(), request, &response);
        r.acked = status.ok();
        r.refused = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
        r.version = status.ok() ? response.version() : 0;
        (r.acked ? m_acked : r.refused ? m_refused : m_unknown)++;
        {
            std::lock_guard lock(m_mutex);
            m_records.push_back(std::move(r));
        }
        // A region down or paused: back off instead of piling up unknown writes. Otherwise a
        // short random pause, so that six writers leave the two cores some room for replication.
        std::this_thread::sleep_for(std::chrono::milliseconds(status.ok() ? rng() % 8 : 100));
    }
}

}  // namespace meridian::test
