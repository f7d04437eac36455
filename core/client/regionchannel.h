#pragma once
// The one way a channel to a region is made, for the region client, the console's backend and
// a region pulling from its peers alike.

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/status.h"

namespace meridian::client {

// TLS for a channel: the CA that signed the regions' certificates (none: plaintext), and for
// mutual TLS this side's own certificate and key, all PEM files.
struct TlsSettings {
    std::string caFile;
    std::string certFile;  // optional: a client certificate (region to region: the region's own)
    std::string keyFile;
    // The name the server's certificate must carry; empty: the endpoint's host. Regions check
    // each other by region name, which their certificates carry as a DNS name.
    std::string serverName;
    bool enabled() const { return !caFile.empty(); }
};

// Every file named can be read and holds PEM; INVALID_ARGUMENT naming the file otherwise.
absl::Status checkTlsFiles(const TlsSettings& tls);
// A PEM file's text ("" when it cannot be read).
std::string readPemFile(const std::string& path);

// True for "127.x.x.x:port", "localhost:port" and "[::1]:port": traffic that never leaves the
// machine (plaintext and credential-free serving are allowed there only).
bool isLoopbackEndpoint(const std::string& endpoint);

struct RegionChannelOptions {
    int maxMessageBytes = 64 * 1024 * 1024;
    // Pings an idle connection, so that a dead peer is noticed within seconds (streams that may
    // stay quiet: replication).
    bool keepalive = false;
    // A region that comes back (a restarted region, a healed network) is reached within
    // seconds rather than after gRPC's default backoff of up to two minutes.
    int minReconnectBackoffMs = 250;
    int maxReconnectBackoffMs = 2000;
    // How long one connection attempt may take (TCP, then HTTP/2's first frames; TLS when it
    // comes) before it is given up: round trips across clouds and a busy region take far more
    // than the backoff above.
    int connectTimeoutMs = 10'000;
    TlsSettings tls;
};

std::shared_ptr<grpc::Channel> makeRegionChannel(const std::string& endpoint,
                                                 const RegionChannelOptions& options = {});

}  // namespace meridian::client
