// meridianctl: the command-line control client of Meridian. Registry and data commands talk
// to one region, replication commands to every region of a deployment; the command groups
// live in the meridian_ctl library (see commandgroups.h).

#include <CLI/CLI.hpp>

#include "commandgroups.h"
#include "ctloptions.h"

int main(int argc, char** argv) {
    using namespace meridian::ctl;
    CLI::App app{
        "meridianctl: control client of Meridian, a multi-region feature store.\n"
        "Applies feature repositories, browses the registry, pushes and reads features, reports "
        "on a region, and watches replication lag, cost, sync jobs and alerts across every "
        "region; `meridianctl demo up` runs a four-region demo on this machine.",
        "meridianctl"};
    app.set_version_flag("--version", std::string("meridianctl ") + MERIDIAN_VERSION);
    CtlOptions options;
    addGlobalOptions(app, options);
    registerRegistryCommands(app, options);
    registerFederationCommands(app, options);
    registerLineageCommands(app, options);
    registerPushCommands(app, options);
    registerReadCommands(app, options);
    registerRouteCommands(app, options);
    registerMaterializeCommands(app, options);
    registerStatusCommands(app, options);
    registerResidencyCommands(app, options);
    registerDemoCommands(app, options);
    registerGenerateCommands(app, options);
    registerSyncCommands(app, options);
    registerConsistencyCommands(app, options);
    registerHubCommands(app, options);
    registerLagCommands(app, options);
    registerCostCommands(app, options);
    registerAlertCommands(app, options);
    registerLinkCommands(app, options);
    registerAccessCommands(app, options);
    registerEraseCommands(app, options);
    app.require_subcommand(1);
    return runCtl(app, options, argc, argv);
}
