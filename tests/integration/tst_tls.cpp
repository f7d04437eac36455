// Regions over TLS: three real stores with certificates from a CA of the test's own (the demo's
// openssl recipe) replicate to each other over mutual TLS, meridianctl reaches them with the
// deployment's CA; a plaintext client, a client of another CA, a certificate for another name,
// and a replication call without the requester's certificate are all turned away; a store
// asked to serve plaintext on a non-loopback address refuses to start.

#include <QtTest>

#include "client/regionchannel.h"
#include "demo/localca.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// Trusting `ca`, checking the name `serverName`, without a certificate of its own.
client::TlsSettings anonymousTls(const std::string& ca, const std::string& serverName) {
    client::TlsSettings tls;
    tls.caFile = ca;
    tls.serverName = serverName;
    return tls;
}

grpc::Status health(TestClient& client) {
    v1::HealthResponse response;
    auto ctx = client.context(std::chrono::seconds(5));
    return client.admin().Health(ctx.get(), v1::HealthRequest{}, &response);
}

grpc::Status listPartitionsAs(TestClient& client, const std::string& requester) {
    v1::ListPartitionsRequest request;
    request.set_requester(requester);
    request.set_project("rep");
    request.set_feature_view("aa_view");
    v1::ListPartitionsResponse response;
    auto ctx = client.context(std::chrono::seconds(5));
    return client.replication().ListPartitions(ctx.get(), request, &response);
}

QString describe(const grpc::Status& st) {
    return QStringLiteral("code %1: %2")
        .arg(int(st.error_code()))
        .arg(QString::fromStdString(st.error_message()));
}

}  // namespace

class TlsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void regionsReplicateOverMutualTls();
    void strangersAreTurnedAway_data();
    void strangersAreTurnedAway();
    void replicationAsAnotherRegionIsRefused();
    void meridianctlTalksTlsWithTheDeploymentsCa();
    void plaintextOnTheNetworkIsRefused();
    void cleanupTestCase();

private:
    client::TlsSettings operatorTls(const std::string& region) const {
        return {.caFile = m_ca.caFile,
                .certFile = m_ca.clients.at("ops").certFile,
                .keyFile = m_ca.clients.at("ops").keyFile,
                .serverName = region};
    }

    QTemporaryDir m_pki;
    demo::LocalCa m_ca;
    demo::LocalCa m_rogue;
    std::unique_ptr<TestCluster> m_cluster;
};

void TlsTest::initTestCase() {
    QVERIFY(m_pki.isValid());
    auto ca = demo::makeLocalCa(m_pki.filePath("pki").toStdString(), {"us1", "eu1", "eu2"}, {"ops"},
                                "Meridian test CA");
    QVERIFY2(ca.ok(), std::string(ca.status().message()).c_str());
    m_ca = *ca;
    // Another CA issuing a certificate with a region's name: nobody may trust it.
    auto rogue = demo::makeLocalCa(m_pki.filePath("rogue").toStdString(), {"eu1"}, {}, "Rogue CA");
    QVERIFY2(rogue.ok(), std::string(rogue.status().message()).c_str());
    m_rogue = *rogue;
    // Made again, the CA is kept, not replaced: certificates issued before stay valid.
    QFile caFile(QString::fromStdString(m_ca.caFile));
    QVERIFY(caFile.open(QIODevice::ReadOnly));
    const QByteArray caBefore = caFile.readAll();
    caFile.close();
    QVERIFY(demo::makeLocalCa(m_pki.filePath("pki").toStdString(), {"us1"}, {}).ok());
    QVERIFY(caFile.open(QIODevice::ReadOnly));
    QCOMPARE(caFile.readAll(), caBefore);

    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    for (const char* region : {"us1", "eu1", "eu2"}) {
        const auto& files = m_ca.regions.at(region);
        m_cluster->setExtraArgs(
            region, {QStringLiteral("--tls-cert"), QString::fromStdString(files.certFile),
                     QStringLiteral("--tls-key"), QString::fromStdString(files.keyFile),
                     QStringLiteral("--tls-ca"), QString::fromStdString(m_ca.caFile)});
    }
    m_cluster->setChannelFactory([this](const std::string& region, const std::string& endpoint) {
        return tlsChannel(endpoint, operatorTls(region));
    });
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"us1", "eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client(r)), 7, 15000);
}

