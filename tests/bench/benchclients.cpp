#include "benchclients.h"

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace meridian::bench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string redisKey(int64_t id) {
    return "user:" + std::to_string(id);
}

// HSET user:<id> f0 v0 … f19 v19, values as text.
void appendHset(std::string& out, const BenchRow& row) {
    static const auto names = [] {
        std::array<std::string, kFeatures> n;
        for (int f = 0; f < kFeatures; ++f)
            n[f] = featureName(f);
        return n;
    }();
    std::array<std::string, kFeatures> values;
    for (int f = 0; f < kFeatures; ++f)
        values[f] =
            isInt64Feature(f) ? std::to_string(row.ints[f / 2]) : redisText(row.doubles[f / 2]);
    const std::string key = redisKey(row.id);
    std::vector<std::string_view> args{"HSET", key};
    for (int f = 0; f < kFeatures; ++f) {
        args.push_back(names[f]);
        args.push_back(values[f]);
    }
    appendCommand(out, args);
}

void fillFeatureRow(v1::FeatureRow& out, const BenchRow& row, int64_t eventTs) {
    (*out.mutable_keys())["user_id"].set_int64_val(row.id);
    out.set_event_timestamp(eventTs);
    auto& values = *out.mutable_values();
    for (int f = 0; f < kFeatures; ++f) {
        auto& v = values[featureName(f)];
        if (isInt64Feature(f))
            v.set_int64_val(row.ints[f / 2]);
        else
            v.set_double_val(row.doubles[f / 2]);
    }
}

std::unique_ptr<grpc::ClientContext> contextWithDeadline(std::chrono::seconds seconds) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + seconds);
    return ctx;
}

}  // namespace

BenchRow rowFor(int64_t id, uint64_t seed) {
    uint64_t state = seed ^ (static_cast<uint64_t>(id) * 0xD1B54A32D192ED03ull);
    BenchRow row;
    row.id = id;
    for (auto& d : row.doubles)
        d = static_cast<double>(splitmix64(state) % 100000) / 100.0;
    for (auto& i : row.ints)
        i = static_cast<int64_t>(splitmix64(state) % 1000000);
    return row;
}

Workload makeWorkload(int clients, int rowsPerRequest, int requestsPerClient, int64_t population,
                      uint64_t seed) {
    Workload workload(clients);
    uint64_t state = seed;
    const int64_t perClient = population / clients;
    for (int c = 0; c < clients; ++c) {
        workload[c].resize(requestsPerClient);
        for (auto& batch : workload[c]) {
            batch.reserve(rowsPerRequest);
            for (int r = 0; r < rowsPerRequest; ++r) {
                const int64_t slot = static_cast<int64_t>(splitmix64(state) % perClient);
                const int64_t id = 1 + slot * clients + c;
                // Fresh values, so every write changes the row.
                batch.push_back(rowFor(id, splitmix64(state)));
            }
        }
    }
    return workload;
}

std::string redisText(double v) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

MeridianConnections::MeridianConnections(const std::string& endpoint, int clients) {
    for (int c = 0; c < clients; ++c) {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(128 * 1024 * 1024);
        args.SetMaxSendMessageSize(128 * 1024 * 1024);
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        auto channel =
            grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
        if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)))
            throw std::runtime_error("cannot connect to the store at " + endpoint);
        m_stubs.push_back(v1::Serving::NewStub(channel));
        m_admin.push_back(v1::Admin::NewStub(channel));
        m_channels.push_back(std::move(channel));
    }
}

void EchoCalls::send(int client, size_t) {
    auto ctx = contextWithDeadline(std::chrono::seconds(60));
    v1::EchoResponse response;
    const auto st = m_connections.admin(client).Echo(ctx.get(), m_request, &response);
    if (!st.ok() || static_cast<int>(response.payload().size()) != m_responseBytes)
        throw std::runtime_error("Echo failed: " + st.error_message());
}

RedisConnections::RedisConnections(int port, int clients) {
    for (int c = 0; c < clients; ++c)
        m_connections.push_back(RespConnection::connect("127.0.0.1", port));
}

