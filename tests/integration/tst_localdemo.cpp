// The local demo (demo::LocalDemo) with real processes: a three-region deployment on free
// ports comes up healthy with the repository applied everywhere, seeded rows and a generator
// writing; a second up changes nothing; down leaves no process behind; a taken port or a
// store that cannot start gives a clear error and leaves nothing running.

#include <QtTest>

#include <QFile>
#include <QTcpServer>
#include <QTemporaryDir>

#include <cerrno>
#include <csignal>

#include "demo/localdemo.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using meridian::demo::DemoOptions;
using meridian::demo::DemoState;
using meridian::demo::LocalDemo;

namespace {

bool gone(int pid) {
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::vector<int> pidsOf(const DemoState& state) {
    std::vector<int> pids;
    for (const auto& r : state.regions)
        pids.push_back(r.pid);
    if (state.generatorPid > 0)
        pids.push_back(state.generatorPid);
    return pids;
}

int64_t rowsOf(const meridian::v1::StatsResponse& stats, const std::string& view) {
    for (const auto& v : stats.views()) {
        if (v.feature_view() == view)
            return v.online_rows() + v.offline_rows();
    }
    return 0;
}

}  // namespace

class TestLocalDemo : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void upStatusDown();
    void portInUseIsNamed();
    void storeThatCannotStartStopsTheRest();
    void downWithNothingRunning();

private:
    // Writes a deployment of us1/eu1/eu2 on free ports; answers its path.
    QString writeDeployment(const QString& name, std::map<std::string, int>& ports);
    DemoOptions options(const QString& deployment, const QString& dataDir) const;

    QTemporaryDir m_dir;
};

void TestLocalDemo::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    // Demos remember their data directories beside the default one: here, not in $HOME.
    qputenv("XDG_DATA_HOME", m_dir.filePath("xdg").toUtf8());
}

QString TestLocalDemo::writeDeployment(const QString& name, std::map<std::string, int>& ports) {
    std::string yaml =
        "name: local-demo-test\ncontrol_plane: {mode: centralized, region: us1}\n"
        "replication: {heartbeat_ms: 200}\nregions:\n";
    for (const auto& r : meridian::test::TestCluster::threeRegions()) {
        // freePort() may hand out a port it gave a moment ago: keep them distinct.
        int port = 0;
        do {
            port = meridian::test::freePort();
        } while (std::any_of(ports.begin(), ports.end(),
                             [&](const auto& p) { return p.second == port; }));
        ports[r.name] = port;
        yaml += "  - {name: " + r.name + ", cloud: " + r.cloud +
                ", provider_region: " + r.providerRegion + ", jurisdiction: " + r.jurisdiction +
                ", endpoint: \"127.0.0.1:" + std::to_string(ports[r.name]) + "\"}\n";
    }
    yaml += "links:\n  - {between: [us1, eu1], delay_ms: 20, jitter_ms: 2}\n";
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(yaml.data(), static_cast<qint64>(yaml.size()));
    return path;
}

DemoOptions TestLocalDemo::options(const QString& deployment, const QString& dataDir) const {
    DemoOptions o;
    o.deploymentPath = deployment.toStdString();
    o.dataDir = dataDir.toStdString();
    o.repositoryPath = MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml";
    o.storeBinary = MERIDIAN_STORE_BINARY;
    o.ctlBinary = MERIDIANCTL_BINARY;
    o.generatorRowsPerSecond = 5;
    o.seedRowsPerView = 40;
    return o;
}

