// A region restored from a backup of its data directory, or started on an empty one, loses no
// acknowledged write: its peers see that its log no longer holds what they had applied and
// read it again from where its history continues (so its new writes reach them), they say so
// loudly, and the restored region gets back the rows it wrote after the backup from them.

#include <QtTest>

#include <sqlite3.h>

#include <filesystem>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr const char* kView = "aa_view";  // active-active in us1, eu1 and eu2

bool allPresent(TestClient& client, const std::vector<int64_t>& ids) {
    auto values = readRep(client, kView, ids);
    return values && values->size() == ids.size();
}

grpc::Status writeIds(TestClient& client, int64_t first, int64_t count) {
    std::vector<RepRow> rows;
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (int64_t id = first; id < first + count; ++id)
        rows.push_back({id, now, 1.0 * id, "row " + std::to_string(id)});
    return writeRep(client, kView, rows);
}

// The region database files of a data directory (the database, and its WAL if there is one).
std::vector<std::filesystem::path> databaseFiles(const QString& dir) {
    std::vector<std::filesystem::path> files;
    for (const char* name : {"region.db", "region.db-wal", "region.db-shm"}) {
        const std::filesystem::path p = std::filesystem::path(dir.toStdString()) / name;
        if (std::filesystem::exists(p))
            files.push_back(p);
    }
    return files;
}

// Copies a database in use with SQLite's online backup API, as a backup tool would.
bool hotBackup(const QString& from, const QString& to) {
    sqlite3* source = nullptr;
    sqlite3* dest = nullptr;
    bool ok = sqlite3_open_v2(from.toUtf8().constData(), &source, SQLITE_OPEN_READONLY, nullptr) ==
                  SQLITE_OK &&
              sqlite3_open(to.toUtf8().constData(), &dest) == SQLITE_OK;
    if (ok) {
        sqlite3_busy_timeout(source, 5000);
        sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
        ok = backup && sqlite3_backup_step(backup, -1) == SQLITE_DONE;
        ok = sqlite3_backup_finish(backup) == SQLITE_OK && ok;
    }
    sqlite3_close(source);
    sqlite3_close(dest);
    return ok;
}

// Active alerts of `kind` at a region, about `subject`.
std::vector<v1::Alert> activeAlerts(TestClient& client, const std::string& kind,
                                    const std::string& subject) {
    v1::ListAlertsRequest request;
    v1::ListAlertsResponse response;
    auto context = client.context();
    std::vector<v1::Alert> out;
    if (!client.replication().ListAlerts(context.get(), request, &response).ok())
        return out;
    for (const auto& a : response.alerts())
        if (a.kind() == kind && a.subject() == subject && a.cleared_at() == 0)
            out.push_back(a);
    return out;
}

}  // namespace

class ReplicationRestoreTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void restoredFromBackupLosesNothing();
    void replacedByEmptyDatabaseLosesNothing();

private:
    std::unique_ptr<TestCluster> m_cluster;
};

void ReplicationRestoreTest::init() {
    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client(r)), 7, 15000);
}

void ReplicationRestoreTest::cleanup() {
    if (QTest::currentTestFailed()) {
        for (const char* r : {"us1", "eu1", "eu2"})
            qInfo("%s said:\n%s", r, qPrintable(m_cluster->output(r)));
    }
    m_cluster.reset();
}

