// Who may do what, on real stores: three regions over mutual TLS whose token files require a
// token on every call. Every method of every service refuses a caller without a valid token
// (UNAUTHENTICATED) and one whose role falls short (PERMISSION_DENIED), changing nothing; a
// viewer can look but not sync, an operator can sync but not change the registry, an admin
// can; a revoked token stops working at once; row writes are audited per principal and minute;
// regions still replicate, as peers, by their certificates; every attempt is in the audit log under
// the token's name; and the token files hold no token, and they and the databases are readable by
// their owner only.

#include <QtTest>

#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <sys/stat.h>

#include "access/roles.h"
#include "client/regionchannel.h"
#include "demo/localca.h"
#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// `method` ("meridian.v1.Registry.Apply") called with an empty request, over `client`'s
// channel with its token.
grpc::Status callEmpty(TestClient& client, const std::string& method) {
    const auto dot = method.rfind('.');
    const std::string path = "/" + method.substr(0, dot) + "/" + method.substr(dot + 1);
    grpc::ByteBuffer request;
    grpc::Slice empty("", 0);
    request = grpc::ByteBuffer(&empty, 1);
    grpc::ByteBuffer response;
    auto ctx = client.context(std::chrono::seconds(3));
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        client.channel().get(),
        grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC), ctx.get(),
        request, &response);
}

bool refusedForRole(const grpc::Status& st) {
    return st.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
           st.error_message().find(" needs ") != std::string::npos;
}

QString describe(const std::string& method, const grpc::Status& st) {
    return QStringLiteral("%1: code %2: %3")
        .arg(QString::fromStdString(method))
        .arg(int(st.error_code()))
        .arg(QString::fromStdString(st.error_message()));
}

struct Figures {
    int64_t seq = 0;
    int64_t objects = 0;
    int64_t onlineRows = 0;
};

Figures figuresOf(TestClient& admin) {
    v1::StatsResponse stats;
    auto ctx = admin.context();
    if (!admin.admin().Stats(ctx.get(), v1::StatsRequest{}, &stats).ok())
        return {-1, -1, -1};
    return {stats.changelog_seq(), stats.registry_objects(), stats.online_rows()};
}

v1::StatsResponse statsOf(TestClient& admin) {
    v1::StatsResponse stats;
    auto ctx = admin.context();
    admin.admin().Stats(ctx.get(), v1::StatsRequest{}, &stats);
    return stats;
}

}  // namespace

class AccessTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyMethodNeedsAValidToken();
    void rolesDecideWhatEachMayCall();
    void viewerLooksOperatorSyncsAdminApplies();
    void regionsReplicateAsPeers();
    void revokedTokenStopsWorking();
    void everyAttemptIsAudited();
    void tokenFilesHoldNoToken();
    void networkWithoutTokensIsRefused();
    void cleanupTestCase();

private:
    client::TlsSettings opsTls(const std::string& region) const {
        return {.caFile = m_ca.caFile,
                .certFile = m_ca.clients.at("ops").certFile,
                .keyFile = m_ca.clients.at("ops").keyFile,
                .serverName = region};
    }
    // A client of `region` with `token` (none when empty), over TLS with the ops certificate.
    std::unique_ptr<TestClient> clientWith(const std::string& region, const std::string& token) {
        auto c =
            std::make_unique<TestClient>(tlsChannel(m_cluster->endpoint(region), opsTls(region)));
        c->setToken(token);
        return c;
    }
    // meridianctl `args` with `token`, given the deployment unless `endpointOnly`.
    CtlRun ctl(const QStringList& args, const std::string& token, bool endpointOnly = false) const {
        CtlProcess p(QStringLiteral(MERIDIANCTL_BINARY), m_dir.path());
        if (!token.empty())
            p.setEnvironmentVariable(QStringLiteral("MERIDIAN_TOKEN"),
                                     QString::fromStdString(token));
        return p.run(
            endpointOnly ? args : args + QStringList{QStringLiteral("--deployment"), m_deployment});
    }
    QString tokenFile(const char* region) const {
        return m_dir.filePath(QStringLiteral("tokens-%1.yaml").arg(QLatin1String(region)));
    }
    std::string makeToken(const QString& role, const QString& name) {
        auto run = ctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                        role, QStringLiteral("--name"), name},
                       m_admin);
        if (run.exitCode != 0) {
            qWarning("%s", qPrintable(describeRun(run, 0)));
            return {};
        }
        return run.out.trimmed().toStdString();
    }

    QTemporaryDir m_dir;
    demo::LocalCa m_ca;
    std::unique_ptr<TestCluster> m_cluster;
    QString m_deployment;  // the cluster's, with the CA and the ops certificate
    std::string m_admin, m_viewer, m_operator;
};

