#include "demo/installpaths.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_split.h"
#include "demo/demostatefile.h"

namespace meridian::demo {
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

namespace {

constexpr size_t kRememberedDirs = 16;

fs::path rememberedDirsFile() {
    return fs::path(defaultDemoDataDir()).parent_path() / "demo-dirs";
}

}  // namespace

std::vector<std::string> rememberedDemoDataDirs() {
    std::vector<std::string> out;
    std::ifstream in(rememberedDirsFile());
    std::string line;
    while (std::getline(in, line)) {
        std::error_code ec;
        if (!line.empty() && fs::is_directory(line, ec) &&
            std::find(out.begin(), out.end(), line) == out.end())
            out.insert(out.begin(), line);
    }
    return out;
}

void rememberDemoDataDir(const std::string& dataDir) {
    std::error_code ec;
    const std::string absolute = fs::absolute(dataDir, ec).lexically_normal().string();
    auto dirs = rememberedDemoDataDirs();  // most recent first
    std::erase(dirs, absolute);
    dirs.insert(dirs.begin(), absolute);
    if (dirs.size() > kRememberedDirs)
        dirs.resize(kRememberedDirs);
    fs::create_directories(rememberedDirsFile().parent_path(), ec);
    std::ofstream out(rememberedDirsFile(), std::ios::trunc);
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it)
        out << *it << '\n';
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

}  // namespace meridian::demo
