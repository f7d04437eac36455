// Write benchmark: WriteFeatures over loopback gRPC against real meridian-store processes, next
// to floors measured in the same run on redis-servers this benchmark starts itself (the same
// rows as HSET user:<id> f0 v0 … f19 v19; append-only file fsynced on every write, and no
// persistence at all). Also: the store's disk bytes per row against the row's size on the wire,
// the online table's and the changelog's bytes per row, server CPU per read against Redis
// HGETALL, and write throughput as the table grows. Run with --help for the options.

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "benchclients.h"
#include "benchservers.h"
#include "benchstats.h"
#include "diskprobe.h"
#include "idleguard.h"
#include "processcounters.h"
#include "tablefootprint.h"
#include "writereport.h"

using namespace meridian;
using namespace meridian::bench;

namespace {

constexpr uint64_t kSeed = 42;
constexpr int kLoadRowsPerRequest = 5000;

const char* const kUsage = R"(Usage: bench_writes [options]

Writes to a meridian-store over loopback gRPC next to Redis floors measured in the same run
(HSET of the same rows; AOF fsynced on every write, and AOF off), in three scenarios:
  1: 1 row per request x 1 client   2: 1 row per request x N clients   3: 100 rows x 1 client
with the store's disk bytes per row; also ONLINE_AND_OFFLINE writes, server CPU per read
(GetOnlineFeatures vs HGETALL), and 100-row writes as the table grows (10 k, 1 M, 10 M rows)
with the online table's and the changelog's bytes per row.

  --rounds N      rounds of each measurement; figures are medians over them (default 5)
  --seconds S     length of one measurement in seconds (default 2)
  --entities N    rows preloaded in every server for the scenarios and reads (default 100000)
  --clients N     concurrent clients of scenario 2 (default 16)
  --scale-max N   largest table of the scale part: 10 k, 1 M, 10 M, up to N (default 1000000)
  --dir PATH      where the servers keep their files (default: the system's temporary
                  directory); must be on a real disk for durable writes to mean anything
  --only PARTS    comma-separated parts to run (default: all):
                  1, 2, 3    the write scenarios, each with disk bytes per row
                  offline    ONLINE_AND_OFFLINE vs ONLINE writes, 100 rows x 1 client
                  reads      server CPU per GetOnlineFeatures vs per Redis HGETALL
                  scale      100-row writes at growing table sizes, table bytes per row
  --let-cpus-idle do not keep idle CPUs busy with SCHED_IDLE spinners during the run; they
                  are there because a VM that wakes an idle vCPU only on its next timer tick
                  adds up to a tick (4 ms) to each fsync of whichever server leaves its CPU
                  idle while it waits (the start and end lines show fsync both ways)
  --help          this text
)";

struct Options {
    int rounds = 5;
    double seconds = 2;
    int64_t entities = 100'000;
    int clients = 16;
    int64_t scaleMax = 1'000'000;
    bool letCpusIdle = false;
    QString dir;
    std::set<std::string> parts;  // empty: all
    bool wants(const std::string& part) const { return parts.empty() || parts.count(part) > 0; }
};

