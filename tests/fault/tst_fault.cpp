// The fault suite (issue #10): three real regions under a client workload that records every
// write, a nemesis that kills, pauses, partitions, isolates and delays them, jumps one's clock
// and fills one's disk, in an order drawn from a seed, then a heal and an independent check of
// what the regions hold:
//   (a) no acknowledged write lost: each key holds the conflict rule's winner over the history
//       (tests/fault/conflictoracle.h), and every acknowledged write is in the offline history
//       of every region that holds its view;
//   (b) every region holding a view holds the same values;
//   (c) PRAGMA integrity_check is ok on every region.db (read with sqlite3 after a clean stop);
//   (d) no eu_view row, and no eu_view label's bytes, in any of us1's files;
//   (e) every region holding a view has the same offline partition digests (the ones batch sync
//       compares: rows and an XOR of row hashes per day);
//   (f) no write applied twice: one write is one row, so no (origin, write clock) names two
//       rows of a view's history in any region (read with sqlite3);
//   (g) the time the regions took to converge after the heal, (a), (b) and (e) all holding.
// It prints a table. Knobs: MERIDIAN_FAULT_MINUTES or --minutes N (the nemesis' duration,
// fractions allowed, default 1.5) and MERIDIAN_FAULT_SEED or --seed N (replays a run's
// schedule; every run prints seed=N). A
// seed fixes the nemesis' schedule and the writers' keys, times and values; the interleaving
// with the stores' own threads is still the machine's.
//
// Under a clock jump every check still holds, and none is weakened for it: the conflict rule
// orders writes by event time, then write clock, then origin, and the write clock is the hybrid
// clock value the region gave the row and returned as the write's version, so the oracle orders
// acknowledged writes by the very token the stores order them by, whatever the wall clock said.
// What a jump does change is which write wins in real time: a region running 5 s ahead wins
// every event-time tie against writes made elsewhere up to 5 s later, one running behind loses
// them. "The last write in real time wins" does not hold under a clock jump; the rule never
// promised it and the suite does not check it. A restarted region's clock starts above every
// value in its log, so a jump behind never hands out a write clock twice and (write clock,
// origin) still names one write in (a). The writers' event times are a minute old, so a clock
// up to 5 s behind does not see them as ahead of it.
// Under a full disk, writes answered RESOURCE_EXHAUSTED are held to the store's word that the
// change was not made: the oracle lets no region hold one.

#include <QtTest>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fault/conflictoracle.h"
#include "fault/nemesis.h"
#include "fault/workload.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr double kDefaultMinutes = 1.5;
constexpr int kKeys = 200;      // user ids 1..200 in every view: the same keys in every region
constexpr int kEventTimes = 4;  // event times base..base+3: most conflicts tie on event time
constexpr int kConvergeDeadlineMs = 120'000;

const std::vector<std::string> kRegions = {"us1", "eu1", "eu2"};

struct ViewPlacement {
    std::string view;
    std::vector<std::string> regions;  // where it is held, and so checked
};
const std::vector<ViewPlacement> kViews = {{"aa_view", {"us1", "eu1", "eu2"}},
                                           {"hs_view", {"us1", "eu1", "eu2"}},
                                           {"eu_view", {"eu1", "eu2"}}};

double faultMinutes(bool* ok) {
    *ok = true;
    if (!qEnvironmentVariableIsSet("MERIDIAN_FAULT_MINUTES"))
        return kDefaultMinutes;
    const double v = qEnvironmentVariable("MERIDIAN_FAULT_MINUTES").toDouble(ok);
    *ok = *ok && v > 0;
    return v;
}

uint64_t faultSeed(bool* ok) {
    *ok = true;
    if (qEnvironmentVariableIsSet("MERIDIAN_FAULT_SEED"))
        return qEnvironmentVariable("MERIDIAN_FAULT_SEED").toULongLong(ok);
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32 | device()) % 1'000'000'000;
}

// region.db opened read-only with the sqlite3 C API: the checker reads the files, not the
// service.
class RegionFile {
public:
    explicit RegionFile(const QString& path) {
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READONLY, nullptr) !=
            SQLITE_OK)
            m_error = m_db ? sqlite3_errmsg(m_db) : "out of memory";
    }
    ~RegionFile() { sqlite3_close(m_db); }
    const std::string& error() const { return m_error; }

    // Rows of `sql`, each column as text; `arg` bound to ?1 when given.
    std::vector<std::vector<std::string>> rows(const char* sql, const std::string* arg = nullptr) {
        std::vector<std::vector<std::string>> out;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &st, nullptr) != SQLITE_OK) {
            m_error = std::string(sql) + ": " + sqlite3_errmsg(m_db);
            return out;
        }
        if (arg)
            sqlite3_bind_text(st, 1, arg->c_str(), -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                const auto* text = sqlite3_column_text(st, i);
                row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return out;
    }
    int64_t count(const char* sql, const std::string& arg) {
        auto r = rows(sql, &arg);
        return r.empty() ? -1 : std::stoll(r[0][0]);
    }

