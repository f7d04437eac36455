#include "service/storeconfig.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace meridian::service {

std::optional<storage::Durability> durabilityFromName(const std::string& name) {
    if (name == "full")
        return storage::Durability::Full;
    if (name == "normal")
        return storage::Durability::Normal;
    return std::nullopt;
}

std::optional<storage::OpenCheck> openCheckFromName(const std::string& name) {
    if (name == "quick")
        return storage::OpenCheck::Quick;
    if (name == "full")
        return storage::OpenCheck::Full;
    if (name == "none")
        return storage::OpenCheck::None;
    return std::nullopt;
}

absl::Status readStoreConfigFile(const std::string& path, StoreConfig& config) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        return absl::NotFoundError("cannot read config file '" + path + "'");
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) + ": " +
                                          e.msg);
    }
    if (!root.IsMap())
        return absl::InvalidArgumentError(path + ": expected a mapping of settings");
    const std::filesystem::path base = std::filesystem::absolute(path).parent_path();
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        const int line = kv.first.Mark().line + 1;
        if (!kv.second.IsScalar())
            return absl::InvalidArgumentError(path + ":" + std::to_string(line) + ": " + key +
                                              ": expected a single value");
        const std::string value = kv.second.as<std::string>();
        auto relative = [&](const std::string& v) {
            std::filesystem::path p(v);
            return p.is_relative() ? (base / p).lexically_normal().string() : v;
        };
        if (key == "region")
            config.region = value;
        else if (key == "cloud")
            config.cloud = value;
        else if (key == "provider_region")
            config.providerRegion = value;
        else if (key == "listen")
            config.listen = value;
        else if (key == "data_dir")
            config.dataDir = relative(value);
        else if (key == "deployment")
            config.deploymentPath = relative(value);
        else if (key == "port_file")
            config.portFile = relative(value);
        else if (key == "tls_cert")
            config.tlsCert = relative(value);
        else if (key == "tls_key")
            config.tlsKey = relative(value);
        else if (key == "tls_ca")
            config.tlsCa = relative(value);
        else if (key == "tokens")
            config.tokensFile = relative(value);
        else if (key == "durability") {
            auto d = durabilityFromName(value);
            if (!d)
                return absl::InvalidArgumentError(path + ":" + std::to_string(line) +
                                                  ": durability: '" + value +
                                                  "' is not full or normal");
            config.durability = *d;
        } else if (key == "max_event_ahead_s") {
            try {
                config.maxEventAheadS = std::stoll(value);
            } catch (const std::exception&) {
                config.maxEventAheadS = -1;
            }
            if (config.maxEventAheadS <= 0)
                return absl::InvalidArgumentError(path + ":" + std::to_string(line) +
                                                  ": max_event_ahead_s: '" + value +
                                                  "' is not a positive number of seconds");
        } else if (key == "startup_check") {
            auto check = openCheckFromName(value);
            if (!check)
                return absl::InvalidArgumentError(path + ":" + std::to_string(line) +
                                                  ": startup_check: '" + value +
                                                  "' is not quick, full or none");
            config.startupCheck = *check;
        } else {
            return absl::InvalidArgumentError(
                path + ":" + std::to_string(line) + ": unknown setting '" + key +
                "' (expected region, cloud, provider_region, listen, data_dir, "
                "deployment, durability, port_file, max_event_ahead_s, startup_check, tls_cert, "
                "tls_key, tls_ca, tokens)");
        }
    }
    return absl::OkStatus();
}

absl::StatusOr<ResolvedStore> resolveStoreConfig(StoreConfig config) {
    ResolvedStore out;
    if (!config.deploymentPath.empty()) {
        auto d = deployment::loadDeployment(config.deploymentPath);
        if (!d.ok())
            return d.status();
        out.deployment = std::move(*d);
        if (config.region.empty())
            return absl::InvalidArgumentError(
                "--region is required (one of the deployment's regions)");
        const auto* entry = out.deployment->region(config.region);
        if (!entry) {
            std::string names;
            for (const auto& r : out.deployment->regions)
                names += (names.empty() ? "" : ", ") + r.info.name;
            return absl::InvalidArgumentError("region '" + config.region +
                                              "' is not in deployment '" + config.deploymentPath +
                                              "' (" + names + ")");
        }
        if (config.cloud.empty())
            config.cloud = entry->info.cloud;
        if (config.providerRegion.empty())
            config.providerRegion = entry->info.providerRegion;
        if (config.listen.empty())
            config.listen = entry->endpoint;
        // The deployment's TLS files unless the command line or the config file named others.
        if (config.tlsCert.empty() && config.tlsKey.empty()) {
            config.tlsCert = entry->tlsCert;
            config.tlsKey = entry->tlsKey;
        }
        if (config.tlsCa.empty() && !config.tlsCert.empty())
            config.tlsCa = out.deployment->tls.ca;
    }
    if (config.region.empty())
        return absl::InvalidArgumentError("--region is required");
    if (config.listen.empty())
        config.listen = "127.0.0.1:7400";
    if (config.dataDir.empty())
        config.dataDir = "meridian-data/" + config.region;
    out.config = std::move(config);
    return out;
}

}  // namespace meridian::service
