// status: what a region is and how it is doing.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "commandgroups.h"
#include "ctlformat.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

std::string healthName(v1::HealthResponse::Status status) {
    switch (status) {
        case v1::HealthResponse::SERVING:
            return "serving";
        case v1::HealthResponse::DEGRADED:
            return "DEGRADED";
        default:
            return "unknown";
    }
}

std::string orDash(const std::string& s) {
    return s.empty() ? "-" : s;
}

void printOverview(const v1::HealthResponse& h, const v1::StatsResponse& s,
                   const v1::CheckIntegrityResponse* integrity) {
    TextTable t({"", ""});
    auto add = [&](std::string label, std::string value) {
        t.addRow({std::move(label), std::move(value)});
    };
    std::string where = h.cloud();
    if (!h.provider_region().empty())
        where += (where.empty() ? "" : " ") + h.provider_region();
    add("region",
        h.region() + (where.empty() ? "" : " (" + where + ")") + ", " + healthName(h.status()));
    std::string role = orDash(h.role());
    if (h.epoch() > 0)
        role += ", epoch " + std::to_string(h.epoch());
    if (!h.control_region().empty())
        role += ", control region " + h.control_region();
    add("role", role);
    const int64_t uptime = h.started_at() > 0 ? rows::nowMs() - h.started_at() : 0;
    add("version", orDash(h.version()) + ", up " + formatElapsed(std::max<int64_t>(uptime, 0)) +
                       " (since " + formatTime(h.started_at()) + ")");
    const uint64_t hlc = s.hlc_now() ? s.hlc_now() : h.hlc_now();
    add("clock (HLC)",
        hlc ? formatHlc(hlc) + " (" + std::to_string(hlc) + ")" : "- (no change yet)");
    add("rows",
        formatCount(s.online_rows()) + " online, " + formatCount(s.offline_rows()) + " offline");
    add("registry", formatCount(s.registry_objects()) + " objects");
    add("storage", "database " + formatBytes(s.db_bytes()) + ", write-ahead log " +
                       formatBytes(s.wal_bytes()) + " (truncated past " +
                       formatBytes(s.wal_limit_bytes()) + ")");
    add("changelog", formatCount(s.changelog_entries()) + " entries, about " +
                         formatBytes(s.changelog_bytes()) + " (retention " +
                         formatBytes(s.changelog_limit_bytes()) + "), up to seq " +
                         formatCount(s.changelog_seq()));
    add("serving", "p50 " + formatFixed(s.serving_p50_ms(), 2) + " ms, p99 " +
                       formatFixed(s.serving_p99_ms(), 2) + " ms");
    add("rates", formatFixed(s.read_rate(), 1) + " rows/s read, " + formatFixed(s.write_rate(), 1) +
                     " rows/s written (last minute)");
    if (integrity)
        add("integrity",
            std::string(integrity->ok() ? "ok" : "DAMAGED") + " (PRAGMA integrity_check of " +
                integrity->path() + ", " + formatBytes(integrity->checked_bytes()) + " in " +
                formatFixed(static_cast<double>(integrity->elapsed_ms()) / 1000.0, 1) + " s)");
    // The two-column table without its empty header row.
    std::string text = t.render();
    text.erase(0, text.find('\n') + 1);
    std::fputs(text.c_str(), stdout);
}

void printViews(const v1::StatsResponse& s) {
    if (s.views().empty())
        return;
    TextTable t({"FEATURE VIEW", "ONLINE ROWS", "OFFLINE ROWS"});
    t.alignRight(1);
    t.alignRight(2);
    for (const auto& v : s.views())
        t.addRow({v.project() + "/" + v.feature_view(), formatCount(v.online_rows()),
                  formatCount(v.offline_rows())});
    std::printf("\n");
    t.print();
}

