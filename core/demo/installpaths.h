#pragma once
// Where Meridian's own files are on this machine: the binaries next to the running one (the
// build tree puts them together in build/bin, as an installation does in <prefix>/bin) or on
// PATH, the resources installed under <prefix>/share/meridian (or in the source tree), the
// local demo's data directory and the deployment file commands default to.

#include <string>
#include <vector>

namespace meridian::demo {

// The running executable (/proc/self/exe), or "" when it cannot be read.
std::string executablePath();

// `name` (e.g. "meridian-store") next to the running executable, else the first match on PATH;
// "" when none exists.
std::string findBinary(const std::string& name);

// A resource by its path under resources/ (e.g. "demo/deployment.yaml"): installed as
// <exe>/../share/meridian/<relative>, else in the source tree; "" when neither exists.
std::string findResource(const std::string& relative);

// $XDG_DATA_HOME/meridian/demo, else ~/.local/share/meridian/demo.
std::string defaultDemoDataDir();

// The data directories demos were started from, the most recent first: a demo started with
// --data-dir is remembered (in demo-dirs beside the default data directory) so that
// `meridian --demo` finds it running. Directories that no longer exist are left out.
std::vector<std::string> rememberedDemoDataDirs();
void rememberDemoDataDir(const std::string& dataDir);

// The file of the demo's state in `dataDir`.
std::string demoStatePath(const std::string& dataDir);

// The deployment multi-region commands use when none is given: $MERIDIAN_DEPLOYMENT, else the
// deployment of the demo running from the default data directory, else the demo deployment.
// `source` (if given) says which of these it came from, for messages.
std::string defaultDeploymentPath(std::string* source = nullptr);

}  // namespace meridian::demo
