// Soak test: the four-region demo deployment (resources/demo/deployment.yaml, on free loopback
// ports) under a heavy generator and steady online reads, with a snapshot sync and an offline
// batch sync a quarter into the run. Every few seconds it samples each region from outside
// (database and WAL file sizes, the changelog through a short read-only query, VmRSS and open
// descriptors from /proc, the store's Stats) and at the end prints a table and checks that
// nothing grows without bound: the WAL, the changelog (against a small retention set in the
// test's copy of the deployment), the database beyond its data, memory, file descriptors.
//
// How long: the environment variable MERIDIAN_SOAK_MINUTES (fractions allowed) overrides the
// default, the CMake cache variable of the same name (3 unless configured). CTest's timeout is
// the configured minutes plus 5, so for long runs under CTest configure it:
//   cmake -B build -DMERIDIAN_SOAK_MINUTES=30 && ctest --test-dir build -L soak -V
// or run the executable itself:  MERIDIAN_SOAK_MINUTES=30 ./build/tests/soak/tst_soak
// Shorter runs work either way:  MERIDIAN_SOAK_MINUTES=1 ctest --test-dir build -L soak -V
// MERIDIAN_SOAK_RATE overrides the generator's rows per second per writing region.
//
// A run that is already decided (a WAL past kWalCeilingBytes) or that would fill the disk
// (less than kMinFreeDiskBytes free) ends early and fails, rather than proving it again with
// gigabytes more. The demo is stopped in cleanupTestCase (and by the destructor should a test
// function throw); a DemoWatchdog stops it should this process die without cleaning up.

#include <QtTest>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "demo/detachedprocess.h"
#include "demo/localdemo.h"
#include "demowatchdog.h"
#include "readload.h"
#include "regionprobe.h"
#include "support/testclient.h"
#include "support/testcluster.h"

using namespace meridian;
using meridian::demo::DemoOptions;
using meridian::demo::DemoState;
using meridian::demo::LocalDemo;

