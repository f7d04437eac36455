// Replication benchmark on real meridian-store processes over loopback:
//  - end-to-end replication latency (apply time at the replica - commit time at the source)
//    at a sustained write rate, with no emulated delay and with a 40 ms one-way delay;
//  - catch-up rate of a replica a million changes behind;
//  - bytes on the wire per replicated change, with and without compression.
//
// Usage: bench_replication [--rate ROWS_PER_S] [--seconds S] [--behind CHANGES]

#include <QCoreApplication>

#include <cstring>
#include <random>
#include <thread>

#include "benchstats.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<ClusterRegion> twoRegions() {
    return {{"us1", "aws", "us-east-1", "us"}, {"eu1", "aws", "eu-west-1", "eu"}};
}

std::vector<RepRow> rowsFrom(int64_t first, int n, std::mt19937_64& rng) {
    std::vector<RepRow> rows;
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (int i = 0; i < n; ++i)
        rows.push_back({first + i, now, static_cast<double>(rng() % 100000) / 100.0,
                        "user-" + std::to_string(rng() % 1000000)});
    return rows;
}

bool waitCaughtUp(TestClient& replica, const std::string& from, int timeoutS) {
    const auto until = Clock::now() + std::chrono::seconds(timeoutS);
    while (Clock::now() < until) {
        auto s = stats(replica);
        if (s) {
            auto l = linkOf(*s, from);
            if (l && l->state() == v1::LINK_STATE_STREAMING && l->changes_behind() == 0 &&
                l->last_applied_seq() > 0)
                return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

struct LagFigures {
    double achievedRate = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double lagP99S = 0;  // sampled "lag seconds" figure
};

// Writes `rate` rows/s to us1 in 20 ms batches for `seconds`, sampling eu1's link figures.
LagFigures sustained(int delayMs, int rate, int seconds) {
    TestCluster cluster(twoRegions(), delayMs > 0
                                          ? std::vector<ClusterLink>{{"us1", "eu1", delayMs, 0}}
                                          : std::vector<ClusterLink>{});
    if (!cluster.startAll() || !cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/benchrepo.yaml"))
        std::abort();
    while (registryCount(cluster.client("eu1")) < 3)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    waitCaughtUp(cluster.client("eu1"), "us1", 30);

    std::mt19937_64 rng(1);
    const int perBatch = std::max(1, rate / 50);
    int64_t next = 1;
    std::vector<double> p50s, p99s, lags;
    const auto start = Clock::now();
    auto tick = start;
    auto lastSample = start;
    int64_t written = 0;
    while (Clock::now() - start < std::chrono::seconds(seconds)) {
        if (writeRep(cluster.client("us1"), "aa_view", rowsFrom(next, perBatch, rng)).ok())
            written += perBatch;
        next += perBatch;
        tick += std::chrono::milliseconds(20);
        std::this_thread::sleep_until(tick);
        if (Clock::now() - lastSample > std::chrono::milliseconds(500) &&
            Clock::now() - start > std::chrono::seconds(2)) {
            lastSample = Clock::now();
            if (auto s = stats(cluster.client("eu1"))) {
                if (auto l = linkOf(*s, "us1")) {
                    p50s.push_back(l->latency_p50_ms());
                    p99s.push_back(l->latency_p99_ms());
                    lags.push_back(l->lag_seconds());
                }
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    LagFigures f;
    f.achievedRate = static_cast<double>(written) / elapsed;
    f.p50Ms = bench::percentile(p50s, 0.5);
    f.p99Ms = bench::percentile(p99s, 0.5);
    f.lagP99S = bench::percentile(lags, 0.99);
    return f;
}

struct CatchUp {
    int64_t changes = 0;
    double seconds = 0;
};

CatchUp catchUp(int behind) {
    TestCluster cluster(twoRegions());
    if (!cluster.startAll() || !cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/benchrepo.yaml"))
        std::abort();
    while (registryCount(cluster.client("eu1")) < 3)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    waitCaughtUp(cluster.client("eu1"), "us1", 30);
    cluster.stop("eu1");
    std::mt19937_64 rng(2);
    std::printf("  writing %d changes while the replica is stopped ...\n", behind);
    std::fflush(stdout);
    for (int64_t first = 1; first <= behind; first += 20000) {
        const int n = static_cast<int>(std::min<int64_t>(20000, behind - first + 1));
        if (!writeRep(cluster.client("us1"), "aa_view", rowsFrom(first, n, rng)).ok())
            std::abort();
    }
    const auto start = Clock::now();
    cluster.start("eu1");
    if (!waitCaughtUp(cluster.client("eu1"), "us1", 600))
        std::abort();
    return {behind, std::chrono::duration<double>(Clock::now() - start).count()};
}

struct Wire {
    double bytesPerChange = 0;
    double rawPerChange = 0;
};

Wire bytesPerChange(bool compression) {
    TestCluster cluster(twoRegions(), {}, compression ? "" : "  compression: false\n");
    if (!cluster.startAll() || !cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/benchrepo.yaml"))
        std::abort();
    while (registryCount(cluster.client("eu1")) < 3)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::mt19937_64 rng(3);
    const int n = 50000;
    for (int64_t first = 1; first <= n; first += 5000)
        if (!writeRep(cluster.client("us1"), "aa_view", rowsFrom(first, 5000, rng)).ok())
            std::abort();
    waitCaughtUp(cluster.client("eu1"), "us1", 120);
    v1::CostResponse report;
    auto ctx = cluster.client("us1").context();
    cluster.client("us1").replication().GetCost(ctx.get(), v1::CostRequest{}, &report);
    Wire w;
    int64_t bytes = 0, raw = 0;
    for (const auto& l : report.lines()) {
        if (l.feature_view() == "rep/aa_view" && l.kind() == "stream") {
            bytes += l.bytes();
            raw += l.raw_bytes();
        }
    }
    w.bytesPerChange = static_cast<double>(bytes) / n;
    w.rawPerChange = static_cast<double>(raw) / n;
    return w;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int rate = bench::argValue(argc, argv, "--rate", 5000);
    const int seconds = bench::argValue(argc, argv, "--seconds", 15);
    const int behind = bench::argValue(argc, argv, "--behind", 1'000'000);

    std::printf(
        "meridian replication benchmark: 2 regions on loopback, durability normal, %d rows/s for "
        "%d s\n\n",
        rate, seconds);
    std::printf(
        "end-to-end latency (apply at replica - commit at source), medians of 0.5 s samples:\n");
    for (int delay : {0, 40}) {
        const auto f = sustained(delay, rate, seconds);
        const double target = delay + 50.0;
        std::printf(
            "  emulated one-way delay %2d ms: %7.0f rows/s   p50 %7.1f ms   p99 %7.1f ms   "
            "(target p99 <= %.0f ms: %s)   lag p99 %.3f s\n",
            delay, f.achievedRate, f.p50Ms, f.p99Ms, target, f.p99Ms <= target ? "met" : "NOT MET",
            f.lagP99S);
        std::fflush(stdout);
    }
    std::printf("\ncatch-up of a replica %d changes behind:\n", behind);
    const auto c = catchUp(behind);
    const double rateCatchUp = static_cast<double>(c.changes) / c.seconds;
    std::printf("  %lld changes in %.1f s: %.0f changes/s (target >= 100000: %s)\n",
                static_cast<long long>(c.changes), c.seconds, rateCatchUp,
                rateCatchUp >= 100000 ? "met" : "NOT MET");
    std::printf("\nbytes on the wire per replicated change (50 000 rows of 2 features):\n");
    const auto z = bytesPerChange(true);
    const auto plain = bytesPerChange(false);
    std::printf("  zstd:             %6.1f bytes/change (raw %.1f)\n", z.bytesPerChange,
                z.rawPerChange);
    std::printf("  no compression:   %6.1f bytes/change\n", plain.bytesPerChange);
    std::printf("  ratio:            %6.2fx smaller with zstd\n",
                plain.bytesPerChange / z.bytesPerChange);
    return 0;
}
