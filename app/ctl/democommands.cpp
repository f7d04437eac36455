// demo up | status | down: every region of a deployment as a local meridian-store process,
// with the sample repository, sample rows and a background row generator.

#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_split.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "demo/localdemo.h"
#include "multiregion.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct DemoArgs {
    std::string deployment;
    std::string dataDir;
    std::string repository;
    double rate = 50;
    int seedRows = 2000;
    bool tls = false;
};

demo::DemoOptions demoOptions(const DemoArgs& args) {
    demo::DemoOptions o;
    o.deploymentPath = args.deployment;
    o.dataDir = args.dataDir;
    o.repositoryPath = args.repository;
    o.tls = args.tls;
    o.generatorRowsPerSecond = args.rate;
    o.seedRowsPerView = args.seedRows;
    return o;
}

void printStep(const std::string& step) {
    std::fprintf(stderr, "%s\n", step.c_str());
    std::fflush(stderr);
}

std::string stateJson(const demo::DemoState& s, bool running) {
    std::string out = "{\n  \"running\": " + std::string(running ? "true" : "false") +
                      ",\n  \"deployment\": " + jsonString(s.deploymentPath) +
                      ",\n  \"data_dir\": " + jsonString(s.dataDir) +
                      ",\n  \"started_at_ms\": " + std::to_string(s.startedAtMs) +
                      ",\n  \"generator_pid\": " + std::to_string(s.generatorPid) +
                      ",\n  \"regions\": [";
    for (size_t i = 0; i < s.regions.size(); ++i) {
        const auto& r = s.regions[i];
        out += std::string(i ? "," : "") + "\n    {\"name\": " + jsonString(r.name) +
               ", \"cloud\": " + jsonString(r.cloud) +
               ", \"provider_region\": " + jsonString(r.providerRegion) +
               ", \"endpoint\": " + jsonString(r.endpoint) + ", \"pid\": " + std::to_string(r.pid) +
               ", \"healthy\": " + (r.healthy ? "true" : "false") +
               ", \"log\": " + jsonString(r.log) + "}";
    }
    return out + (s.regions.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void printRegions(const demo::DemoState& s, double rate) {
    TextTable t({"REGION", "WHERE", "ENDPOINT", "PID", "HEALTH", "LOG"});
    t.alignRight(3);
    for (const auto& r : s.regions)
        t.addRow({r.name, r.cloud + " " + r.providerRegion, r.endpoint,
                  r.pid > 0 ? std::to_string(r.pid) : "-",
                  r.healthy ? "serving" : (r.pid > 0 ? "NOT ANSWERING" : "NOT RUNNING"), r.log});
    const std::string generatorLog = (std::filesystem::path(s.dataDir) / "generator.log").string();
    if (s.generatorPid > 0)
        t.addRow({"generator",
                  rate > 0 ? formatFixed(rate, rate == static_cast<int64_t>(rate) ? 0 : 1) +
                                 " rows/s per writing region"
                           : "-",
                  "-", std::to_string(s.generatorPid), "running", generatorLog});
    else
        t.addRow({"generator", "-", "-", "-", "not running", "-"});
    t.print();
}

absl::Status runUp(CtlOptions& options, const DemoArgs& args) {
    demo::LocalDemo demo(demoOptions(args));
    auto state = demo.up(printStep);
    if (!state.ok())
        return state.status();
    if (options.json()) {
        std::fputs(stateJson(*state, true).c_str(), stdout);
        return absl::OkStatus();
    }
    const std::string first = state->regions.front().name;
    const std::string second = state->regions.size() > 1 ? state->regions[1].name : first;
    std::printf("\nThe demo runs: %zu regions of %s, data in %s\n\n", state->regions.size(),
                state->deploymentPath.c_str(), state->dataDir.c_str());
    printRegions(*state, args.rate);
    std::printf(
        "\nLinks between regions are emulated (delays from the deployment file); the traffic\n"
        "between these local processes is real. Try:\n\n");
    TextTable next({"", ""});
    next.addRow({"meridianctl lag --watch 2", "replication lag of every link, live"});
    next.addRow({"meridianctl cost", "egress per link in bytes and $, 30-day projection"});
    next.addRow({"meridianctl sync --from " + first + " --to " + second + " --kind snapshot",
                 "a sync job with live progress"});
    next.addRow({"meridianctl link partition " + first + " " + second,
                 "cut a link, watch lag grow, then: link heal"});
    next.addRow({"meridianctl jobs", "sync jobs of every region"});
    next.addRow({"meridianctl alerts", "alerts of every region"});
    next.addRow({"meridianctl status --endpoint " + state->regions.front().endpoint,
                 "one region in detail"});
    next.addRow({"meridianctl demo down", "stop every process of the demo"});
    const std::string text = next.render();
    // Indented, without the (empty) header row.
    for (const auto line :
         absl::StrSplit(text.substr(text.find('\n') + 1), '\n', absl::SkipEmpty()))
        std::printf("  %s\n", std::string(line).c_str());
    if (args.tls) {
        // meridianctl and the console find the certificates through the demo's deployment
        // file; a command given --endpoint alone needs them named.
        const std::string pki = state->dataDir + "/pki";
        std::printf(
            "\nEverything runs over TLS (regions to each other over mutual TLS). Certificates:\n"
            "%s; commands with --endpoint need them:\n\n"
            "  export MERIDIAN_TLS_CA=%s/ca.pem MERIDIAN_TLS_CERT=%s/operator.pem "
            "MERIDIAN_TLS_KEY=%s/operator.key\n",
            pki.c_str(), pki.c_str(), pki.c_str(), pki.c_str());
        const std::string admin = state->dataDir + "/admin.token";
        std::printf(
            "\nEvery call needs a token. The demo's admin token (demo-admin) is in %s:\n\n"
            "  export MERIDIAN_TOKEN_FILE=%s\n\n"
            "Then make tokens for people: meridianctl token create --role viewer --name alice\n",
            admin.c_str(), admin.c_str());
    }
    return absl::OkStatus();
}

absl::Status runStatus(CtlOptions& options, const DemoArgs& args) {
    demo::LocalDemo demo(demoOptions(args));
    auto state = demo.status();
    if (!state.ok())
        return state.status();
    bool running = state->generatorPid > 0;
    for (const auto& r : state->regions)
        running = running || r.pid > 0;
    if (options.json()) {
        std::fputs(stateJson(*state, running).c_str(), stdout);
        return absl::OkStatus();
    }
    if (!running) {
        std::printf("No demo runs from %s.\nStart one with: meridianctl demo up\n",
                    state->dataDir.c_str());
        return absl::OkStatus();
    }
    std::printf("Demo of %s, data in %s, up %s\n\n", state->deploymentPath.c_str(),
                state->dataDir.c_str(),
                formatElapsed(std::max<int64_t>(0, rows::nowMs() - state->startedAtMs)).c_str());
    printRegions(*state, 0);
    return absl::OkStatus();
}

absl::Status runDown(const DemoArgs& args) {
    demo::LocalDemo demo(demoOptions(args));
    return demo.down(printStep);
}

// The demo runs on this machine: of the global options only --output applies.
void setGlobalNote(CLI::App* command) {
    std::string footer = command->get_footer();
    if (const auto at = footer.rfind("\nGlobal options"); at != std::string::npos)
        footer.erase(at);
    command->footer(footer + "\nThe global option --output json applies here too.");
}

void addDataDirOption(CLI::App* command, DemoArgs& args) {
    command
        ->add_option("--data-dir", args.dataDir,
                     "Where the demo keeps its databases, logs and state (default: "
                     "$XDG_DATA_HOME/meridian/demo, else ~/.local/share/meridian/demo)")
        ->type_name("DIR");
}

}  // namespace

void registerDemoCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<DemoArgs>();
    auto* demo = addCommand(
        app, "demo", "Run every region of a deployment on this machine (up, status, down)",
        {"meridianctl demo up", "meridianctl demo status", "meridianctl demo down"},
        "The local demo starts one meridian-store per region of the demo deployment (four\n"
        "regions on three clouds, ports 7401-7404, emulated inter-region delays), applies the\n"
        "example feature repository at the control region, pushes sample rows to every feature\n"
        "view and keeps a generator writing realistic rows. Processes run in the background\n"
        "until `meridianctl demo down`.");
    demo->group("Demo");
    demo->require_subcommand(1);
    setGlobalNote(demo);

    auto* up = addCommand(
        *demo, "up", "Start the demo, or whatever part of it is not running",
        {"meridianctl demo up", "meridianctl demo up --rate 200 --seed-rows 10000",
         "meridianctl demo up --deployment my-deployment.yaml --data-dir /tmp/demo",
         "meridianctl demo up --tls --data-dir /tmp/demo-tls"},
        "Checks that each region's port is free, starts the regions (logs in the data\n"
        "directory), waits until every region serves, applies the repository at the control\n"
        "region, waits until the registry has reached every region, seeds the views that hold\n"
        "no rows yet and starts the generator. Running it again starts only what is missing.");
    up->add_option("--deployment", args->deployment,
                   "Deployment file (default: the installed demo deployment)")
        ->type_name("FILE")
        ->check(CLI::ExistingFile.description(""));
    up->add_option("--repository", args->repository,
                   "Feature repository to apply (default: the example commerce repository)")
        ->type_name("FILE")
        ->check(CLI::ExistingFile.description(""));
    addDataDirOption(up, *args);
    up->add_flag("--tls", args->tls,
                 "Run everything over TLS: a local CA and per-region certificates made with\n"
                 "openssl in DATA_DIR/pki, regions reaching each other over mutual TLS");
    setGlobalNote(up);
    up->add_option("--rate", args->rate,
                   "Rows per second the generator writes to each writing region; 0: no generator")
        ->check(CLI::Range(0.0, 100000.0))
        ->capture_default_str();
    up->add_option("--seed-rows", args->seedRows,
                   "Rows pushed to each empty feature view at start; 0: none")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    options.setAction(up, [&options, args] { return runUp(options, *args); });

    auto* status = addCommand(*demo, "status", "Show which demo processes run and answer",
                              {"meridianctl demo status", "meridianctl demo status -o json"},
                              "Reads the demo's state file and asks each region for its health.");
    addDataDirOption(status, *args);
    setGlobalNote(status);
    options.setAction(status, [&options, args] { return runStatus(options, *args); });

    auto* down = addCommand(*demo, "down", "Stop every process of the demo",
                            {"meridianctl demo down", "meridianctl demo down --data-dir /tmp/demo"},
                            "SIGTERM to the generator and every region, SIGKILL to any still\n"
                            "running after 10 s; the data directory is kept.");
    addDataDirOption(down, *args);
    setGlobalNote(down);
    options.setAction(down, [args] { return runDown(*args); });
}

}  // namespace meridian::ctl