namespace {

constexpr int64_t kMiB = 1024 * 1024;

// --- bounds ---
// SQLite restarts the WAL from its start after a complete checkpoint when no reader pins it;
// the store checkpoints every 1 000 frames (~4 MiB), makes writers wait for one at 16 000
// (~63 MiB), and past its 64 MiB limit truncates the WAL as soon as no read transaction needs
// it. Under the soak's reads and replication streams that moment can take a few seconds to
// come, and 2 000 rows/s add 5-10 MiB a second meanwhile: the WAL peaked at 65-87 MiB here
// (2026-12-07, the commit before this bound was set too), never more. A pinned WAL grows by
// tens of MiB a second without end: twice the limit tells the two apart.
constexpr int64_t kWalLimitBytes = 64 * kMiB;
constexpr int64_t kMaxWalBytes = 2 * kWalLimitBytes;
// The changelog retention the soak's deployment sets: small, so that it must run during the test
// (a change of the demo's views is logged in about 100 bytes: 3 minutes log ~35 MB per region).
constexpr int64_t kRetentionMb = 8;
// Retention trims every maintenance pass (5 s); between passes the log grows by what 5 s of the
// region's own writes add (~1 MiB at the soak's rate): twice the budget leaves room to spare.
constexpr int64_t kMaxChangelogBytes = 2 * kRetentionMb * kMiB;
// A stored row (online or offline, with its indexes and the page slack of a B-tree) of the
// demo's views takes a few hundred bytes; four times the measured figure still catches a
// database that keeps what it no longer needs.
constexpr int64_t kMaxDbBytesPerRow = 2048;
// Schema, registry, metrics and audit tables and the freelist pages the trimmed log leaves.
constexpr int64_t kDbFixedBytes = 16 * kMiB;
// Memory at the end may pass the highest it was in the warm-up (the first half: SQLite page
// caches, reader pool, gRPC arenas and the hour of lag samples filling up) by a quarter or
// 40 MiB, whichever is more: a store's
// page caches (32 MiB for its writer, 8 MiB per reader connection) keep filling while its
// database grows past them, which on a short run lasts past any warm-up; a leak that grows with
// the run does not fit. Checked on RssAnon; VmRSS (printed) also counts the mapped database and
// WAL index, which grow with the data and are reclaimable.
constexpr double kWarmupFraction = 1.0 / 2;
constexpr double kMaxRssGrowthRatio = 0.25;
constexpr int64_t kMaxRssGrowthBytes = 40 * kMiB;
// Descriptors after the warm-up: a store may open a reader connection or a channel more when
// the sync jobs run, not one per minute.
constexpr int kMaxFdGrowth = 16;
// Reads are part of the load, not a latency test; still, a store that stops answering fails.
constexpr double kMinReadSuccess = 0.9;
// The load must exercise retention: the log must have carried at least this many budgets.
constexpr double kMinRetentionTurns = 1.5;

// --- the run ---
// Rows per second per writing region (8 000/s in all; each region logs its own writes). On 2
// cores the stores keep up (each ~25-45% of a core, the generator ~10%), and the 8 MB log turns
// over every ~40 s, so retention runs many times in 3 minutes.
constexpr double kDefaultRowsPerSecond = 2000;
constexpr double kReadsPerSecondPerRegion = 10;
constexpr auto kSampleEvery = std::chrono::seconds(5);
constexpr auto kTick = std::chrono::milliseconds(500);
constexpr auto kJobDeadline = std::chrono::seconds(180);
// Past this the verdict is decided; more gigabytes prove nothing and may fill a shared disk.
constexpr int64_t kWalCeilingBytes = 2048 * kMiB;
constexpr int64_t kMinFreeDiskBytes = 8 * 1024 * kMiB;

// The demo's regions and, for the reader, a view keyed by user_id that each one holds.
const std::map<std::string, std::string> kUserViewOf = {
    {"aws-us-east-1", "user_transaction_aggregates"},
    {"aws-eu-west-1", "user_transaction_aggregates"},
    {"gcp-europe-west4", "eu_user_profile"},
    {"azure-southeastasia", "user_session_features"},
};

double mb(int64_t bytes) {
    return bytes < 0 ? -1 : double(bytes) / double(kMiB);
}

double envNumber(const char* name, double fallback, bool* ok) {
    *ok = true;
    if (!qEnvironmentVariableIsSet(name))
        return fallback;
    const double v = qEnvironmentVariable(name).toDouble(ok);
    *ok = *ok && v > 0;
    return v;
}

// A sync job the soak starts at `to` and follows until it ends.
struct Job {
    Job(std::string label, std::string from, std::string to, v1::SyncJob::Kind kind,
        std::vector<std::string> scope = {})
        : label(std::move(label)),
          from(std::move(from)),
          to(std::move(to)),
          kind(kind),
          scope(std::move(scope)) {}

    std::string label;
    std::string from, to;
    v1::SyncJob::Kind kind;
    std::vector<std::string> scope;
    std::string id;                       // once started
    std::optional<v1::SyncJob> finished;  // once ended, however
    std::string error;                    // why it could not start
};

// max of a field over samples, -1 when never known.
template <typename F>
int64_t maxOf(const std::vector<test::RegionSample>& samples, F field) {
    int64_t m = -1;
    for (const auto& s : samples)
        m = std::max<int64_t>(m, field(s));
    return m;
}

// The highest anonymous memory among the samples of the warm-up (up to sample `warm`).
int64_t warmupPeakAnon(const std::vector<test::RegionSample>& samples, size_t warm) {
    int64_t peak = 0;
    for (size_t i = 0; i < samples.size() && i <= warm; ++i)
        peak = std::max(peak, samples[i].anonBytes);
    return peak;
}

}  // namespace

