#include "client/regiondirectory.h"

#include "absl/strings/str_join.h"

namespace meridian::client {

absl::StatusOr<std::unique_ptr<RegionDirectory>> RegionDirectory::open(
    const std::string& deploymentPath, RegionClientOptions base) {
    if (deploymentPath.empty())
        return absl::InvalidArgumentError(
            "no deployment file: give one with --deployment FILE or $MERIDIAN_DEPLOYMENT");
    auto deployment = deployment::loadDeployment(deploymentPath);
    if (!deployment.ok())
        return deployment.status();
    if (deployment->regions.empty())
        return absl::InvalidArgumentError(deploymentPath + ": the deployment lists no region");
    if (!base.tls.enabled() && !deployment->tls.ca.empty()) {
        if (auto st = checkTlsFiles({.caFile = deployment->tls.ca,
                                     .certFile = deployment->tls.clientCert,
                                     .keyFile = deployment->tls.clientKey,
                                     .serverName = {}});
            !st.ok())
            return absl::InvalidArgumentError(deploymentPath + ": " + std::string(st.message()));
    }
    return std::make_unique<RegionDirectory>(std::move(*deployment), std::move(base));
}

RegionDirectory::RegionDirectory(deployment::Deployment deployment, RegionClientOptions base)
    : m_deployment(std::move(deployment)) {
    // The deployment's CA and client certificate, unless the caller brought its own.
    if (!base.tls.enabled() && !m_deployment.tls.ca.empty()) {
        base.tls.caFile = m_deployment.tls.ca;
        base.tls.certFile = m_deployment.tls.clientCert;
        base.tls.keyFile = m_deployment.tls.clientKey;
    }
    for (const auto& r : m_deployment.regions) {
        RegionClientOptions o = base;
        o.endpoint = r.endpoint;
        // A region's certificate names the region: checked here as between regions.
        if (o.tls.enabled() && o.tls.serverName.empty())
            o.tls.serverName = r.info.name;
        m_clients.push_back(std::make_unique<RegionClient>(std::move(o)));
    }
}

std::vector<std::string> RegionDirectory::names() const {
    std::vector<std::string> out;
    for (const auto& r : m_deployment.regions)
        out.push_back(r.info.name);
    return out;
}

bool RegionDirectory::contains(const std::string& region) const {
    return m_deployment.region(region) != nullptr;
}

RegionClient& RegionDirectory::client(const std::string& region) {
    for (size_t i = 0; i < m_deployment.regions.size(); ++i) {
        if (m_deployment.regions[i].info.name == region)
            return *m_clients[i];
    }
    return *m_clients.front();
}

absl::Status RegionDirectory::checkRegion(const std::string& region) const {
    if (contains(region))
        return absl::OkStatus();
    return absl::InvalidArgumentError("unknown region '" + region + "': deployment '" +
                                      m_deployment.name + "' (" + m_deployment.path + ") has " +
                                      absl::StrJoin(names(), ", "));
}

absl::Status describeSilence(const std::vector<std::string>& regions,
                             const std::vector<std::string>& reasons) {
    std::string message = "no region answered: " + absl::StrJoin(regions, ", ");
    if (!reasons.empty())
        message += " (first: " + reasons.front() + ")";
    return markFromRegion(absl::UnavailableError(message), regions.empty() ? "" : regions.front());
}

}  // namespace meridian::client