void AccessTest::initTestCase() {
    QVERIFY(m_dir.isValid());
    auto ca = demo::makeLocalCa(m_dir.filePath("pki").toStdString(), {"us1", "eu1", "eu2"}, {"ops"},
                                "Meridian access test CA");
    QVERIFY2(ca.ok(), std::string(ca.status().message()).c_str());
    m_ca = *ca;

    // The first admin token, written into a token file before any region runs: the bootstrap.
    CtlProcess offline(QStringLiteral(MERIDIANCTL_BINARY), m_dir.path());
    auto run =
        offline.run({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                     QStringLiteral("admin"), QStringLiteral("--name"), QStringLiteral("root"),
                     QStringLiteral("--file"), tokenFile("us1")});
    CHECK_RUN(run, 0);
    m_admin = run.out.trimmed().toStdString();
    QVERIFY2(m_admin.rfind("mrd_", 0) == 0, m_admin.c_str());
    for (const char* r : {"eu1", "eu2"})
        QVERIFY(QFile::copy(tokenFile("us1"), tokenFile(r)));

    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    for (const char* region : {"us1", "eu1", "eu2"}) {
        const auto& files = m_ca.regions.at(region);
        m_cluster->setExtraArgs(
            region, {QStringLiteral("--tls-cert"), QString::fromStdString(files.certFile),
                     QStringLiteral("--tls-key"), QString::fromStdString(files.keyFile),
                     QStringLiteral("--tls-ca"), QString::fromStdString(m_ca.caFile),
                     QStringLiteral("--tokens"), tokenFile(region)});
    }
    m_cluster->setChannelFactory([this](const std::string& region, const std::string& endpoint) {
        return tlsChannel(endpoint, opsTls(region));
    });
    QVERIFY(m_cluster->startAll());
    for (const char* r : {"us1", "eu1", "eu2"})
        m_cluster->client(r).setToken(m_admin);
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"us1", "eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client(r)), 7, 15000);

    // meridianctl reaches every region through a deployment file naming the CA and a
    // certificate, and makes the other tokens there with the admin's.
    QFile in(m_cluster->deploymentPath());
    QVERIFY(in.open(QIODevice::ReadOnly));
    const auto& ops = m_ca.clients.at("ops");
    const QString yaml =
        QString::fromUtf8(in.readAll()) +
        QStringLiteral("tls: {ca: \"%1\", client_cert: \"%2\", client_key: \"%3\"}\n")
            .arg(QString::fromStdString(m_ca.caFile), QString::fromStdString(ops.certFile),
                 QString::fromStdString(ops.keyFile));
    m_deployment = m_dir.filePath(QStringLiteral("deployment-tls.yaml"));
    QFile out(m_deployment);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(yaml.toUtf8());
    out.close();
    m_viewer = makeToken(QStringLiteral("viewer"), QStringLiteral("vera"));
    m_operator = makeToken(QStringLiteral("operator"), QStringLiteral("otto"));
    QVERIFY(!m_viewer.empty() && !m_operator.empty());
}

void AccessTest::everyMethodNeedsAValidToken() {
    auto& admin = m_cluster->client("us1");
    const Figures before = figuresOf(admin);
    const auto unauthenticatedBefore = statsOf(admin).unauthenticated_calls();
    const std::string unknown = "mrd_0123456789ab_" + std::string(43, 'A');
    const std::string forged = m_admin.substr(0, m_admin.size() - 4) + "AAAA";
    int calls = 0;
    for (const std::string& token : {std::string(), std::string("not-a-token"), unknown, forged}) {
        auto caller = clientWith("us1", token);
        for (const auto& method : access::allMethods()) {
            const auto st = callEmpty(*caller, method);
            if (method == "meridian.v1.Admin.Health" && token.empty()) {
                QVERIFY2(st.ok(), qPrintable(describe(method, st)));
                continue;
            }
            QVERIFY2(st.error_code() == grpc::StatusCode::UNAUTHENTICATED,
                     qPrintable(describe(method, st)));
            ++calls;
        }
    }
    QVERIFY(calls > 4 * 30);
    // Nothing changed, and every refusal was counted.
    const Figures after = figuresOf(admin);
    QCOMPARE(after.objects, before.objects);
    QCOMPARE(after.onlineRows, before.onlineRows);
    QCOMPARE(statsOf(admin).unauthenticated_calls() - unauthenticatedBefore, int64_t(calls));
}

