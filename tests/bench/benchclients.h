#pragma once
// Closed-loop clients for the write benchmark: the same rows sent to a Meridian store (gRPC
// WriteFeatures / GetOnlineFeatures) and to a Redis server (HSET / HGETALL over RESP), each
// client on a connection of its own, every request encoded before any clock runs.

#include <grpcpp/grpcpp.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchrepository.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/serving.grpc.pb.h"
#include "respconnection.h"

namespace meridian::bench {

// One row of the 20-feature view: f0, f2, … f18 DOUBLE, f1, f3, … f19 INT64.
struct BenchRow {
    int64_t id = 0;
    std::array<double, kFeatures / 2> doubles{};
    std::array<int64_t, kFeatures / 2> ints{};
};
using Batch = std::vector<BenchRow>;
// [client][request]: what each client sends, cycled through; the same for every system.
using Workload = std::vector<std::vector<Batch>>;

// Keys drawn uniformly from 1..population, client c only from ids with (id - 1) % clients == c:
// no two clients write one key, so every write of a client is newer than its last one to it.
Workload makeWorkload(int clients, int rowsPerRequest, int requestsPerClient, int64_t population,
                      uint64_t seed);
// The values of row `id` for a given seed, whichever order rows are generated in.
BenchRow rowFor(int64_t id, uint64_t seed);

// A value as a Redis user would store it: the shortest decimal text that reads back the same.
std::string redisText(double v);

// Anything a closed-loop client can send: request `i` of client `client`, returning once the
// system has acknowledged it; throws std::runtime_error on a failure.
class RequestSource {
public:
    virtual ~RequestSource() = default;
    virtual int rowsPerRequest() const = 0;
    virtual void send(int client, size_t i) = 0;
};

// `clients` gRPC channels to one store, each its own TCP connection (a local subchannel pool
// per channel; by default gRPC would share one connection between identical channels).
class MeridianConnections {
public:
    MeridianConnections(const std::string& endpoint, int clients);
    v1::Serving::Stub& stub(int client) { return *m_stubs[client]; }
    v1::Admin::Stub& admin(int client) { return *m_admin[client]; }
    int size() const { return static_cast<int>(m_stubs.size()); }

private:
    std::vector<std::shared_ptr<grpc::Channel>> m_channels;
    std::vector<std::unique_ptr<v1::Serving::Stub>> m_stubs;
    std::vector<std::unique_ptr<v1::Admin::Stub>> m_admin;
};

class RedisConnections {
public:
    RedisConnections(int port, int clients);
    RespConnection& at(int client) { return *m_connections[client]; }
    int size() const { return static_cast<int>(m_connections.size()); }

private:
    std::vector<std::unique_ptr<RespConnection>> m_connections;
};

// WriteFeatures of each batch; every row gets the wall clock as event time when it is sent.
class MeridianWrites : public RequestSource {
public:
    MeridianWrites(MeridianConnections& connections, const Workload& workload,
                   v1::WriteTarget target);
    int rowsPerRequest() const override { return m_rowsPerRequest; }
    void send(int client, size_t i) override;
    // Bytes of one row in the request as protobuf encodes it (FeatureRow), on average.
    double wireBytesPerRow() const { return m_wireBytesPerRow; }
    // Rows the store answered as not applied (an older event than it held): should stay 0.
    int64_t notApplied() const { return m_notApplied.load(); }
    // Bytes of a whole request, on average (for an echo of the same size).
    size_t requestBytes() const { return m_requestBytes; }

private:
    MeridianConnections& m_connections;
    std::vector<std::vector<v1::WriteFeaturesRequest>> m_requests;
    v1::WriteTarget m_target;
    int m_rowsPerRequest = 0;
    double m_wireBytesPerRow = 0;
    size_t m_requestBytes = 0;
    std::atomic<int64_t> m_notApplied{0};
};

// Admin.Echo on the store's own server, carrying as many bytes each way as a write of `rows`
// rows does: what any gRPC call of that size costs before the store does anything.
class EchoCalls : public RequestSource {
public:
    EchoCalls(MeridianConnections& connections, size_t requestBytes, int responseBytes, int rows)
        : m_connections(connections), m_responseBytes(responseBytes), m_rows(rows) {
        m_request.set_payload(std::string(requestBytes, 'x'));
        m_request.set_response_bytes(responseBytes);
    }
    int rowsPerRequest() const override { return m_rows; }
    void send(int client, size_t i) override;

private:
    MeridianConnections& m_connections;
    v1::EchoRequest m_request;
    int m_responseBytes = 0;
    int m_rows = 1;
};

// HSET user:<id> f0 v0 … f19 v19 per row; a batch goes as one pipelined write, plain or
// wrapped in MULTI … EXEC (atomic, like one WriteFeatures request).
class RedisWrites : public RequestSource {
public:
    enum class Batching { Pipeline, MultiExec };
    RedisWrites(RedisConnections& connections, const Workload& workload, Batching batching);
    int rowsPerRequest() const override { return m_rowsPerRequest; }
    void send(int client, size_t i) override;
    double commandBytesPerRow() const { return m_commandBytesPerRow; }

private:
    RedisConnections& m_connections;
    std::vector<std::vector<std::string>> m_commands;
    int m_replies = 0;
    int m_rowsPerRequest = 0;
    double m_commandBytesPerRow = 0;
};

// GetOnlineFeatures of one entity, all 20 features ("user_features:*").
class MeridianReads : public RequestSource {
public:
    MeridianReads(MeridianConnections& connections, const std::vector<int64_t>& ids);
    int rowsPerRequest() const override { return 1; }
    void send(int client, size_t i) override;

private:
    MeridianConnections& m_connections;
    std::vector<v1::GetOnlineFeaturesRequest> m_requests;
};

// HGETALL user:<id>.
class RedisReads : public RequestSource {
public:
    RedisReads(RedisConnections& connections, const std::vector<int64_t>& ids);
    int rowsPerRequest() const override { return 1; }
    void send(int client, size_t i) override;

private:
    RedisConnections& m_connections;
    std::vector<std::string> m_commands;
};

struct LoopResult {
    std::vector<double> latencyUs;  // one per request, every client's
    int64_t requests = 0;
    int64_t rows = 0;
    double seconds = 0;  // from the common start until the last client's last answer
};

// `clients` threads send back to back for `seconds`; throws the first client's failure.
LoopResult runClosedLoop(RequestSource& source, int clients, double seconds);

// Writes rows 1..`upTo` (from `from`) to a store in requests of `rowsPerRequest` with two
// connections, printing progress about every 10 s when `progressLabel` is not empty.
void loadRows(const std::string& endpoint, int64_t from, int64_t upTo, int rowsPerRequest,
              uint64_t seed, const std::string& progressLabel);
// The same rows (same seed) into Redis, 1 000 HSETs per pipelined write.
void loadRows(int redisPort, int64_t from, int64_t upTo, uint64_t seed);

}  // namespace meridian::bench
