#pragma once
// One meridian-store per data directory: an exclusive advisory lock (flock) on
// <data dir>/store.lock, held for the life of the process and released by the kernel however
// the process ends, so a crashed store never leaves a stale lock behind.

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace meridian::service {

class DataDirLock {
public:
    // Creates the directory if needed. FAILED_PRECONDITION, naming the directory and the pid
    // written by the holder, when another process holds the lock.
    static absl::StatusOr<std::unique_ptr<DataDirLock>> acquire(const std::string& dataDir);
    ~DataDirLock();

    DataDirLock(const DataDirLock&) = delete;
    DataDirLock& operator=(const DataDirLock&) = delete;

private:
    explicit DataDirLock(int fd) : m_fd(fd) {}
    int m_fd;
};

}  // namespace meridian::service