void AccessTest::rolesDecideWhatEachMayCall() {
    auto& admin = m_cluster->client("us1");
    const Figures before = figuresOf(admin);
    struct Who {
        const char* name;
        v1::Role role;
        std::unique_ptr<TestClient> client;
    };
    std::vector<Who> callers;
    callers.push_back({"viewer", v1::ROLE_VIEWER, clientWith("us1", m_viewer)});
    callers.push_back({"operator", v1::ROLE_OPERATOR, clientWith("us1", m_operator)});
    callers.push_back({"admin", v1::ROLE_ADMIN, clientWith("us1", m_admin)});
    // eu2, by its certificate: a peer.
    callers.push_back({"peer eu2", v1::ROLE_PEER,
                       std::make_unique<TestClient>(tlsChannel(
                           m_cluster->endpoint("us1"), {.caFile = m_ca.caFile,
                                                        .certFile = m_ca.regions.at("eu2").certFile,
                                                        .keyFile = m_ca.regions.at("eu2").keyFile,
                                                        .serverName = "us1"}))});
    int refused = 0;
    for (auto& who : callers) {
        for (const auto& method : access::allMethods()) {
            auto rule = access::ruleOf(method);
            QVERIFY2(rule.ok(), method.c_str());
            const bool allowed = access::permits(who.role, *rule);
            const auto st = callEmpty(*who.client, method);
            const QString what =
                QString::fromLatin1(who.name) + QStringLiteral(" → ") + describe(method, st);
            QVERIFY2(st.error_code() != grpc::StatusCode::UNAUTHENTICATED, qPrintable(what));
            QVERIFY2(refusedForRole(st) == !allowed, qPrintable(what));
            refused += !allowed;
        }
    }
    // The viewer alone is refused every write, sync, purge and token call.
    QVERIFY(refused >= 15);
    const Figures after = figuresOf(admin);
    QCOMPARE(after.objects, before.objects);
    QCOMPARE(after.onlineRows, before.onlineRows);
    QVERIFY(statsOf(admin).denied_calls() >= refused);
}

