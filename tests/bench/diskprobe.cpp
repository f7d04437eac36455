#include "diskprobe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace meridian::bench {
namespace {

struct ProbeFile {
    std::string path;
    int fd = -1;
    ~ProbeFile() {
        if (fd >= 0)
            ::close(fd);
        if (!path.empty())
            ::unlink(path.c_str());
    }
};

}  // namespace

DiskProbe probeDisk(const std::string& dir, int syncs) {
    DiskProbe probe;
    ProbeFile append{dir + "/probe-append", -1};
    ProbeFile overwrite{dir + "/probe-overwrite", -1};
    append.fd =
        ::open(append.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    overwrite.fd = ::open(overwrite.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (append.fd < 0 || overwrite.fd < 0) {
        probe.error = "cannot create probe files in " + dir + ": " + std::strerror(errno);
        return probe;
    }
    const std::string row(440, 'r');  // about one HSET of the 20-feature row
    const std::vector<char> page(4096, 'p');
    // The overwritten blocks exist and are durable before timing, as a reused WAL's are.
    for (int i = 0; i < 16; ++i) {
        if (::pwrite(overwrite.fd, page.data(), page.size(), i * 4096) < 0)
            probe.error = std::strerror(errno);
    }
    ::fsync(overwrite.fd);
    probe.append = measure(syncs, [&](int) {
        if (::write(append.fd, row.data(), row.size()) < 0 || ::fdatasync(append.fd) != 0)
            probe.error = std::strerror(errno);
    });
    probe.overwrite = measure(syncs, [&](int i) {
        if (::pwrite(overwrite.fd, page.data(), page.size(), (i % 16) * 4096) < 0 ||
            ::fdatasync(overwrite.fd) != 0)
            probe.error = std::strerror(errno);
    });
    return probe;
}

std::string machineLoad() {
    std::ifstream in("/proc/loadavg");
    std::string oneMinute = "?";
    in >> oneMinute;
    return "load " + oneMinute + " on " + std::to_string(std::thread::hardware_concurrency()) +
           " cores";
}

}  // namespace meridian::bench
