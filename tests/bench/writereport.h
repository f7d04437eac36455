#pragma once
// What bench_writes found: each system's rounds in each measurement, the scale points, and the
// table printed at the end (every figure beside its floor, their ratio and the target).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchclients.h"
#include "benchstats.h"
#include "processcounters.h"
#include "tablefootprint.h"

namespace meridian::bench {

double medianOf(std::vector<double> v);

// One system in one measurement: its rounds, and what it wrote to storage over all of them.
struct Contender {
    std::string label;
    std::string group;  // who is compared with whom: "full", "normal", "always", "off", …
    std::unique_ptr<RequestSource> source;
    pid_t pid = 0;
    std::vector<Figures> rounds;
    std::vector<double> cpuUsPerRequest;  // server CPU, when measured
    ProcessIo io;
    int64_t rows = 0;

    Figures median() const { return medianEach(rounds); }
    // Totals over every round, so a checkpoint that falls in one round is spread over all.
    double storageBytesPerRow() const {
        return rows ? static_cast<double>(io.storageBytes()) / static_cast<double>(rows) : 0;
    }
    double wcharPerRow() const {
        return rows ? static_cast<double>(io.wchar) / static_cast<double>(rows) : 0;
    }
};

// The contender of `group` with the highest median rate: the floor when there are two ways to
// feed Redis the same batch.
const Contender& fastestOf(const std::vector<Contender>& cs, const std::string& group);

struct WriteScenario {
    std::string part;
    std::string title;
    int clients = 1;
    int rowsPerRequest = 1;
    std::vector<Contender> contenders;
    double wireBytesPerRow = 0;     // one FeatureRow as protobuf encodes it
    double commandBytesPerRow = 0;  // one HSET as RESP encodes it
    int64_t notApplied = 0;
};

struct ScalePoint {
    int64_t rows = 0;
    double loadRowsPerSecond = 0;
    Figures writes;
    double diskBytesPerRow = 0;
    TableFootprint online, changelog;
};

struct Report {
    std::vector<WriteScenario> scenarios;
    std::vector<Contender> offline;
    std::vector<Contender> reads;
    std::vector<ScalePoint> scale;
    double wireBytesPerRow = 0;
    double redisMemoryPerRow = 0;
    std::vector<std::string> conditions;  // the machine's load and disk, at start and at end
};

void printReport(const Report& report, int rounds, double seconds);

}  // namespace meridian::bench
