// Consistency check benchmark on two real meridian-store processes over loopback: two regions
// holding the same N rows of an active-active view (1 000 000 by default), 10 of them rewritten
// behind one region's back; meridianctl check's comparison (Replication.CheckConsistency) is
// timed and its bytes counted, against the bytes of a full copy of the rows and against a
// plain SQLite scan of the same table in process (the floor: a check reads every row on both
// sides once).
//
// Usage: bench_consistency [--rows N] [--differ K] [--rounds R]

#include <sqlite3.h>

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "benchstats.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "support/replicationhelpers.h"
#include "support/tamper.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;
using Clock = std::chrono::steady_clock;

namespace {

int64_t onlineRows(TestClient& client) {
    auto s = stats(client);
    return s ? s->online_rows() : 0;
}

// Seconds to read every online row of the database in process, and the bytes read.
std::pair<double, int64_t> scanFloor(const QString& dataDir) {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dataDir + "/region.db").toUtf8().constData(), &db, SQLITE_OPEN_READONLY,
                    nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT entity_key, event_ts, write_hlc, origin, vals FROM online", -1,
                       &q, nullptr);
    int64_t bytes = 0;
    const auto t0 = Clock::now();
    while (sqlite3_step(q) == SQLITE_ROW)
        bytes += sqlite3_column_bytes(q, 0) + sqlite3_column_bytes(q, 4);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    sqlite3_finalize(q);
    sqlite3_close(db);
    return {seconds, bytes};
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int rows = bench::argValue(argc, argv, "--rows", 1'000'000);
    const int differ = bench::argValue(argc, argv, "--differ", 10);
    const int rounds = bench::argValue(argc, argv, "--rounds", 3);
    std::printf(
        "meridian consistency benchmark: %d rows in two regions, %d rewritten behind one "
        "region's back, median of %d rounds\n",
        rows, differ, rounds);

    TestCluster cluster({{"us1", "aws", "us-east-1", "us"}, {"eu1", "aws", "eu-west-1", "eu"}}, {},
                        "  consistency_check: off\n");
    if (!cluster.startAll() || !cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/benchrepo.yaml"))
        return 1;
    while (registryCount(cluster.client("eu1")) < 3)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::printf("  writing %d rows at us1 ...\n", rows);
    std::fflush(stdout);
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                        60'000;
    for (int first = 1; first <= rows; first += 20'000) {
        std::vector<RepRow> batch;
        for (int id = first; id < first + 20'000 && id <= rows; ++id)
            batch.push_back({id, now + id % 1000, id * 0.25, "user-" + std::to_string(id)});
        if (!writeRep(cluster.client("us1"), "aa_view", batch).ok())
            return 1;
    }
    const auto waitStart = Clock::now();
    while (onlineRows(cluster.client("eu1")) < rows) {
        if (Clock::now() - waitStart > std::chrono::minutes(10))
            return 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    for (int i = 0; i < differ; ++i) {
        const int64_t id = 1 + static_cast<int64_t>(i) * (rows / std::max(1, differ));
        if (!rewriteOnlineRow(cluster.dataDir("eu1"), "rep", "aa_view", id, -1, "tampered"))
            return 1;
    }

    std::vector<double> seconds, scans;
    v1::ConsistencyReport last;
    for (int round = 0; round < rounds; ++round) {
        v1::CheckConsistencyRequest request;
        request.set_peer("us1");
        request.add_scope("rep/aa_view");
        request.set_lag_bound_ms(1000);
        auto ctx = cluster.client("eu1").context(std::chrono::seconds(600));
        const auto t0 = Clock::now();
        auto st = cluster.client("eu1").replication().CheckConsistency(ctx.get(), request, &last);
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        if (!st.ok() || last.views_size() != 1) {
            std::fprintf(stderr, "check failed: %s\n", st.error_message().c_str());
            return 1;
        }
        scans.push_back(scanFloor(cluster.dataDir("eu1")).first);
    }
    std::sort(seconds.begin(), seconds.end());
    std::sort(scans.begin(), scans.end());
    const double checkSeconds = seconds[seconds.size() / 2];
    const double scanSeconds = scans[scans.size() / 2];
    const auto& v = last.views(0);
    const double share = static_cast<double>(v.bytes_exchanged()) /
                         static_cast<double>(std::max<int64_t>(1, last.full_copy_bytes()));

    std::printf("\ncheck of rep/aa_view, eu1 against us1:\n");
    std::printf("  %-44s %12lld\n", "rows here / there", static_cast<long long>(v.rows_here()));
    std::printf("  %-44s %12lld (of %d rewritten)\n", "keys found differing",
                static_cast<long long>(v.differences_total()), differ);
    std::printf("  %-44s %12d of %d\n", "leaf buckets differing / buckets compared",
                v.buckets_differing(), v.buckets_compared());
    std::printf("  %-44s %12.2f s\n", "check, wall time (median)", checkSeconds);
    std::printf("  %-44s %12.2f s\n", "plain SQLite scan of the table (floor)", scanSeconds);
    std::printf("  %-44s %12lld B\n", "bytes exchanged",
                static_cast<long long>(v.bytes_exchanged()));
    std::printf("  %-44s %12lld B\n", "a full copy of the rows (estimate)",
                static_cast<long long>(last.full_copy_bytes()));
    std::printf("\nratios:\n");
    std::printf("  %-44s %6.3f%%   target %-10s %s\n", "bytes exchanged / full copy", 100 * share,
                "< 1%", share < 0.01 ? "met" : "NOT MET");
    bench::printRatio("check time / SQLite scan", checkSeconds / scanSeconds, "(report)", true);
    std::printf("  %-44s %6.2f s   target %-10s %s\n", "check time", checkSeconds, "< 5 s",
                checkSeconds < 5 ? "met" : "NOT MET");
    const bool found = v.differences_total() == differ;
    std::printf("  all %d rewritten rows found: %s\n", differ, found ? "yes" : "NO");
    return found ? 0 : 1;
}
