#include "demo/localdemo.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_join.h"
#include "client/regiondirectory.h"
#include "demo/demostatefile.h"
#include "demo/demotokens.h"
#include "demo/detachedprocess.h"
#include "demo/installpaths.h"
#include "demo/localca.h"
#include "demo/samplewriter.h"
#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "rows/eventtime.h"

#include <yaml-cpp/yaml.h>

namespace meridian::demo {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kHealthTimeout = std::chrono::seconds(60);
constexpr auto kRegistryTimeout = std::chrono::seconds(60);
constexpr auto kGeneratorTimeout = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(10);
constexpr int64_t kSeedSpanMs = 10 * 60 * 1000;
// What `meridianctl generate --follow` prints once it writes (see generatecommands.cpp).
constexpr char kGeneratorReady[] = "generating ";

std::string absolute(const std::string& path) {
    if (path.empty())
        return path;
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

std::string regionDataDir(const std::string& dataDir, const std::string& region) {
    return (fs::path(dataDir) / region).string();
}

std::string portOf(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    return colon == std::string::npos ? endpoint : endpoint.substr(colon + 1);
}

// A store this demo started: the pid still runs meridian-store on the region's data directory.
bool isDemoStore(int pid, const std::string& dataDir, const std::string& region) {
    return processAlive(pid) &&
           processHasArguments(pid, {"meridian-store", regionDataDir(dataDir, region)});
}

bool isDemoGenerator(int pid, const std::string& deploymentPath) {
    return processAlive(pid) && processHasArguments(pid, {"generate", "--follow", deploymentPath});
}

std::vector<int> pidsOf(const DemoState& state) {
    std::vector<int> pids;
    if (state.generatorPid > 0)
        pids.push_back(state.generatorPid);
    for (const auto& r : state.regions) {
        if (r.pid > 0)
            pids.push_back(r.pid);
    }
    return pids;
}

// Health of every region at once, with a short deadline.
std::map<std::string, absl::StatusOr<v1::HealthResponse>> healthOf(
    const deployment::Deployment& deployment, std::chrono::milliseconds timeout) {
    client::RegionClientOptions o;
    o.callTimeout = timeout;
    client::RegionDirectory directory(deployment, o);
    auto answers =
        directory.askAll<v1::HealthResponse>([](client::RegionClient& c) { return c.health(); });
    std::map<std::string, absl::StatusOr<v1::HealthResponse>> out;
    for (auto& a : answers)
        out.emplace(a.region, std::move(a.answer));
    return out;
}

std::string failedStartMessage(const DemoRegion& region, const std::string& how) {
    std::string message = "region " + region.name + " (pid " + std::to_string(region.pid) + ") " +
                          how + "; the end of its log (" + region.log + "):\n";
    const std::string tail = logTail(region.log);
    return message + (tail.empty() ? "  (empty)\n" : tail);
}

// Waits until every region answers Health as itself; a store of ours that exits fails at once.
absl::Status waitHealthy(const deployment::Deployment& deployment, std::vector<DemoRegion>& regions,
                         const std::set<int>& startedNow, const LocalDemo::Progress& progress) {
    const auto deadline = Clock::now() + kHealthTimeout;
    size_t reported = SIZE_MAX;
    while (true) {
        for (auto& r : regions) {
            if (processAlive(r.pid))
                continue;
            if (startedNow.count(r.pid))
                return absl::FailedPreconditionError(failedStartMessage(
                    r, "stopped while starting (" + exitDescription(r.pid) + ")"));
            return absl::FailedPreconditionError(
                "region " + r.name + " (pid " + std::to_string(r.pid) +
                ") stopped while the demo was coming up (was it shutting down?); run "
                "`meridianctl demo up` again to start it");
        }
        auto health = healthOf(deployment, std::chrono::milliseconds(1000));
        std::vector<std::string> waiting;
        for (auto& r : regions) {
            const auto& h = health.at(r.name);
            r.healthy = h.ok();
            if (h.ok() && h->region() != r.name)
                return absl::FailedPreconditionError(
                    "the server at " + r.endpoint + " is region '" + h->region() + "', not '" +
                    r.name + "': another deployment uses port " + portOf(r.endpoint));
            if (!r.healthy)
                waiting.push_back(r.name);
        }
        if (waiting.empty())
            break;
        if (progress && waiting.size() != reported) {
            progress(
                "waiting for regions to serve: " + std::to_string(regions.size() - waiting.size()) +
                " of " + std::to_string(regions.size()) + " ready (waiting for " +
                absl::StrJoin(waiting, ", ") + ")");
            reported = waiting.size();
        }
        if (Clock::now() >= deadline) {
            const auto* late = &regions.front();
            for (const auto& r : regions) {
                if (!r.healthy)
                    late = &r;
            }
            return absl::DeadlineExceededError(
                failedStartMessage(*late, "did not answer on " + late->endpoint + " within " +
                                              std::to_string(kHealthTimeout.count()) + " s"));
        }
        std::this_thread::sleep_for(kPoll);
    }
    if (progress)
        progress("all " + std::to_string(regions.size()) + " regions serve");
    return absl::OkStatus();
}

std::string controlRegionOf(const deployment::Deployment& deployment) {
    return deployment.controlRegion.empty() ? deployment.regions.front().info.name
                                            : deployment.controlRegion;
}

// Applies the repository at the control region; answers each object's name and version.
absl::StatusOr<std::map<std::string, int64_t>> applyRepository(
    client::RegionDirectory& directory, const std::string& path,
    const LocalDemo::Progress& progress) {
    auto repository = deployment::loadRepositoryFile(path);
    if (!repository.ok())
        return repository.status();
    v1::ApplyRequest request;
    for (auto& o : registry::objectsOf(*repository))
        *request.add_objects() = std::move(o);
    const std::string control = controlRegionOf(directory.deployment());
    auto response = directory.client(control).apply(request);
    if (!response.ok())
        return absl::Status(response.status().code(), "applying " + path + " at " + control + ": " +
                                                          std::string(response.status().message()));
    std::map<std::string, int64_t> versions;
    int created = 0, updated = 0, unchanged = 0;
    for (const auto& r : response->results()) {
        const auto& m = r.meta();
        versions[std::to_string(m.kind()) + ":" + m.project() + "/" + m.name()] = m.version();
        created += r.action() == v1::ApplyResult::CREATED;
        updated += r.action() == v1::ApplyResult::UPDATED;
        unchanged += r.action() == v1::ApplyResult::UNCHANGED;
    }
    if (progress)
        progress("applied " + fs::path(path).filename().string() + " at " + control + ": " +
                 std::to_string(created) + " created, " + std::to_string(updated) + " updated, " +
                 std::to_string(unchanged) + " unchanged");
    return versions;
}

// Waits until every region's registry holds every applied object at its version or later.
absl::Status waitRegistry(client::RegionDirectory& directory,
                          const std::map<std::string, int64_t>& want,
                          const LocalDemo::Progress& progress) {
    const auto deadline = Clock::now() + kRegistryTimeout;
    size_t reported = SIZE_MAX;
    while (true) {
        auto answers = directory.askAll<std::vector<v1::RegistryObject>>(
            [](client::RegionClient& c) { return c.listObjects(v1::OBJECT_KIND_UNSPECIFIED, ""); });
        std::vector<std::string> behind;
        for (const auto& a : answers) {
            size_t held = 0;
            if (a.answer.ok()) {
                for (const auto& o : *a.answer) {
                    const auto& m = o.meta();
                    auto it =
                        want.find(std::to_string(m.kind()) + ":" + m.project() + "/" + m.name());
                    held += it != want.end() && m.version() >= it->second;
                }
            }
            if (held < want.size())
                behind.push_back(a.region + " (" + std::to_string(held) + " of " +
                                 std::to_string(want.size()) + ")");
        }
        if (behind.empty())
            break;
        if (Clock::now() >= deadline)
            return absl::DeadlineExceededError("the registry did not reach every region within " +
                                               std::to_string(kRegistryTimeout.count()) +
                                               " s; behind: " + absl::StrJoin(behind, ", ") +
                                               " (see `meridianctl lag` and the region logs)");
        if (progress && behind.size() != reported) {
            progress("waiting for the registry to reach every region: " +
                     std::to_string(answers.size() - behind.size()) + " of " +
                     std::to_string(answers.size()) + " hold all " + std::to_string(want.size()) +
                     " objects");
            reported = behind.size();
        }
        std::this_thread::sleep_for(kPoll);
    }
    if (progress)
        progress("the registry has reached every region");
    return absl::OkStatus();
}

// Rows of `view` at its first writer (0 when it cannot tell).
int64_t rowsAt(const std::map<std::string, v1::StatsResponse>& stats, const SampleView& view) {
    const auto it = stats.find(view.writers.front());
    if (it == stats.end())
        return 0;
    for (const auto& v : it->second.views()) {
        if (v.project() == view.view.project() && v.feature_view() == view.view.name())
            return v.online_rows() + v.offline_rows();
    }
    return 0;
}

// Seeds the views that hold no rows yet, so that a second `up` adds nothing.
absl::Status seedViews(client::RegionDirectory& directory, int rowsPerView,
                       const LocalDemo::Progress& progress) {
    const std::string control = controlRegionOf(directory.deployment());
    auto catalog = directory.client(control).catalog("");
    if (!catalog.ok())
        return catalog.status();
    auto views = sampleViewsOf(*catalog, &directory.deployment());
    if (!views.ok())
        return views.status();
    std::map<std::string, v1::StatsResponse> stats;
    for (auto& a :
         directory.askAll<v1::StatsResponse>([](client::RegionClient& c) { return c.stats(); })) {
        if (a.answer.ok())
            stats.emplace(a.region, std::move(*a.answer));
    }
    std::vector<SampleView> empty;
    for (auto& v : *views) {
        if (rowsAt(stats, v) == 0)
            empty.push_back(std::move(v));
    }
    if (empty.empty()) {
        if (progress)
            progress("every feature view already holds rows; nothing to seed");
        return absl::OkStatus();
    }
    if (progress)
        progress("seeding " + std::to_string(empty.size()) + " feature views with " +
                 std::to_string(rowsPerView) + " rows each:");
    SampleWriter writer(&directory, std::move(empty), /*seed=*/42);
    auto written = writer.seed(rowsPerView, kSeedSpanMs, progress);
    return written.ok() ? absl::OkStatus() : written.status();
}

// Starts `meridianctl generate --follow` and waits until it says it writes.
absl::StatusOr<int> startGenerator(const DemoOptions& o, const std::string& tokenFile,
                                   const LocalDemo::Progress& progress) {
    const std::string log = (fs::path(o.dataDir) / "generator.log").string();
    std::error_code ec;
    const auto offset = fs::exists(log, ec) ? fs::file_size(log, ec) : 0;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", o.generatorRowsPerSecond);
    std::vector<std::string> argv = {
        o.ctlBinary, "generate", "--deployment", o.deploymentPath, "--follow", "--rate", rate};
    if (!tokenFile.empty()) {
        argv.push_back("--token-file");
        argv.push_back(tokenFile);
    }
    auto pid = spawnDetached(argv, log);
    if (!pid.ok())
        return pid.status();
    if (progress)
        progress("starting the generator: " + std::string(rate) +
                 " rows/s per writing region (pid " + std::to_string(*pid) + ", log " + log + ")");
    const auto deadline = Clock::now() + kGeneratorTimeout;
    while (true) {
        std::ifstream in(log);
        in.seekg(static_cast<std::streamoff>(offset));
        std::string line;
        while (std::getline(in, line)) {
            if (line.starts_with(kGeneratorReady))
                return *pid;
        }
        DemoRegion g{"generator", "", "", "", *pid, false, log};
        if (!processAlive(*pid))
            return absl::FailedPreconditionError(
                failedStartMessage(g, "stopped while starting (" + exitDescription(*pid) + ")"));
        if (Clock::now() >= deadline) {
            stopProcesses({*pid}, kStopGrace);
            return absl::DeadlineExceededError(
                failedStartMessage(g, "did not start writing within " +
                                          std::to_string(kGeneratorTimeout.count()) + " s"));
        }
        std::this_thread::sleep_for(kPoll);
    }
}

DemoOptions resolved(DemoOptions o) {
    if (o.deploymentPath.empty())
        o.deploymentPath = findResource("demo/deployment.yaml");
    if (o.repositoryPath.empty())
        o.repositoryPath = findResource("examples/feature_repo.yaml");
    if (o.dataDir.empty())
        o.dataDir = defaultDemoDataDir();
    if (o.storeBinary.empty())
        o.storeBinary = findBinary("meridian-store");
    if (o.ctlBinary.empty())
        o.ctlBinary = findBinary("meridianctl");
    o.deploymentPath = absolute(o.deploymentPath);
    o.repositoryPath = absolute(o.repositoryPath);
    o.dataDir = absolute(o.dataDir);
    return o;
}

absl::Status checkOptions(const DemoOptions& o) {
    if (o.deploymentPath.empty())
        return absl::NotFoundError(
            "no demo deployment file: neither installed (share/meridian/demo/deployment.yaml) nor "
            "in the source tree; give one with --deployment FILE");
    if (o.repositoryPath.empty())
        return absl::NotFoundError(
            "no feature repository for the demo: neither installed "
            "(share/meridian/examples/feature_repo.yaml) nor in the source tree; give one with "
            "--repository FILE");
    if (o.storeBinary.empty())
        return absl::NotFoundError("cannot find meridian-store next to " + executablePath() +
                                   " nor on PATH; install it or put its directory on PATH");
    if (o.ctlBinary.empty() && o.generatorRowsPerSecond > 0)
        return absl::NotFoundError("cannot find meridianctl (for the row generator) next to " +
                                   executablePath() + " nor on PATH");
    return absl::OkStatus();
}

// The demo over TLS: certificates under <dataDir>/pki for every region and for the operator,
// and <dataDir>/deployment-tls.yaml, the deployment naming them (written again each time, so
// that it follows the source deployment).
absl::StatusOr<std::string> tlsDeployment(const DemoOptions& o,
                                          const deployment::Deployment& deployment,
                                          const LocalDemo::Progress& progress) {
    std::vector<std::string> regions;
    for (const auto& r : deployment.regions)
        regions.push_back(r.info.name);
    const std::string pki = (fs::path(o.dataDir) / "pki").string();
    if (progress)
        progress("certificates for " + std::to_string(regions.size()) +
                 " regions and the operator in " + pki);
    auto ca = makeLocalCa(pki, regions, {"operator"}, "Meridian demo CA");
    if (!ca.ok())
        return ca.status();
    YAML::Node root;
    try {
        root = YAML::LoadFile(o.deploymentPath);
    } catch (const YAML::Exception& e) {
        return absl::InvalidArgumentError(o.deploymentPath + ": " + e.what());
    }
    YAML::Node tls;
    tls["ca"] = ca->caFile;
    tls["client_cert"] = ca->clients.at("operator").certFile;
    tls["client_key"] = ca->clients.at("operator").keyFile;
    root["tls"] = tls;
    if (!deployment.pricingPath.empty())
        root["pricing"] = deployment.pricingPath;  // the copy lives elsewhere: absolute
    for (auto node : root["regions"]) {
        const auto& files = ca->regions.at(node["name"].as<std::string>());
        node["tls_cert"] = files.certFile;
        node["tls_key"] = files.keyFile;
    }
    const std::string path = (fs::path(o.dataDir) / "deployment-tls.yaml").string();
    std::ofstream out(path, std::ios::trunc);
    out << "# " << o.deploymentPath << " over TLS, written by `meridianctl demo up --tls`\n"
        << YAML::Dump(root) << "\n";
    out.close();
    if (!out)
        return absl::FailedPreconditionError("cannot write " + path);
    return path;
}

std::string regionTokenFile(const std::string& dataDir, const std::string& region) {
    return (fs::path(regionDataDir(dataDir, region)) / "tokens.yaml").string();
}

}  // namespace

LocalDemo::LocalDemo(DemoOptions options) : m_options(resolved(std::move(options))) {}

absl::StatusOr<DemoState> LocalDemo::up(const Progress& progress) {
    if (auto st = checkOptions(m_options); !st.ok())
        return st;
    auto deployment = deployment::loadDeployment(m_options.deploymentPath);
    if (!deployment.ok())
        return deployment.status();
    if (m_options.tls && deployment->tls.ca.empty()) {
        std::error_code created;
        fs::create_directories(m_options.dataDir, created);
        auto path = tlsDeployment(m_options, *deployment, progress);
        if (!path.ok())
            return path.status();
        m_options.deploymentPath = *path;
        deployment = deployment::loadDeployment(*path);
        if (!deployment.ok())
            return deployment.status();
    }
    if (deployment->regions.empty())
        return absl::InvalidArgumentError(m_options.deploymentPath + " lists no region");
    // Over TLS, calls need tokens as well.
    const bool secured = !deployment->tls.ca.empty();
    DemoTokens tokens;
    if (secured) {
        std::vector<std::string> files;
        for (const auto& r : deployment->regions)
            files.push_back(regionTokenFile(m_options.dataDir, r.info.name));
        auto made = ensureDemoTokens(m_options.dataDir, files, progress);
        if (!made.ok())
            return made.status();
        tokens = std::move(*made);
    }
    const std::string& dataDir = m_options.dataDir;
    std::error_code ec;
    fs::create_directories(dataDir, ec);
    if (ec)
        return absl::PermissionDeniedError("cannot create " + dataDir + ": " + ec.message());
    const std::string statePath = demoStatePath(dataDir);
    DemoState previous;
    if (auto read = readDemoState(statePath); read.ok()) {
        previous = std::move(*read);
    } else if (!absl::IsNotFound(read.status())) {
        return read.status();
    }
    if (!previous.deploymentPath.empty() && previous.deploymentPath != m_options.deploymentPath &&
        running())
        return absl::FailedPreconditionError(
            "a demo of " + previous.deploymentPath + " already runs from " + dataDir +
            (previous.deploymentPath.ends_with("/deployment-tls.yaml")
                 ? " over TLS; `meridianctl demo up --tls` starts what is missing of it"
                 : "") +
            "; stop it first with `meridianctl demo down`, or use another --data-dir");

    DemoState state;
    state.deploymentPath = m_options.deploymentPath;
    state.dataDir = dataDir;
    state.startedAtMs =
        previous.startedAtMs > 0 && running() ? previous.startedAtMs : rows::nowMs();
    std::set<int> startedNow;
    // On failure: stop what this call started and record what still runs.
    auto fail = [&](absl::Status st) -> absl::Status {
        if (!startedNow.empty()) {
            if (progress)
                progress("stopping what this attempt started");
            stopProcesses(std::vector<int>(startedNow.begin(), startedNow.end()), kStopGrace);
        }
        for (auto& r : state.regions) {
            if (startedNow.count(r.pid))
                r.pid = 0;
        }
        if (startedNow.count(state.generatorPid))
            state.generatorPid = 0;
        if (pidsOf(state).empty())
            fs::remove(statePath, ec);
        else
            writeDemoState(statePath, state).IgnoreError();
        return st;
    };

    // Ports first: nothing is started when one is taken.
    std::vector<size_t> toStart;
    for (const auto& entry : deployment->regions) {
        DemoRegion r;
        r.name = entry.info.name;
        r.cloud = entry.info.cloud;
        r.providerRegion = entry.info.providerRegion;
        r.endpoint = entry.endpoint;
        r.log = (fs::path(dataDir) / (r.name + ".log")).string();
        for (const auto& p : previous.regions) {
            if (p.name == r.name && isDemoStore(p.pid, dataDir, r.name))
                r.pid = p.pid;
        }
        if (r.pid > 0) {
            if (progress)
                progress(r.name + " already runs on " + r.endpoint + " (pid " +
                         std::to_string(r.pid) + ")");
        } else {
            auto inUse = portInUse(r.endpoint);
            if (!inUse.ok())
                return inUse.status();
            if (*inUse)
                return absl::FailedPreconditionError(
                    "cannot start " + r.name + ": port " + portOf(r.endpoint) + " (" + r.endpoint +
                    ") is in use — is a demo already running? try `meridianctl demo status` or "
                    "`meridianctl demo down`");
            toStart.push_back(state.regions.size());
        }
        state.regions.push_back(std::move(r));
    }
    if (!previous.regions.empty() && isDemoGenerator(previous.generatorPid, state.deploymentPath))
        state.generatorPid = previous.generatorPid;

    for (size_t i : toStart) {
        auto& r = state.regions[i];
        const std::string regionDir = regionDataDir(dataDir, r.name);
        fs::create_directories(regionDir, ec);
        std::vector<std::string> argv = {
            m_options.storeBinary, "--region", r.name,         "--deployment", state.deploymentPath,
            "--data-dir",          regionDir,  "--durability", "normal"};
        if (secured) {
            argv.push_back("--tokens");
            argv.push_back(regionTokenFile(dataDir, r.name));
        }
        auto pid = spawnDetached(argv, r.log);
        if (!pid.ok())
            return fail(pid.status());
        r.pid = *pid;
        startedNow.insert(*pid);
        if (progress)
            progress("starting " + r.name + " (" + r.cloud + " " + r.providerRegion + ") on " +
                     r.endpoint + ", pid " + std::to_string(r.pid) + ", log " + r.log);
    }
    if (auto st = writeDemoState(statePath, state); !st.ok())
        return fail(st);
    if (auto st = waitHealthy(*deployment, state.regions, startedNow, progress); !st.ok())
        return fail(st);

    client::RegionClientOptions base;
    base.token = tokens.admin;
    client::RegionDirectory directory(*deployment, base);
    auto versions = applyRepository(directory, m_options.repositoryPath, progress);
    if (!versions.ok())
        return fail(versions.status());
    if (auto st = waitRegistry(directory, *versions, progress); !st.ok())
        return fail(st);
    if (m_options.seedRowsPerView > 0) {
        if (auto st = seedViews(directory, m_options.seedRowsPerView, progress); !st.ok())
            return fail(st);
    }
    if (m_options.generatorRowsPerSecond > 0 && state.generatorPid == 0) {
        auto pid = startGenerator(m_options, secured ? tokens.generatorFile : "", progress);
        if (!pid.ok())
            return fail(pid.status());
        state.generatorPid = *pid;
        startedNow.insert(*pid);
    } else if (state.generatorPid > 0 && progress) {
        progress("the generator already runs (pid " + std::to_string(state.generatorPid) + ")");
    }
    if (auto st = writeDemoState(statePath, state); !st.ok())
        return fail(st);
    rememberDemoDataDir(dataDir);
    return state;
}

absl::StatusOr<DemoState> LocalDemo::status() const {
    const std::string statePath = demoStatePath(m_options.dataDir);
    auto state = readDemoState(statePath);
    if (!state.ok()) {
        if (!absl::IsNotFound(state.status()))
            return state.status();
        DemoState none;
        none.deploymentPath = m_options.deploymentPath;
        none.dataDir = m_options.dataDir;
        return none;
    }
    if (state->dataDir.empty())
        state->dataDir = m_options.dataDir;
    for (auto& r : state->regions) {
        if (!isDemoStore(r.pid, state->dataDir, r.name))
            r.pid = 0;
    }
    if (!isDemoGenerator(state->generatorPid, state->deploymentPath))
        state->generatorPid = 0;
    deployment::Deployment probe;
    for (const auto& r : state->regions) {
        deployment::RegionEntry e;
        e.info.name = r.name;
        e.endpoint = r.endpoint;
        probe.regions.push_back(std::move(e));
    }
    if (!probe.regions.empty()) {
        auto health = healthOf(probe, std::chrono::milliseconds(1500));
        for (auto& r : state->regions) {
            const auto& h = health.at(r.name);
            r.healthy = h.ok() && h->region() == r.name;
        }
    }
    return state;
}

absl::Status LocalDemo::down(const Progress& progress) {
    const std::string statePath = demoStatePath(m_options.dataDir);
    auto state = readDemoState(statePath);
    if (!state.ok()) {
        if (!absl::IsNotFound(state.status()))
            return state.status();
        if (progress)
            progress("no demo runs from " + m_options.dataDir + "; nothing to stop");
        return absl::OkStatus();
    }
    const std::string dataDir = state->dataDir.empty() ? m_options.dataDir : state->dataDir;
    std::vector<int> recorded = pidsOf(*state);
    // The generator first, so that it does not report the regions going away.
    if (isDemoGenerator(state->generatorPid, state->deploymentPath)) {
        if (progress)
            progress("stopping the generator (pid " + std::to_string(state->generatorPid) + ")");
        stopProcesses({state->generatorPid}, kStopGrace);
    }
    std::vector<int> stores;
    std::vector<std::string> names;
    for (const auto& r : state->regions) {
        if (isDemoStore(r.pid, dataDir, r.name)) {
            stores.push_back(r.pid);
            names.push_back(r.name + " (pid " + std::to_string(r.pid) + ")");
        }
    }
    if (progress && !stores.empty())
        progress("stopping " + absl::StrJoin(names, ", "));
    stopProcesses(stores, kStopGrace);
    std::vector<std::string> left;
    for (int pid : recorded) {
        if (processAlive(pid) && (pid == state->generatorPid ||
                                  std::find(stores.begin(), stores.end(), pid) != stores.end()))
            left.push_back(std::to_string(pid));
    }
    if (!left.empty())
        return absl::InternalError("could not stop the demo processes " +
                                   absl::StrJoin(left, ", ") +
                                   " (even with SIGKILL); the state stays in " + statePath);
    std::error_code ec;
    fs::remove(statePath, ec);
    if (ec)
        return absl::PermissionDeniedError("the demo is stopped but " + statePath +
                                           " could not be removed: " + ec.message());
    if (progress)
        progress("the demo is stopped; its data stays in " + dataDir +
                 " (remove it for a fresh start)");
    return absl::OkStatus();
}

bool LocalDemo::running() const {
    auto state = readDemoState(demoStatePath(m_options.dataDir));
    if (!state.ok())
        return false;
    const std::string dataDir = state->dataDir.empty() ? m_options.dataDir : state->dataDir;
    for (const auto& r : state->regions) {
        if (isDemoStore(r.pid, dataDir, r.name))
            return true;
    }
    return isDemoGenerator(state->generatorPid, state->deploymentPath);
}

std::string runningDemoDataDir(DemoOptions base) {
    if (LocalDemo(base).running())
        return LocalDemo(base).options().dataDir;
    for (const auto& dir : rememberedDemoDataDirs()) {
        base.dataDir = dir;
        if (LocalDemo(base).running())
            return dir;
    }
    return {};
}

}  // namespace meridian::demo
