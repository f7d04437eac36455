#include "client/regionchannel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>

namespace meridian::client {

std::string readPemFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

absl::Status checkTlsFiles(const TlsSettings& tls) {
    if (!tls.enabled() && (!tls.certFile.empty() || !tls.keyFile.empty()))
        return absl::InvalidArgumentError(
            "a TLS certificate or key was given without the CA that checks the other side "
            "(--tls-ca)");
    if (tls.certFile.empty() != tls.keyFile.empty())
        return absl::InvalidArgumentError(
            "a TLS certificate needs its key, and a key its "
            "certificate (--tls-cert and --tls-key together)");
    for (const auto& [path, what] :
         {std::pair{tls.caFile, "CA certificate"}, std::pair{tls.certFile, "certificate"},
          std::pair{tls.keyFile, "private key"}}) {
        if (path.empty())
            continue;
        const std::string pem = readPemFile(path);
        if (pem.empty())
            return absl::InvalidArgumentError(std::string("cannot read the TLS ") + what + " '" +
                                              path + "'");
        if (pem.find("-----BEGIN ") == std::string::npos)
            return absl::InvalidArgumentError(std::string("the TLS ") + what + " '" + path +
                                              "' is not a PEM file");
    }
    return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> makeRegionChannel(const std::string& endpoint,
                                                 const RegionChannelOptions& options) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options.maxMessageBytes);
    args.SetMaxSendMessageSize(options.maxMessageBytes);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, options.minReconnectBackoffMs);
    // gRPC takes its "minimum reconnect backoff" as the least time a connection attempt is
    // given (min_connect_timeout), not as a pause between attempts.
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, options.connectTimeoutMs);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, options.maxReconnectBackoffMs);
    if (options.keepalive) {
        args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
        args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 2000);
        args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    }
    if (!options.tls.enabled())
        return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = readPemFile(options.tls.caFile);
    if (!options.tls.certFile.empty()) {
        ssl.pem_cert_chain = readPemFile(options.tls.certFile);
        ssl.pem_private_key = readPemFile(options.tls.keyFile);
    }
    if (!options.tls.serverName.empty())
        args.SetSslTargetNameOverride(options.tls.serverName);
    return grpc::CreateCustomChannel(endpoint, grpc::SslCredentials(ssl), args);
}

bool isLoopbackEndpoint(const std::string& endpoint) {
    std::string host = endpoint.substr(0, endpoint.rfind(':'));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace meridian::client
