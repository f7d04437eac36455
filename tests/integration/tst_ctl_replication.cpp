// meridianctl's replication commands end to end: the real binary against a three-region
// TestCluster, for sync (each kind, progress and result, Ctrl-C cancelling), jobs, lag (table
// and JSON), cost (bytes after writes, what-ifs), alerts, link partition and heal, generate
// (JSON Lines out, rows pushed), and bad input (unknown region, no region reachable, one down).

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>

#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using meridian::test::CtlProcess;
using meridian::test::CtlRun;
using meridian::test::TestCluster;

namespace {

std::vector<test::RepRow> rows(int64_t first, int count, int64_t eventMs) {
    std::vector<test::RepRow> out;
    for (int i = 0; i < count; ++i)
        out.push_back({first + i, eventMs + i, 0.5 + i, "row-" + std::to_string(first + i)});
    return out;
}

}  // namespace

class TestCtlReplication : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void help();
    void syncEachKind();
    void syncDetachThenJobs();
    void syncCtrlCCancels();
    void lagTableAndJson();
    void costAfterWrites();
    void alerts();
    void partitionAndHeal();
    void generateJsonLines();
    void generatePushes();
    void badInput();
    void noRegionReachable();
    void oneRegionDown();

private:
    CtlRun ctl(const QStringList& args) { return m_ctl.run(args); }
    QJsonObject json(const QStringList& args) { return m_ctl.json(args); }
    // The link from -> to as `lag -o json` reports it (an empty object when absent).
    QJsonObject lagLink(const QString& from, const QString& to);

    QTemporaryDir m_home;  // XDG_DATA_HOME: no demo state file is found by accident
    CtlProcess m_ctl{QStringLiteral(MERIDIANCTL_BINARY), m_home.path()};
    std::unique_ptr<TestCluster> m_cluster;
    QString m_deployment;
};

void TestCtlReplication::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_home.isValid());
    m_ctl.setEnvironmentVariable("XDG_DATA_HOME", m_home.path());
    m_cluster = std::make_unique<TestCluster>(
        TestCluster::threeRegions(), std::vector<test::ClusterLink>{{"us1", "eu1", 20, 2}});
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    m_deployment = m_cluster->deploymentPath();
    const int objects = test::registryCount(m_cluster->client("us1"));
    QVERIFY(objects > 0);
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(test::registryCount(m_cluster->client(r)), objects, 20000);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(test::writeRep(m_cluster->client("us1"), "hs_view", rows(1, 200, now)).ok());
    QVERIFY(test::writeRep(m_cluster->client("eu1"), "aa_view", rows(1000, 100, now)).ok());
    QVERIFY(test::writeRep(m_cluster->client("eu1"), "eu_view", rows(2000, 100, now)).ok());
    QVERIFY(test::writeRep(m_cluster->client("us1"), "batch_view", rows(3000, 100, now),
                           2 /* OFFLINE */)
                .ok());
    // The hub's rows reach both spokes before the tests look at lag and cost.
    for (const char* r : {"eu1", "eu2"}) {
        QTRY_VERIFY_WITH_TIMEOUT(
            test::readRep(m_cluster->client(r), "hs_view", test::idRange(1, 200))
                    .value_or(test::RepValues{})
                    .size() == 200,
            20000);
    }
}

void TestCtlReplication::cleanupTestCase() {
    m_cluster.reset();
}

QJsonObject TestCtlReplication::lagLink(const QString& from, const QString& to) {
    const QJsonObject lag = json({"lag", "--deployment", m_deployment});
    for (const auto& l : lag["links"].toArray()) {
        const QJsonObject link = l.toObject();
        if (link["from_region"] == from && link["to_region"] == to &&
            link["feature_view"].toString().isEmpty())
            return link;
    }
    return {};
}

void TestCtlReplication::help() {
    for (const QStringList& command :
         {QStringList{"demo"}, QStringList{"demo", "up"}, QStringList{"generate"},
          QStringList{"sync"}, QStringList{"jobs"}, QStringList{"jobs", "cancel"},
          QStringList{"lag"}, QStringList{"cost"}, QStringList{"alerts"}, QStringList{"link"},
          QStringList{"link", "set"}}) {
        CtlRun help = ctl(command + QStringList{"--help"});
        CHECK_RUN(help, 0);
        QVERIFY2(
            help.out.contains("Examples:") && help.out.contains("meridianctl " + command.join(' ')),
            qPrintable(help.out));
    }
    CtlRun top = ctl({"--help"});
    QVERIFY(top.out.contains("lag") && top.out.contains("cost") && top.out.contains("demo"));
}

