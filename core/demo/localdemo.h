#pragma once
// The local demo: every region of a deployment file started as a meridian-store process on
// this machine, the sample feature repository applied, sample rows pushed and a background
// generator writing realistic rows; stopped again leaving no process behind. Used by
// `meridianctl demo` and `meridian --demo` alike.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace meridian::demo {

struct DemoOptions {
    // Default: the installed or source-tree resources/demo/deployment.yaml.
    std::string deploymentPath;
    // Default: $XDG_DATA_HOME/meridian/demo (or ~/.local/share/meridian/demo).
    std::string dataDir;
    std::string repositoryPath;  // default: resources/examples/feature_repo.yaml
    // Default: meridian-store next to the running executable, else on PATH.
    std::string storeBinary;
    std::string ctlBinary;  // default: meridianctl next to the running executable, else on PATH
    double generatorRowsPerSecond = 50;  // per region; 0: no background generator
    int seedRowsPerView = 2000;          // rows pushed to each view when the demo comes up
    // Everything over TLS: a CA and certificates made with openssl under <dataDir>/pki, and a
    // copy of the deployment naming them (<dataDir>/deployment-tls.yaml) that the regions,
    // the generator, meridianctl and the console then use; regions reach each other over mutual
    // TLS, each checking that the peer's certificate names the region it claims to be.
    bool tls = false;
};

struct DemoRegion {
    std::string name;
    std::string cloud;
    std::string providerRegion;
    std::string endpoint;
    int pid = 0;
    bool healthy = false;
    std::string log;  // the process's log file
};

struct DemoState {
    std::string deploymentPath;
    std::string dataDir;
    std::vector<DemoRegion> regions;
    int generatorPid = 0;
    int64_t startedAtMs = 0;
};

class LocalDemo {
public:
    // Called with a one-line description of each step ("starting aws-eu-west-1 on 127.0.0.1:7402").
    using Progress = std::function<void(const std::string& step)>;

    explicit LocalDemo(DemoOptions options = {});
    // The options with every default resolved.
    const DemoOptions& options() const { return m_options; }

    // Starts whatever is not running yet; an error names what failed (a port in use, a region
    // that did not become healthy, with the tail of its log) and stops what this call started.
    absl::StatusOr<DemoState> up(const Progress& progress = {});
    // What runs now, from the state file and a health check of each region.
    absl::StatusOr<DemoState> status() const;
    // Stops every process of the demo (SIGTERM, then SIGKILL after a grace period) and checks
    // that none is left. Succeeds when nothing was running.
    absl::Status down(const Progress& progress = {});
    bool running() const;

private:
    DemoOptions m_options;
};

// The data directory of a demo running now: `base`'s (by default the default one), else the
// most recently started one that still runs; "" when none runs.
std::string runningDemoDataDir(DemoOptions base = {});

}  // namespace meridian::demo
