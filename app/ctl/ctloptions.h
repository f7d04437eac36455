#pragma once
// What every meridianctl command shares: the global options, the connection to the region,
// the project to work in, how to print, and the command chosen on the command line.

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regionclient.h"

namespace meridian::ctl {

enum class OutputFormat { Table, Json };

// What a command does once the command line is parsed. A status that is not ok is printed
// as "meridianctl: <message>" and chooses the exit code (see exitCodeFor).
using CommandAction = std::function<absl::Status()>;

class CtlOptions {
public:
    // Bound to the global flags by addGlobalOptions; set once the command line is parsed.
    std::string endpoint = "127.0.0.1:7401";
    std::string project;  // empty: see resolveProject()
    OutputFormat output = OutputFormat::Table;
    double timeoutSeconds = 30;
    client::TlsSettings tls;  // --tls-ca, --tls-cert, --tls-key, --tls-server-name
    std::string token;        // --token, $MERIDIAN_TOKEN
    std::string tokenFile;    // --token-file, $MERIDIAN_TOKEN_FILE: read into `token`

    bool json() const { return output == OutputFormat::Json; }

    // The region at --endpoint, connected on first use and reused afterwards.
    client::RegionClient& client();

    // --project (or $MERIDIAN_PROJECT), else the only project the region holds; an error
    // lists the projects when there are several or says how to create one when there is none.
    // `at`: the region to ask instead of the one at --endpoint.
    absl::StatusOr<std::string> resolveProject(client::RegionClient* at = nullptr);

    // Remembers what to run when `command` is the subcommand chosen on the command line.
    void setAction(CLI::App* command, CommandAction action);
    CommandAction takeAction() { return std::move(m_action); }

private:
    std::unique_ptr<client::RegionClient> m_client;
    CommandAction m_action;
};

// A subcommand of `parent`, listed with its one-line `summary`; its --help adds `details` (if
// any), the examples (one command line each) and a reminder of the global options. Command
// groups use it for every command they add.
CLI::App* addCommand(CLI::App& parent, const std::string& name, const std::string& summary,
                     const std::vector<std::string>& examples, const std::string& details = {});

// --endpoint, --project, --output, --timeout and --version on the top-level app. Call before
// the command groups are registered so that their subcommands accept these flags too.
void addGlobalOptions(CLI::App& app, CtlOptions& options);

// Parses the command line, runs the chosen command and answers the process exit code:
// 0 ok, 1 the region refused, 2 usage or local input error, 3 region unreachable.
int runCtl(CLI::App& app, CtlOptions& options, int argc, char** argv);

int exitCodeFor(const absl::Status& status);

}  // namespace meridian::ctl
