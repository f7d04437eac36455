#include "deployment/deployment.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "registry/validation.h"

namespace meridian::deployment {
namespace {

class Reader {
public:
    explicit Reader(std::string path) : m_path(std::move(path)) {}

    absl::Status error(const YAML::Node& node, const std::string& field,
                       const std::string& what) const {
        std::string where = m_path;
        if (node.IsDefined() && node.Mark().line >= 0)
            where += ":" + std::to_string(node.Mark().line + 1);
        return absl::InvalidArgumentError(where + ": " + field + ": " + what);
    }

    template <typename T>
    absl::Status get(const YAML::Node& parent, const std::string& key, const std::string& field,
                     T& out, bool required) const {
        const YAML::Node node = parent[key];
        if (!node.IsDefined() || node.IsNull()) {
            if (required)
                return error(parent, field, "is missing");
            return absl::OkStatus();
        }
        if (!node.IsScalar())
            return error(node, field, "expected a single value");
        try {
            out = node.as<T>();
        } catch (const YAML::Exception&) {
            return error(node, field, "'" + node.Scalar() + "' is not a valid " + typeName<T>());
        }
        return absl::OkStatus();
    }

    absl::Status checkKeys(const YAML::Node& node, const std::string& field,
                           std::initializer_list<const char*> known) const {
        if (!node.IsMap())
            return error(node, field, "expected a mapping");
        for (const auto& kv : node) {
            const std::string key = kv.first.as<std::string>();
            bool ok = false;
            std::string list;
            for (const char* k : known) {
                ok = ok || key == k;
                list += list.empty() ? k : std::string(", ") + k;
            }
            if (!ok)
                return error(kv.first, field.empty() ? key : field + "." + key,
                             "unknown field (expected one of: " + list + ")");
        }
        return absl::OkStatus();
    }

private:
    template <typename T>
    static std::string typeName() {
        if constexpr (std::is_same_v<T, std::string>)
            return "string";
        else if constexpr (std::is_floating_point_v<T>)
            return "number";
        else
            return "integer";
    }
    std::string m_path;
};

#define MERIDIAN_TRY(expr)                  \
    do {                                    \
        if (auto _st = (expr); !_st.ok()) { \
            return _st;                     \
        }                                   \
    } while (0)

bool validEndpoint(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size())
        return false;
    // More digits than a port has would overflow std::stol (which throws).
    if (endpoint.size() - colon - 1 > 5)
        return false;
    for (size_t i = colon + 1; i < endpoint.size(); ++i) {
        if (endpoint[i] < '0' || endpoint[i] > '9')
            return false;
    }
    const long port = std::stol(endpoint.substr(colon + 1));
    return port > 0 && port < 65536;
}

std::string guessContinent(const std::string& jurisdiction, const std::string& providerRegion) {
    if (jurisdiction == "eu" || jurisdiction == "uk")
        return "europe";
    if (jurisdiction == "us")
        return "north-america";
    if (jurisdiction == "apac")
        return providerRegion.find("australia") != std::string::npos ||
                       providerRegion.starts_with("ap-southeast-2")
                   ? "oceania"
                   : "asia";
    if (jurisdiction == "latam")
        return "south-america";
    return {};
}

// A path of the file, relative to the file's directory unless absolute.
std::string resolvedPath(const std::string& value, const std::string& file) {
    if (value.empty())
        return {};
    std::filesystem::path p(value);
    if (p.is_relative())
        p = std::filesystem::path(file).parent_path() / p;
    return p.lexically_normal().string();
}

absl::StatusOr<Deployment> parseRoot(const YAML::Node& root, const std::string& path) {
    Reader r(path);
    Deployment d;
    d.path = path;
    if (!root.IsMap())
        return r.error(root, "(top level)", "expected a mapping with regions");
    MERIDIAN_TRY(r.checkKeys(
        root, "", {"name", "control_plane", "pricing", "replication", "tls", "regions", "links"}));
    MERIDIAN_TRY(r.get(root, "name", "name", d.name, false));

    if (const auto cp = root["control_plane"]; cp.IsDefined()) {
        MERIDIAN_TRY(r.checkKeys(cp, "control_plane", {"mode", "region"}));
        std::string mode = "centralized";
        MERIDIAN_TRY(r.get(cp, "mode", "control_plane.mode", mode, false));
        if (mode == "centralized")
            d.controlPlane = ControlPlaneMode::Centralized;
        else if (mode == "federated")
            d.controlPlane = ControlPlaneMode::Federated;
        else
            return r.error(cp["mode"], "control_plane.mode",
                           "'" + mode + "' is not centralized or federated");
        MERIDIAN_TRY(r.get(cp, "region", "control_plane.region", d.controlRegion,
                           d.controlPlane == ControlPlaneMode::Centralized));
    }

    std::string pricing;
    MERIDIAN_TRY(r.get(root, "pricing", "pricing", pricing, false));
    d.pricingPath = resolvedPath(pricing, path);

    if (const auto tls = root["tls"]; tls.IsDefined()) {
        MERIDIAN_TRY(r.checkKeys(tls, "tls", {"ca", "client_cert", "client_key"}));
        MERIDIAN_TRY(r.get(tls, "ca", "tls.ca", d.tls.ca, true));
        MERIDIAN_TRY(r.get(tls, "client_cert", "tls.client_cert", d.tls.clientCert, false));
        MERIDIAN_TRY(r.get(tls, "client_key", "tls.client_key", d.tls.clientKey, false));
        if (d.tls.clientCert.empty() != d.tls.clientKey.empty())
            return r.error(tls, "tls", "client_cert and client_key go together");
        d.tls = {resolvedPath(d.tls.ca, path), resolvedPath(d.tls.clientCert, path),
                 resolvedPath(d.tls.clientKey, path)};
    }

    if (const auto rep = root["replication"]; rep.IsDefined()) {
        MERIDIAN_TRY(r.checkKeys(
            rep, "replication",
            {"max_clock_offset_ms", "heartbeat_ms", "batch_max_changes", "log_retention",
             "snapshot_threshold", "compression", "consistency_check"}));
        auto& s = d.replication;
        MERIDIAN_TRY(r.get(rep, "max_clock_offset_ms", "replication.max_clock_offset_ms",
                           s.maxClockOffsetMs, false));
        MERIDIAN_TRY(r.get(rep, "heartbeat_ms", "replication.heartbeat_ms", s.heartbeatMs, false));
        MERIDIAN_TRY(r.get(rep, "batch_max_changes", "replication.batch_max_changes",
                           s.batchMaxChanges, false));
        MERIDIAN_TRY(r.get(rep, "snapshot_threshold", "replication.snapshot_threshold",
                           s.snapshotThreshold, false));
        MERIDIAN_TRY(r.get(rep, "compression", "replication.compression", s.compression, false));
        std::string check;
        MERIDIAN_TRY(
            r.get(rep, "consistency_check", "replication.consistency_check", check, false));
        if (check == "off") {
            s.consistencyCheckSeconds = 0;
        } else if (!check.empty()) {
            s.consistencyCheckSeconds = registry::parseDurationSeconds(check);
            if (s.consistencyCheckSeconds <= 0)
                return r.error(rep["consistency_check"], "replication.consistency_check",
                               "'" + check + "' is not a duration such as 10m or 1h, or off");
        }
        if (s.heartbeatMs <= 0)
            return r.error(rep["heartbeat_ms"], "replication.heartbeat_ms", "must be positive");
        if (s.batchMaxChanges <= 0)
            return r.error(rep["batch_max_changes"], "replication.batch_max_changes",
                           "must be positive");
        if (const auto ret = rep["log_retention"]; ret.IsDefined()) {
            MERIDIAN_TRY(r.checkKeys(ret, "replication.log_retention", {"max_age", "max_mb"}));
            std::string age;
            MERIDIAN_TRY(r.get(ret, "max_age", "replication.log_retention.max_age", age, false));
            if (!age.empty()) {
                s.logRetentionSeconds = registry::parseDurationSeconds(age);
                if (s.logRetentionSeconds <= 0)
                    return r.error(ret["max_age"], "replication.log_retention.max_age",
                                   "'" + age + "' is not a duration such as 6h or 2d");
            }
            int64_t mb = s.logRetentionBytes / (1024 * 1024);
            MERIDIAN_TRY(r.get(ret, "max_mb", "replication.log_retention.max_mb", mb, false));
            if (mb <= 0)
                return r.error(ret["max_mb"], "replication.log_retention.max_mb",
                               "must be positive");
            s.logRetentionBytes = mb * 1024 * 1024;
        }
    }

    const auto regions = root["regions"];
    if (!regions.IsDefined() || !regions.IsSequence() || regions.size() == 0)
        return r.error(regions.IsDefined() ? regions : root, "regions",
                       "expected a list of at least one region");
    std::set<std::string> names, endpoints;
    for (size_t i = 0; i < regions.size(); ++i) {
        const auto node = regions[i];
        const std::string f = "regions[" + std::to_string(i) + "]";
        MERIDIAN_TRY(r.checkKeys(node, f,
                                 {"name", "cloud", "provider_region", "jurisdiction", "continent",
                                  "endpoint", "location", "data_dir", "tls_cert", "tls_key"}));
        RegionEntry e;
        MERIDIAN_TRY(r.get(node, "name", f + ".name", e.info.name, true));
        if (!registry::isValidName(e.info.name))
            return r.error(node["name"], f + ".name",
                           "'" + e.info.name + "' is not a valid region name");
        if (!names.insert(e.info.name).second)
            return r.error(node["name"], f + ".name",
                           "region '" + e.info.name + "' is listed twice");
        MERIDIAN_TRY(r.get(node, "cloud", f + ".cloud", e.info.cloud, true));
        MERIDIAN_TRY(
            r.get(node, "provider_region", f + ".provider_region", e.info.providerRegion, true));
        MERIDIAN_TRY(r.get(node, "jurisdiction", f + ".jurisdiction", e.info.jurisdiction, false));
        if (e.info.jurisdiction.empty())
            e.info.jurisdiction = registry::guessJurisdiction(e.info.cloud, e.info.providerRegion);
        MERIDIAN_TRY(r.get(node, "continent", f + ".continent", e.info.continent, false));
        if (e.info.continent.empty())
            e.info.continent = guessContinent(e.info.jurisdiction, e.info.providerRegion);
        MERIDIAN_TRY(r.get(node, "endpoint", f + ".endpoint", e.endpoint, true));
        if (!validEndpoint(e.endpoint))
            return r.error(node["endpoint"], f + ".endpoint",
                           "'" + e.endpoint + "' is not host:port");
        if (!endpoints.insert(e.endpoint).second)
            return r.error(node["endpoint"], f + ".endpoint",
                           "endpoint '" + e.endpoint + "' is used twice");
        if (const auto loc = node["location"]; loc.IsDefined()) {
            MERIDIAN_TRY(r.checkKeys(loc, f + ".location", {"lat", "lon"}));
            MERIDIAN_TRY(r.get(loc, "lat", f + ".location.lat", e.latitude, true));
            MERIDIAN_TRY(r.get(loc, "lon", f + ".location.lon", e.longitude, true));
            // Negated so that NaN (".nan" in YAML) is out of range too.
            if (!(e.latitude >= -90 && e.latitude <= 90))
                return r.error(loc["lat"], f + ".location.lat", "must be within -90..90");
            if (!(e.longitude >= -180 && e.longitude <= 180))
                return r.error(loc["lon"], f + ".location.lon", "must be within -180..180");
        }
        MERIDIAN_TRY(r.get(node, "data_dir", f + ".data_dir", e.dataDir, false));
        if (e.dataDir.empty())
            e.dataDir = e.info.name;
        MERIDIAN_TRY(r.get(node, "tls_cert", f + ".tls_cert", e.tlsCert, false));
        MERIDIAN_TRY(r.get(node, "tls_key", f + ".tls_key", e.tlsKey, false));
        if (e.tlsCert.empty() != e.tlsKey.empty())
            return r.error(node, f, "tls_cert and tls_key go together");
        if (!e.tlsCert.empty() && d.tls.ca.empty())
            return r.error(node["tls_cert"], f + ".tls_cert",
                           "a region certificate needs the deployment's tls.ca, the CA its "
                           "peers check it with");
        e.tlsCert = resolvedPath(e.tlsCert, path);
        e.tlsKey = resolvedPath(e.tlsKey, path);
        d.regions.push_back(std::move(e));
    }
    // Without a control_plane section the registry is owned by the first region listed, as
    // if it said `mode: centralized, region: <first>`; federated has to be asked for.
    if (!root["control_plane"].IsDefined() && !d.regions.empty())
        d.controlRegion = d.regions.front().info.name;
    if (!d.controlRegion.empty() && !names.count(d.controlRegion))
        return r.error(root["control_plane"]["region"], "control_plane.region",
                       "'" + d.controlRegion + "' is not one of the regions");

    if (const auto links = root["links"]; links.IsDefined()) {
        if (!links.IsSequence())
            return r.error(links, "links", "expected a list");
        for (size_t i = 0; i < links.size(); ++i) {
            const auto node = links[i];
            const std::string f = "links[" + std::to_string(i) + "]";
            MERIDIAN_TRY(
                r.checkKeys(node, f, {"between", "delay_ms", "jitter_ms", "loss", "source"}));
            const auto between = node["between"];
            if (!between.IsSequence() || between.size() != 2)
                return r.error(between.IsDefined() ? between : node, f + ".between",
                               "expected two region names");
            LinkEmulation l;
            l.a = between[0].as<std::string>();
            l.b = between[1].as<std::string>();
            for (const auto& n : {l.a, l.b}) {
                if (!names.count(n))
                    return r.error(between, f + ".between",
                                   "'" + n + "' is not one of the regions");
            }
            if (l.a == l.b)
                return r.error(between, f + ".between", "a link joins two different regions");
            MERIDIAN_TRY(r.get(node, "delay_ms", f + ".delay_ms", l.delayMs, false));
            MERIDIAN_TRY(r.get(node, "jitter_ms", f + ".jitter_ms", l.jitterMs, false));
            MERIDIAN_TRY(r.get(node, "loss", f + ".loss", l.loss, false));
            MERIDIAN_TRY(r.get(node, "source", f + ".source", l.source, false));
            if (l.delayMs < 0 || l.jitterMs < 0)
                return r.error(node, f, "delay and jitter cannot be negative");
            if (!(l.loss >= 0 && l.loss < 1))
                return r.error(node["loss"], f + ".loss", "must be within 0..1 (exclusive of 1)");
            if (d.link(l.a, l.b))
                return r.error(node, f, "link " + l.a + " <-> " + l.b + " is listed twice");
            d.links.push_back(std::move(l));
        }
    }
    return d;
}

}  // namespace