// Parses argv; exits with the usage on --help (0) or on a bad option (2).
Options parseOptions(int argc, char** argv) {
    Options o;
    const std::set<std::string> known = {"1", "2", "3", "offline", "reads", "scale"};
    auto fail = [](const std::string& why) {
        std::fprintf(stderr, "bench_writes: %s\n\n%s", why.c_str(), kUsage);
        std::exit(2);
    };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (arg == "--let-cpus-idle") {
            o.letCpusIdle = true;
            continue;
        }
        if (i + 1 >= argc)
            fail("option " + arg + " needs a value");
        const std::string value = argv[++i];
        try {
            if (arg == "--rounds")
                o.rounds = std::stoi(value);
            else if (arg == "--seconds")
                o.seconds = std::stod(value);
            else if (arg == "--entities")
                o.entities = std::stoll(value);
            else if (arg == "--clients")
                o.clients = std::stoi(value);
            else if (arg == "--scale-max")
                o.scaleMax = std::stoll(value);
            else if (arg == "--dir")
                o.dir = QString::fromStdString(value);
            else if (arg == "--only") {
                std::stringstream list(value);
                for (std::string part; std::getline(list, part, ',');) {
                    if (!known.count(part))
                        fail("unknown part '" + part + "' for --only");
                    o.parts.insert(part);
                }
            } else {
                fail("unknown option " + arg);
            }
        } catch (const std::logic_error&) {
            fail("option " + arg + " expects a number, not '" + value + "'");
        }
    }
    if (o.rounds < 1 || o.seconds <= 0 || o.clients < 1)
        fail("--rounds, --seconds and --clients must be positive");
    if (o.entities < 10'000 || o.scaleMax < 10'000)
        fail("--entities and --scale-max must be at least 10000");
    return o;
}

// --- measurements ---

Figures figuresOf(const LoopResult& r) {
    return {percentile(r.latencyUs, 0.5), percentile(r.latencyUs, 0.99),
            static_cast<double>(r.rows) / r.seconds};
}

ProcessIo ioOf(pid_t pid) {
    auto io = readProcessIo(pid);
    if (!io)
        throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/io");
    return *io;
}

double cpuOf(pid_t pid) {
    auto cpu = processCpuSeconds(pid);
    if (!cpu)
        throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/stat");
    return *cpu;
}

// Runs contenders round-robin, each round starting with the next one, so that a slow stretch
// of the shared machine does not fall on one system only.
class RoundRunner {
public:
    RoundRunner(const Options& options, int settleFd) : m_o(options), m_settleFd(settleFd) {}

    // Writes: counts each server's storage bytes, and leaves no dirty page behind.
    void writes(std::vector<Contender>& contenders, int clients, const std::string& title) {
        run(contenders, clients, title, [&](Contender& c, const std::function<LoopResult()>& go) {
            const auto before = ioOf(c.pid);
            const double cpuBefore = cpuOf(c.pid);
            const auto result = go();
            c.cpuUsPerRequest.push_back((cpuOf(c.pid) - cpuBefore) * 1e6 /
                                        static_cast<double>(result.requests));
            // Count the storage work the writes set off (a WAL checkpoint on its own thread).
            waitForQuietStorage(c.pid);
            c.io += ioOf(c.pid) - before;
            // Flush what is dirty now, so the next system does not pay for this one's writes.
            ::syncfs(m_settleFd);
            return result;
        });
    }

    // Reads: server CPU (every thread) per request.
    void reads(std::vector<Contender>& contenders, const std::string& title) {
        run(contenders, 1, title, [&](Contender& c, const std::function<LoopResult()>& go) {
            const double before = cpuOf(c.pid);
            const auto result = go();
            c.cpuUsPerRequest.push_back((cpuOf(c.pid) - before) * 1e6 /
                                        static_cast<double>(result.requests));
            return result;
        });
    }

private:
    template <typename Around>
    void run(std::vector<Contender>& contenders, int clients, const std::string& title,
             Around&& around) {
        for (auto& c : contenders)  // warm-up: connections, server threads, caches
            runClosedLoop(*c.source, clients, std::min(0.5, m_o.seconds));
        for (int round = 0; round < m_o.rounds; ++round) {
            for (size_t k = 0; k < contenders.size(); ++k) {
                auto& c = contenders[(k + round) % contenders.size()];
                const auto result =
                    around(c, [&] { return runClosedLoop(*c.source, clients, m_o.seconds); });
                c.rows += result.rows;
                c.rounds.push_back(figuresOf(result));
                const auto& f = c.rounds.back();
                std::printf("  %-20s round %d/%d  %-40s %9.0f/s  p50 %7.0f us  p99 %7.0f us\n",
                            title.c_str(), round + 1, m_o.rounds, c.label.c_str(), f.perSecond,
                            f.p50Us, f.p99Us);
                std::fflush(stdout);
            }
        }
    }