void printMethods(const v1::StatsResponse& s) {
    if (s.methods().empty())
        return;
    TextTable t({"METHOD", "REQUESTS", "ERRORS", "P50 MS", "P99 MS"});
    for (size_t c = 1; c < 5; ++c)
        t.alignRight(c);
    std::vector<const v1::MethodStats*> methods;
    for (const auto& m : s.methods())
        methods.push_back(&m);
    std::sort(methods.begin(), methods.end(),
              [](auto* a, auto* b) { return a->method() < b->method(); });
    for (const auto* m : methods)
        t.addRow({m->method(), formatCount(m->requests()), formatCount(m->errors()),
                  formatFixed(m->p50_ms(), 2), formatFixed(m->p99_ms(), 2)});
    std::printf("\n");
    t.print();
}

void printLinks(const v1::StatsResponse& s) {
    if (s.links().empty())
        return;
    TextTable t({"FROM", "VIEW", "MODE", "STATE", "LAG S", "BEHIND", "APPLY/S", "CONFLICTS"});
    for (size_t c = 4; c < 8; ++c)
        t.alignRight(c);
    for (const auto& l : s.links())
        t.addRow({l.from_region(), l.feature_view().empty() ? "*" : l.feature_view(), l.mode(),
                  linkStateName(l.state()) + (l.emulated() ? " (emulated)" : ""),
                  formatFixed(lagSeconds(l), 1), formatCount(l.changes_behind()),
                  formatFixed(l.apply_rate(), 1), formatCount(l.conflicts())});
    std::printf("\n");
    t.print();
}

// What a damaged database's check found, and the way back.
absl::Status printDamage(const v1::CheckIntegrityResponse& check) {
    std::printf("\nPRAGMA integrity_check found:\n");
    for (const auto& p : check.problems())
        std::printf("  %s\n", p.c_str());
    return absl::DataLossError(
        check.path() +
        " is damaged. Stop the region and restore its data directory from a backup, or move the "
        "directory aside and start the region empty so that it takes a snapshot from its peers "
        "(README: Backup and restore)");
}

absl::Status runStatus(CtlOptions& options, bool check) {
    auto& region = options.client();
    auto health = region.health();
    if (!health.ok())
        return health.status();
    auto stats = region.stats();
    if (!stats.ok())
        return stats.status();
    std::optional<v1::CheckIntegrityResponse> integrity;
    if (check) {
        auto answer = region.checkIntegrity();
        if (!answer.ok())
            return answer.status();
        integrity = std::move(*answer);
    }
    if (options.json()) {
        std::string out = "{\n  \"health\": " + indented(jsonOf(*health), 2) +
                          ",\n  \"stats\": " + indented(jsonOf(*stats), 2);
        if (integrity)
            out += ",\n  \"integrity\": " + indented(jsonOf(*integrity), 2);
        out += "\n}\n";
        std::fputs(out.c_str(), stdout);
        return integrity && !integrity->ok()
                   ? absl::DataLossError(integrity->path() + " is damaged")
                   : absl::OkStatus();
    }
    printOverview(*health, *stats, integrity ? &*integrity : nullptr);
    printViews(*stats);
    printMethods(*stats);
    printLinks(*stats);
    return integrity && !integrity->ok() ? printDamage(*integrity) : absl::OkStatus();
}

}  // namespace

void registerStatusCommands(CLI::App& app, CtlOptions& options) {
    auto check = std::make_shared<bool>(false);
    auto* status = addCommand(
        app, "status", "Show the region's health and figures",
        {"meridianctl status", "meridianctl status --endpoint 127.0.0.1:7402 -o json",
         "meridianctl status --check"},
        "Identity, role, version, uptime, clock, row counts, registry size, serving\n"
        "latency, read and write rates, rows per view, and requests, errors and\n"
        "latency per method. --check also runs a full PRAGMA integrity_check of the region's\n"
        "database while it serves (seconds per GB) and exits 1 if it is damaged.");
    status->group("Region");
    status->add_flag("--check", *check,
                     "Also check the whole database file (PRAGMA integrity_check)");
    options.setAction(status, [&options, check] { return runStatus(options, *check); });
}

}  // namespace meridian::ctl
