#include "writereport.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace meridian::bench {

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

const Contender& fastestOf(const std::vector<Contender>& cs, const std::string& group) {
    const Contender* best = nullptr;
    for (const auto& c : cs) {
        if (c.group == group && (!best || c.median().perSecond > best->median().perSecond))
            best = &c;
    }
    if (!best)
        throw std::logic_error("no contender in group " + group);
    return *best;
}

namespace {

std::string fmt(const char* format, double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, v);
    return buffer;
}

// A figure against its target, or only reported when it has none.
enum class Verdict { Report, Met, NotMet };

Verdict judge(bool met) {
    return met ? Verdict::Met : Verdict::NotMet;
}

// One judged line: a figure, its floor, their ratio and the target.
void printJudged(const std::string& name, const std::string& figure, const std::string& floor,
                 double ratio, const std::string& target, Verdict verdict) {
    std::printf(
        "  %-60s %13s %13s %7.2fx  %-9s %s\n", name.c_str(), figure.c_str(), floor.c_str(), ratio,
        target.c_str(),
        verdict == Verdict::Report ? "(report)" : (verdict == Verdict::Met ? "met" : "NOT MET"));
}

void printContenderTable(const std::string& title, const std::vector<Contender>& cs,
                         bool withDisk) {
    for (const auto& c : cs) {
        const auto f = c.median();
        std::printf("  %-22s %-40s %10.0f %9.0f %9.0f", title.c_str(), c.label.c_str(), f.perSecond,
                    f.p50Us, f.p99Us);
        if (withDisk)
            std::printf(" %10.0f %9.0f", c.storageBytesPerRow(), c.wcharPerRow());
        if (!c.cpuUsPerRequest.empty())
            std::printf(" %10.1f", medianOf(c.cpuUsPerRequest));
        std::printf("\n");
    }
}

}  // namespace

