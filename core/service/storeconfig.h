#pragma once
// How a meridian-store process is configured: a YAML file and/or command-line flags (flags
// win), completed from the deployment file when the region is listed there.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "deployment/deployment.h"
#include "storage/database.h"

namespace meridian::service {

struct StoreConfig {
    std::string region;
    std::string cloud;
    std::string providerRegion;
    std::string listen;  // host:port; port 0 picks a free one
    std::string dataDir;
    std::string deploymentPath;  // optional
    storage::Durability durability = storage::Durability::Full;
    std::string portFile;     // optional: the bound port is written here once serving
    int64_t clockSkewMs = 0;  // rehearsal only: runs the region's clock this far off
    int diskLatencyMs = 0;    // rehearsal only: every sync of its files waits this long
    // Writes whose event time is further ahead of the region's clock are refused.
    int64_t maxEventAheadS = 24 * 3600;
    // TLS: this region's certificate and key (PEM) make every endpoint TLS; the CA checks
    // clients that present a certificate (peers must: mutual TLS) and the peers this region
    // pulls from. Without them the store speaks plaintext, on loopback addresses only unless
    // insecurePlaintextOnNetwork.
    std::string tlsCert;
    std::string tlsKey;
    std::string tlsCa;
    bool insecurePlaintextOnNetwork = false;
    // Bearer tokens (their hashes; see access/tokens.h): with a token file every call needs a
    // token, or a peer region's certificate. Without one, no credentials are asked for: on
    // loopback addresses only unless insecureNoAuthOnNetwork.
    std::string tokensFile;
    bool insecureNoAuthOnNetwork = false;
    // How region.db is checked before the store serves from it.
    storage::OpenCheck startupCheck = storage::OpenCheck::Quick;
};

// Reads the keys of a store config file into `config` (only keys present are set).
absl::Status readStoreConfigFile(const std::string& path, StoreConfig& config);

struct ResolvedStore {
    StoreConfig config;
    std::optional<deployment::Deployment> deployment;
};

// Loads the deployment (if any), fills cloud, endpoint and data directory from it, and
// checks that what remains is complete.
absl::StatusOr<ResolvedStore> resolveStoreConfig(StoreConfig config);

std::optional<storage::Durability> durabilityFromName(const std::string& name);
// "quick", "full" or "none".
std::optional<storage::OpenCheck> openCheckFromName(const std::string& name);

}  // namespace meridian::service