private:
    sqlite3* m_db = nullptr;
    std::string m_error;
};

// Reads every view in every region that holds it and compares with the oracle.
OracleReport checkAll(TestCluster& cluster, const ConflictOracle& oracle) {
    const auto keys = idRange(1, kKeys);
    OracleReport all;
    for (const auto& placement : kViews) {
        std::map<std::string, RepValues> byRegion;
        for (const auto& region : placement.regions) {
            auto values = readRep(cluster.client(region), placement.view, keys);
            if (!values) {
                ++all.unreadable;
                if (all.problems.size() < 20)
                    all.problems.push_back("read of " + placement.view + " at " + region +
                                           " failed");
                continue;
            }
            byRegion[region] = std::move(*values);
        }
        all.add(oracle.check(placement.view, keys, byRegion));
    }
    return all;
}

// (e): each region's partition digests of every view it holds, asked for as a peer that holds
// the view too would ask; true when every holder has the same.
bool digestsAgree(TestCluster& cluster, std::vector<std::string>* problems) {
    bool agree = true;
    for (const auto& placement : kViews) {
        std::optional<std::string> first;
        std::string firstRegion;
        for (size_t i = 0; i < placement.regions.size(); ++i) {
            const auto& region = placement.regions[i];
            v1::ListPartitionsRequest request;
            request.set_requester(placement.regions[(i + 1) % placement.regions.size()]);
            request.set_project("rep");
            request.set_feature_view(placement.view);
            v1::ListPartitionsResponse response;
            auto ctx = cluster.client(region).context();
            const auto st =
                cluster.client(region).replication().ListPartitions(ctx.get(), request, &response);
            std::string digest;
            if (!st.ok()) {
                digest = "unreadable: " + st.error_message();
            } else {
                for (const auto& p : response.partitions())
                    digest += std::to_string(p.day()) + ":" + std::to_string(p.rows()) + ":" +
                              std::to_string(p.digest()) + " ";
            }
            if (!first) {
                first = digest;
                firstRegion = region;
            } else if (digest != *first) {
                agree = false;
                if (problems)
                    problems->push_back(placement.view + ": partitions at " + region + " [" +
                                        digest + "] differ from " + firstRegion + " [" + *first +
                                        "]");
            }
        }
    }
    return agree;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += "\n  " + l;
    return out;
}

}  // namespace

class FaultTest : public QObject {
    Q_OBJECT

private slots:
    void writesSurviveFaultsAndConverge();
};