void AccessTest::viewerLooksOperatorSyncsAdminApplies() {
    const QString us1 = QString::fromStdString(m_cluster->endpoint("us1"));
    const QStringList list = {QStringLiteral("lag")};
    const QStringList sync = {QStringLiteral("sync"),    QStringLiteral("--from"),
                              QStringLiteral("eu1"),     QStringLiteral("--to"),
                              QStringLiteral("us1"),     QStringLiteral("--kind"),
                              QStringLiteral("catch-up")};
    const QString repo = QStringLiteral(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml");
    // The project with a description: a new version when applied.
    QFile in(repo);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(in.readAll());
    const QString changed = m_dir.filePath(QStringLiteral("repo-v2.yaml"));
    {
        QFile out(changed);
        QVERIFY(out.open(QIODevice::WriteOnly));
        text.replace(QStringLiteral("project:\n  name: rep\n"),
                     QStringLiteral("project:\n  name: rep\n  description: second version\n"));
        out.write(text.toUtf8());
    }
    const QStringList apply = {QStringLiteral("--endpoint"),
                               us1,
                               QStringLiteral("--tls-ca"),
                               QString::fromStdString(m_ca.caFile),
                               QStringLiteral("--tls-server-name"),
                               QStringLiteral("us1"),
                               QStringLiteral("apply"),
                               QStringLiteral("--file"),
                               changed};

    // No token at all: the hint says how to give one.
    auto run = ctl(list, "");
    QVERIFY2(run.err.contains(QStringLiteral("MERIDIAN_TOKEN")), qPrintable(describeRun(run, 0)));

    // The viewer looks, but may not sync nor apply.
    CHECK_RUN(ctl(list, m_viewer), 0);
    run = ctl(sync, m_viewer);
    CHECK_RUN(run, 1);
    QVERIFY2(run.err.contains(QStringLiteral("vera is a viewer")) &&
                 run.err.contains(QStringLiteral("needs an operator")),
             qPrintable(run.err));
    run = ctl(apply, m_viewer, true);
    CHECK_RUN(run, 1);
    QVERIFY2(run.err.contains(QStringLiteral("needs an admin")), qPrintable(run.err));

    // The operator syncs, but may not apply.
    run = ctl(sync, m_operator);
    CHECK_RUN(run, 0);
    run = ctl(apply, m_operator, true);
    CHECK_RUN(run, 1);
    QVERIFY2(run.err.contains(QStringLiteral("otto is an operator")), qPrintable(run.err));

    // The admin applies; the registry and the job name who did it, not the tool.
    CHECK_RUN(ctl(apply, m_admin, true), 0);
    auto jobs = CtlProcess(QStringLiteral(MERIDIANCTL_BINARY), m_dir.path());
    jobs.setEnvironmentVariable(QStringLiteral("MERIDIAN_TOKEN"), QString::fromStdString(m_viewer));
    const QJsonObject listed =
        jobs.json({QStringLiteral("jobs"), QStringLiteral("--deployment"), m_deployment});
    bool byOtto = false;
    for (const auto& j : listed[QStringLiteral("jobs")].toArray())
        byOtto = byOtto ||
                 j.toObject()[QStringLiteral("started_by")].toString() == QStringLiteral("otto");
    QVERIFY2(byOtto, qPrintable(QJsonDocument(listed).toJson()));
    v1::ListObjectsRequest request;
    request.set_kind(v1::PROJECT);
    v1::ListObjectsResponse objects;
    auto ctx = m_cluster->client("us1").context();
    QVERIFY(m_cluster->client("us1").registry().ListObjects(ctx.get(), request, &objects).ok());
    QVERIFY(objects.objects_size() > 0);
    QCOMPARE(QString::fromStdString(objects.objects(0).meta().applied_by()),
             QStringLiteral("root"));
    QVERIFY(objects.objects(0).meta().version() >= 2);
}

void AccessTest::regionsReplicateAsPeers() {
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    std::vector<RepRow> rows;
    for (int64_t id = 1; id <= 100; ++id)
        rows.push_back({id, now - id * 1000, 2.5 * id, "peer-" + std::to_string(id)});
    auto writer = clientWith("eu1", m_operator);
    QVERIFY(writeRep(*writer, "aa_view", rows).ok());
    // A viewer may not write rows.
    auto viewer = clientWith("eu1", m_viewer);
    const auto refused = writeRep(*viewer, "aa_view", rows);
    QVERIFY2(refusedForRole(refused), refused.error_message().c_str());
    const auto ids = idRange(1, 100);
    auto reader = clientWith("us1", m_viewer);
    QTRY_COMPARE_WITH_TIMEOUT(readRep(*reader, "aa_view", ids).value_or(RepValues{}).size(),
                              size_t(100), 20000);
}

void AccessTest::revokedTokenStopsWorking() {
    const std::string temp = makeToken(QStringLiteral("viewer"), QStringLiteral("temp"));
    QVERIFY(!temp.empty());
    auto c = clientWith("eu2", temp);
    QVERIFY(callEmpty(*c, "meridian.v1.Admin.WhoAmI").ok());
    auto run = ctl({QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("--name"),
                    QStringLiteral("temp")},
                   m_admin);
    CHECK_RUN(run, 0);
    QCOMPARE(run.out.count(QStringLiteral("revoked token")), 3);
    const auto st = callEmpty(*c, "meridian.v1.Admin.WhoAmI");
    QVERIFY2(st.error_code() == grpc::StatusCode::UNAUTHENTICATED &&
                 st.error_message().find("revoked") != std::string::npos,
             st.error_message().c_str());
    // Listed as revoked, by whom.
    const QJsonObject listed = [&] {
        CtlProcess p(QStringLiteral(MERIDIANCTL_BINARY), m_dir.path());
        p.setEnvironmentVariable(QStringLiteral("MERIDIAN_TOKEN"), QString::fromStdString(m_admin));
        return p.json({QStringLiteral("token"), QStringLiteral("list"), QStringLiteral("--all"),
                       QStringLiteral("--deployment"), m_deployment});
    }();
    bool seen = false;
    for (const auto& t : listed[QStringLiteral("tokens")].toArray()) {
        const auto o = t.toObject();
        if (o[QStringLiteral("name")].toString() == QStringLiteral("temp")) {
            seen = true;
            QCOMPARE(o[QStringLiteral("revoked_by")].toString(), QStringLiteral("root"));
            // Listings never carry what proves a token.
            QVERIFY(o.value(QStringLiteral("hmac_sha256")).toString().isEmpty());
            QVERIFY(o.value(QStringLiteral("salt")).toString().isEmpty());
        }
    }
    QVERIFY2(seen, qPrintable(QJsonDocument(listed).toJson()));
    // A viewer may not make tokens.
    run = ctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
               QStringLiteral("admin"), QStringLiteral("--name"), QStringLiteral("mallory")},
              m_viewer);
    CHECK_RUN(run, 1);
}