void TestCtlReplication::syncEachKind() {
    struct Case {
        QString kind;
        QString amount;  // what the result line counts
    };
    for (const Case& c : {Case{"catch-up", "changes"}, Case{"offline-batch", "partitions"},
                          Case{"snapshot", "of snapshot"}}) {
        CtlRun run = ctl({"sync", "--from", "us1", "--to", "eu2", "--kind", c.kind, "--deployment",
                          m_deployment});
        CHECK_RUN(run, 0);
        // The progress line on stderr, the result on stdout.
        QVERIFY2(run.err.contains(c.kind + " us1 → eu2: "), qPrintable(run.err));
        QVERIFY2(run.err.contains("est. $"), qPrintable(run.err));
        QVERIFY2(run.out.startsWith("job job-") && run.out.contains(" succeeded in "),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(c.amount), qPrintable(run.out));
        QVERIFY2(run.out.contains("sent:") && run.out.contains("cost $"), qPrintable(run.out));
    }
    // The batch copy compared the batch view's partition.
    CtlRun batch = ctl({"sync", "--from", "us1", "--to", "eu1", "--kind", "offline-batch", "--view",
                        "rep/batch_view", "--deployment", m_deployment});
    CHECK_RUN(batch, 0);
    QVERIFY2(batch.out.contains("partitions: 1 compared"), qPrintable(batch.out));
    QVERIFY2(batch.out.contains("scope:      rep/batch_view"), qPrintable(batch.out));
}

void TestCtlReplication::syncDetachThenJobs() {
    CtlRun detached =
        ctl({"sync", "--from", "eu1", "--to", "us1", "--detach", "--deployment", m_deployment});
    CHECK_RUN(detached, 0);
    const QString id = detached.out.trimmed();
    QVERIFY2(id.startsWith("job-") && !id.contains('\n'), qPrintable(detached.out));
    QVERIFY(detached.err.contains("meridianctl jobs cancel " + id));

    // Every region's jobs, merged, newest first; the detached one finishes.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonObject jobs = json({"jobs", "--deployment", m_deployment});
            for (const auto& j : jobs["jobs"].toArray()) {
                if (j.toObject()["id"] == id)
                    return j.toObject()["state"] == "SUCCEEDED";
            }
            return false;
        }(),
        20000);
    const QJsonArray jobs = json({"jobs", "--deployment", m_deployment})["jobs"].toArray();
    QVERIFY(jobs.size() >= 5);
    QSet<QString> kinds, targets;
    qint64 previous = std::numeric_limits<qint64>::max();
    for (const auto& j : jobs) {
        const QJsonObject job = j.toObject();
        kinds.insert(job["kind"].toString());
        targets.insert(job["to_region"].toString());
        const qint64 created = job["created_at"].toString().toLongLong();
        QVERIFY2(created <= previous, "jobs are not newest first");
        previous = created;
    }
    QVERIFY(kinds.contains("CATCH_UP") && kinds.contains("OFFLINE_BATCH") &&
            kinds.contains("SNAPSHOT"));
    QVERIFY(targets.contains("us1") && targets.contains("eu2"));

    CtlRun table = ctl({"jobs", "--deployment", m_deployment});
    CHECK_RUN(table, 0);
    for (const char* column : {"ID", "KIND", "FROM → TO", "SCOPE", "STARTED BY", "WHEN", "STATE",
                               "DONE", "BYTES", "COST", "MESSAGE"})
        QVERIFY2(table.out.contains(column), qPrintable(table.out));
    QVERIFY2(table.out.contains(id), qPrintable(table.out + table.err));
    QVERIFY(table.out.contains("eu1 → us1"));
    QVERIFY(table.out.contains("ctl-test"));
    QVERIFY(table.out.contains("succeeded"));

    CtlRun limited = ctl({"jobs", "--limit", "2", "--deployment", m_deployment});
    CHECK_RUN(limited, 0);
    QCOMPARE(limited.out.count("\njob-"), 2);

    // A finished job cannot be cancelled; an unknown one is in no region.
    CtlRun finished = ctl({"jobs", "cancel", id, "--deployment", m_deployment});
    CHECK_RUN(finished, 1);
    QVERIFY2(finished.err.contains("already finished"), qPrintable(finished.err));
    CtlRun unknown = ctl({"jobs", "cancel", "job-0-0", "--deployment", m_deployment});
    CHECK_RUN(unknown, 1);
    QVERIFY2(unknown.err.contains("no region holds sync job 'job-0-0'"), qPrintable(unknown.err));
}

