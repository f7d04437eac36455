#pragma once
// The command groups of meridianctl. Each adds its subcommands to the app with addCommand()
// and gives each an action with CtlOptions::setAction(); main() registers every group.
// A new group is a new file with one more register function declared here.

#include <CLI/CLI.hpp>

#include "ctloptions.h"

namespace meridian::ctl {

// apply, list, describe, history, diff, delete.
void registerRegistryCommands(CLI::App& app, CtlOptions& options);
// publish, unpublish, discover, drift.
void registerFederationCommands(CLI::App& app, CtlOptions& options);
// lineage.
void registerLineageCommands(CLI::App& app, CtlOptions& options);
// push.
void registerPushCommands(CLI::App& app, CtlOptions& options);
// get, historical.
void registerReadCommands(CLI::App& app, CtlOptions& options);
// materialize.
void registerMaterializeCommands(CLI::App& app, CtlOptions& options);
// status.
void registerStatusCommands(CLI::App& app, CtlOptions& options);
// residency, residency purge.
void registerResidencyCommands(CLI::App& app, CtlOptions& options);

// Commands that talk to every region of a deployment (see multiregion.h).
// demo up, demo status, demo down.
void registerDemoCommands(CLI::App& app, CtlOptions& options);
// generate.
void registerGenerateCommands(CLI::App& app, CtlOptions& options);
// sync, repair, jobs, jobs cancel.
void registerSyncCommands(CLI::App& app, CtlOptions& options);
// lag.
void registerLagCommands(CLI::App& app, CtlOptions& options);
// cost.
void registerCostCommands(CLI::App& app, CtlOptions& options);
// alerts.
void registerAlertCommands(CLI::App& app, CtlOptions& options);
// link partition, link heal, link set.
void registerLinkCommands(CLI::App& app, CtlOptions& options);
// whoami, token create|list|revoke, audit.
void registerAccessCommands(CLI::App& app, CtlOptions& options);
// erase, erasures.
void registerEraseCommands(CLI::App& app, CtlOptions& options);
// routes.
void registerRouteCommands(CLI::App& app, CtlOptions& options);
// check.
void registerConsistencyCommands(CLI::App& app, CtlOptions& options);
// promote, hubs.
void registerHubCommands(CLI::App& app, CtlOptions& options);

}  // namespace meridian::ctl
