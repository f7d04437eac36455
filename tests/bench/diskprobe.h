#pragma once
// How long the disk under the benchmark takes to make a small write durable, the two ways the
// servers do it: appending to a growing file (Redis's append-only file: every fdatasync must
// also commit the new file size through the filesystem's journal) and overwriting blocks in
// place (SQLite's WAL once it is reused: the data alone). Printed beside the results, since
// either can move with what else the machine is doing.

#include <string>

#include "benchstats.h"

namespace meridian::bench {

struct DiskProbe {
    Figures append;     // write 440 B at the end + fdatasync
    Figures overwrite;  // pwrite 4 KiB in place + fdatasync
    std::string error;
};

DiskProbe probeDisk(const std::string& dir, int syncs = 200);

// The 1-minute load average and the number of cores, as "load 7.66 on 2 cores".
std::string machineLoad();

}  // namespace meridian::bench
