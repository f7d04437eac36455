#include "ctloptions.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_join.h"

namespace meridian::ctl {

client::RegionClient& CtlOptions::client() {
    if (!m_client) {
        client::RegionClientOptions o;
        o.endpoint = endpoint;
        o.callTimeout = std::chrono::milliseconds(static_cast<int64_t>(timeoutSeconds * 1000));
        o.tls = tls;
        o.token = token;
        m_client = std::make_unique<client::RegionClient>(std::move(o));
    }
    return *m_client;
}

absl::StatusOr<std::string> CtlOptions::resolveProject(client::RegionClient* at) {
    if (!project.empty())
        return project;
    if (!at)
        at = &client();
    const std::string& where = at->endpoint();
    auto projects = at->listObjects(v1::PROJECT, "");
    if (!projects.ok())
        return projects.status();
    if (projects->size() == 1) {
        project = projects->front().project().name();
        return project;
    }
    if (projects->empty())
        return absl::FailedPreconditionError("the region at " + where +
                                             " holds no project yet; apply a feature repository "
                                             "first: meridianctl apply -f repo.yaml");
    std::vector<std::string> names;
    for (const auto& p : *projects)
        names.push_back(p.project().name());
    return absl::InvalidArgumentError("the region at " + where + " holds several projects (" +
                                      absl::StrJoin(names, ", ") +
                                      "); choose one with --project NAME or $MERIDIAN_PROJECT");
}

void CtlOptions::setAction(CLI::App* command, CommandAction action) {
    command->callback([this, action = std::move(action)] { m_action = action; });
}

CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& summary,
                     const std::vector<std::string>& examples, const std::string& details) {
    CLI::App* command = parent.add_subcommand(name, summary);
    std::string footer = details.empty() ? "" : "\n" + details + "\n";
    footer += "\nExamples:\n";
    for (const auto& e : examples)
        footer += "  " + e + "\n";
    footer +=
        "\nGlobal options --endpoint, --project, --output json and --timeout apply here too "
        "(see meridianctl --help).";
    command->footer(footer);
    return command;
}

void addGlobalOptions(CLI::App& app, CtlOptions& options) {
    app.get_formatter()->column_width(36);
    // Global flags may also come after the subcommand: `meridianctl get … --output json`.
    app.fallthrough();
    // A flag given twice takes its last value, so scripts can override what they were given.
    app.option_defaults()
        ->group("Global options")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option("--endpoint", options.endpoint,
                   "Region to talk to, host:port (e.g. --endpoint 10.0.0.5:7401)")
        ->envname("MERIDIAN_ENDPOINT")
        ->type_name("HOST:PORT")
        ->capture_default_str();
    app.add_option(
           "--project", options.project,
           "Project to work in (e.g. --project shop); default: the only project in the region")
        ->envname("MERIDIAN_PROJECT")
        ->type_name("NAME");
    app.add_option_function<std::string>(
           "-o,--output",
           [&options](const std::string& format) {
               options.output = format == "json" ? OutputFormat::Json : OutputFormat::Table;
           },
           "Output format: table for people, json for scripts (e.g. -o json)")
        ->check(CLI::IsMember({"table", "json"}, CLI::ignore_case))
        ->type_name("FORMAT")
        ->default_str("table");
    app.add_option(
           "--timeout", options.timeoutSeconds,
           "Deadline of each call in seconds (e.g. --timeout 5); materialize waits up to an "
           "hour or this, whichever is longer")
        ->check(CLI::PositiveNumber)
        ->type_name("SECONDS")
        ->capture_default_str();
    app.add_option("--tls-ca", options.tls.caFile,
                   "Talk TLS, checking the region's certificate against this CA (PEM)")
        ->envname("MERIDIAN_TLS_CA")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    app.add_option("--tls-cert", options.tls.certFile,
                   "A client certificate to present (PEM), with --tls-key")
        ->envname("MERIDIAN_TLS_CERT")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    app.add_option("--tls-key", options.tls.keyFile, "The private key of --tls-cert (PEM)")
        ->envname("MERIDIAN_TLS_KEY")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    app.add_option("--tls-server-name", options.tls.serverName,
                   "The name the region's certificate must carry (default: the endpoint's "
                   "host; with a deployment file, each region's name)")
        ->type_name("NAME");
    app.add_option("--token", options.token,
                   "Bearer token for regions that require one (meridianctl token create makes "
                   "them; demo up --tls writes an admin token to DATA_DIR/admin.token)")
        ->envname("MERIDIAN_TOKEN")
        ->type_name("TOKEN");
    app.add_option("--token-file", options.tokenFile,
                   "Read the bearer token from this file (keeps it out of the process list)")
        ->envname("MERIDIAN_TOKEN_FILE")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    app.option_defaults()->group("Options")->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

namespace {

std::string commandPath(const CLI::App& app) {
    std::string path = app.get_name();
    const CLI::App* at = &app;
    while (true) {
        const auto chosen = at->get_subcommands();
        if (chosen.empty())
            break;
        at = chosen.front();
        path += " " + at->get_name();
    }
    return path;
}

}  // namespace

int exitCodeFor(const absl::Status& status) {
    if (status.ok())
        return 0;
    if (client::isUnreachable(status))
        return 3;
    if (client::isFromRegion(status))
        return 1;
    return 2;
}

int runCtl(CLI::App& app, CtlOptions& options, int argc, char** argv) {
    if (argc <= 1) {
        std::cout << app.help();
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0)
            return app.exit(e);  // --help, --version
        if (app.get_subcommands().empty()) {
            // CLI11 reports a mistyped command as a missing one; name it and list the real ones.
            std::vector<std::string> names;
            for (const auto* c : app.get_subcommands([](CLI::App*) { return true; }))
                names.push_back(c->get_name());
            for (const std::string& word : app.remaining()) {
                if (word.starts_with("-"))
                    continue;
                std::fprintf(
                    stderr,
                    "meridianctl: unknown command '%s'; commands: %s\nSee 'meridianctl --help'.\n",
                    word.c_str(), absl::StrJoin(names, ", ").c_str());
                return 2;
            }
            if (e.get_name() == "RequiredError" && app.get_subcommands().empty()) {
                std::fprintf(
                    stderr,
                    "meridianctl: no command given; commands: %s\nSee 'meridianctl --help'.\n",
                    absl::StrJoin(names, ", ").c_str());
                return 2;
            }
        }
        std::fprintf(stderr, "meridianctl: %s\nSee '%s --help'.\n", e.what(),
                     commandPath(app).c_str());
        return 2;
    }
    CommandAction action = options.takeAction();
    if (!action) {
        std::cout << app.help();
        return 2;
    }
    if (options.token.empty() && !options.tokenFile.empty()) {
        std::ifstream in(options.tokenFile);
        std::getline(in, options.token);
        if (options.token.empty()) {
            std::fprintf(stderr, "meridianctl: --token-file %s holds no token\n",
                         options.tokenFile.c_str());
            return 2;
        }
    }
    if (auto tls = client::checkTlsFiles(options.tls); !tls.ok()) {
        std::fprintf(stderr, "meridianctl: %s\n", std::string(tls.message()).c_str());
        return 2;
    }
    const absl::Status status = action();
    std::fflush(stdout);
    if (status.ok())
        return 0;
    std::fprintf(stderr, "meridianctl: %s\n", std::string(status.message()).c_str());
    return exitCodeFor(status);
}

}  // namespace meridian::ctl