class SoakTest : public QObject {
    Q_OBJECT

public:
    ~SoakTest() override;

private slots:
    void initTestCase();
    void soak();
    void cleanupTestCase();

private:
    QString writeDeployment();
    bool triggerJob(Job& job);
    void pollJob(Job& job);
    void printTable(const std::vector<std::unique_ptr<test::RegionProbe>>& probes,
                    const std::vector<std::vector<test::RegionSample>>& samples, size_t warm,
                    const std::map<std::string, test::ReadCounts>& reads, double minutes);
    // The generator's own count, from the line it writes when it stops ("wrote 1,234 rows in").
    int64_t generatorRows() const;

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/tst_soak-XXXXXX")};
    QString m_dataDir;
    std::unique_ptr<LocalDemo> m_demo;
    DemoState m_state;
    std::map<std::string, std::unique_ptr<test::TestClient>> m_clients;  // by region
    double m_minutes = 0;
    double m_rate = 0;
    std::unique_ptr<test::DemoWatchdog> m_watchdog;
};

SoakTest::~SoakTest() {
    // cleanupTestCase normally did this; here for a test function that threw.
    if (m_demo && m_demo->running())
        m_demo->down().IgnoreError();
}

QString SoakTest::writeDeployment() {
    QFile source(QStringLiteral(MERIDIAN_SOURCE_DIR "/resources/demo/deployment.yaml"));
    if (!source.open(QIODevice::ReadOnly))
        return {};
    QString yaml = QString::fromUtf8(source.readAll());

    // Each region's endpoint on a free port of its own (freePort() may repeat one).
    static const QRegularExpression endpoint(QStringLiteral(R"(endpoint: 127\.0\.0\.1:\d+)"));
    std::vector<int> ports;
    QString out;
    qsizetype from = 0;
    for (auto it = endpoint.globalMatch(yaml); it.hasNext();) {
        const auto m = it.next();
        int port = 0;
        do {
            port = test::freePort();
        } while (port == 0 || std::find(ports.begin(), ports.end(), port) != ports.end());
        ports.push_back(port);
        out += yaml.mid(from, m.capturedStart() - from) +
               QStringLiteral("endpoint: 127.0.0.1:%1").arg(port);
        from = m.capturedEnd();
    }
    out += yaml.mid(from);
    if (ports.size() != kUserViewOf.size()) {
        qWarning("expected %zu endpoints in the demo deployment, found %zu", kUserViewOf.size(),
                 ports.size());
        return {};
    }
    // The price table by absolute path: the copy lives elsewhere.
    static const QRegularExpression pricing(QStringLiteral(R"(^pricing: .*$)"),
                                            QRegularExpression::MultilineOption);
    const QString prices = QStringLiteral(MERIDIAN_SOURCE_DIR "/resources/pricing.yaml");
    if (!QFile::exists(prices) || !out.contains(pricing))
        return {};
    out.replace(pricing, QStringLiteral("pricing: ") + prices);
    // A small log retention, so that trimming has to run during the soak.
    static const QRegularExpression maxMb(QStringLiteral(R"(max_mb: \d+)"));
    if (out.count(maxMb) != 1)
        return {};
    out.replace(maxMb, QStringLiteral("max_mb: %1").arg(kRetentionMb));

    const QString path = m_dir.filePath(QStringLiteral("deployment.yaml"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(out.toUtf8());
    return path;
}

void SoakTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    bool ok = false;
    m_minutes = envNumber("MERIDIAN_SOAK_MINUTES", MERIDIAN_SOAK_DEFAULT_MINUTES, &ok);
    QVERIFY2(ok, "MERIDIAN_SOAK_MINUTES must be a positive number of minutes, such as 3 or 0.5");
    m_rate = envNumber("MERIDIAN_SOAK_RATE", kDefaultRowsPerSecond, &ok);
    QVERIFY2(ok, "MERIDIAN_SOAK_RATE must be a positive number of rows per second");
    if (m_minutes > MERIDIAN_SOAK_DEFAULT_MINUTES)
        qWarning(
            "MERIDIAN_SOAK_MINUTES=%g is longer than the %d minutes CTest's timeout was "
            "configured for; under ctest reconfigure with -DMERIDIAN_SOAK_MINUTES=%d",
            m_minutes, MERIDIAN_SOAK_DEFAULT_MINUTES, int(std::ceil(m_minutes)));

    const QString deployment = writeDeployment();
    QVERIFY2(!deployment.isEmpty(), "could not write the soak's copy of the demo deployment");
    m_dataDir = m_dir.filePath(QStringLiteral("demo"));
    m_watchdog = std::make_unique<test::DemoWatchdog>(QStringLiteral(MERIDIANCTL_BINARY), m_dataDir,
                                                      m_dir.path());
    QVERIFY2(m_watchdog->running(), "could not start the clean-up watchdog (/bin/sh, tail)");

    DemoOptions o;
    o.deploymentPath = deployment.toStdString();
    o.dataDir = m_dataDir.toStdString();
    o.repositoryPath = MERIDIAN_SOURCE_DIR "/resources/examples/feature_repo.yaml";
    o.storeBinary = MERIDIAN_STORE_BINARY;
    o.ctlBinary = MERIDIANCTL_BINARY;
    o.generatorRowsPerSecond = m_rate;
    m_demo = std::make_unique<LocalDemo>(o);
    qInfo("soak: %g min, generator %g rows/s per writing region, %g reads/s per region, data in %s",
          m_minutes, m_rate, kReadsPerSecondPerRegion, qPrintable(m_dataDir));
    auto state = m_demo->up([](const std::string& step) { qInfo("demo: %s", step.c_str()); });
    QVERIFY2(state.ok(), std::string(state.status().message()).c_str());
    m_state = *state;
    QCOMPARE(m_state.regions.size(), kUserViewOf.size());
    for (const auto& r : m_state.regions) {
        QVERIFY2(r.pid > 0 && r.healthy, r.name.c_str());
        QVERIFY2(kUserViewOf.count(r.name), r.name.c_str());
        m_clients[r.name] = std::make_unique<test::TestClient>(r.endpoint);
    }
    QVERIFY(m_state.generatorPid > 0);
}

bool SoakTest::triggerJob(Job& job) {
    auto& to = *m_clients.at(job.to);
    v1::TriggerSyncRequest request;
    request.set_from_region(job.from);
    request.set_to_region(job.to);
    request.set_kind(job.kind);
    request.set_principal("tst_soak");
    for (const auto& s : job.scope)
        request.add_scope(s);
    v1::SyncJob started;
    auto ctx = to.context(std::chrono::seconds(30));
    const auto st = to.replication().TriggerSync(ctx.get(), request, &started);
    if (!st.ok()) {
        job.error = "TriggerSync: " + st.error_message();
        return false;
    }
    job.id = started.id();
    qInfo("soak: %s started (job %s, %s -> %s)", job.label.c_str(), job.id.c_str(),
          job.from.c_str(), job.to.c_str());
    return true;
}

void SoakTest::pollJob(Job& job) {
    if (job.id.empty() || job.finished)
        return;
    auto& to = *m_clients.at(job.to);
    v1::ListJobsRequest request;
    request.set_limit(100);
    v1::ListJobsResponse jobs;
    auto ctx = to.context(std::chrono::seconds(5));
    if (!to.replication().ListJobs(ctx.get(), request, &jobs).ok())
        return;  // asked again next tick; the deadline decides
    for (const auto& j : jobs.jobs()) {
        if (j.id() != job.id)
            continue;
        if (j.state() == v1::SyncJob::SUCCEEDED || j.state() == v1::SyncJob::FAILED ||
            j.state() == v1::SyncJob::CANCELLED) {
            job.finished = j;
            qInfo("soak: %s finished: %s, %lld rows, %lld bytes, %s", job.label.c_str(),
                  v1::SyncJob::State_Name(j.state()).c_str(), static_cast<long long>(j.rows()),
                  static_cast<long long>(j.bytes()), j.message().c_str());
        }
    }
}

int64_t SoakTest::generatorRows() const {
    QFile log(m_dataDir + QStringLiteral("/generator.log"));
    if (!log.open(QIODevice::ReadOnly))
        return -1;
    static const QRegularExpression wrote(QStringLiteral(R"(wrote ([\d,]+) rows in)"));
    int64_t rows = -1;
    for (auto it = wrote.globalMatch(QString::fromUtf8(log.readAll())); it.hasNext();)
        rows = it.next().captured(1).remove(QLatin1Char(',')).toLongLong();
    return rows;
}

void SoakTest::soak() {
    std::vector<std::unique_ptr<test::RegionProbe>> probes;
    std::vector<test::ReadTarget> targets;
    for (const auto& r : m_state.regions) {
        probes.push_back(std::make_unique<test::RegionProbe>(
            r.name, r.endpoint, m_dataDir + QLatin1Char('/') + QString::fromStdString(r.name),
            r.pid));
        targets.push_back({r.name, r.endpoint, kUserViewOf.at(r.name)});
    }
    test::ReadLoad reads(targets, kReadsPerSecondPerRegion);
    reads.start();

    // A residency-filtered snapshot of the hub for the farthest spoke, and the catalog's offline
    // partitions from the region that owns them to the hub.
    std::vector<Job> jobs = {
        Job("snapshot sync", "aws-us-east-1", "azure-southeastasia", v1::SyncJob::SNAPSHOT),
        Job("offline batch sync", "gcp-europe-west4", "aws-us-east-1", v1::SyncJob::OFFLINE_BATCH,
            {"commerce/item_catalog"}),
    };
    std::vector<std::vector<test::RegionSample>> samples(probes.size());
    std::vector<std::string> violations;
    const qint64 runMs = static_cast<qint64>(m_minutes * 60'000);
    QElapsedTimer clock;
    clock.start();
    qint64 nextSampleMs = 0;
    qint64 jobsStartedMs = -1;
    std::string endedEarly;
    const QStorageInfo disk(m_dataDir);

    auto takeSamples = [&] {
        const double seconds = double(clock.elapsed()) / 1000.0;
        // Per region: WAL MB / changelog MB / rows written per second (last minute) / CPU %.
        QString line =
            QStringLiteral("soak %1 s  WAL/log MB, rows/s, cpu:").arg(seconds, 4, 'f', 0);
        for (size_t i = 0; i < probes.size(); ++i) {
            auto& probe = *probes[i];
            if (!demo::processAlive(probe.pid())) {
                endedEarly = probe.region() + " (pid " + std::to_string(probe.pid()) +
                             ") is gone: " + demo::exitDescription(probe.pid());
                continue;
            }
            const test::RegionSample s = probe.sample(seconds);
            if (!probe.lastError().empty())
                qWarning("soak: %s: %s", probe.region().c_str(), probe.lastError().c_str());
            const auto& previous = samples[i].empty() ? s : samples[i].back();
            const double cpu =
                s.seconds > previous.seconds
                    ? 100 * (s.cpuSeconds - previous.cpuSeconds) / (s.seconds - previous.seconds)
                    : 0;
            samples[i].push_back(s);
            line += QStringLiteral(" | %1 %2/%3 %4 %5%")
                        .arg(QString::fromStdString(probe.region()))
                        .arg(mb(s.walBytes), 0, 'f', 0)
                        .arg(mb(s.changelogBytes), 0, 'f', 1)
                        .arg(s.writeRate, 0, 'f', 0)
                        .arg(cpu, 0, 'f', 0);
            if (s.walBytes > kWalCeilingBytes)
                endedEarly = probe.region() + "'s WAL reached " +
                             std::to_string(s.walBytes / kMiB) + " MiB, past the " +
                             std::to_string(kWalCeilingBytes / kMiB) + " MiB ceiling";
        }
        qInfo("%s", qPrintable(line));
        QStorageInfo now(disk.rootPath());
        if (now.bytesAvailable() < kMinFreeDiskBytes)
            endedEarly = "only " + std::to_string(now.bytesAvailable() / kMiB) + " MiB left on " +
                         now.rootPath().toStdString();
    };

    while (clock.elapsed() < runMs && endedEarly.empty()) {
        if (clock.elapsed() >= nextSampleMs) {
            takeSamples();
            nextSampleMs += std::chrono::milliseconds(kSampleEvery).count();
        }
        // A quarter in: the jobs run inside the warm-up, so the memory a snapshot or a batch
        // copy takes once is part of the baseline, and the second half is the steady state.
        if (jobsStartedMs < 0 && clock.elapsed() >= runMs / 4) {
            jobsStartedMs = clock.elapsed();
            for (auto& j : jobs)
                triggerJob(j);
        }
        for (auto& j : jobs)
            pollJob(j);
        // Pacing the samples, not waiting for a condition.
        QTest::qWait(static_cast<int>(std::chrono::milliseconds(kTick).count()));
    }
    if (endedEarly.empty())
        takeSamples();
    const double runMinutes = double(clock.elapsed()) / 60'000.0;
    if (!endedEarly.empty())
        violations.push_back("the run ended after " +
                             QString::number(runMinutes, 'f', 1).toStdString() + " of " +
                             QString::number(m_minutes).toStdString() + " minutes: " + endedEarly);

    // The sync jobs: both must finish, and succeed, within their deadline.
    if (jobsStartedMs >= 0) {
        const qint64 deadline = jobsStartedMs + std::chrono::milliseconds(kJobDeadline).count();
        auto pending = [&] {
            return std::any_of(jobs.begin(), jobs.end(),
                               [](const Job& j) { return !j.id.empty() && !j.finished; });
        };
        while (pending() && clock.elapsed() < deadline) {
            for (auto& j : jobs)
                pollJob(j);
            if (pending())
                QTest::qWait(static_cast<int>(std::chrono::milliseconds(kTick).count()));
        }
    }
    for (const auto& j : jobs) {
        if (jobsStartedMs < 0)
            violations.push_back(j.label + " was never started (the run ended first)");
        else if (j.id.empty())
            violations.push_back(j.label + " could not be started: " + j.error);
        else if (!j.finished)
            violations.push_back(j.label + " (job " + j.id + ") did not finish within " +
                                 std::to_string(kJobDeadline.count()) + " s");
        else if (j.finished->state() != v1::SyncJob::SUCCEEDED)
            violations.push_back(j.label + " (job " + j.id + ") ended " +
                                 v1::SyncJob::State_Name(j.finished->state()) + ": " +
                                 j.finished->message());
    }
    reads.stop();
    const auto readCounts = reads.counts();

    // The sample after the warm-up.
    const double warmSeconds = runMinutes * 60 * kWarmupFraction;
    size_t warm = 0;
    if (!samples.empty()) {
        const auto& first = samples.front();
        while (warm + 1 < first.size() && first[warm].seconds < warmSeconds)
            ++warm;
    }
    printTable(probes, samples, warm, readCounts, runMinutes);

    for (size_t i = 0; i < probes.size(); ++i) {
        const std::string& region = probes[i]->region();
        const auto& s = samples[i];
        if (s.empty()) {
            violations.push_back(region + ": not a single sample");
            continue;
        }
        const auto& last = s.back();
        auto fail = [&](const std::string& what) { violations.push_back(region + ": " + what); };
        auto mib = [](int64_t b) { return QString::number(mb(b), 'f', 1).toStdString() + " MiB"; };

        const int64_t maxWal = maxOf(s, [](const test::RegionSample& x) { return x.walBytes; });
        if (maxWal > kMaxWalBytes)
            fail("the WAL reached " + mib(maxWal) + ", over the " + mib(kMaxWalBytes) +
                 " bound (a read transaction pins it, or checkpoints never complete)");

        const int64_t maxLog =
            maxOf(s, [](const test::RegionSample& x) { return x.changelogBytes; });
        if (maxLog < 0)
            fail("the changelog could never be read: " + probes[i]->lastError());
        else if (maxLog > kMaxChangelogBytes)
            fail("the changelog reached " + mib(maxLog) + ", over " + mib(kMaxChangelogBytes) +
                 " (retention max_mb " + std::to_string(kRetentionMb) + ", plus one pass)");
        // Retention only proves itself when the log carried more than it may keep (a run cut
        // short has failed already; this would only add noise).
        if (endedEarly.empty() && last.changes > 0 && last.changelogEntries > 0) {
            const double bytesPerChange =
                double(last.changelogBytes) / double(last.changelogEntries);
            const double carried = double(last.changes) * bytesPerChange;
            if (carried < kMinRetentionTurns * double(kRetentionMb * kMiB))
                fail("the load logged only about " + mib(int64_t(carried)) +
                     " of changes, too little to exercise a " + std::to_string(kRetentionMb) +
                     " MB retention: raise MERIDIAN_SOAK_RATE or MERIDIAN_SOAK_MINUTES");
        }

        if (last.rows >= 0 && last.dbBytes >= 0) {
            const int64_t allowed =
                last.rows * kMaxDbBytesPerRow + kMaxChangelogBytes + kDbFixedBytes;
            if (last.dbBytes > allowed)
                fail("region.db is " + mib(last.dbBytes) + " for " + std::to_string(last.rows) +
                     " rows, over " + mib(allowed) + " (" + std::to_string(kMaxDbBytesPerRow) +
                     " B a row plus the log and a fixed part)");
        } else {
            fail("no figure for the database size or the rows held at the end");
        }

        // The highest of the warm-up, not its last sample: memory breathes by tens of MiB as
        // snapshots, batch copies and reader connections come and go, and a sample taken in
        // a trough would count the next peak as growth.
        const int64_t warmAnon = warmupPeakAnon(s, warm);
        const int64_t endAnon = s.back().anonBytes;
        if (warmAnon > 0 && endAnon > 0) {
            const int64_t allowed =
                warmAnon + std::max<int64_t>(int64_t(double(warmAnon) * kMaxRssGrowthRatio),
                                             kMaxRssGrowthBytes);
            if (endAnon > allowed)
                fail("anonymous memory grew from " + mib(warmAnon) + " at most in the warm-up to " +
                     mib(endAnon) + ", over " + mib(allowed));
        } else {
            fail("no memory figure from /proc");
        }

        const int warmFds = s[std::min(warm, s.size() - 1)].fds;
        if (warmFds > 0 && last.fds > warmFds + kMaxFdGrowth)
            fail("open descriptors grew from " + std::to_string(warmFds) +
                 " after the warm-up to " + std::to_string(last.fds));

        const auto rc = readCounts.count(region) ? readCounts.at(region) : test::ReadCounts{};
        const int64_t total = rc.ok + rc.failed;
        if (total == 0 || double(rc.ok) < kMinReadSuccess * double(total))
            fail("only " + std::to_string(rc.ok) + " of " + std::to_string(total) +
                 " reads succeeded (first error: " + rc.firstError + ")");
        else if (rc.present == 0)
            fail("reads succeeded but never found a value");
    }

    if (!violations.empty()) {
        std::string all;
        for (const auto& v : violations)
            all += "\n  - " + v;
        QFAIL(("the soak broke its bounds:" + all).c_str());
    }
}

void SoakTest::printTable(const std::vector<std::unique_ptr<test::RegionProbe>>& probes,
                          const std::vector<std::vector<test::RegionSample>>& samples, size_t warm,
                          const std::map<std::string, test::ReadCounts>& reads, double minutes) {
    const double warmAt = samples.empty() || samples.front().empty()
                              ? 0.0
                              : samples.front()[std::min(warm, samples.front().size() - 1)].seconds;
    std::printf(
        "\nsoak: %.1f min, generator %g rows/s per writing region, %g reads/s per region; warm-up "
        "sample at %.0f s\nbounds: WAL %lld MiB (twice its limit); changelog %lld MiB (retention "
        "max_mb %lld); db "
        "%lld B a row + log + %lld MiB; anon RSS +max(%.0f%%, %lld MiB) and fds +%d after "
        "warm-up\n",
        minutes, m_rate, kReadsPerSecondPerRegion, warmAt,
        static_cast<long long>(kMaxWalBytes / kMiB),
        static_cast<long long>(kMaxChangelogBytes / kMiB), static_cast<long long>(kRetentionMb),
        static_cast<long long>(kMaxDbBytesPerRow), static_cast<long long>(kDbFixedBytes / kMiB),
        kMaxRssGrowthRatio * 100, static_cast<long long>(kMaxRssGrowthBytes / kMiB), kMaxFdGrowth);
    const char* row = "%-19s %4s %9s %9s %9s %8s %8s %7s %6s %-14s %-14s %-9s %4s %s\n";
    // rows/s: rows written to the region per second over the last minute (Stats); changes: what
    // its changelog has logged since it began, its own writes and its peers' applied.
    std::printf(row, "region", "min", "rows/s", "changes", "rows", "max WAL", "max log", "max log",
                "db end", "RSS MB", "anon MB", "fds", "cpu", "reads");
    std::printf(row, "", "", "written", "logged", "held", "MB", "entries", "MB", "MB",
                "start/wu/end", "st/wu-max/end", "st/wu/end", "%", "ok/failed");
    for (size_t i = 0; i < probes.size(); ++i) {
        const auto& s = samples[i];
        if (s.empty()) {
            std::printf("%-19s (no sample)\n", probes[i]->region().c_str());
            continue;
        }
        const auto& first = s.front();
        const auto& w = s[std::min(warm, s.size() - 1)];
        const auto& last = s.back();
        const double cpu =
            last.seconds > first.seconds
                ? 100 * (last.cpuSeconds - first.cpuSeconds) / (last.seconds - first.seconds)
                : 0;
        const auto rc =
            reads.count(probes[i]->region()) ? reads.at(probes[i]->region()) : test::ReadCounts{};
        auto text = [](const char* format, auto... values) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, format, values...);
            return std::string(buffer);
        };
        std::printf(
            row, probes[i]->region().c_str(),
            text("%.1f", (last.seconds - first.seconds) / 60.0).c_str(),
            text("%.0f", last.writeRate).c_str(),
            text("%lld", static_cast<long long>(last.changes)).c_str(),
            text("%lld", static_cast<long long>(last.rows)).c_str(),
            text("%.1f", mb(maxOf(s, [](const test::RegionSample& x) { return x.walBytes; })))
                .c_str(),
            text("%lld", static_cast<long long>(maxOf(
                             s, [](const test::RegionSample& x) { return x.changelogEntries; })))
                .c_str(),
            text("%.1f", mb(maxOf(s, [](const test::RegionSample& x) { return x.changelogBytes; })))
                .c_str(),
            text("%.1f", mb(last.dbBytes)).c_str(),
            text("%.0f/%.0f/%.0f", mb(first.rssBytes), mb(w.rssBytes), mb(last.rssBytes)).c_str(),
            text("%.0f/%.0f/%.0f", mb(first.anonBytes), mb(warmupPeakAnon(s, warm)),
                 mb(last.anonBytes))
                .c_str(),
            text("%d/%d/%d", first.fds, w.fds, last.fds).c_str(), text("%.0f", cpu).c_str(),
            text("%lld/%lld", static_cast<long long>(rc.ok), static_cast<long long>(rc.failed))
                .c_str());
    }
    std::fflush(stdout);
}

void SoakTest::cleanupTestCase() {
    if (m_demo) {
        const auto st =
            m_demo->down([](const std::string& step) { qInfo("demo: %s", step.c_str()); });
        QVERIFY2(st.ok(), std::string(st.message()).c_str());
        const int64_t rows = generatorRows();
        if (rows >= 0)
            qInfo("soak: the generator wrote %lld rows in all", static_cast<long long>(rows));
        for (const auto& r : m_state.regions)
            QVERIFY2(!demo::processAlive(r.pid), r.name.c_str());
        QVERIFY(!demo::processAlive(m_state.generatorPid));
    }
    if (m_watchdog)
        QVERIFY2(m_watchdog->dismiss(), "the clean-up watchdog did not stop");
}

QTEST_GUILESS_MAIN(SoakTest)
#include "tst_soak.moc"