    const Options& m_o;
    int m_settleFd;
};

// --- the parts ---

// The four servers of the scenarios and reads, each preloaded with the same rows.
struct Servers {
    std::unique_ptr<test::StoreProcess> full, normal;
    std::unique_ptr<RedisProcess> always, off;
    std::unique_ptr<MeridianConnections> fullClients, normalClients;
    std::unique_ptr<RedisConnections> alwaysClients, offClients;
};

std::string redisVersion(int port) {
    auto conn = RespConnection::connect("127.0.0.1", port);
    const auto info = conn->call({"INFO", "server"}).text;
    const auto at = info.find("redis_version:");
    if (at == std::string::npos)
        return "?";
    return info.substr(at + 14, info.find('\r', at) - at - 14);
}

// Average MEMORY USAGE of a sample of the preloaded hashes, for reference beside the table's
// bytes per row.
double redisMemoryPerRow(int port, int64_t population) {
    auto conn = RespConnection::connect("127.0.0.1", port);
    double sum = 0;
    constexpr int kSample = 200;
    for (int i = 0; i < kSample; ++i) {
        const std::string key = "user:" + std::to_string(1 + i * (population / kSample));
        sum += static_cast<double>(conn->call({"MEMORY", "USAGE", key, "SAMPLES", "0"}).integer);
    }
    return sum / kSample;
}

void startServers(Servers& s, const Options& o, const QString& root, int settleFd) {
    s.full = startStore(root, QStringLiteral("meridian-full"), QStringLiteral("full"));
    s.normal = startStore(root, QStringLiteral("meridian-normal"), QStringLiteral("normal"));
    s.always = startRedis(root, QStringLiteral("redis-aof-always"),
                          {QStringLiteral("--appendonly"), QStringLiteral("yes"),
                           QStringLiteral("--appendfsync"), QStringLiteral("always")});
    s.off = startRedis(root, QStringLiteral("redis-aof-off"),
                       {QStringLiteral("--appendonly"), QStringLiteral("no")});
    std::printf("servers (redis %s):\n", redisVersion(s.always->port()).c_str());
    for (const auto* store : {s.full.get(), s.normal.get()})
        std::printf("  meridian-store --region %s --listen %s --durability %s\n",
                    qPrintable(store->region()), qPrintable(store->endpoint()),
                    store == s.full.get() ? "full" : "normal");
    for (const auto* redis : {s.always.get(), s.off.get()})
        std::printf("  %s\n", qPrintable(redis->commandLine()));
    std::printf("preloading %lld rows into each server ...\n", static_cast<long long>(o.entities));
    std::fflush(stdout);
    for (const auto* store : {s.full.get(), s.normal.get()}) {
        loadRows(store->endpoint().toStdString(), 1, o.entities, kLoadRowsPerRequest, kSeed, "");
        waitForQuietStorage(store->pid());
    }
    for (const auto* redis : {s.always.get(), s.off.get()})
        loadRows(redis->port(), 1, o.entities, kSeed);
    ::syncfs(settleFd);
    s.fullClients =
        std::make_unique<MeridianConnections>(s.full->endpoint().toStdString(), o.clients);
    s.normalClients =
        std::make_unique<MeridianConnections>(s.normal->endpoint().toStdString(), o.clients);
    s.alwaysClients = std::make_unique<RedisConnections>(s.always->port(), o.clients);
    s.offClients = std::make_unique<RedisConnections>(s.off->port(), o.clients);
}

Contender contender(std::string label, std::string group, qint64 pid,
                    std::unique_ptr<RequestSource> source) {
    Contender c;
    c.label = std::move(label);
    c.group = std::move(group);
    c.pid = static_cast<pid_t>(pid);
    c.source = std::move(source);
    return c;
}

