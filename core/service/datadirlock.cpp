#include "service/datadirlock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace meridian::service {

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& dataDir) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec)
        return absl::PermissionDeniedError("cannot create data directory '" + dataDir +
                                           "': " + ec.message());
    const std::string path = (std::filesystem::path(dataDir) / "store.lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return absl::PermissionDeniedError("cannot open '" + path + "': " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        if (error != EWOULDBLOCK)
            return absl::InternalError("cannot lock '" + path + "': " + std::strerror(error));
        std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : std::string();
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
            pid.pop_back();
        return absl::FailedPreconditionError("data directory '" + dataDir +
                                             "' is in use by another meridian-store" +
                                             (pid.empty() ? std::string() : " (pid " + pid + ")") +
                                             "; give each region its own --data-dir");
    }
    const std::string self = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, self.data(), self.size(), 0) < 0) {
        // The pid is only for the message above; the lock itself holds.
    }
    return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() {
    ::close(m_fd);
}

}  // namespace meridian::service