void TlsTest::regionsReplicateOverMutualTls() {
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> rows;
    for (int64_t id = 1; id <= 200; ++id)
        rows.push_back({id, now - id * 1000, 1.5 * id, "over-tls-" + std::to_string(id)});
    QVERIFY(writeRep(m_cluster->client("eu1"), "aa_view", rows).ok());
    const auto ids = idRange(1, 200);
    for (const char* r : {"us1", "eu2"}) {
        QTRY_COMPARE_WITH_TIMEOUT(
            readRep(m_cluster->client(r), "aa_view", ids).value_or(RepValues{}).size(), size_t(200),
            20000);
    }
    auto values = readRep(m_cluster->client("us1"), "aa_view", {7});
    QVERIFY(values.has_value());
    QCOMPARE(values->at(7).second, std::string("over-tls-7"));
}

void TlsTest::strangersAreTurnedAway_data() {
    QTest::addColumn<int>("kind");
    QTest::newRow("plaintext client") << 0;
    QTest::newRow("client certificate of another CA") << 1;
    QTest::newRow("server checked against another CA") << 2;
    QTest::newRow("server name not on its certificate") << 3;
}

void TlsTest::strangersAreTurnedAway() {
    QFETCH(int, kind);
    const std::string endpoint = m_cluster->endpoint("eu1");
    std::unique_ptr<TestClient> stranger;
    switch (kind) {
        case 0:
            stranger = std::make_unique<TestClient>(endpoint);
            break;
        case 1:
            stranger = std::make_unique<TestClient>(
                tlsChannel(endpoint, {.caFile = m_ca.caFile,
                                      .certFile = m_rogue.regions.at("eu1").certFile,
                                      .keyFile = m_rogue.regions.at("eu1").keyFile,
                                      .serverName = "eu1"}));
            break;
        case 2:
            stranger = std::make_unique<TestClient>(
                tlsChannel(endpoint, anonymousTls(m_rogue.caFile, "eu1")));
            break;
        default:
            stranger = std::make_unique<TestClient>(
                tlsChannel(endpoint, anonymousTls(m_ca.caFile, "eu2")));
            break;
    }
    const auto st = health(*stranger);
    QVERIFY2(st.error_code() == grpc::StatusCode::UNAVAILABLE, qPrintable(describe(st)));
    // The region itself is fine for those it trusts.
    QVERIFY(health(m_cluster->client("eu1")).ok());
}

void TlsTest::replicationAsAnotherRegionIsRefused() {
    const std::string endpoint = m_cluster->endpoint("eu1");
    // TLS without a client certificate: the region cannot know who asks.
    TestClient anonymous(tlsChannel(endpoint, anonymousTls(m_ca.caFile, "eu1")));
    QVERIFY(health(anonymous).ok());
    auto st = listPartitionsAs(anonymous, "us1");
    QVERIFY2(st.error_code() == grpc::StatusCode::UNAUTHENTICATED, qPrintable(describe(st)));
    // eu2's certificate asking as us1.
    TestClient impostor(tlsChannel(endpoint, {.caFile = m_ca.caFile,
                                              .certFile = m_ca.regions.at("eu2").certFile,
                                              .keyFile = m_ca.regions.at("eu2").keyFile,
                                              .serverName = "eu1"}));
    st = listPartitionsAs(impostor, "us1");
    QVERIFY2(st.error_code() == grpc::StatusCode::PERMISSION_DENIED, qPrintable(describe(st)));
    QVERIFY2(st.error_message().find("eu2") != std::string::npos &&
                 st.error_message().find("us1") != std::string::npos,
             st.error_message().c_str());
    // An operator's certificate is not a region's.
    st = listPartitionsAs(m_cluster->client("eu1"), "us1");
    QVERIFY2(st.error_code() == grpc::StatusCode::PERMISSION_DENIED, qPrintable(describe(st)));
    // As itself, eu2 may.
    st = listPartitionsAs(impostor, "eu2");
    QVERIFY2(st.ok(), qPrintable(describe(st)));
}

