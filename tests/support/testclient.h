#pragma once
// gRPC stubs to one region for integration tests, with a deadline on every call.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "client/regionchannel.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/registry.grpc.pb.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "meridian/v1/serving.grpc.pb.h"

namespace meridian::test {

class TestClient {
public:
    explicit TestClient(const std::string& endpoint);
    // Over a channel of the caller's (e.g. one with TLS credentials).
    explicit TestClient(std::shared_ptr<grpc::Channel> channel);

    // Sent as a bearer token on every call from now on (empty: none).
    void setToken(std::string token) { m_token = std::move(token); }

    std::unique_ptr<grpc::ClientContext> context(
        std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;
    // True once the region answers Health.
    bool waitHealthy(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

    v1::Registry::Stub& registry() { return *m_registry; }
    v1::Serving::Stub& serving() { return *m_serving; }
    v1::Admin::Stub& admin() { return *m_admin; }
    v1::Replication::Stub& replication() { return *m_replication; }
    std::shared_ptr<grpc::Channel> channel() const { return m_channel; }

private:
    std::string m_token;
    std::shared_ptr<grpc::Channel> m_channel;
    std::unique_ptr<v1::Registry::Stub> m_registry;
    std::unique_ptr<v1::Serving::Stub> m_serving;
    std::unique_ptr<v1::Admin::Stub> m_admin;
    std::unique_ptr<v1::Replication::Stub> m_replication;
};

// A channel to `endpoint` with `tls` (the region's name as serverName, a client certificate
// or none), for tests of regions that serve TLS.
std::shared_ptr<grpc::Channel> tlsChannel(const std::string& endpoint, client::TlsSettings tls);

}  // namespace meridian::test