void ReplicationRestoreTest::restoredFromBackupLosesNothing() {
    auto& eu1 = m_cluster->client("eu1");
    QVERIFY(writeIds(eu1, 1, 100).ok());
    for (const char* r : {"us1", "eu2"})
        QTRY_VERIFY_WITH_TIMEOUT(allPresent(m_cluster->client(r), idRange(1, 100)), 15000);

    // Last night's backup, taken while eu1 serves (SQLite's online backup).
    const QString backup = m_cluster->dataDir("eu1") + "-backup";
    std::filesystem::create_directories(backup.toStdString());
    QVERIFY(hotBackup(m_cluster->dataDir("eu1") + "/region.db", backup + "/region.db"));

    // Today's writes, acknowledged and applied by both peers.
    QVERIFY(writeIds(m_cluster->client("eu1"), 101, 100).ok());
    for (const char* r : {"us1", "eu2"})
        QTRY_VERIFY_WITH_TIMEOUT(allPresent(m_cluster->client(r), idRange(101, 100)), 15000);

    // The disk is lost; eu1 comes back on the backup.
    m_cluster->kill("eu1");
    for (const auto& f : databaseFiles(m_cluster->dataDir("eu1")))
        std::filesystem::remove(f);
    for (const auto& f : databaseFiles(backup))
        std::filesystem::copy_file(
            f, std::filesystem::path(m_cluster->dataDir("eu1").toStdString()) / f.filename());
    QVERIFY(m_cluster->start("eu1"));
    QVERIFY(m_cluster->client("eu1").waitHealthy());

    // Its new writes reuse sequence numbers the peers had already applied, and still reach
    // them.
    QVERIFY(writeIds(m_cluster->client("eu1"), 201, 100).ok());
    for (const char* r : {"us1", "eu2"})
        QTRY_VERIFY2_WITH_TIMEOUT(allPresent(m_cluster->client(r), idRange(201, 100)),
                                  qPrintable(QString("writes after the restore missing in ") + r),
                                  20000);
    // What it wrote after the backup comes back from the peers that applied it.
    QTRY_VERIFY2_WITH_TIMEOUT(allPresent(m_cluster->client("eu1"), idRange(1, 300)),
                              "eu1 did not get back the writes it lost", 30000);
    // Everyone says what happened.
    for (const char* r : {"us1", "eu2"}) {
        QTRY_VERIFY_WITH_TIMEOUT(!activeAlerts(m_cluster->client(r), "peer_rewound", "eu1").empty(),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!activeAlerts(m_cluster->client("eu1"), "log_rewound", r).empty(),
                                 10000);
    }
    const auto alert = activeAlerts(m_cluster->client("eu1"), "log_rewound", "us1").front();
    QVERIFY2(QString::fromStdString(alert.message()).contains("restored from an older copy"),
             alert.message().c_str());
    QVERIFY2(QString::fromStdString(alert.message()).contains("again after seq 100"),
             alert.message().c_str());
    QCOMPARE(alert.severity(), std::string("critical"));

    // And it goes on replicating as before, both ways.
    QVERIFY(writeIds(m_cluster->client("eu1"), 301, 50).ok());
    QVERIFY(writeIds(m_cluster->client("us1"), 351, 50).ok());
    for (const char* r : {"us1", "eu1", "eu2"})
        QTRY_VERIFY_WITH_TIMEOUT(allPresent(m_cluster->client(r), idRange(1, 400)), 20000);
}

void ReplicationRestoreTest::replacedByEmptyDatabaseLosesNothing() {
    QVERIFY(writeIds(m_cluster->client("eu1"), 1, 200).ok());
    for (const char* r : {"us1", "eu2"})
        QTRY_VERIFY_WITH_TIMEOUT(allPresent(m_cluster->client(r), idRange(1, 200)), 15000);

    // A new disk: eu1 starts on an empty data directory and learns the registry again.
    m_cluster->kill("eu1");
    for (const auto& f : databaseFiles(m_cluster->dataDir("eu1")))
        std::filesystem::remove(f);
    QVERIFY(m_cluster->start("eu1"));
    QVERIFY(m_cluster->client("eu1").waitHealthy());
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client("eu1")), 7, 15000);

    QVERIFY(writeIds(m_cluster->client("eu1"), 201, 100).ok());
    for (const char* r : {"us1", "eu2"})
        QTRY_VERIFY2_WITH_TIMEOUT(
            allPresent(m_cluster->client(r), idRange(201, 100)),
            qPrintable(QString("writes after the replacement missing in ") + r), 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(allPresent(m_cluster->client("eu1"), idRange(1, 300)),
                              "eu1 did not get back the writes it lost", 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!activeAlerts(m_cluster->client("us1"), "peer_rewound", "eu1").empty(),
                             10000);
    const auto alert = activeAlerts(m_cluster->client("us1"), "peer_rewound", "eu1").front();
    QVERIFY2(QString::fromStdString(alert.message()).contains("never had"),
             alert.message().c_str());
}

QTEST_GUILESS_MAIN(ReplicationRestoreTest)
#include "tst_replication_restore.moc"
