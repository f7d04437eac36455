#include "multiregion.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>

#include "demo/installpaths.h"

namespace meridian::ctl {

CLI::App* addMultiRegionCommand(CLI::App& parent, const std::string& name,
                                const std::string& summary,
                                const std::vector<std::string>& examples,
                                const std::string& details) {
    CLI::App* command = addCommand(parent, name, summary, examples, details);
    std::string footer = command->get_footer();
    const auto global = footer.rfind("\nGlobal options");
    if (global != std::string::npos)
        footer.erase(global);
    footer +=
        "\nAsks every region of the deployment (--deployment FILE, else $MERIDIAN_DEPLOYMENT, else "
        "the\nrunning demo's, else the demo deployment); a region that does not answer is shown as "
        "down.\nExit code 3 only when no region answers. Global options --output json and "
        "--timeout apply.";
    command->footer(footer);
    return command;
}

void addDeploymentOption(CLI::App* command, std::string& path) {
    command
        ->add_option("--deployment", path,
                     "Deployment file listing the regions (default: $MERIDIAN_DEPLOYMENT, the "
                     "running demo's, else the demo deployment)")
        ->type_name("FILE")
        ->check(CLI::ExistingFile.description(""));
}

absl::StatusOr<std::unique_ptr<client::RegionDirectory>> openDeployment(const CtlOptions& options,
                                                                        const std::string& path) {
    std::string chosen = path;
    if (chosen.empty())
        chosen = demo::defaultDeploymentPath();
    if (chosen.empty())
        return absl::InvalidArgumentError(
            "no deployment file: give one with --deployment FILE or $MERIDIAN_DEPLOYMENT (the demo "
            "deployment, share/meridian/demo/deployment.yaml, is not installed)");
    client::RegionClientOptions base;
    base.callTimeout =
        std::chrono::milliseconds(static_cast<int64_t>(options.timeoutSeconds * 1000));
    base.tls = options.tls;
    base.token = options.token;
    return client::RegionDirectory::open(chosen, base);
}

std::string linkName(const std::string& from, const std::string& to) {
    return from + " → " + to;
}

std::string formatUsd(double usd) {
    if (usd == 0)
        return "$0";
    const double magnitude = std::fabs(usd);
    char buffer[64];
    if (magnitude >= 1)
        std::snprintf(buffer, sizeof buffer, "$%.2f", usd);
    else if (magnitude >= 0.01)
        std::snprintf(buffer, sizeof buffer, "$%.4f", usd);
    else if (magnitude >= 0.000001)
        std::snprintf(buffer, sizeof buffer, "$%.6f", usd);
    else
        return usd > 0 ? "<$0.000001" : "-<$0.000001";
    return buffer;
}

absl::Status withStartHint(absl::Status status, const client::RegionDirectory& regions) {
    if (status.ok() || !client::isUnreachable(status))
        return status;
    absl::Status hinted(status.code(), std::string(status.message()) + "\nAre the regions of " +
                                           regions.deployment().path +
                                           " running? `meridianctl demo up` starts the local demo; "
                                           "--deployment FILE names another deployment.");
    return client::isFromRegion(status)
               ? client::markFromRegion(hinted, regions.deployment().regions.front().endpoint)
               : hinted;
}

std::string jsonString(const std::string& text) {
    google::protobuf::Value value;
    value.set_string_value(text);
    std::string out;
    if (!google::protobuf::util::MessageToJsonString(value, &out).ok())
        return "\"\"";
    return out;
}

}  // namespace meridian::ctl