void printReport(const Report& r, int rounds, double seconds) {
    std::printf(
        "\n=== results: medians of %d rounds of %.1f s; every floor measured in this run ===\n",
        rounds, seconds);
    if (!r.scenarios.empty()) {
        std::printf(
            "\nwrites (rows/s; latency per request; disk = write_bytes - "
            "cancelled_write_bytes of the server, all rounds; CPU = the server's utime + stime)\n");
        std::printf("  %-22s %-40s %10s %9s %9s %10s %9s %10s\n", "scenario", "system", "rows/s",
                    "p50 us", "p99 us", "disk B/row", "wchar/row", "CPU us/req");
        for (const auto& s : r.scenarios)
            printContenderTable(s.title, s.contenders, true);
        const auto& s0 = r.scenarios.front();
        std::printf(
            "  one row on the wire: %.0f B as a protobuf FeatureRow, %.0f B as a RESP HSET\n",
            s0.wireBytesPerRow, s0.commandBytesPerRow);
        for (const auto& s : r.scenarios) {
            if (s.notApplied > 0)
                std::printf("  WARNING %s: %lld rows answered as not applied (stale)\n",
                            s.title.c_str(), static_cast<long long>(s.notApplied));
        }
    }
    if (!r.offline.empty()) {
        std::printf("\nwrite target, 100 rows x 1 client, --durability full\n");
        printContenderTable("", r.offline, true);
    }
    if (!r.reads.empty()) {
        std::printf(
            "\nreads of 1 entity x 20 features, 1 client (server CPU = utime + stime of "
            "the server process)\n");
        std::printf("  %-22s %-40s %10s %9s %9s %10s\n", "", "", "reads/s", "p50 us", "p99 us",
                    "CPU us/req");
        printContenderTable("", r.reads, false);
    }
    if (!r.scale.empty()) {
        std::printf(
            "\ntable size (--durability full; 100-row requests of random keys over the "
            "whole table, 1 client)\n");
        std::printf("  %12s %10s %9s %9s %10s %11s %11s %13s %13s\n", "rows", "rows/s", "p50 us",
                    "p99 us", "disk B/row", "online B/row", "payload", "changelog B/e",
                    "load rows/s");
        for (const auto& p : r.scale)
            std::printf("  %12lld %10.0f %9.0f %9.0f %10.0f %11.1f %11.1f %13.1f %13.0f\n",
                        static_cast<long long>(p.rows), p.writes.perSecond, p.writes.p50Us,
                        p.writes.p99Us, p.diskBytesPerRow, p.online.bytesPerRow(),
                        p.online.payloadPerRow(), p.changelog.bytesPerRow(), p.loadRowsPerSecond);
        for (const auto& p : r.scale) {
            for (const auto* t : {&p.online, &p.changelog}) {
                if (!t->error.empty())
                    std::printf("  note at %lld rows: %s\n", static_cast<long long>(p.rows),
                                t->error.c_str());
            }
        }
    }

    std::printf("\n  %-60s %13s %13s %8s  %-9s\n", "figure", "Meridian", "floor", "ratio",
                "target");
    for (const auto& s : r.scenarios) {
        const auto full = fastestOf(s.contenders, "full").median();
        const auto& always = fastestOf(s.contenders, "always");
        const double ratio = full.perSecond / always.median().perSecond;
        // The targets: 1 row x N clients >= 0.8x, 100 rows x 1 client >= 1.0x.
        const double wanted = s.part == "2" ? 0.8 : (s.part == "3" ? 1.0 : 0.0);
        const std::string target = wanted > 0 ? fmt(">= %.1fx", wanted) : "";
        const Verdict met = wanted > 0 ? judge(ratio >= wanted) : Verdict::Report;
        printJudged(s.title + ": full / " + always.label, fmt("%.0f/s", full.perSecond),
                    fmt("%.0f/s", always.median().perSecond), ratio, target, met);
    }
    for (const auto& s : r.scenarios) {
        // How much of the floor's speed the transport alone leaves to a gRPC server.
        const auto echo = fastestOf(s.contenders, "echo").median();
        const auto full = fastestOf(s.contenders, "full").median();
        printJudged(s.title + ": full / gRPC echo of the same bytes", fmt("%.0f/s", full.perSecond),
                    fmt("%.0f/s", echo.perSecond), full.perSecond / echo.perSecond, "",
                    Verdict::Report);
    }
    for (const auto& s : r.scenarios) {
        const auto normal = fastestOf(s.contenders, "normal").median();
        const auto& off = fastestOf(s.contenders, "off");
        printJudged(s.title + ": normal / " + off.label, fmt("%.0f/s", normal.perSecond),
                    fmt("%.0f/s", off.median().perSecond),
                    normal.perSecond / off.median().perSecond, "", Verdict::Report);
    }
    for (const auto& s : r.scenarios) {
        for (const char* group : {"full", "normal"}) {
            const auto& c = fastestOf(s.contenders, group);
            const double ratio = c.storageBytesPerRow() / s.wireBytesPerRow;
            printJudged(s.title + ": disk B/row, " + group + " / wire row",
                        fmt("%.0f B", c.storageBytesPerRow()), fmt("%.0f B", s.wireBytesPerRow),
                        ratio, "<= 3x", judge(ratio <= 3.0));
        }
    }
    if (r.offline.size() == 2) {
        const auto online = r.offline[0].median().perSecond;
        const auto both = r.offline[1].median().perSecond;
        printJudged("100 rows x 1 client, full: ONLINE_AND_OFFLINE / ONLINE", fmt("%.0f/s", both),
                    fmt("%.0f/s", online), both / online, "", Verdict::Report);
    }
    if (r.reads.size() == 2) {
        const double m = medianOf(r.reads[0].cpuUsPerRequest);
        const double redis = medianOf(r.reads[1].cpuUsPerRequest);
        printJudged("read 1 x 20: server CPU per request / Redis HGETALL's", fmt("%.1f us", m),
                    fmt("%.1f us", redis), m / redis, "", Verdict::Report);
    }
    for (const auto& p : r.scale) {
        const std::string at = " at " + std::to_string(p.rows) + " rows";
        printJudged("online table bytes per row" + at, fmt("%.1f B", p.online.bytesPerRow()),
                    fmt("%.0f B wire", r.wireBytesPerRow),
                    p.online.bytesPerRow() / r.wireBytesPerRow, "<= 150 B",
                    judge(p.online.ok && p.online.bytesPerRow() <= 150));
        printJudged("changelog bytes per entry" + at, fmt("%.1f B", p.changelog.bytesPerRow()),
                    fmt("%.0f B wire", r.wireBytesPerRow),
                    p.changelog.bytesPerRow() / r.wireBytesPerRow, "", Verdict::Report);
    }
    if (r.redisMemoryPerRow > 0 && !r.scale.empty())
        std::printf("  (for reference, Redis MEMORY USAGE of one user:<id> hash: %.0f B)\n",
                    r.redisMemoryPerRow);
    if (r.scale.size() >= 2) {
        const auto& first = r.scale.front();
        const auto& last = r.scale.back();
        const double ratio = last.writes.perSecond / first.writes.perSecond;
        printJudged("100-row writes at " + std::to_string(last.rows) + " rows / at " +
                        std::to_string(first.rows) + fmt(" (fall %.0f %%)", 100 * (1 - ratio)),
                    fmt("%.0f/s", last.writes.perSecond), fmt("%.0f/s", first.writes.perSecond),
                    ratio, "", Verdict::Report);
    }
    std::printf("\nmachine (shared; figures move with its load and its disk):\n");
    for (const auto& c : r.conditions)
        std::printf("  %s\n", c.c_str());
}

}  // namespace meridian::bench