void AccessTest::everyAttemptIsAudited() {
    CtlProcess p(QStringLiteral(MERIDIANCTL_BINARY), m_dir.path());
    p.setEnvironmentVariable(QStringLiteral("MERIDIAN_TOKEN"), QString::fromStdString(m_viewer));
    // Refusals are written without waiting: poll until the last ones are there.
    auto find = [&](const QString& principal, const QString& action, bool denied,
                    const QString& target = {}) {
        const QJsonObject audit =
            p.json({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("10000"),
                    QStringLiteral("--deployment"), m_deployment});
        for (const auto& r : audit[QStringLiteral("records")].toArray()) {
            const auto o = r.toObject();
            if (o[QStringLiteral("principal")].toString() == principal &&
                o[QStringLiteral("action")].toString() == action &&
                o[QStringLiteral("denied")].toBool() == denied &&
                (target.isEmpty() || o[QStringLiteral("target")].toString() == target) &&
                !o[QStringLiteral("request_id")].toString().isEmpty())
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("root"), QStringLiteral("registry.apply"), false),
                             10000);
    QVERIFY(find(QStringLiteral("otto"), QStringLiteral("sync"), false));
    QVERIFY(find(QStringLiteral("root"), QStringLiteral("token_create"), false));
    QVERIFY(find(QStringLiteral("root"), QStringLiteral("token_revoke"), false));
    QTRY_VERIFY_WITH_TIMEOUT(
        find(QStringLiteral("vera"), QStringLiteral("Replication.TriggerSync"), true,
             QStringLiteral("eu1 → us1")),  // a refusal names what the call was about
        10000);
    QVERIFY(find(QStringLiteral("otto"), QStringLiteral("Registry.Apply"), true));
    QVERIFY(find(QStringLiteral("unauthenticated"), QStringLiteral("Registry.Apply"), true));
    // Row writes are summed per principal, view and minute; a store that stops writes what it
    // has counted.
    QVERIFY(m_cluster->stop("eu1"));
    QVERIFY(m_cluster->start("eu1"));
    m_cluster->client("eu1").setToken(m_admin);
    QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("otto"), QStringLiteral("write_rows"), false),
                             15000);
}

void AccessTest::tokenFilesHoldNoToken() {
    for (const char* r : {"us1", "eu1", "eu2"}) {
        QFile f(tokenFile(r));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        for (const auto& token : {m_admin, m_viewer, m_operator}) {
            // mrd_ + 12 hex digits + _ + the secret (whose alphabet has _ in it too).
            const std::string secret = token.substr(4 + 12 + 1);
            QVERIFY(secret.size() >= 43);
            QVERIFY2(!text.contains(QByteArray::fromStdString(secret)), r);
            QVERIFY(text.contains(QByteArray::fromStdString(token.substr(4, 12))));
        }
        struct stat st {};
        QCOMPARE(::stat(tokenFile(r).toLocal8Bit().constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        // The region's data is its user's alone too.
        for (const char* file : {"region.db", "region.db-wal"}) {
            const QString path = m_cluster->dataDir(r) + QLatin1Char('/') + QLatin1String(file);
            QCOMPARE(::stat(path.toLocal8Bit().constData(), &st), 0);
            QVERIFY2((st.st_mode & 0077) == 0, qPrintable(path));
        }
    }
}

void AccessTest::networkWithoutTokensIsRefused() {
    QTemporaryDir dir;
    const QString dataDir = dir.filePath(QStringLiteral("x"));
    QProcess store;
    store.start(QStringLiteral(MERIDIAN_STORE_BINARY),
                {QStringLiteral("--region"), QStringLiteral("x"), QStringLiteral("--data-dir"),
                 dataDir, QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                 QStringLiteral("--insecure-plaintext-on-network")});
    QVERIFY(store.waitForFinished(20000));
    QVERIFY(store.exitCode() != 0);
    const QString err = QString::fromUtf8(store.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("--tokens")) &&
                 err.contains(QStringLiteral("--insecure-no-auth-on-network")),
             qPrintable(err));
    QVERIFY2(!QFile::exists(dataDir + QStringLiteral("/region.db")), "nothing is created");
}

void AccessTest::cleanupTestCase() {
    m_cluster.reset();
}

QTEST_GUILESS_MAIN(AccessTest)
#include "tst_access.moc"