void TestCtlReplication::syncCtrlCCancels() {
    // A slow link: changes written at us1 take 15 s to be applied at eu1, so a catch-up runs
    // long enough to be interrupted even on a busy machine.
    CHECK_RUN(ctl({"link", "set", "us1", "eu1", "--delay", "15000", "--deployment", m_deployment}),
              0);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(test::writeRep(m_cluster->client("us1"), "hs_view", rows(5000, 50, now)).ok());
    // The catch-up goes to where us1's log is now, though eu1's slowed stream has not even read
    // the batch of these rows yet: it runs until they are applied, 15 s from now.
    QProcess process;
    process.setProcessEnvironment(m_ctl.environment());
    process.start(QStringLiteral(MERIDIANCTL_BINARY),
                  {"sync", "--from", "us1", "--to", "eu1", "--deployment", m_deployment});
    QVERIFY(process.waitForStarted());
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT(
        (err += QString::fromUtf8(process.readAllStandardError())).contains("catch-up us1 → eu1"),
        10000);
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(20000));
    err += QString::fromUtf8(process.readAllStandardError());
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 1, qPrintable(out + err));
    QVERIFY2(err.contains("interrupted: cancelling job"), qPrintable(err));
    QVERIFY2(err.contains("cancelled (Ctrl-C)"), qPrintable(err));
    QVERIFY2(out.contains(" cancelled in "), qPrintable(out));

    CHECK_RUN(ctl({"link", "heal", "us1", "eu1", "--deployment", m_deployment}), 0);
}

void TestCtlReplication::lagTableAndJson() {
    CtlRun table = ctl({"lag", "--deployment", m_deployment});
    CHECK_RUN(table, 0);
    for (const char* column : {"FROM → TO", "MODE", "LAG S", "BEHIND", "APPLY/S", "P50 MS",
                               "P99 MS", "CONFLICTS", "WITHHELD", "STATE", "EMULATION"})
        QVERIFY2(table.out.contains(column), qPrintable(table.out));
    // Each region receives from both others.
    for (const char* link :
         {"us1 → eu1", "us1 → eu2", "eu1 → us1", "eu1 → eu2", "eu2 → us1", "eu2 → eu1"})
        QVERIFY2(table.out.contains(link), qPrintable(table.out));
    QVERIFY2(table.out.contains("emulated: delay 20 ms ±2 ms"), qPrintable(table.out));

    CtlRun views = ctl({"lag", "--view", "--deployment", m_deployment});
    CHECK_RUN(views, 0);
    QVERIFY2(views.out.contains("  rep/hs_view"), qPrintable(views.out));

    const QJsonObject lag = json({"lag", "--deployment", m_deployment});
    QCOMPARE(lag["down"].toArray().size(), 0);
    int wholeLinks = 0;
    for (const auto& l : lag["links"].toArray()) {
        const QJsonObject link = l.toObject();
        if (!link["feature_view"].toString().isEmpty())
            continue;
        ++wholeLinks;
        QVERIFY(link.contains("lag_seconds") && link.contains("state"));
        const bool emulatedLink = (link["from_region"] == "us1" && link["to_region"] == "eu1") ||
                                  (link["from_region"] == "eu1" && link["to_region"] == "us1");
        QCOMPARE(link["emulated"].toBool(), emulatedLink);
    }
    QCOMPARE(wholeLinks, 6);
    QTRY_COMPARE_WITH_TIMEOUT(lagLink("us1", "eu2")["state"].toString(), QString("streaming"),
                              10000);
}

