#include "processcounters.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

namespace meridian::bench {

std::optional<ProcessIo> readProcessIo(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/io");
    if (!in)
        return std::nullopt;
    ProcessIo io;
    const std::pair<const char*, int64_t*> wanted[] = {
        {"rchar:", &io.rchar},
        {"wchar:", &io.wchar},
        {"write_bytes:", &io.writeBytes},
        {"cancelled_write_bytes:", &io.cancelledWriteBytes}};
    std::string name;
    int64_t value = 0;
    int seen = 0;
    while (in >> name >> value) {
        for (const auto& [label, into] : wanted) {
            if (name == label) {
                *into = value;
                ++seen;
            }
        }
    }
    if (seen != 4)
        return std::nullopt;
    return io;
}

std::optional<double> processCpuSeconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!in || !std::getline(in, stat))
        return std::nullopt;
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    // Fields 3.. follow; utime is field 14 and stime field 15.
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14)
            utime = std::stoll(field);
        else if (i == 15)
            stime = std::stoll(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void waitForQuietStorage(pid_t pid, int quietMs, int timeoutMs) {
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + std::chrono::milliseconds(timeoutMs);
    auto last = readProcessIo(pid);
    auto quietSince = Clock::now();
    while (last && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = readProcessIo(pid);
        if (!now)
            return;
        if (now->writeBytes != last->writeBytes) {
            quietSince = Clock::now();
            last = now;
        } else if (Clock::now() - quietSince >= std::chrono::milliseconds(quietMs)) {
            return;
        }
    }
}

}  // namespace meridian::bench
