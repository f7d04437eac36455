#pragma once
// What the commands that talk to every region of a deployment share: the --deployment option
// and how it defaults, the directory of regions, how a region that does not answer is shown,
// and how money and links read.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regiondirectory.h"
#include "ctlformat.h"
#include "ctloptions.h"

namespace meridian::ctl {

// A command of `parent` like addCommand's, whose help says that it asks every region of the
// deployment (--deployment) rather than the one at --endpoint.
CLI::App* addMultiRegionCommand(CLI::App& parent, const std::string& name,
                                const std::string& summary,
                                const std::vector<std::string>& examples,
                                const std::string& details = {});

// --deployment FILE on `command`, bound to `path`.
void addDeploymentOption(CLI::App* command, std::string& path);

// The regions of `path`, else of $MERIDIAN_DEPLOYMENT, the running demo's deployment or the
// demo deployment; clients use the global --timeout.
absl::StatusOr<std::unique_ptr<client::RegionDirectory>> openDeployment(const CtlOptions& options,
                                                                        const std::string& path);

// "aws-us-east-1 → aws-eu-west-1".
std::string linkName(const std::string& from, const std::string& to);
// Dollars with the precision small amounts need: "$12.40", "$0.0123", "$0.000042", "$0".
std::string formatUsd(double usd);

// One line per region that did not answer: "aws-eu-west-1 (127.0.0.1:7402) is down: …".
template <typename T>
void printSilentRegions(const std::vector<client::RegionAnswer<T>>& answers,
                        const std::string& consequence, std::FILE* out = stdout);
// The same as a JSON array of {"region", "endpoint", "error"} objects.
template <typename T>
std::string silentRegionsJson(const std::vector<client::RegionAnswer<T>>& answers);

std::string jsonString(const std::string& text);

// OK when at least one region answered; else UNAVAILABLE (exit code 3) naming every region of
// the deployment and how to start them.
template <typename T>
absl::Status requireAnswer(const std::vector<client::RegionAnswer<T>>& answers,
                           const client::RegionDirectory& regions);
absl::Status withStartHint(absl::Status status, const client::RegionDirectory& regions);

// --- implementation ---

template <typename T>
absl::Status requireAnswer(const std::vector<client::RegionAnswer<T>>& answers,
                           const client::RegionDirectory& regions) {
    return withStartHint(client::noneAnswered(answers), regions);
}

template <typename T>
void printSilentRegions(const std::vector<client::RegionAnswer<T>>& answers,
                        const std::string& consequence, std::FILE* out) {
    bool first = true;
    for (const auto& a : answers) {
        if (a.answer.ok())
            continue;
        if (first)
            std::fputc('\n', out);
        first = false;
        const bool down = client::isUnreachable(a.answer.status());
        std::fprintf(out, "%s (%s) %s: %s%s\n", a.region.c_str(), a.endpoint.c_str(),
                     down ? "is down" : "refused", std::string(a.answer.status().message()).c_str(),
                     consequence.empty() ? "" : ("; " + consequence).c_str());
    }
}

template <typename T>
std::string silentRegionsJson(const std::vector<client::RegionAnswer<T>>& answers) {
    std::string out = "[";
    for (const auto& a : answers) {
        if (a.answer.ok())
            continue;
        out += std::string(out.size() > 1 ? ", " : "") + "{\"region\": " + jsonString(a.region) +
               ", \"endpoint\": " + jsonString(a.endpoint) +
               ", \"error\": " + jsonString(std::string(a.answer.status().message())) + "}";
    }
    return out + "]";
}

}  // namespace meridian::ctl