void TestCtlReplication::costAfterWrites() {
    const QJsonObject cost = json({"cost", "--what-if", "compression-off", "--what-if",
                                   "batch:rep/hs_view:1h", "--deployment", m_deployment});
    qint64 bytes = 0;
    for (const auto& r : cost["regions"].toArray()) {
        for (const auto& l : r.toObject()["lines"].toArray())
            bytes += l.toObject()["bytes"].toString().toLongLong();
    }
    QVERIFY2(bytes > 0, qPrintable(QJsonDocument(cost).toJson()));
    const double actual = cost["usd"].toDouble();
    const QJsonArray whatIfs = cost["what_if"].toArray();
    QCOMPARE(whatIfs.size(), 2);
    QCOMPARE(whatIfs[0].toObject()["what_if"].toString(), QString("compression-off"));
    QVERIFY(whatIfs[0].toObject()["usd"].toDouble() >= actual);

    CtlRun table = ctl({"cost", "--what-if", "compression-off", "--deployment", m_deployment});
    CHECK_RUN(table, 0);
    // The test deployment names no price table: bytes are counted, and the output says why
    // they cost nothing.
    for (const char* text : {"PRICE CLASS", "$/GB", "us1 → eu1", "total", "per 30 days",
                             "compression off", "prices: none"})
        QVERIFY2(table.out.contains(text), qPrintable(table.out));
    CtlRun byView = ctl({"cost", "--by", "view", "--since", "1h", "--deployment", m_deployment});
    CHECK_RUN(byView, 0);
    QVERIFY2(byView.out.contains("rep/hs_view"), qPrintable(byView.out));
    CtlRun byKind = ctl({"cost", "--by", "kind", "--deployment", m_deployment});
    CHECK_RUN(byKind, 0);
    QVERIFY2(byKind.out.contains("stream"), qPrintable(byKind.out));

    CtlRun badWhatIf = ctl({"cost", "--what-if", "cheaper", "--deployment", m_deployment});
    CHECK_RUN(badWhatIf, 2);
    QVERIFY(badWhatIf.err.contains("--what-if 'cheaper'"));
    CtlRun badRegion = ctl({"cost", "--what-if", "without:mars", "--deployment", m_deployment});
    CHECK_RUN(badRegion, 2);
    QVERIFY(badRegion.err.contains("unknown region 'mars'"));
    CtlRun badSince = ctl({"cost", "--since", "yesterday", "--deployment", m_deployment});
    CHECK_RUN(badSince, 2);
}

void TestCtlReplication::alerts() {
    CtlRun run = ctl({"alerts", "--deployment", m_deployment});
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains("No active alerts in the 3 regions") || run.out.contains("SEVERITY"),
             qPrintable(run.out));
    CtlRun all = ctl({"alerts", "--all", "--deployment", m_deployment});
    CHECK_RUN(all, 0);
    const QJsonObject alerts = json({"alerts", "--all", "--deployment", m_deployment});
    QVERIFY(alerts["alerts"].isArray());
    QCOMPARE(alerts["down"].toArray().size(), 0);
}

void TestCtlReplication::partitionAndHeal() {
    CtlRun partition = ctl({"link", "partition", "us1", "eu2", "--deployment", m_deployment});
    CHECK_RUN(partition, 0);
    QVERIFY2(partition.out.contains("us1 → eu2") && partition.out.contains("eu2 → us1") &&
                 partition.out.contains("emulated: partitioned"),
             qPrintable(partition.out));
    QTRY_COMPARE_WITH_TIMEOUT(lagLink("us1", "eu2")["state"].toString(), QString("partitioned"),
                              10000);
    const QJsonObject cut = lagLink("eu2", "us1");
    QCOMPARE(cut["emulated"].toBool(), true);
    QCOMPARE(cut["emulation"].toString(), QString("partitioned"));
    CtlRun table = ctl({"lag", "--deployment", m_deployment});
    QVERIFY2(table.out.contains("PARTITIONED") && table.out.contains("emulated: partitioned"),
             qPrintable(table.out));

    CtlRun heal = ctl({"link", "heal", "us1", "eu2", "--deployment", m_deployment});
    CHECK_RUN(heal, 0);
    QVERIFY2(heal.out.contains("no emulation"), qPrintable(heal.out));
    QTRY_COMPARE_WITH_TIMEOUT(lagLink("us1", "eu2")["state"].toString(), QString("streaming"),
                              15000);
    QCOMPARE(lagLink("us1", "eu2")["emulated"].toBool(), false);

    CtlRun set = ctl({"link", "set", "eu1", "eu2", "--delay", "15", "--loss", "1%", "--deployment",
                      m_deployment});
    CHECK_RUN(set, 0);
    QVERIFY2(set.out.contains("emulated: delay 15 ms, loss 1.0%"), qPrintable(set.out));
    QTRY_COMPARE_WITH_TIMEOUT(lagLink("eu2", "eu1")["emulation"].toString(),
                              QString("delay 15 ms, loss 1.0%"), 10000);
    CHECK_RUN(ctl({"link", "heal", "eu1", "eu2", "--deployment", m_deployment}), 0);
}