MeridianWrites::MeridianWrites(MeridianConnections& connections, const Workload& workload,
                               v1::WriteTarget target)
    : m_connections(connections), m_target(target) {
    const int64_t now = wallClockMs();
    size_t rowBytes = 0, rows = 0;
    m_requests.resize(workload.size());
    for (size_t c = 0; c < workload.size(); ++c) {
        for (const auto& batch : workload[c]) {
            auto& request = m_requests[c].emplace_back();
            request.set_project(kProject);
            request.set_feature_view(kFeatureView);
            request.set_target(target);
            for (const auto& row : batch) {
                auto* out = request.add_rows();
                fillFeatureRow(*out, row, now);
                rowBytes += out->ByteSizeLong();
                ++rows;
            }
        }
    }
    m_rowsPerRequest = static_cast<int>(workload.at(0).at(0).size());
    m_wireBytesPerRow = rows ? static_cast<double>(rowBytes) / static_cast<double>(rows) : 0;
    m_requestBytes = m_requests.at(0).at(0).ByteSizeLong();
}

void MeridianWrites::send(int client, size_t i) {
    auto& pool = m_requests[client];
    auto& request = pool[i % pool.size()];
    // Requests are reused: a fresh event time keeps each one newer than the value it replaces.
    const int64_t now = wallClockMs();
    for (auto& row : *request.mutable_rows())
        row.set_event_timestamp(now);
    auto ctx = contextWithDeadline(std::chrono::seconds(60));
    v1::WriteFeaturesResponse response;
    const auto st = m_connections.stub(client).WriteFeatures(ctx.get(), request, &response);
    if (!st.ok())
        throw std::runtime_error("WriteFeatures failed: " + st.error_message());
    if (m_target != v1::OFFLINE)
        m_notApplied += request.rows_size() - response.online_applied();
}

RedisWrites::RedisWrites(RedisConnections& connections, const Workload& workload, Batching batching)
    : m_connections(connections) {
    size_t hsetBytes = 0, rows = 0;
    m_commands.resize(workload.size());
    for (size_t c = 0; c < workload.size(); ++c) {
        for (const auto& batch : workload[c]) {
            std::string commands;
            if (batching == Batching::MultiExec)
                appendCommand(commands, {"MULTI"});
            const size_t before = commands.size();
            for (const auto& row : batch)
                appendHset(commands, row);
            hsetBytes += commands.size() - before;
            rows += batch.size();
            if (batching == Batching::MultiExec)
                appendCommand(commands, {"EXEC"});
            m_commands[c].push_back(std::move(commands));
        }
    }
    m_rowsPerRequest = static_cast<int>(workload.at(0).at(0).size());
    // MULTI and EXEC answer too (+OK, then one array holding the HSETs' answers after QUEUED).
    m_replies = m_rowsPerRequest + (batching == Batching::MultiExec ? 2 : 0);
    m_commandBytesPerRow = rows ? static_cast<double>(hsetBytes) / static_cast<double>(rows) : 0;
}

void RedisWrites::send(int client, size_t i) {
    auto& pool = m_commands[client];
    auto& conn = m_connections.at(client);
    conn.send(pool[i % pool.size()]);
    conn.readOk(m_replies);
}

MeridianReads::MeridianReads(MeridianConnections& connections, const std::vector<int64_t>& ids)
    : m_connections(connections) {
    for (const int64_t id : ids) {
        auto& r = m_requests.emplace_back();
        r.set_project(kProject);
        r.mutable_features()->add_refs(std::string(kFeatureView) + ":*");
        (*r.add_entities()->mutable_keys())["user_id"].set_int64_val(id);
    }
}

void MeridianReads::send(int client, size_t i) {
    auto ctx = contextWithDeadline(std::chrono::seconds(10));
    v1::GetOnlineFeaturesResponse response;
    const auto st = m_connections.stub(client).GetOnlineFeatures(
        ctx.get(), m_requests[i % m_requests.size()], &response);
    if (!st.ok())
        throw std::runtime_error("GetOnlineFeatures failed: " + st.error_message());
    if (response.rows_size() != 1 || response.rows(0).values_size() != kFeatures ||
        response.rows(0).values(0).status() != v1::PRESENT)
        throw std::runtime_error("GetOnlineFeatures: the row was not there");
}

RedisReads::RedisReads(RedisConnections& connections, const std::vector<int64_t>& ids)
    : m_connections(connections) {
    for (const int64_t id : ids) {
        const std::string key = redisKey(id);
        appendCommand(m_commands.emplace_back(), {"HGETALL", key});
    }
}

void RedisReads::send(int client, size_t i) {
    auto& conn = m_connections.at(client);
    conn.send(m_commands[i % m_commands.size()]);
    const auto reply = conn.read();
    if (reply.kind != RespReply::Kind::Array ||
        reply.elements.size() != static_cast<size_t>(2 * kFeatures))
        throw std::runtime_error("HGETALL: the row was not there");
}

