#pragma once
// A deployment file: the regions of one feature store, where they run, how the control plane
// is organised, the price table, replication settings and emulated links between regions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/regionset.h"

namespace meridian::deployment {

struct RegionEntry {
    registry::RegionInfo info;
    std::string endpoint;  // host:port
    double latitude = 0;
    double longitude = 0;
    std::string dataDir;  // for local deployments, relative to the deployment's data root
    // The region's own certificate and key (PEM), served to clients and presented to peers.
    std::string tlsCert;
    std::string tlsKey;
};

// TLS across the deployment: the CA every side trusts and the certificate that meridianctl and
// the console present (mutual TLS). Paths are resolved against the file's directory.
struct TlsFiles {
    std::string ca;
    std::string clientCert;
    std::string clientKey;
};

struct LinkEmulation {
    std::string a;
    std::string b;
    int delayMs = 0;  // one-way
    int jitterMs = 0;
    double loss = 0;     // probability a batch is dropped and resent
    std::string source;  // where the delay figure comes from
};

struct ReplicationSettings {
    int64_t maxClockOffsetMs = 500;
    int heartbeatMs = 500;
    int batchMaxChanges = 2000;
    int64_t logRetentionSeconds = 24 * 3600;
    int64_t logRetentionBytes = 512ll * 1024 * 1024;
    int64_t snapshotThreshold = 200'000;  // changes behind before a replica takes a snapshot
    bool compression = true;              // zstd on every batch
    // Each region compares its online store with each peer's this often (0: never), raising a
    // divergence alert when they differ (replication/consistency.h).
    int64_t consistencyCheckSeconds = 600;
};

enum class ControlPlaneMode { Centralized, Federated };

struct Deployment {
    std::string name;
    std::string path;  // the file it came from
    ControlPlaneMode controlPlane = ControlPlaneMode::Centralized;
    // Centralized: the region owning the registry (the first region listed when the file has
    // no control_plane section). Federated: empty.
    std::string controlRegion;
    std::string pricingPath;  // resolved against the file's directory
    ReplicationSettings replication;
    TlsFiles tls;  // all empty: plaintext
    std::vector<RegionEntry> regions;
    std::vector<LinkEmulation> links;

    const RegionEntry* region(std::string_view name) const;
    registry::RegionSet regionSet() const;
    // The emulation of the link between two regions, if any.
    const LinkEmulation* link(std::string_view a, std::string_view b) const;
};

// Errors name the file, the line and the field: "demo.yaml:14: regions[2].endpoint: …".
absl::StatusOr<Deployment> loadDeployment(const std::string& path);
absl::StatusOr<Deployment> parseDeployment(const std::string& text, const std::string& path);

std::string_view controlPlaneName(ControlPlaneMode mode);

}  // namespace meridian::deployment