void TestCtlReplication::generateJsonLines() {
    const QString file = m_home.filePath("hs.jsonl");
    CtlRun run = ctl({"generate", "--view", "hs_view", "--rows", "25", "--out", file,
                      "--deployment", m_deployment});
    CHECK_RUN(run, 0);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    int count = 0;
    for (const QByteArray& line : lines) {
        if (line.isEmpty())
            continue;
        ++count;
        QJsonParseError error;
        const QJsonObject row = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        QVERIFY2(row.contains("user_id") && row.contains("event_timestamp") &&
                     row.contains("score") && row.contains("label"),
                 line.constData());
    }
    QCOMPARE(count, 25);
    // The same seed gives the same rows; the file is what `push` reads.
    const QString again = m_home.filePath("hs2.jsonl");
    CHECK_RUN(ctl({"generate", "--repository",
                   MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml", "--view", "rep/hs_view",
                   "--rows", "25", "--out", again, "--deployment", m_deployment}),
              0);
    QVERIFY(QFile::exists(again));
    CtlRun push = ctl({"--endpoint", QString::fromStdString(m_cluster->endpoint("us1")), "push",
                       "hs_view", "-f", file});
    CHECK_RUN(push, 0);
    // Every view to a directory, one file each.
    const QString dir = m_home.filePath("rows");
    CHECK_RUN(ctl({"generate", "--rows", "5", "--out", dir, "--deployment", m_deployment}), 0);
    QVERIFY(QFile::exists(dir + "/rep.hs_view.jsonl"));
    QVERIFY(QFile::exists(dir + "/rep.local_view.jsonl"));
}

void TestCtlReplication::generatePushes() {
    auto rowsAt = [&](const std::string& region, const std::string& view) {
        const auto stats = test::stats(m_cluster->client(region));
        if (!stats)
            return int64_t{-1};
        for (const auto& v : stats->views()) {
            if (v.feature_view() == view)
                return v.online_rows() + v.offline_rows();
        }
        return int64_t{0};
    };
    const int64_t localBefore = rowsAt("eu2", "local_view");
    CtlRun run = ctl({"generate", "--rows", "30", "--deployment", m_deployment});
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains("wrote "), qPrintable(run.out));
    // local_view is written where it lives; aa_view at each member in turn.
    QVERIFY2(run.err.contains("rep/local_view: 30 at eu2 (online and offline)"),
             qPrintable(run.err));
    QVERIFY2(run.err.contains("rep/batch_view: 30 at us1 (offline)"), qPrintable(run.err));
    QVERIFY2(run.err.contains("rep/hs_view: 30 at us1"), qPrintable(run.err));
    QTRY_VERIFY_WITH_TIMEOUT(rowsAt("eu2", "local_view") > localBefore, 10000);

    // --follow writes until SIGTERM, then says what it wrote.
    QProcess follow;
    follow.setProcessEnvironment(m_ctl.environment());
    follow.start(QStringLiteral(MERIDIANCTL_BINARY),
                 {"generate", "--follow", "--rate", "20", "--view", "rep/aa_view", "--deployment",
                  m_deployment});
    QVERIFY(follow.waitForStarted());
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT((err += QString::fromUtf8(follow.readAllStandardError()))
                                 .contains("generating 20 rows/s per region"),
                             10000);
    const int64_t aaBefore = rowsAt("eu1", "aa_view");
    QTRY_VERIFY_WITH_TIMEOUT(rowsAt("eu1", "aa_view") > aaBefore, 20000);
    follow.terminate();
    QVERIFY(follow.waitForFinished(10000));
    QCOMPARE(follow.exitCode(), 0);
    err += QString::fromUtf8(follow.readAllStandardError());
    QVERIFY2(err.contains("stopped (SIGTERM): wrote "), qPrintable(err));
}