void FaultTest::writesSurviveFaultsAndConverge() {
    bool ok = false;
    const double minutes = faultMinutes(&ok);
    QVERIFY2(ok, "MERIDIAN_FAULT_MINUTES must be a positive number of minutes, such as 1.5 or 30");
    const uint64_t seed = faultSeed(&ok);
    QVERIFY2(ok, "MERIDIAN_FAULT_SEED must be a whole number");
    qInfo("seed=%llu  (replay: MERIDIAN_FAULT_SEED=%llu)  nemesis %.1f min",
          static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), minutes);
    const std::string replay = " [seed=" + std::to_string(seed) + "]";

    TestCluster cluster(TestCluster::threeRegions());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    // Event times a minute back, well inside the stores' horizon, all within a few ms.
    const int64_t baseEventMs = QDateTime::currentMSecsSinceEpoch() - 60'000;
    std::vector<WriterTarget> targets;
    for (const auto& r : kRegions)
        targets.push_back({r, cluster.endpoint(r), "aa_view"});
    targets.push_back({"us1", cluster.endpoint("us1"), "hs_view"});
    for (const char* r : {"eu1", "eu2"})
        targets.push_back({r, cluster.endpoint(r), "eu_view"});
    Workload workload(targets, seed, baseEventMs, kKeys, kEventTimes);
    workload.start();
    QTRY_VERIFY_WITH_TIMEOUT(workload.acked() >= 200, 30000);

    Nemesis nemesis(cluster, kRegions, seed);
    std::string error;
    const auto duration = std::chrono::milliseconds(static_cast<int64_t>(minutes * 60'000));
    QVERIFY2(nemesis.run(duration, &error), (error + replay).c_str());
    QVERIFY2(nemesis.heal(&error), (error + replay).c_str());
    // Time to converge counts from the heal, the last writes included.
    QElapsedTimer converging;
    converging.start();
    // Writes go on for a moment after the heal, so that some land on the healed cluster.
    const int64_t ackedAtHeal = workload.acked();
    QTRY_VERIFY_WITH_TIMEOUT(workload.acked() >= ackedAtHeal + 100, 30000);
    workload.stop();

    // (a), (b), (e): poll until the regions hold what the oracle allows, or the deadline.
    const auto history = workload.records();
    const ConflictOracle oracle(history);
    OracleReport report;
    bool digestsEqual = false;
    for (;;) {
        report = checkAll(cluster, oracle);
        digestsEqual = report.clean() && digestsAgree(cluster, nullptr);
        if (digestsEqual || converging.elapsed() > kConvergeDeadlineMs)
            break;
        QTest::qWait(200);
    }
    const double convergeSeconds = static_cast<double>(converging.elapsed()) / 1000.0;
    QVERIFY2(
        report.clean(),
        ("not converged to the oracle within " + std::to_string(kConvergeDeadlineMs / 1000) +
         " s: " + std::to_string(report.lost) + " keys lost, " + std::to_string(report.diverged) +
         " diverged, " + std::to_string(report.phantoms) + " phantom, " +
         std::to_string(report.unreadable) + " unreadable" + replay + joined(report.problems))
            .c_str());
    std::vector<std::string> digestProblems;
    QVERIFY2(digestsEqual || digestsAgree(cluster, &digestProblems),
             ("offline partition digests differ " + std::to_string(kConvergeDeadlineMs / 1000) +
              " s after the heal" + replay + joined(digestProblems))
                 .c_str());

    // The stores stop cleanly after all that, and their files are read directly.
    for (const auto& r : kRegions)
        QVERIFY2(cluster.stop(r), ("region " + r + " did not exit cleanly on SIGTERM: " +
                                   cluster.output(r).toStdString() + replay)
                                      .c_str());

    int integrityOk = 0;
    int64_t historyMissing = 0;
    std::vector<std::string> historyProblems;
    int64_t residencyRows = 0;
    int64_t duplicates = 0;
    for (const auto& r : kRegions) {
        RegionFile db(cluster.dataDir(r) + "/region.db");
        QVERIFY2(db.error().empty(), (r + ": " + db.error()).c_str());
        // (c)
        const auto check = db.rows("PRAGMA integrity_check");
        QVERIFY2(db.error().empty(), (r + ": " + db.error()).c_str());
        const bool intact = check.size() == 1 && check[0][0] == "ok";
        if (intact)
            ++integrityOk;
        else
            qWarning("%s: integrity_check: %s", r.c_str(),
                     check.empty() ? "(no answer)" : check[0][0].c_str());
        // (a) in the history: every acknowledged write, by its origin and write clock, is in the
        // offline table of every region that holds its view.
        for (const auto& placement : kViews) {
            if (std::find(placement.regions.begin(), placement.regions.end(), r) ==
                placement.regions.end())
                continue;
            std::set<std::pair<std::string, std::string>> held;
            for (const auto& row : db.rows(
                     "SELECT o.write_hlc, g.name FROM offline o JOIN views v ON v.id = o.view_id "
                     "JOIN regions g ON g.id = o.origin WHERE v.project = 'rep' AND v.name = ?1",
                     &placement.view))
                held.insert({row[0], row[1]});
            QVERIFY2(db.error().empty(), (r + ": " + db.error()).c_str());
            for (const auto& w : history) {
                if (w.view == placement.view && w.acked &&
                    !held.count({std::to_string(w.version), w.region})) {
                    ++historyMissing;
                    if (historyProblems.size() < 20)
                        historyProblems.push_back(r + " lacks " + w.label + " (clock " +
                                                  std::to_string(w.version) + ") in its history");
                }
            }
        }
        // (f) one row per write in every view's history.
        for (const auto& placement : kViews) {
            const int64_t n = db.count(
                "SELECT count(*) FROM (SELECT 1 FROM offline WHERE view_id IN (SELECT id FROM "
                "views WHERE project = 'rep' AND name = ?1) GROUP BY origin, write_hlc HAVING "
                "count(*) > 1)",
                placement.view);
            QVERIFY2(n >= 0, (r + ": " + db.error()).c_str());
            if (n > 0)
                qWarning("%s: %lld writes of %s applied more than once", r.c_str(),
                         static_cast<long long>(n), placement.view.c_str());
            duplicates += n;
        }
        // (d) no eu_view row in us1's tables.
        if (r == "us1") {
            const std::string euView = "eu_view";
            for (const char* table : {"online", "offline", "changelog"}) {
                const std::string sql = std::string("SELECT count(*) FROM ") + table +
                                        " WHERE view_id IN (SELECT id FROM views WHERE project = "
                                        "'rep' AND name = ?1)";
                const int64_t n = db.count(sql.c_str(), euView);
                QVERIFY2(n >= 0, (r + ": " + db.error()).c_str());
                if (n > 0)
                    qWarning("us1 holds %lld eu_view rows in %s", static_cast<long long>(n), table);
                residencyRows += n;
            }
        }
    }
    // (d) and no eu_view label's bytes in any of us1's files (WAL, snapshots, anything).
    const int residencyFiles =
        filesContaining(cluster.dataDir("us1"), QByteArray(Workload::kEuMarker));
    const int64_t residencyViolations = residencyRows + residencyFiles;

    const auto& injected = nemesis.injected();
    int64_t euAcked = 0;
    for (const auto& w : history)
        euAcked += w.acked && w.view == "eu_view" ? 1 : 0;
    qInfo("fault suite, seed=%llu, nemesis %.1f min", static_cast<unsigned long long>(seed),
          minutes);
    qInfo("  %-38s %s", "fault", "injected");
    for (Fault f : Nemesis::allFaults()) {
        auto it = injected.find(f);
        qInfo("  %-38s %d", Nemesis::nameOf(f), it == injected.end() ? 0 : it->second);
    }
    qInfo("  (sync jobs still queued or running at the kill: %d; refused: %d)",
          nemesis.jobsInFlight(), nemesis.jobsRefused());
    qInfo(
        "  (clock jumps: %d ahead, %d behind, largest %.1f s; disks that filled up: %d; "
        "slowest disk: %d ms a sync)",
        nemesis.clockJumpsAhead(), nemesis.clockJumpsBehind(),
        nemesis.largestClockJumpMs() / 1000.0, nemesis.disksFilled(), nemesis.slowestDiskMs());
    qInfo("  %-38s %lld", "writes acknowledged", static_cast<long long>(workload.acked()));
    qInfo("  %-38s %lld", "writes refused: disk full", static_cast<long long>(workload.refused()));
    qInfo("  %-38s %lld", "writes unknown (error or timeout)",
          static_cast<long long>(workload.unknown()));
    qInfo("  %-38s %d", "writes lost (keys off the oracle)", report.lost);
    qInfo("  %-38s %lld", "acked writes missing from a history",
          static_cast<long long>(historyMissing));
    qInfo("  %-38s %d (%d reads)", "keys checked", report.keysChecked, report.readsChecked);
    qInfo("  %-38s %s", "partition digests equal", digestsEqual ? "yes" : "NO");
    qInfo("  %-38s %lld", "writes applied twice", static_cast<long long>(duplicates));
    qInfo("  %-38s %.1f s", "time to converge after the heal", convergeSeconds);
    qInfo("  %-38s %lld (of %lld acked eu_view writes)", "residency violations in us1",
          static_cast<long long>(residencyViolations), static_cast<long long>(euAcked));
    qInfo("  %-38s %d/%zu", "integrity_check ok", integrityOk, kRegions.size());

    QVERIFY2(historyMissing == 0, ("acknowledged writes missing from a region's history" + replay +
                                   joined(historyProblems))
                                      .c_str());
    QCOMPARE(duplicates, int64_t{0});
    QVERIFY2(residencyViolations == 0,
             ("eu_view in us1: " + std::to_string(residencyRows) + " rows, " +
              std::to_string(residencyFiles) + " files" + replay)
                 .c_str());
    QCOMPARE(integrityOk, static_cast<int>(kRegions.size()));
    QVERIFY2(workload.acked() > 0 && euAcked > 0,
             "the workload wrote too little to prove anything");
}

int main(int argc, char** argv) {
    // `--minutes N` and `--seed N` are MERIDIAN_FAULT_MINUTES and MERIDIAN_FAULT_SEED; taken out
    // before Qt Test reads the rest.
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char* variable = arg == "--minutes" ? "MERIDIAN_FAULT_MINUTES"
                               : arg == "--seed"  ? "MERIDIAN_FAULT_SEED"
                                                  : nullptr;
        if (!variable) {
            argv[kept++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "tst_fault: %s needs a value (e.g. %s 30)\n", arg.c_str(),
                         arg.c_str());
            return 2;
        }
        qputenv(variable, argv[++i]);
    }
    argc = kept;
    argv[argc] = nullptr;
    // Qt Test ends a test function after 5 minutes unless told otherwise; a long nemesis run
    // (MERIDIAN_FAULT_MINUTES=30) needs its minutes plus time to set up, converge and check.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) {
        bool ok = false;
        const double minutes = faultMinutes(&ok);
        const int64_t ms =
            static_cast<int64_t>((ok ? minutes : kDefaultMinutes) * 60'000) + 600'000;
        qputenv("QTEST_FUNCTION_TIMEOUT", QByteArray::number(static_cast<qlonglong>(ms)));
    }
    QCoreApplication app(argc, argv);
    FaultTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_fault.moc"
