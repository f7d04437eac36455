#pragma once
// What the kernel counts for a process the benchmark started: storage I/O from /proc/<pid>/io
// and CPU time from /proc/<pid>/stat (every thread of the process, exited ones included).

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace meridian::bench {

struct ProcessIo {
    int64_t rchar = 0;  // bytes passed to read-like system calls
    int64_t wchar = 0;  // bytes passed to write-like system calls
    // Bytes the process caused to be sent to storage: charged in whole pages when a clean page
    // of the page cache is dirtied, so rewriting a partly filled page after an fsync counts the
    // page again — as the device writes it again.
    int64_t writeBytes = 0;
    int64_t cancelledWriteBytes = 0;  // dirty pages dropped before writeback (truncation)

    // What reached (or will reach) storage.
    int64_t storageBytes() const { return writeBytes - cancelledWriteBytes; }
    ProcessIo operator-(const ProcessIo& o) const {
        return {rchar - o.rchar, wchar - o.wchar, writeBytes - o.writeBytes,
                cancelledWriteBytes - o.cancelledWriteBytes};
    }
    ProcessIo& operator+=(const ProcessIo& o) {
        rchar += o.rchar;
        wchar += o.wchar;
        writeBytes += o.writeBytes;
        cancelledWriteBytes += o.cancelledWriteBytes;
        return *this;
    }
};

std::optional<ProcessIo> readProcessIo(pid_t pid);

// utime + stime of the whole process in seconds (clock-tick resolution, usually 10 ms).
std::optional<double> processCpuSeconds(pid_t pid);

// Waits until the process's write_bytes has not moved for `quietMs` (at most `timeoutMs`), so
// the storage work a phase set off (a WAL checkpoint on another thread, say) is counted in it.
void waitForQuietStorage(pid_t pid, int quietMs = 300, int timeoutMs = 10000);

}  // namespace meridian::bench
