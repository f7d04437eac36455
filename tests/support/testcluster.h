#pragma once
// A deployment of real meridian-store processes on free loopback ports, for replication
// tests: the deployment file is written to a temporary directory, regions can be killed and
// restarted, links emulated.

#include <QString>
#include <QTemporaryDir>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/storeprocess.h"
#include "support/testclient.h"

namespace meridian::test {

struct ClusterRegion {
    std::string name;
    std::string cloud;
    std::string providerRegion;
    std::string jurisdiction;
};

struct ClusterLink {
    std::string a, b;
    int delayMs = 0;
    int jitterMs = 0;
};

class TestCluster {
public:
    // The three-region cluster of tests/data/replicationrepo.yaml.
    static std::vector<ClusterRegion> threeRegions();

    // `extraYaml` is appended under `replication:` (e.g. "  heartbeat_ms: 200\n").
    TestCluster(std::vector<ClusterRegion> regions, std::vector<ClusterLink> links = {},
                std::string replicationYaml = {}, std::string controlRegion = {});

    bool startAll();
    bool start(const std::string& region);
    void kill(const std::string& region);
    bool stop(const std::string& region);
    bool running(const std::string& region) const;
    // The store's process id, for signals other than SIGKILL (SIGSTOP/SIGCONT); 0 when not running.
    qint64 pid(const std::string& region) const;

    TestClient& client(const std::string& region);
    QString dataDir(const std::string& region) const;
    QString deploymentPath() const { return m_dir.filePath("deployment.yaml"); }
    std::string endpoint(const std::string& region) const;
    QString output(const std::string& region) const;
    // Applies a repository file at `region` (by default the control region).
    bool apply(const QString& repositoryPath, const std::string& region = {});
    // A federated control plane instead of a centralized one (before startAll()).
    void setFederated(bool federated) {
        m_federated = federated;
        writeDeployment();
    }
    // Overwrites the endpoint other regions use to reach `region` (e.g. a counting proxy);
    // must be called before startAll().
    void routeThrough(const std::string& region, int port);
    // Extra meridian-store arguments for `region` from its next start on.
    void setExtraArgs(const std::string& region, QStringList args) {
        m_extraArgs[region] = std::move(args);
    }
    // The channel client(region) talks over, for regions that serve TLS; by default plaintext.
    using ChannelFactory = std::function<std::shared_ptr<grpc::Channel>(
        const std::string& region, const std::string& endpoint)>;
    void setChannelFactory(ChannelFactory factory) { m_channelFactory = std::move(factory); }
    // From `region`'s next start on, no file it writes may grow past `bytes` (RLIMIT_FSIZE): a
    // full disk. 0 lifts the limit.
    void setFileSizeLimit(const std::string& region, qint64 bytes) {
        m_fileSizeLimits[region] = bytes;
    }

private:
    void writeDeployment();

    QTemporaryDir m_dir;
    std::vector<ClusterRegion> m_regions;
    std::vector<ClusterLink> m_links;
    std::string m_replicationYaml;
    std::string m_control;
    bool m_federated = false;
    std::map<std::string, int> m_ports;        // where each region listens
    std::map<std::string, int> m_publicPorts;  // where the deployment says it is
    std::map<std::string, std::unique_ptr<StoreProcess>> m_processes;
    std::map<std::string, std::unique_ptr<TestClient>> m_clients;
    std::map<std::string, QStringList> m_extraArgs;
    std::map<std::string, qint64> m_fileSizeLimits;
    ChannelFactory m_channelFactory;
};

// A port nobody listens on right now.
int freePort();

}  // namespace meridian::test
