#include "support/testcluster.h"

#include <QFile>
#include <QTcpServer>
#include <QtTest>

#include <memory>
#include <vector>

#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"

namespace meridian::test {

int freePort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

std::vector<ClusterRegion> TestCluster::threeRegions() {
    return {{"us1", "aws", "us-east-1", "us"},
            {"eu1", "aws", "eu-west-1", "eu"},
            {"eu2", "gcp", "europe-west4", "eu"}};
}

TestCluster::TestCluster(std::vector<ClusterRegion> regions, std::vector<ClusterLink> links,
                         std::string replicationYaml, std::string controlRegion)
    : m_regions(std::move(regions)),
      m_links(std::move(links)),
      m_replicationYaml(std::move(replicationYaml)),
      m_control(controlRegion.empty() ? m_regions.front().name : std::move(controlRegion)) {
    // Every probe stays open until all are chosen: a probe closed first would let the kernel
    // hand the same port to the next one (it did: "endpoint '127.0.0.1:35333' is used twice").
    std::vector<std::unique_ptr<QTcpServer>> probes;
    for (const auto& r : m_regions) {
        auto probe = std::make_unique<QTcpServer>();
        m_ports[r.name] = probe->listen(QHostAddress::LocalHost, 0) ? probe->serverPort() : 0;
        m_publicPorts[r.name] = m_ports[r.name];
        probes.push_back(std::move(probe));
    }
    writeDeployment();
}

void TestCluster::routeThrough(const std::string& region, int port) {
    m_publicPorts[region] = port;
    writeDeployment();
}

void TestCluster::writeDeployment() {
    QFile f(deploymentPath());
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    std::string yaml = "name: test-cluster\ncontrol_plane: " +
                       (m_federated ? std::string("{mode: federated}\n")
                                    : "{mode: centralized, region: " + m_control + "}\n");
    yaml += "replication:\n  heartbeat_ms: 200\n" + m_replicationYaml;
    yaml += "regions:\n";
    for (const auto& r : m_regions) {
        yaml += "  - {name: " + r.name + ", cloud: " + r.cloud +
                ", provider_region: " + r.providerRegion + ", jurisdiction: " + r.jurisdiction +
                ", endpoint: \"127.0.0.1:" + std::to_string(m_publicPorts[r.name]) + "\"}\n";
    }
    if (!m_links.empty()) {
        yaml += "links:\n";
        for (const auto& l : m_links) {
            yaml += "  - {between: [" + l.a + ", " + l.b +
                    "], delay_ms: " + std::to_string(l.delayMs) +
                    ", jitter_ms: " + std::to_string(l.jitterMs) + "}\n";
        }
    }
    f.write(yaml.data(), static_cast<qint64>(yaml.size()));
}

bool TestCluster::startAll() {
    for (const auto& r : m_regions) {
        if (!start(r.name))
            return false;
    }
    for (const auto& r : m_regions) {
        if (!client(r.name).waitHealthy())
            return false;
    }
    return true;
}

bool TestCluster::start(const std::string& region) {
    auto& p = m_processes[region];
    p = std::make_unique<StoreProcess>(
        QString::fromStdString(region), dataDir(region),
        QStringList{QStringLiteral("--deployment"), deploymentPath(),
                    QStringLiteral("--durability"), QStringLiteral("normal")} +
            m_extraArgs[region]);
    p->setFileSizeLimit(m_fileSizeLimits[region]);
    const bool ok = p->start(QStringLiteral("127.0.0.1:%1").arg(m_ports[region]));
    if (!ok)
        qWarning("region %s did not start: %s", region.c_str(), qPrintable(p->output()));
    return ok;
}

void TestCluster::kill(const std::string& region) {
    if (auto it = m_processes.find(region); it != m_processes.end() && it->second)
        it->second->kill();
}

bool TestCluster::stop(const std::string& region) {
    auto it = m_processes.find(region);
    return it != m_processes.end() && it->second && it->second->terminate();
}

bool TestCluster::running(const std::string& region) const {
    auto it = m_processes.find(region);
    return it != m_processes.end() && it->second && it->second->isRunning();
}

qint64 TestCluster::pid(const std::string& region) const {
    return running(region) ? m_processes.at(region)->pid() : 0;
}

TestClient& TestCluster::client(const std::string& region) {
    auto& c = m_clients[region];
    if (!c && m_channelFactory)
        c = std::make_unique<TestClient>(m_channelFactory(region, endpoint(region)));
    else if (!c)
        c = std::make_unique<TestClient>(endpoint(region));
    return *c;
}

QString TestCluster::dataDir(const std::string& region) const {
    return m_dir.filePath(QString::fromStdString(region));
}

std::string TestCluster::endpoint(const std::string& region) const {
    return "127.0.0.1:" + std::to_string(m_ports.at(region));
}

QString TestCluster::output(const std::string& region) const {
    auto it = m_processes.find(region);
    return it == m_processes.end() || !it->second ? QString() : it->second->output();
}

bool TestCluster::apply(const QString& repositoryPath, const std::string& region) {
    const std::string& at = region.empty() ? m_control : region;
    auto repo = deployment::loadRepositoryFile(repositoryPath.toStdString());
    if (!repo.ok()) {
        qWarning("%s", std::string(repo.status().message()).c_str());
        return false;
    }
    v1::ApplyRequest request;
    for (auto& o : registry::objectsOf(*repo))
        *request.add_objects() = std::move(o);
    v1::ApplyResponse response;
    auto ctx = client(at).context();
    auto st = client(at).registry().Apply(ctx.get(), request, &response);
    if (!st.ok())
        qWarning("apply failed: %s", st.error_message().c_str());
    return st.ok();
}

}  // namespace meridian::test
