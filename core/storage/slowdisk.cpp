#include "storage/slowdisk.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace meridian::storage {
namespace {

std::atomic<int> g_syncMs{0};
sqlite3_vfs* g_real = nullptr;

// A file of the slow VFS: its methods, then the real VFS's file (szOsFile bytes) right after.
struct SlowFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_file* realOf(sqlite3_file* f) {
    return reinterpret_cast<SlowFile*>(f)->real;
}

void wait(int ms) {
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

int slowClose(sqlite3_file* f) {
    return realOf(f)->pMethods->xClose(realOf(f));
}
int slowRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return realOf(f)->pMethods->xRead(realOf(f), buf, n, off);
}
int slowWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    return realOf(f)->pMethods->xWrite(realOf(f), buf, n, off);
}
int slowTruncate(sqlite3_file* f, sqlite3_int64 size) {
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int slowSync(sqlite3_file* f, int flags) {
    wait(g_syncMs.load(std::memory_order_relaxed));
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int slowFileSize(sqlite3_file* f, sqlite3_int64* size) {
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int slowLock(sqlite3_file* f, int level) {
    return realOf(f)->pMethods->xLock(realOf(f), level);
}
int slowUnlock(sqlite3_file* f, int level) {
    return realOf(f)->pMethods->xUnlock(realOf(f), level);
}
int slowCheckReservedLock(sqlite3_file* f, int* out) {
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int slowFileControl(sqlite3_file* f, int op, void* arg) {
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int slowSectorSize(sqlite3_file* f) {
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int slowDeviceCharacteristics(sqlite3_file* f) {
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int slowShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return realOf(f)->pMethods->xShmMap(realOf(f), region, size, extend, out);
}
int slowShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void slowShmBarrier(sqlite3_file* f) {
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int slowShmUnmap(sqlite3_file* f, int deleteFlag) {
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}
int slowFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    return realOf(f)->pMethods->xFetch(realOf(f), off, n, out);
}
int slowUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    return realOf(f)->pMethods->xUnfetch(realOf(f), off, p);
}

// One table per version the real file may have; a method the real file lacks stays null.
sqlite3_io_methods methodsFor(int version) {
    sqlite3_io_methods m{};
    m.iVersion = version;
    m.xClose = slowClose;
    m.xRead = slowRead;
    m.xWrite = slowWrite;
    m.xTruncate = slowTruncate;
    m.xSync = slowSync;
    m.xFileSize = slowFileSize;
    m.xLock = slowLock;
    m.xUnlock = slowUnlock;
    m.xCheckReservedLock = slowCheckReservedLock;
    m.xFileControl = slowFileControl;
    m.xSectorSize = slowSectorSize;
    m.xDeviceCharacteristics = slowDeviceCharacteristics;
    if (version >= 2) {
        m.xShmMap = slowShmMap;
        m.xShmLock = slowShmLock;
        m.xShmBarrier = slowShmBarrier;
        m.xShmUnmap = slowShmUnmap;
    }
    if (version >= 3) {
        m.xFetch = slowFetch;
        m.xUnfetch = slowUnfetch;
    }
    return m;
}
const sqlite3_io_methods kMethods[3] = {methodsFor(1), methodsFor(2), methodsFor(3)};

int slowOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    auto* file = reinterpret_cast<SlowFile*>(f);
    file->base.pMethods = nullptr;
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    const int rc = g_real->xOpen(g_real, name, file->real, flags, outFlags);
    // A real file with methods must be closed through them, even when the open failed.
    if (file->real->pMethods) {
        const int version = file->real->pMethods->iVersion;
        file->base.pMethods = &kMethods[version < 1 ? 0 : version > 3 ? 2 : version - 1];
    }
    return rc;
}

}  // namespace

absl::Status rehearseDiskLatency(int syncMs) {
    if (syncMs <= 0)
        return absl::OkStatus();
    if (syncMs > 60'000)
        return absl::InvalidArgumentError("disk latency " + std::to_string(syncMs) +
                                          " ms is more than a minute per sync");
    static sqlite3_vfs slow{};
    if (g_real) {
        g_syncMs = syncMs;
        return absl::OkStatus();
    }
    // As in Connection::open: memory statistics off, which is only possible before SQLite
    // initializes, and this initializes it.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_initialize() != SQLITE_OK || !(g_real = sqlite3_vfs_find(nullptr)))
        return absl::InternalError("SQLite has no default VFS to slow down");
    slow = *g_real;
    slow.szOsFile = static_cast<int>(sizeof(SlowFile)) + g_real->szOsFile;
    slow.zName = "meridian-slow-disk";
    slow.pNext = nullptr;
    slow.xOpen = slowOpen;
    g_syncMs = syncMs;
    if (sqlite3_vfs_register(&slow, /*makeDefault=*/1) != SQLITE_OK)
        return absl::InternalError("cannot register the slow-disk VFS");
    return absl::OkStatus();
}

}  // namespace meridian::storage