LoopResult runClosedLoop(RequestSource& source, int clients, double seconds) {
    std::vector<std::vector<double>> latencies(clients);
    std::vector<int64_t> requests(clients, 0);
    std::latch ready(clients + 1);
    Clock::time_point start;
    std::atomic<bool> failed{false};
    std::mutex errorMutex;
    std::string error;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            ready.arrive_and_wait();
            const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(seconds));
            auto& us = latencies[c];
            us.reserve(100000);
            try {
                for (size_t i = 0; !failed.load(std::memory_order_relaxed); ++i) {
                    const auto t0 = Clock::now();
                    if (t0 >= deadline)
                        break;
                    source.send(c, i);
                    us.push_back(
                        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
                    ++requests[c];
                }
            } catch (const std::exception& e) {
                failed = true;
                std::lock_guard lock(errorMutex);
                if (error.empty())
                    error = e.what();
            }
        });
    }
    // Every client is waiting at the latch; the clock starts as they are released.
    start = Clock::now();
    ready.arrive_and_wait();
    for (auto& t : threads)
        t.join();
    LoopResult result;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (failed)
        throw std::runtime_error(error);
    for (int c = 0; c < clients; ++c) {
        result.requests += requests[c];
        result.latencyUs.insert(result.latencyUs.end(), latencies[c].begin(), latencies[c].end());
    }
    result.rows = result.requests * source.rowsPerRequest();
    return result;
}

void loadRows(const std::string& endpoint, int64_t from, int64_t upTo, int rowsPerRequest,
              uint64_t seed, const std::string& progressLabel) {
    constexpr int kLoaders = 2;  // one request is being built while the other is written
    MeridianConnections connections(endpoint, kLoaders);
    std::atomic<int64_t> next{from}, done{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::condition_variable finished;
    int running = kLoaders;
    std::string error;
    std::vector<std::thread> loaders;
    for (int l = 0; l < kLoaders; ++l) {
        loaders.emplace_back([&, l] {
            try {
                for (;;) {
                    const int64_t first = next.fetch_add(rowsPerRequest);
                    if (first > upTo || failed)
                        break;
                    const int64_t last = std::min<int64_t>(upTo, first + rowsPerRequest - 1);
                    v1::WriteFeaturesRequest request;
                    request.set_project(kProject);
                    request.set_feature_view(kFeatureView);
                    request.set_target(v1::ONLINE);
                    const int64_t now = wallClockMs();
                    for (int64_t id = first; id <= last; ++id)
                        fillFeatureRow(*request.add_rows(), rowFor(id, seed), now);
                    auto ctx = contextWithDeadline(std::chrono::seconds(600));
                    v1::WriteFeaturesResponse response;
                    const auto st =
                        connections.stub(l).WriteFeatures(ctx.get(), request, &response);
                    if (!st.ok())
                        throw std::runtime_error("loading rows " + std::to_string(first) + ".." +
                                                 std::to_string(last) +
                                                 " failed: " + st.error_message());
                    done += last - first + 1;
                }
            } catch (const std::exception& e) {
                failed = true;
                std::lock_guard lock(mutex);
                if (error.empty())
                    error = e.what();
            }
            std::lock_guard lock(mutex);
            --running;
            finished.notify_all();
        });
    }
    const auto start = Clock::now();
    {
        std::unique_lock lock(mutex);
        while (!finished.wait_for(lock, std::chrono::seconds(10), [&] { return running == 0; })) {
            if (progressLabel.empty())
                continue;
            const double s = std::chrono::duration<double>(Clock::now() - start).count();
            const int64_t n = done.load();
            const double rate = n / s;
            std::printf("  %s: %lld of %lld rows, %.0f rows/s, about %.0f s to go\n",
                        progressLabel.c_str(), static_cast<long long>(from - 1 + n),
                        static_cast<long long>(upTo), rate,
                        rate > 0 ? static_cast<double>(upTo - from + 1 - n) / rate : 0.0);
            std::fflush(stdout);
        }
    }
    for (auto& t : loaders)
        t.join();
    if (failed)
        throw std::runtime_error(error);
}

void loadRows(int redisPort, int64_t from, int64_t upTo, uint64_t seed) {
    auto conn = RespConnection::connect("127.0.0.1", redisPort);
    constexpr int kPerWrite = 1000;
    for (int64_t first = from; first <= upTo; first += kPerWrite) {
        const int64_t last = std::min<int64_t>(upTo, first + kPerWrite - 1);
        std::string commands;
        for (int64_t id = first; id <= last; ++id)
            appendHset(commands, rowFor(id, seed));
        conn->send(commands);
        conn->readOk(static_cast<int>(last - first + 1));
    }
}

}  // namespace meridian::bench