void TestLocalDemo::upStatusDown() {
    std::map<std::string, int> ports;
    const QString deployment = writeDeployment("updown.yaml", ports);
    const QString dataDir = m_dir.filePath("updown");
    LocalDemo demo(options(deployment, dataDir));
    QVERIFY(!demo.running());

    std::vector<std::string> steps;
    auto state = demo.up([&](const std::string& s) { steps.push_back(s); });
    QVERIFY2(state.ok(), std::string(state.status().message()).c_str());
    QCOMPARE(state->regions.size(), size_t{3});
    for (const auto& r : state->regions) {
        QVERIFY2(r.pid > 0 && r.healthy, r.name.c_str());
        QCOMPARE(r.endpoint, "127.0.0.1:" + std::to_string(ports.at(r.name)));
        QVERIFY(QFile::exists(QString::fromStdString(r.log)));
    }
    QVERIFY(state->generatorPid > 0);
    QVERIFY(QFile::exists(dataDir + "/demo.json"));
    QVERIFY(QFile::exists(dataDir + "/generator.log"));
    auto said = [&](const std::string& text) {
        return std::any_of(steps.begin(), steps.end(),
                           [&](const auto& s) { return s.find(text) != std::string::npos; });
    };
    QVERIFY(said("starting us1"));
    QVERIFY(said("the registry has reached every region"));
    QVERIFY(demo.running());
    // Started from a data directory of its own, it is still found running (meridian --demo
    // connects to it rather than starting another on the same ports).
    QCOMPARE(QString::fromStdString(meridian::demo::runningDemoDataDir()), dataDir);

    // The repository reached every region, the seed rows are there and the generator writes.
    meridian::test::TestClient us1(state->regions[0].endpoint);
    meridian::test::TestClient eu2(state->regions[2].endpoint);
    const int objects = meridian::test::registryCount(us1);
    QVERIFY(objects >= 6);
    QTRY_COMPARE(meridian::test::registryCount(eu2), objects);
    // hs_view is written at its hub (us1) and reaches the spokes.
    QTRY_VERIFY_WITH_TIMEOUT(rowsOf(*meridian::test::stats(us1), "hs_view") >= 40, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(rowsOf(*meridian::test::stats(eu2), "hs_view") >= 40, 20000);
    // local_view lives in eu2 only and was seeded there.
    QTRY_VERIFY_WITH_TIMEOUT(rowsOf(*meridian::test::stats(eu2), "local_view") >= 40, 10000);
    const int64_t seeded = rowsOf(*meridian::test::stats(us1), "hs_view");
    QTRY_VERIFY_WITH_TIMEOUT(rowsOf(*meridian::test::stats(us1), "hs_view") > seeded, 20000);

    auto status = demo.status();
    QVERIFY(status.ok());
    QCOMPARE(status->regions.size(), size_t{3});
    for (const auto& r : status->regions)
        QVERIFY2(r.healthy && r.pid > 0, r.name.c_str());
    QCOMPARE(status->generatorPid, state->generatorPid);

    // Up again: nothing new starts, nothing is seeded twice.
    steps.clear();
    auto again = demo.up([&](const std::string& s) { steps.push_back(s); });
    QVERIFY2(again.ok(), std::string(again.status().message()).c_str());
    QCOMPARE(pidsOf(*again), pidsOf(*state));
    QVERIFY(said("us1 already runs"));
    QVERIFY(said("nothing to seed"));
    QVERIFY(!said("starting "));

    const std::vector<int> pids = pidsOf(*state);
    QVERIFY(demo.down().ok());
    for (int pid : pids)
        QVERIFY2(gone(pid), qPrintable(QStringLiteral("pid %1 still exists").arg(pid)));
    QVERIFY(!QFile::exists(dataDir + "/demo.json"));
    QVERIFY(!demo.running());
    QCOMPARE(meridian::demo::runningDemoDataDir(), std::string());
    auto after = demo.status();
    QVERIFY(after.ok());
    QVERIFY(after->regions.empty());
    QCOMPARE(after->generatorPid, 0);
}

void TestLocalDemo::portInUseIsNamed() {
    std::map<std::string, int> ports;
    const QString deployment = writeDeployment("taken.yaml", ports);
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, static_cast<quint16>(ports.at("eu1"))));
    const QString dataDir = m_dir.filePath("taken");
    LocalDemo demo(options(deployment, dataDir));
    auto state = demo.up();
    QVERIFY(!state.ok());
    const std::string message(state.status().message());
    QVERIFY2(message.find("port " + std::to_string(ports.at("eu1")) + " ") != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("meridianctl demo status") != std::string::npos, message.c_str());
    // Ports are checked before anything starts: nothing runs, nothing is recorded.
    QVERIFY(!QFile::exists(dataDir + "/demo.json"));
    QVERIFY(!demo.running());
    meridian::test::TestClient us1("127.0.0.1:" + std::to_string(ports.at("us1")));
    QVERIFY(!us1.waitHealthy(std::chrono::milliseconds(300)));
}

void TestLocalDemo::storeThatCannotStartStopsTheRest() {
    std::map<std::string, int> ports;
    const QString deployment = writeDeployment("broken.yaml", ports);
    const QString dataDir = m_dir.filePath("broken");
    // A file where eu2's data directory should be: eu2 cannot open its database, while us1
    // and eu1 start fine and must be stopped again.
    QVERIFY(QDir().mkpath(dataDir));
    QFile blocker(dataDir + "/eu2");
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    LocalDemo demo(options(deployment, dataDir));
    std::vector<std::string> steps;
    auto state = demo.up([&](const std::string& s) { steps.push_back(s); });
    QVERIFY(!state.ok());
    const std::string message(state.status().message());
    // The error names the region, how it ended and the end of its log.
    QVERIFY2(message.find("region eu2") != std::string::npos, message.c_str());
    QVERIFY2(message.find("stopped while starting (exited with status") != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("eu2.log") != std::string::npos, message.c_str());
    QVERIFY(std::any_of(steps.begin(), steps.end(), [](const auto& s) {
        return s.find("stopping what this attempt started") != std::string::npos;
    }));
    QVERIFY(!QFile::exists(dataDir + "/demo.json"));
    QVERIFY(!demo.running());
    for (const auto& [region, port] : ports) {
        meridian::test::TestClient c("127.0.0.1:" + std::to_string(port));
        QVERIFY2(!c.waitHealthy(std::chrono::milliseconds(200)), region.c_str());
    }
}

void TestLocalDemo::downWithNothingRunning() {
    LocalDemo demo(options(m_dir.filePath("none.yaml"), m_dir.filePath("nothing")));
    std::vector<std::string> steps;
    QVERIFY(demo.down([&](const std::string& s) { steps.push_back(s); }).ok());
    QCOMPARE(steps.size(), size_t{1});
    QVERIFY(steps.front().find("nothing to stop") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestLocalDemo)
#include "tst_localdemo.moc"
