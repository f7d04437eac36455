#include "support/testclient.h"

namespace meridian::test {

TestClient::TestClient(const std::string& endpoint) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(128 * 1024 * 1024);
    args.SetMaxSendMessageSize(128 * 1024 * 1024);
    m_channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
    m_registry = v1::Registry::NewStub(m_channel);
    m_serving = v1::Serving::NewStub(m_channel);
    m_admin = v1::Admin::NewStub(m_channel);
    m_replication = v1::Replication::NewStub(m_channel);
}

TestClient::TestClient(std::shared_ptr<grpc::Channel> channel) : m_channel(std::move(channel)) {
    m_registry = v1::Registry::NewStub(m_channel);
    m_serving = v1::Serving::NewStub(m_channel);
    m_admin = v1::Admin::NewStub(m_channel);
    m_replication = v1::Replication::NewStub(m_channel);
}

std::unique_ptr<grpc::ClientContext> TestClient::context(std::chrono::milliseconds deadline) const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + deadline);
    if (!m_token.empty())
        ctx->AddMetadata("authorization", "Bearer " + m_token);
    return ctx;
}

std::shared_ptr<grpc::Channel> tlsChannel(const std::string& endpoint, client::TlsSettings tls) {
    client::RegionChannelOptions options;
    options.tls = std::move(tls);
    return client::makeRegionChannel(endpoint, options);
}

bool TestClient::waitHealthy(std::chrono::milliseconds timeout) const {
    const auto until = std::chrono::system_clock::now() + timeout;
    while (std::chrono::system_clock::now() < until) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
        ctx.set_wait_for_ready(true);
        v1::HealthResponse response;
        if (v1::Admin::NewStub(m_channel)->Health(&ctx, v1::HealthRequest{}, &response).ok())
            return true;
    }
    return false;
}

}  // namespace meridian::test
