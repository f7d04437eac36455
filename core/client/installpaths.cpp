#include "client/installpaths.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_split.h"
#include "client/demostatefile.h"

namespace meridian::client {
namespace {

namespace fs = std::filesystem;

bool isExecutableFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

// Where the build tree puts each binary; only used when the running executable is in it.
std::string buildTreeBinary(const std::string& name) {
#if defined(MERIDIAN_BUILD_DIR) && defined(MERIDIAN_STORE_BUILD_PATH) && \
    defined(MERIDIANCTL_BUILD_PATH)
    const std::string exe = executablePath();
    const std::string buildDir = MERIDIAN_BUILD_DIR;
    if (exe.empty() || !exe.starts_with(buildDir + "/"))
        return {};
    if (name == "meridian-store")
        return MERIDIAN_STORE_BUILD_PATH;
    if (name == "meridianctl")
        return MERIDIANCTL_BUILD_PATH;
#endif
    return {};
}

}  // namespace

std::string executablePath() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.string();
}

std::string findBinary(const std::string& name) {
    if (const std::string exe = executablePath(); !exe.empty()) {
        const fs::path sibling = fs::path(exe).parent_path() / name;
        if (isExecutableFile(sibling))
            return sibling.string();
    }
    if (const std::string built = buildTreeBinary(name); !built.empty() && isExecutableFile(built))
        return built;
    if (const char* path = std::getenv("PATH")) {
        for (const auto dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
            const fs::path candidate = fs::path(std::string(dir)) / name;
            if (isExecutableFile(candidate))
                return candidate.string();
        }
    }
    return {};
}

std::string findResource(const std::string& relative) {
    if (const std::string exe = executablePath(); !exe.empty()) {
        const fs::path installed =
            fs::path(exe).parent_path().parent_path() / "share" / "meridian" / relative;
        if (isFile(installed))
            return installed.lexically_normal().string();
    }
#ifdef MERIDIAN_SOURCE_DIR
    const fs::path source = fs::path(MERIDIAN_SOURCE_DIR) / "resources" / relative;
    if (isFile(source))
        return source.string();
#endif
    return {};
}

std::string defaultDemoDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "meridian" / "demo").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : ".") / ".local" / "share" / "meridian" / "demo")
        .string();
}

std::string demoStatePath(const std::string& dataDir) {
    return (fs::path(dataDir) / "demo.json").string();
}

std::string defaultDeploymentPath(std::string* source) {
    auto say = [&](const char* from) {
        if (source)
            *source = from;
    };
    if (const char* env = std::getenv("MERIDIAN_DEPLOYMENT"); env && *env) {
        say("$MERIDIAN_DEPLOYMENT");
        return env;
    }
    if (auto state = readDemoState(demoStatePath(defaultDemoDataDir()));
        state.ok() && !state->deploymentPath.empty() && isFile(state->deploymentPath)) {
        say("the running demo");
        return state->deploymentPath;
    }
    say("the demo deployment");
    return findResource("demo/deployment.yaml");
}

}  // namespace meridian::client