WriteScenario runScenario(RoundRunner& runner, Servers& s, const Options& o,
                          const std::string& part, Report& report) {
    WriteScenario sc;
    sc.part = part;
    if (part == "2")
        sc.clients = o.clients;
    if (part == "3")
        sc.rowsPerRequest = 100;
    sc.title = std::to_string(sc.rowsPerRequest) +
               (sc.rowsPerRequest == 1 ? " row x " : " rows x ") + std::to_string(sc.clients) +
               (sc.clients == 1 ? " client" : " clients");
    // Enough requests that a client rarely sends one twice in a measurement.
    const int requests = sc.rowsPerRequest == 1 ? std::max(500, 4000 / sc.clients) : 400;
    const auto workload =
        makeWorkload(sc.clients, sc.rowsPerRequest, requests, o.entities, kSeed + part[0]);

    std::vector<MeridianWrites*> meridian;
    size_t requestBytes = 0;
    for (const bool full : {true, false}) {
        auto writes = std::make_unique<MeridianWrites>(full ? *s.fullClients : *s.normalClients,
                                                       workload, v1::ONLINE);
        meridian.push_back(writes.get());
        sc.wireBytesPerRow = report.wireBytesPerRow = writes->wireBytesPerRow();
        requestBytes = writes->requestBytes();
        sc.contenders.push_back(contender(
            full ? "Meridian --durability full" : "Meridian --durability normal",
            full ? "full" : "normal", (full ? s.full : s.normal)->pid(), std::move(writes)));
    }
    // The same bytes through the same server as an echo: the part of a write that is gRPC's.
    sc.contenders.push_back(contender(
        "gRPC echo of the same bytes (store's server)", "echo", s.full->pid(),
        std::make_unique<EchoCalls>(*s.fullClients, requestBytes, 20, sc.rowsPerRequest)));
    // A batch of 100 goes both ways: as a plain pipeline, and atomic in MULTI/EXEC as one
    // WriteFeatures request is; the faster is the floor.
    using Batching = RedisWrites::Batching;
    std::vector<Batching> batchings{Batching::Pipeline};
    if (sc.rowsPerRequest > 1)
        batchings.push_back(Batching::MultiExec);
    for (const bool always : {true, false}) {
        for (const auto b : batchings) {
            auto writes = std::make_unique<RedisWrites>(always ? *s.alwaysClients : *s.offClients,
                                                        workload, b);
            sc.commandBytesPerRow = writes->commandBytesPerRow();
            std::string label = always ? "Redis AOF always" : "Redis AOF off";
            if (sc.rowsPerRequest > 1)
                label += b == Batching::Pipeline ? ", pipeline" : ", MULTI/EXEC";
            sc.contenders.push_back(contender(label, always ? "always" : "off",
                                              (always ? s.always : s.off)->pid(),
                                              std::move(writes)));
        }
    }
    runner.writes(sc.contenders, sc.clients, "scenario " + part);
    for (const auto* m : meridian)
        sc.notApplied += m->notApplied();
    return sc;
}

std::vector<Contender> runOffline(RoundRunner& runner, Servers& s, const Options& o) {
    const auto workload = makeWorkload(1, 100, 400, o.entities, kSeed + 'o');
    std::vector<Contender> cs;
    for (const auto target : {v1::ONLINE, v1::ONLINE_AND_OFFLINE}) {
        cs.push_back(contender(target == v1::ONLINE ? "Meridian full, target ONLINE"
                                                    : "Meridian full, target ONLINE_AND_OFFLINE",
                               target == v1::ONLINE ? "online" : "both", s.full->pid(),
                               std::make_unique<MeridianWrites>(*s.fullClients, workload, target)));
    }
    runner.writes(cs, 1, "offline");
    return cs;
}