const RegionEntry* Deployment::region(std::string_view name) const {
    for (const auto& r : regions) {
        if (r.info.name == name)
            return &r;
    }
    return nullptr;
}

registry::RegionSet Deployment::regionSet() const {
    std::vector<registry::RegionInfo> infos;
    for (const auto& r : regions)
        infos.push_back(r.info);
    return registry::RegionSet(std::move(infos));
}

const LinkEmulation* Deployment::link(std::string_view a, std::string_view b) const {
    for (const auto& l : links) {
        if ((l.a == a && l.b == b) || (l.a == b && l.b == a))
            return &l;
    }
    return nullptr;
}

std::string_view controlPlaneName(ControlPlaneMode mode) {
    return mode == ControlPlaneMode::Centralized ? "centralized" : "federated";
}

absl::StatusOr<Deployment> parseDeployment(const std::string& text, const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        return absl::InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) + ": " +
                                          e.msg);
    }
    try {
        return parseRoot(root, path);
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) + ": " +
                                          e.msg);
    }
}

absl::StatusOr<Deployment> loadDeployment(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return absl::NotFoundError("cannot read deployment file '" + path + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseDeployment(buffer.str(),
                           std::filesystem::absolute(path).lexically_normal().string());
}

}  // namespace meridian::deployment