void TlsTest::meridianctlTalksTlsWithTheDeploymentsCa() {
    QTemporaryDir dir;
    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), dir.path());
    const QString endpoint = QString::fromStdString(m_cluster->endpoint("eu1"));
    const auto& ops = m_ca.clients.at("ops");
    auto run = ctl.run({QStringLiteral("--endpoint"), endpoint, QStringLiteral("--tls-ca"),
                        QString::fromStdString(m_ca.caFile), QStringLiteral("--tls-cert"),
                        QString::fromStdString(ops.certFile), QStringLiteral("--tls-key"),
                        QString::fromStdString(ops.keyFile), QStringLiteral("--tls-server-name"),
                        QStringLiteral("eu1"), QStringLiteral("status")});
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains(QStringLiteral("eu1")), qPrintable(run.out));
    // Plaintext against a TLS region: unreachable, and the message says what to try.
    run = ctl.run({QStringLiteral("--endpoint"), endpoint, QStringLiteral("status")});
    CHECK_RUN(run, 3);
    QVERIFY2(run.err.contains(QStringLiteral("--tls-ca")), qPrintable(run.err));
    // A key without its certificate is refused before anything is sent.
    run = ctl.run({QStringLiteral("--endpoint"), endpoint, QStringLiteral("--tls-ca"),
                   QString::fromStdString(m_ca.caFile), QStringLiteral("--tls-key"),
                   QString::fromStdString(ops.keyFile), QStringLiteral("status")});
    CHECK_RUN(run, 2);
    QVERIFY2(run.err.contains(QStringLiteral("--tls-cert")), qPrintable(run.err));

    // A deployment file naming the CA and the operator's certificate: every region reached.
    QFile in(m_cluster->deploymentPath());
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(in.readAll());
    yaml += QStringLiteral("tls: {ca: \"%1\", client_cert: \"%2\", client_key: \"%3\"}\n")
                .arg(QString::fromStdString(m_ca.caFile), QString::fromStdString(ops.certFile),
                     QString::fromStdString(ops.keyFile));
    const QString deployment = dir.filePath(QStringLiteral("tls-deployment.yaml"));
    QFile out(deployment);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(yaml.toUtf8());
    out.close();
    run = ctl.run({QStringLiteral("lag"), QStringLiteral("--deployment"), deployment});
    CHECK_RUN(run, 0);
    for (const char* r : {"us1", "eu1", "eu2"})
        QVERIFY2(run.out.contains(QString::fromLatin1(r)), qPrintable(run.out));
    QVERIFY2(!run.out.contains(QStringLiteral("unreachable")), qPrintable(run.out));
}

void TlsTest::plaintextOnTheNetworkIsRefused() {
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(QStringLiteral("x"));
    QProcess store;
    store.start(QStringLiteral(MERIDIAN_STORE_BINARY),
                {QStringLiteral("--region"), QStringLiteral("x"), QStringLiteral("--data-dir"),
                 dataDir, QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
    QVERIFY(store.waitForFinished(20000));
    QCOMPARE(store.exitStatus(), QProcess::NormalExit);
    QVERIFY(store.exitCode() != 0);
    const QString err = QString::fromUtf8(store.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("--insecure-plaintext-on-network")), qPrintable(err));
    QVERIFY2(!QFile::exists(dataDir + QStringLiteral("/region.db")), "nothing is created");

    // A certificate that is not PEM is named.
    const QString bogus = dir.filePath(QStringLiteral("bogus.pem"));
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a certificate\n");
    f.close();
    store.start(QStringLiteral(MERIDIAN_STORE_BINARY),
                {QStringLiteral("--region"), QStringLiteral("x"), QStringLiteral("--data-dir"),
                 dataDir, QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--tls-cert"), bogus, QStringLiteral("--tls-key"),
                 QString::fromStdString(m_ca.regions.at("us1").keyFile)});
    QVERIFY(store.waitForFinished(20000));
    QVERIFY(store.exitCode() != 0);
    const QString err2 = QString::fromUtf8(store.readAllStandardError());
    QVERIFY2(err2.contains(bogus) && err2.contains(QStringLiteral("PEM")), qPrintable(err2));
}

void TlsTest::cleanupTestCase() {
    m_cluster.reset();
}

QTEST_GUILESS_MAIN(TlsTest)
#include "tst_tls.moc"
