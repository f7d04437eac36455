// meridianctl: the command-line control client of Meridian. Every command talks to one
// region; the command groups live in the meridian_ctl library (see commandgroups.h).

#include <CLI/CLI.hpp>

#include "commandgroups.h"
#include "ctloptions.h"

int main(int argc, char** argv) {
    using namespace meridian::ctl;
    CLI::App app{
        "meridianctl: control client of Meridian, a multi-region feature store.\n"
        "Applies feature repositories, browses the registry, pushes and reads features, and "
        "reports on a region.",
        "meridianctl"};
    app.set_version_flag("--version", std::string("meridianctl ") + MERIDIAN_VERSION);
    CtlOptions options;
    addGlobalOptions(app, options);
    registerRegistryCommands(app, options);
    registerLineageCommands(app, options);
    registerPushCommands(app, options);
    registerReadCommands(app, options);
    registerMaterializeCommands(app, options);
    registerStatusCommands(app, options);
    app.require_subcommand(1);
    return runCtl(app, options, argc, argv);
}