std::vector<Contender> runReads(RoundRunner& runner, Servers& s, const Options& o) {
    std::mt19937_64 rng(kSeed);
    std::uniform_int_distribution<int64_t> pick(1, o.entities);
    std::vector<int64_t> ids(20'000);
    for (auto& id : ids)
        id = pick(rng);
    std::vector<Contender> cs;
    cs.push_back(contender("Meridian GetOnlineFeatures 1 x 20", "meridian", s.full->pid(),
                           std::make_unique<MeridianReads>(*s.fullClients, ids)));
    cs.push_back(contender("Redis HGETALL user:<id> (AOF off)", "redis", s.off->pid(),
                           std::make_unique<RedisReads>(*s.offClients, ids)));
    runner.reads(cs, "reads");
    return cs;
}

std::vector<ScalePoint> runScale(RoundRunner& runner, const Options& o, const QString& root,
                                 Report& report) {
    using Clock = std::chrono::steady_clock;
    auto store = startStore(root, QStringLiteral("meridian-scale"), QStringLiteral("full"));
    const std::string endpoint = store->endpoint().toStdString();
    const std::string dbPath = (store->dataDir() + QStringLiteral("/region.db")).toStdString();
    MeridianConnections clients(endpoint, 1);
    std::vector<int64_t> sizes;
    for (const int64_t n : {10'000ll, 1'000'000ll, 10'000'000ll}) {
        if (n <= o.scaleMax)
            sizes.push_back(n);
    }
    if (sizes.back() != o.scaleMax)
        sizes.push_back(o.scaleMax);
    std::vector<ScalePoint> points;
    int64_t loaded = 0;
    for (const int64_t size : sizes) {
        ScalePoint p;
        p.rows = size;
        std::printf("scale: loading rows %lld..%lld in requests of %d (--durability full)\n",
                    static_cast<long long>(loaded + 1), static_cast<long long>(size),
                    kLoadRowsPerRequest);
        std::fflush(stdout);
        const auto t0 = Clock::now();
        loadRows(endpoint, loaded + 1, size, kLoadRowsPerRequest, kSeed,
                 "loading to " + std::to_string(size));
        p.loadRowsPerSecond = static_cast<double>(size - loaded) /
                              std::chrono::duration<double>(Clock::now() - t0).count();
        loaded = size;
        waitForQuietStorage(store->pid(), 500, 120'000);
        p.online = tableFootprint(dbPath, "online", true, size);
        p.changelog = tableFootprint(dbPath, "changelog", false);
        if (p.online.ok && !p.online.estimated && p.online.rows != size)
            std::printf("  WARNING: dbstat counts %lld online rows, %lld were loaded\n",
                        static_cast<long long>(p.online.rows), static_cast<long long>(size));
        std::printf(
            "  %lld rows loaded at %.0f rows/s; online %.1f B/row, changelog %.1f B/entry "
            "(%lld entries)\n",
            static_cast<long long>(size), p.loadRowsPerSecond, p.online.bytesPerRow(),
            p.changelog.bytesPerRow(), static_cast<long long>(p.changelog.rows));
        const auto workload = makeWorkload(1, 100, 300, size, kSeed + static_cast<uint64_t>(size));
        auto writes = std::make_unique<MeridianWrites>(clients, workload, v1::ONLINE);
        report.wireBytesPerRow = writes->wireBytesPerRow();
        std::vector<Contender> cs;
        cs.push_back(contender("Meridian full, " + std::to_string(size) + " rows", "full",
                               store->pid(), std::move(writes)));
        runner.writes(cs, 1, "scale " + std::to_string(size));
        p.writes = cs[0].median();
        p.diskBytesPerRow = cs[0].storageBytesPerRow();
        points.push_back(p);
    }
    const qint64 pid = store->pid();
    store->kill();
    forgetChild(pid);
    return points;
}

// The machine's load, and how long the data directory's disk takes to make a small write
// durable with the CPUs left idle and with them kept busy.
std::string conditions(const std::string& when, const QString& dir) {
    const auto idle = probeDisk(dir.toStdString());
    DiskProbe busy;
    {
        IdleGuard guard;
        busy = probeDisk(dir.toStdString());
    }
    if (!idle.error.empty() || !busy.error.empty())
        return when + ": " + machineLoad() + "; disk probe failed: " + idle.error + busy.error;
    char line[400];
    std::snprintf(line, sizeof line,
                  "%s: %s; fdatasync p50 / p99 after a 440 B append: %.0f / %.0f us with idle "
                  "CPUs, %.0f / %.0f us with busy CPUs; after a 4 KiB overwrite: %.0f / %.0f us "
                  "idle, %.0f / %.0f us busy",
                  when.c_str(), machineLoad().c_str(), idle.append.p50Us, idle.append.p99Us,
                  busy.append.p50Us, busy.append.p99Us, idle.overwrite.p50Us, idle.overwrite.p99Us,
                  busy.overwrite.p50Us, busy.overwrite.p99Us);
    return line;
}

struct Descriptor {
    int fd = -1;
    ~Descriptor() {
        if (fd >= 0)
            ::close(fd);
    }
};

int run(const Options& o) {
    const QString base = o.dir.isEmpty() ? QDir::tempPath() : o.dir;
    QTemporaryDir dir(base + QStringLiteral("/bench_writes-XXXXXX"));
    if (!dir.isValid())
        throw std::runtime_error("cannot create a directory in " + base.toStdString());
    Descriptor settle;
    settle.fd = ::open(dir.path().toLocal8Bit().constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    utsname host{};
    ::uname(&host);
    std::printf(
        "meridian write benchmark: %d rounds of %.1f s per measurement, %lld rows "
        "preloaded, %d clients in scenario 2, tables up to %lld rows\n",
        o.rounds, o.seconds, static_cast<long long>(o.entities), o.clients,
        static_cast<long long>(o.scaleMax));
    std::printf("machine: %u cores, Linux %s; data in %s (%s)\n",
                std::thread::hardware_concurrency(), host.release, qPrintable(dir.path()),
                describeFilesystem(dir.path()).c_str());
    Report report;
    report.conditions.push_back(conditions("start", dir.path()));
    std::printf("%s\n", report.conditions.back().c_str());
    std::optional<IdleGuard> guard;
    if (!o.letCpusIdle)
        guard.emplace();
    std::printf("CPUs %s during the run (see --let-cpus-idle)\n",
                !guard ? "left to go idle"
                       : (guard->active() ? "kept out of idle by SCHED_IDLE spinners"
                                          : "left idle: SCHED_IDLE was refused"));
    std::fflush(stdout);

    RoundRunner runner(o, settle.fd);
    Servers servers;
    if (o.wants("1") || o.wants("2") || o.wants("3") || o.wants("offline") || o.wants("reads")) {
        startServers(servers, o, dir.path(), settle.fd);
        report.redisMemoryPerRow = redisMemoryPerRow(servers.off->port(), o.entities);
    }
    for (const std::string part : {"1", "2", "3"}) {
        if (o.wants(part))
            report.scenarios.push_back(runScenario(runner, servers, o, part, report));
    }
    if (o.wants("offline"))
        report.offline = runOffline(runner, servers, o);
    if (o.wants("reads"))
        report.reads = runReads(runner, servers, o);
    if (o.wants("scale"))
        report.scale = runScale(runner, o, dir.path(), report);
    guard.reset();
    report.conditions.push_back(conditions("end", dir.path()));
    printReport(report, o.rounds, o.seconds);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parseOptions(argc, argv);
    QCoreApplication app(argc, argv);
    installChildKiller();
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "bench_writes: %s%s\n", interrupted() ? "interrupted; " : "",
                     e.what());
        return interrupted() ? 130 : 1;
    }
}