void TestCtlReplication::badInput() {
    CtlRun unknown = ctl({"sync", "--from", "us1", "--to", "mars", "--deployment", m_deployment});
    QVERIFY2(unknown.exitCode == 1 || unknown.exitCode == 2,
             qPrintable(test::describeRun(unknown, 2)));
    QVERIFY2(unknown.err.contains("'mars'") && unknown.err.contains("us1, eu1, eu2"),
             qPrintable(unknown.err));
    CtlRun same = ctl({"sync", "--from", "eu1", "--to", "eu1", "--deployment", m_deployment});
    CHECK_RUN(same, 2);
    CtlRun badView = ctl({"sync", "--from", "us1", "--to", "eu1", "--view", "hs_view",
                          "--deployment", m_deployment});
    CHECK_RUN(badView, 2);
    QVERIFY(badView.err.contains("project/view"));
    CtlRun missingView = ctl({"sync", "--from", "us1", "--to", "eu1", "--view", "rep/nothing",
                              "--deployment", m_deployment});
    CHECK_RUN(missingView, 1);
    QVERIFY2(missingView.err.contains("rep/nothing"), qPrintable(missingView.err));
    CtlRun link = ctl({"link", "partition", "us1", "nowhere", "--deployment", m_deployment});
    CHECK_RUN(link, 2);
    QVERIFY(link.err.contains("unknown region 'nowhere'"));
    CtlRun kind = ctl(
        {"sync", "--from", "us1", "--to", "eu1", "--kind", "rsync", "--deployment", m_deployment});
    CHECK_RUN(kind, 2);
    CtlRun both = ctl({"generate", "--follow", "--rows", "5", "--deployment", m_deployment});
    CHECK_RUN(both, 2);
    CtlRun view =
        ctl({"generate", "--view", "no_such_view", "--rows", "5", "--deployment", m_deployment});
    QVERIFY2(view.exitCode != 0 && view.err.contains("'no_such_view'"),
             qPrintable(test::describeRun(view, 1)));
    CtlRun noDeployment = ctl({"lag", "--deployment", m_home.filePath("missing.yaml")});
    CHECK_RUN(noDeployment, 2);
}

void TestCtlReplication::noRegionReachable() {
    // A deployment whose regions all listen nowhere.
    const QString path = m_home.filePath("dead.yaml");
    const int portA = test::freePort();
    int portB = test::freePort();
    while (portB == portA)
        portB = test::freePort();
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("name: dead\ncontrol_plane: {mode: centralized, region: a}\nregions:\n"
                           "  - {name: a, cloud: aws, provider_region: us-east-1, endpoint: "
                           "\"127.0.0.1:%1\"}\n"
                           "  - {name: b, cloud: aws, provider_region: eu-west-1, endpoint: "
                           "\"127.0.0.1:%2\"}\n")
                .arg(portA)
                .arg(portB)
                .toUtf8());
    f.close();
    for (const QStringList& args :
         {QStringList{"lag"}, QStringList{"cost"}, QStringList{"jobs"}, QStringList{"alerts"},
          QStringList{"link", "partition", "a", "b"},
          QStringList{"sync", "--from", "a", "--to", "b"},
          QStringList{"generate", "--rows", "1"}}) {
        CtlRun run = ctl(args + QStringList{"--deployment", path});
        CHECK_RUN(run, 3);
        QVERIFY2(run.err.contains("127.0.0.1:"), qPrintable(run.err));
    }
}

void TestCtlReplication::oneRegionDown() {
    m_cluster->kill("eu2");
    const QString endpoint = QString::fromStdString(m_cluster->endpoint("eu2"));
    CtlRun lag = ctl({"lag", "--deployment", m_deployment});
    CHECK_RUN(lag, 0);
    QVERIFY2(lag.out.contains("eu2 (" + endpoint + ") is down"), qPrintable(lag.out));
    QVERIFY(lag.out.contains("us1 → eu1"));
    const QJsonObject json = this->json({"lag", "--deployment", m_deployment});
    // Which regions were down, and why, when more than eu2 was (seen once in a full run).
    QVERIFY2(json["down"].toArray().size() == 1,
             QJsonDocument(json["down"].toArray()).toJson(QJsonDocument::Compact).constData());
    QCOMPARE(json["down"].toArray()[0].toObject()["region"].toString(), QString("eu2"));
    for (const char* command : {"cost", "jobs", "alerts"}) {
        CtlRun run = ctl({command, "--deployment", m_deployment});
        CHECK_RUN(run, 0);
        QVERIFY2(run.out.contains("eu2 (" + endpoint + ") is down"), qPrintable(run.out));
    }
    // A sync into the region that is down cannot start: exit 3, naming it.
    CtlRun sync = ctl({"sync", "--from", "us1", "--to", "eu2", "--deployment", m_deployment});
    CHECK_RUN(sync, 3);
    QVERIFY2(sync.err.contains(endpoint), qPrintable(sync.err));
}

QTEST_GUILESS_MAIN(TestCtlReplication)
#include "tst_ctl_replication.moc"
