#pragma once
// A slow disk, for rehearsing one (meridian-store --rehearse-disk-latency-ms, the fault suite):
// a SQLite VFS over the default one that waits before every sync of a database, journal or WAL
// file — what a throttled cloud volume or a failing drive looks like to a store that syncs
// every commit. Reads and writes, which the page cache absorbs until a sync, and everything
// else pass through unchanged.

#include "absl/status/status.h"

namespace meridian::storage {

// Makes every SQLite connection opened from now on go through the slow VFS, `syncMs` per sync.
// Once per process, before the first database is opened; 0 does nothing.
absl::Status rehearseDiskLatency(int syncMs);

}  // namespace meridian::storage
