#pragma once
// The regions of a deployment file, each with a RegionClient, for commands and pages that
// talk to every region at once: one question asked of all of them in parallel, and the
// regions that do not answer reported as such rather than failing the whole question.

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regionclient.h"
#include "deployment/deployment.h"

namespace meridian::client {

// One region's answer to a question asked of every region.
template <typename T>
struct RegionAnswer {
    std::string region;
    std::string endpoint;
    absl::StatusOr<T> answer;
};

class RegionDirectory {
public:
    // Clients use `base` for their timeout and principal; the endpoint comes from each region.
    static absl::StatusOr<std::unique_ptr<RegionDirectory>> open(const std::string& deploymentPath,
                                                                 RegionClientOptions base = {});
    explicit RegionDirectory(deployment::Deployment deployment, RegionClientOptions base = {});

    const deployment::Deployment& deployment() const { return m_deployment; }
    std::vector<std::string> names() const;
    bool contains(const std::string& region) const;
    // The region's client; the name must be one of names() (see checkRegion).
    RegionClient& client(const std::string& region);

    // OK for a region of the deployment, else InvalidArgument naming it and listing the
    // regions there are.
    absl::Status checkRegion(const std::string& region) const;

    // Asks every region at once; the answers come in the deployment's order.
    template <typename T>
    std::vector<RegionAnswer<T>> askAll(const std::function<absl::StatusOr<T>(RegionClient&)>& ask);

private:
    deployment::Deployment m_deployment;
    std::vector<std::unique_ptr<RegionClient>> m_clients;  // in the deployment's order
};

// OK when some region answered. Otherwise the first refusal of a region that was reached
// (PERMISSION_DENIED, say), else UNAVAILABLE (marked as the regions' answer, so meridianctl
// exits with 3) naming every region.
template <typename T>
absl::Status noneAnswered(const std::vector<RegionAnswer<T>>& answers);

// --- implementation ---

template <typename T>
std::vector<RegionAnswer<T>> RegionDirectory::askAll(
    const std::function<absl::StatusOr<T>(RegionClient&)>& ask) {
    std::vector<std::future<absl::StatusOr<T>>> pending;
    for (auto& c : m_clients)
        pending.push_back(std::async(std::launch::async, [&ask, &c] { return ask(*c); }));
    std::vector<RegionAnswer<T>> answers;
    for (size_t i = 0; i < pending.size(); ++i)
        answers.push_back(RegionAnswer<T>{m_deployment.regions[i].info.name,
                                          m_deployment.regions[i].endpoint, pending[i].get()});
    return answers;
}

absl::Status describeSilence(const std::vector<std::string>& regions,
                             const std::vector<std::string>& reasons);

template <typename T>
absl::Status noneAnswered(const std::vector<RegionAnswer<T>>& answers) {
    std::vector<std::string> regions, reasons;
    const absl::Status* refusal = nullptr;
    for (const auto& a : answers) {
        if (a.answer.ok())
            return absl::OkStatus();
        // A region that was reached and said no (a role short of the call's, say) speaks for
        // itself: its refusal, not "no region answered".
        if (!refusal && isFromRegion(a.answer.status()) && !isUnreachable(a.answer.status()))
            refusal = &a.answer.status();
        regions.push_back(a.region + " (" + a.endpoint + ")");
        reasons.push_back(std::string(a.answer.status().message()));
    }
    if (refusal)
        return *refusal;
    return describeSilence(regions, reasons);
}

}  // namespace meridian::client
