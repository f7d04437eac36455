// meridianctl end to end: the real binary against a real meridian-store, through apply, the
// registry commands, push, get, historical, materialize and status, JSON output, and the exit
// codes and messages of bad input (1 refused, 2 usage or local input, 3 unreachable).

#include <QtTest>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/ctlprocess.h"
#include "support/storeprocess.h"

using meridian::test::CtlProcess;
using meridian::test::CtlRun;
using meridian::test::StoreProcess;

namespace {

// One project, an entity with an INT64 join key, a push source, a view with typed features
// (a list among them) and a ttl, an offline-only view, and a feature service.
const char* kRepository = R"(project:
  name: shop
  description: Shop for meridianctl tests
entities:
  - name: user
    join_keys: [{name: user_id, value_type: INT64}]
data_sources:
  - name: payments
    kind: PUSH
    timestamp_field: event_timestamp
feature_views:
  - name: user_stats
    entities: [user]
    sources: [payments]
    ttl_seconds: 3600
    features:
      - {name: txn_count, value_type: INT64}
      - {name: avg_amount, value_type: DOUBLE}
      - {name: country, value_type: STRING}
      - {name: embedding, value_type: FLOAT_LIST}
feature_services:
  - name: scoring
    features:
      - {feature_view: user_stats, features: [txn_count, avg_amount]}
    consumers:
      - {model: fraud_v1, team: risk}
)";

// A loopback port nobody listens on: bound, read and released.
int unusedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        return 1;
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace

class TestCtl : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void helpAndVersion();
    void applyCreatesThenUnchanged();
    void listObjects();
    void describeObject();
    void updateShowsHistoryAndDiff();
    void lineage();
    void pushRows();
    void getShowsStatuses();
    void getJsonParses();
    void historical();
    void materialize();
    void status();
    void unknownViewIsRefused();
    void badRowFileWritesNothing();
    void unreachableRegion();
    void usageErrors();
    void deleteObjects();

private:
    CtlRun ctl(const QStringList& args) { return m_ctl.run(args); }
    QString writeFile(const QString& name, const QByteArray& content);
    QJsonObject json(const QStringList& args) { return m_ctl.json(args); }

    QTemporaryDir m_dir;
    CtlProcess m_ctl{QStringLiteral(MERIDIANCTL_BINARY), m_dir.path()};
    std::unique_ptr<StoreProcess> m_store;
    QString m_endpoint;
    qint64 m_now = 0;
};

void TestCtl::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<StoreProcess>(QStringLiteral("local"), m_dir.filePath("store"));
    QVERIFY2(m_store->start(), qPrintable(m_store->output()));
    m_endpoint = m_store->endpoint();
    m_ctl.setLeadingArguments({"--endpoint", m_endpoint});
    m_ctl.setTimeout(60000);
    writeFile("repo.yaml", kRepository);
    m_now = QDateTime::currentMSecsSinceEpoch();
}

void TestCtl::cleanupTestCase() {
    if (m_store)
        QVERIFY(m_store->terminate());
}

QString TestCtl::writeFile(const QString& name, const QByteArray& content) {
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    return path;
}

void TestCtl::helpAndVersion() {
    CtlRun version = ctl({"--version"});
    CHECK_RUN(version, 0);
    QVERIFY(version.out.startsWith("meridianctl "));
    for (const char* command : {"apply", "list", "describe", "history", "diff", "delete", "lineage",
                                "push", "get", "historical", "materialize", "status"}) {
        CtlRun help = ctl({command, "--help"});
        CHECK_RUN(help, 0);
        QVERIFY2(help.out.contains("Examples:") &&
                     help.out.contains(QStringLiteral("meridianctl ") + command),
                 qPrintable(help.out));
    }
    CtlRun top = ctl({"--help"});
    CHECK_RUN(top, 0);
    QVERIFY(top.out.contains("--endpoint") && top.out.contains("materialize"));
}

void TestCtl::applyCreatesThenUnchanged() {
    CtlRun dry = ctl({"apply", "-f", "repo.yaml", "--dry-run"});
    CHECK_RUN(dry, 0);
    QVERIFY(dry.out.contains("nothing was stored"));
    // A dry run stores nothing: the registry is still empty.
    CtlRun none = ctl({"list", "projects"});
    CHECK_RUN(none, 0);
    QVERIFY(!none.out.contains("shop"));

    CtlRun first = ctl({"apply", "-f", "repo.yaml"});
    CHECK_RUN(first, 0);
    for (const char* name : {"shop/user", "shop/payments", "shop/user_stats", "shop/scoring"})
        QVERIFY2(first.out.contains(name), qPrintable(first.out));
    QCOMPARE(first.out.count(QRegularExpression("^created ", QRegularExpression::MultilineOption)),
             5);

    CtlRun again = ctl({"apply", "-f", "repo.yaml"});
    CHECK_RUN(again, 0);
    QCOMPARE(
        again.out.count(QRegularExpression("^unchanged ", QRegularExpression::MultilineOption)), 5);
    QVERIFY(!again.out.contains("created "));

    const QJsonObject applied = json({"apply", "-f", "repo.yaml"});
    const QJsonArray results = applied["results"].toArray();
    QCOMPARE(results.size(), 5);
    QCOMPARE(results[0].toObject()["action"].toString(), QStringLiteral("UNCHANGED"));
}

void TestCtl::listObjects() {
    CtlRun views = ctl({"list", "feature-views"});
    CHECK_RUN(views, 0);
    QVERIFY(views.out.contains("user_stats"));
    QVERIFY(views.out.contains("TTL") && views.out.contains("1h"));
    QVERIFY(views.out.contains("OWNER REGION") && views.out.contains("local"));
    // Singular and plural, dashes or underscores.
    CtlRun entities = ctl({"list", "entity"});
    CHECK_RUN(entities, 0);
    QVERIFY(entities.out.contains("user_id:INT64"));
    CtlRun services = ctl({"list", "feature_services"});
    CHECK_RUN(services, 0);
    QVERIFY(services.out.contains("fraud_v1 (risk)"));

    const QJsonObject listed = json({"list", "data-sources"});
    const QJsonArray objects = listed["objects"].toArray();
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects[0].toObject()["data_source"].toObject()["name"].toString(),
             QStringLiteral("payments"));
}

void TestCtl::describeObject() {
    CtlRun view = ctl({"describe", "feature-view", "user_stats"});
    CHECK_RUN(view, 0);
    QVERIFY(view.out.contains("shop/user_stats"));
    QVERIFY(view.out.contains("embedding") && view.out.contains("FLOAT_LIST"));
    QVERIFY(view.out.contains("ttl") && view.out.contains("1h"));

    const QJsonObject object = json({"describe", "view", "shop/user_stats"});
    QCOMPARE(object["feature_view"].toObject()["name"].toString(), QStringLiteral("user_stats"));
    QCOMPARE(object["meta"].toObject()["version"].toString(), QStringLiteral("1"));
    // A region without tokens takes the name the client claims, and says it is unverified.
    QCOMPARE(object["meta"].toObject()["applied_by"].toString(),
             QStringLiteral("ctl-test (unverified)"));
}

void TestCtl::updateShowsHistoryAndDiff() {
    QByteArray changed(kRepository);
    changed.replace("ttl_seconds: 3600", "ttl_seconds: 7200");
    writeFile("repo2.yaml", changed);
    CtlRun update = ctl({"apply", "-f", "repo2.yaml"});
    CHECK_RUN(update, 0);
    QVERIFY2(update.out.contains(QRegularExpression("updated +feature view +shop/user_stats +2")),
             qPrintable(update.out));

    CtlRun history = ctl({"history", "feature-view", "user_stats"});
    CHECK_RUN(history, 0);
    QVERIFY(history.out.contains("created") && history.out.contains("updated"));

    CtlRun diff = ctl({"diff", "feature-view", "user_stats", "1", "2"});
    CHECK_RUN(diff, 0);
    QVERIFY2(
        diff.out.contains("ttl_seconds") && diff.out.contains("3600") && diff.out.contains("7200"),
        qPrintable(diff.out));

    // Back to the original ttl for the reads below.
    CHECK_RUN(ctl({"apply", "-f", "repo.yaml"}), 0);
    CtlRun old = ctl({"describe", "feature-view", "user_stats", "--version", "1"});
    CHECK_RUN(old, 0);
    QVERIFY(old.out.contains("1h"));
}

void TestCtl::lineage() {
    CtlRun table = ctl({"lineage"});
    CHECK_RUN(table, 0);
    QVERIFY(table.out.contains("entity user") && table.out.contains("feature view user_stats"));
    CtlRun dot = ctl({"lineage", "--format", "dot"});
    CHECK_RUN(dot, 0);
    QVERIFY(dot.out.startsWith("digraph lineage {"));
    QVERIFY(dot.out.contains("\"entity:shop/user\" -> \"feature_view:shop/user_stats\""));
}

void TestCtl::pushRows() {
    const qint64 t = m_now - 60'000;
    QByteArray rows;
    rows +=
        QStringLiteral(
            R"({"user_id": 1, "event_timestamp": %1, "txn_count": 5, "avg_amount": 12.5, "country": "DE", "embedding": [0.5, 1.5]})")
            .arg(t)
            .toUtf8() +
        "\n";
    rows += QStringLiteral(R"({"user_id": 2, "event_timestamp": "%1", "txn_count": 7})")
                .arg(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODateWithMs))
                .toUtf8() +
            "\n\n";
    rows += QStringLiteral(
                R"({"user_id": "3", "event_timestamp": %1, "txn_count": 1, "avg_amount": null})")
                .arg(t)
                .toUtf8() +
            "\n";
    writeFile("rows.jsonl", rows);
    CtlRun push = ctl({"push", "user_stats", "-f", "rows.jsonl", "--batch-size", "2"});
    CHECK_RUN(push, 0);
    QVERIFY2(push.out.contains("pushed 3 rows to shop/user_stats in 2 batches"),
             qPrintable(push.out));
    QVERIFY(push.out.contains("3 applied"));
    QVERIFY(push.out.contains("3 appended"));
    QVERIFY(push.out.contains("version token"));
    QVERIFY2(push.err.contains("3 / 3 rows"), qPrintable(push.err));
}

void TestCtl::getShowsStatuses() {
    CtlRun get = ctl({"get", "--features", "user_stats:*", "--entity", "user_id=1", "--entity",
                      "user_id=2", "--entity", "user_id=404"});
    CHECK_RUN(get, 0);
    const QStringList lines = get.out.split('\n');
    auto line = [&](const QString& entity, const QString& feature) {
        for (const auto& l : lines)
            if (l.startsWith(entity + " ") && l.contains(feature + " "))
                return l;
        return QString();
    };
    QVERIFY2(line("user_id=1", "user_stats:txn_count").contains("PRESENT"), qPrintable(get.out));
    QVERIFY(line("user_id=1", "user_stats:txn_count").contains(" 5 "));
    QVERIFY(line("user_id=1", "user_stats:embedding").contains("[0.5, 1.5]"));
    QVERIFY(line("user_id=2", "user_stats:avg_amount").contains("NULL_VALUE"));
    QVERIFY(line("user_id=404", "user_stats:txn_count").contains("NOT_FOUND"));
    // Event times are ISO-8601 UTC.
    QVERIFY(line("user_id=1", "user_stats:txn_count")
                .contains(QDateTime::fromMSecsSinceEpoch(m_now - 60'000, Qt::UTC)
                              .toString("yyyy-MM-dd'T'HH:mm:ss")));
    QVERIFY(get.out.contains("served by region local"));

    CtlRun service = ctl({"get", "--service", "scoring", "--entity", "user_id=3"});
    CHECK_RUN(service, 0);
    QVERIFY(service.out.contains("user_stats:txn_count") && service.out.contains("PRESENT"));
    QVERIFY(!service.out.contains("user_stats:country"));
}

void TestCtl::getJsonParses() {
    const QJsonObject response =
        json({"get", "--service", "scoring", "--entity", "user_id=1", "--entity", "user_id=404"});
    QCOMPARE(response["feature_names"].toArray().size(), 2);
    QCOMPARE(response["serving_region"].toString(), QStringLiteral("local"));
    const QJsonArray rows = response["rows"].toArray();
    QCOMPARE(rows.size(), 2);
    const QJsonObject first = rows[0].toObject()["values"].toArray()[0].toObject();
    QCOMPARE(first["status"].toString(), QStringLiteral("PRESENT"));
    QCOMPARE(first["value"].toObject()["int64_val"].toString(), QStringLiteral("5"));
    QCOMPARE(rows[1].toObject()["values"].toArray()[0].toObject()["status"].toString(),
             QStringLiteral("NOT_FOUND"));
}

void TestCtl::historical() {
    const qint64 t = m_now - 60'000;
    QByteArray entities;
    entities +=
        QStringLiteral(R"({"user_id": 1, "event_timestamp": %1})").arg(m_now).toUtf8() + "\n";
    entities +=
        QStringLiteral(R"({"user_id": 1, "event_timestamp": %1})").arg(t - 1000).toUtf8() + "\n";
    entities +=
        QStringLiteral(R"({"user_id": 404, "event_timestamp": %1})").arg(m_now).toUtf8() + "\n";
    writeFile("entities.jsonl", entities);

    CtlRun table = ctl({"historical", "--features", "user_stats:txn_count,user_stats:country",
                        "--entities", "entities.jsonl"});
    CHECK_RUN(table, 0);
    QVERIFY2(table.out.contains("user_stats:txn_count") && table.out.contains("DE"),
             qPrintable(table.out));

    CtlRun file = ctl({"historical", "--service", "scoring", "--entities", "entities.jsonl",
                       "--out", "train.jsonl"});
    CHECK_RUN(file, 0);
    QVERIFY(file.out.contains("wrote 3 point-in-time rows"));
    QFile out(m_dir.filePath("train.jsonl"));
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = out.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    const QJsonObject now = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(now["user_id"].toInt(), 1);
    QCOMPARE(now["user_stats:txn_count"].toInt(), 5);
    QCOMPARE(now["user_stats:avg_amount"].toDouble(), 12.5);
    // Before the row's event time there was no value yet: point-in-time correct.
    const QJsonObject before = QJsonDocument::fromJson(lines[1]).object();
    QVERIFY(before.contains("user_stats:txn_count"));
    QVERIFY(before["user_stats:txn_count"].isNull());
    QVERIFY(QJsonDocument::fromJson(lines[2]).object()["user_stats:txn_count"].isNull());
}

void TestCtl::materialize() {
    // Offline only: the online store does not see the row until it is materialized.
    writeFile("offline.jsonl",
              QStringLiteral(R"({"user_id": 77, "event_timestamp": %1, "txn_count": 9})")
                  .arg(m_now - 30'000)
                  .toUtf8());
    CHECK_RUN(ctl({"push", "user_stats", "-f", "offline.jsonl", "--target", "offline"}), 0);
    CtlRun before = ctl({"get", "--features", "user_stats:txn_count", "--entity", "user_id=77"});
    CHECK_RUN(before, 0);
    QVERIFY2(before.out.contains("NOT_FOUND"), qPrintable(before.out));

    CtlRun run = ctl({"materialize", "--view", "user_stats", "--start", "-1h", "--end", "now"});
    CHECK_RUN(run, 0);
    QVERIFY2(run.out.contains("user_stats"), qPrintable(run.out));
    QVERIFY2(run.err.contains("materialize user_stats"), qPrintable(run.err));

    CtlRun after = ctl({"get", "--features", "user_stats:txn_count", "--entity", "user_id=77"});
    CHECK_RUN(after, 0);
    QVERIFY2(after.out.contains("PRESENT") && after.out.contains(" 9 "), qPrintable(after.out));

    const QJsonObject summary = json({"materialize", "--start", "-1h"});
    QVERIFY(!summary["views"].toArray().isEmpty());
    QVERIFY(summary["views"].toArray()[0].toObject()["done"].toBool());
}

void TestCtl::status() {
    CtlRun status = ctl({"status"});
    CHECK_RUN(status, 0);
    QVERIFY2(status.out.contains("region") && status.out.contains("local"), qPrintable(status.out));
    QVERIFY(status.out.contains("shop/user_stats"));
    QVERIFY(status.out.contains("WriteFeatures"));
    const QJsonObject json = this->json({"status"});
    QCOMPARE(json["health"].toObject()["region"].toString(), QStringLiteral("local"));
    QVERIFY(json["stats"].toObject()["methods"].toArray().size() > 0);
}

void TestCtl::unknownViewIsRefused() {
    CtlRun push = ctl({"push", "no_such_view", "-f", "rows.jsonl"});
    CHECK_RUN(push, 1);
    QVERIFY2(push.err.startsWith("meridianctl: ") && push.err.contains("'no_such_view'"),
             qPrintable(push.err));
    QVERIFY(push.err.contains("user_stats"));  // the views there are
    CtlRun get = ctl({"get", "--features", "no_such_view:x", "--entity", "user_id=1"});
    CHECK_RUN(get, 1);
    QVERIFY(get.err.contains("'no_such_view'"));
    CtlRun describe = ctl({"describe", "feature-view", "no_such_view"});
    CHECK_RUN(describe, 1);
    QVERIFY(describe.err.contains("no_such_view"));
    CtlRun project =
        ctl({"--project", "nope", "get", "--service", "scoring", "--entity", "user_id=1"});
    CHECK_RUN(project, 1);
    QVERIFY(project.err.contains("'nope'"));
}

void TestCtl::badRowFileWritesNothing() {
    // Line 1 is fine, line 3 is not: nothing is sent, so entity 500 stays unknown.
    writeFile(
        "bad.jsonl",
        QStringLiteral("{\"user_id\": 500, \"event_timestamp\": %1, \"txn_count\": 1}\n\n"
                       "{\"user_id\": 501, \"event_timestamp\": %1, \"avg_amount\": \"abc\"}\n")
            .arg(m_now)
            .toUtf8());
    CtlRun push = ctl({"push", "user_stats", "-f", "bad.jsonl"});
    CHECK_RUN(push, 2);
    QVERIFY2(
        push.err.contains("bad.jsonl:3: feature 'avg_amount' expects DOUBLE, got string \"abc\""),
        qPrintable(push.err));
    CtlRun get = ctl({"get", "--features", "user_stats:txn_count", "--entity", "user_id=500"});
    CHECK_RUN(get, 0);
    QVERIFY2(get.out.contains("NOT_FOUND"), qPrintable(get.out));

    writeFile("unknown.jsonl",
              QStringLiteral("{\"user_id\": 500, \"event_timestamp\": %1, \"txn_cnt\": 1}\n")
                  .arg(m_now)
                  .toUtf8());
    CtlRun unknown = ctl({"push", "user_stats", "-f", "unknown.jsonl"});
    CHECK_RUN(unknown, 2);
    QVERIFY2(unknown.err.contains("unknown.jsonl:1: unknown column 'txn_cnt'") &&
                 unknown.err.contains("txn_count, avg_amount, country, embedding"),
             qPrintable(unknown.err));

    CtlRun entity = ctl({"get", "--features", "user_stats:txn_count", "--entity", "user_id=abc"});
    CHECK_RUN(entity, 2);
    QVERIFY(entity.err.contains("join key 'user_id' expects INT64, got 'abc'"));
    CtlRun entities = ctl({"historical", "--service", "scoring", "--entities", "bad.jsonl"});
    CHECK_RUN(entities, 2);
    QVERIFY2(entities.err.contains("bad.jsonl:1: unknown column 'txn_count'"),
             qPrintable(entities.err));
}

void TestCtl::unreachableRegion() {
    const QString dead = QStringLiteral("127.0.0.1:%1").arg(unusedPort());
    for (const QStringList& args : {QStringList{"status"}, QStringList{"list", "views"},
                                    QStringList{"push", "user_stats", "-f", "rows.jsonl"},
                                    QStringList{"apply", "-f", "repo.yaml"}}) {
        CtlRun run = ctl(QStringList{"--endpoint", dead} + args);
        CHECK_RUN(run, 3);
        QVERIFY2(run.err.startsWith("meridianctl: cannot reach region at " + dead),
                 qPrintable(run.err));
    }
}

void TestCtl::usageErrors() {
    CtlRun noCommand = ctl({});
    CHECK_RUN(noCommand, 2);
    CtlRun unknownCommand = ctl({"frobnicate"});
    CHECK_RUN(unknownCommand, 2);
    QVERIFY(unknownCommand.err.contains("unknown command 'frobnicate'"));
    CtlRun badKind = ctl({"list", "widgets"});
    CHECK_RUN(badKind, 2);
    QVERIFY(badKind.err.contains("unknown kind 'widgets'"));
    CtlRun badFlag = ctl({"get", "--service", "scoring", "--entity", "user_id=1", "--bogus"});
    CHECK_RUN(badFlag, 2);
    CtlRun both =
        ctl({"get", "--service", "scoring", "--features", "user_stats:*", "--entity", "user_id=1"});
    CHECK_RUN(both, 2);
    QVERIFY(both.err.contains("exactly one"));
    CtlRun noEntity = ctl({"get", "--service", "scoring"});
    CHECK_RUN(noEntity, 2);
    CtlRun missingFile = ctl({"push", "user_stats", "-f", "does-not-exist.jsonl"});
    CHECK_RUN(missingFile, 2);
    CtlRun badTime = ctl({"materialize", "--start", "last tuesday"});
    CHECK_RUN(badTime, 2);
    QVERIFY(badTime.err.contains("--start"));
    CtlRun badOutput = ctl({"status", "-o", "xml"});
    CHECK_RUN(badOutput, 2);
    CtlRun badRepo =
        ctl({"apply", "-f", writeFile("broken.yaml", "feature_views:\n  - name: x\n    ttl: 5\n")});
    CHECK_RUN(badRepo, 2);
    QVERIFY2(badRepo.err.contains("broken.yaml:3"), qPrintable(badRepo.err));
}

void TestCtl::deleteObjects() {
    // The view is still used by the service: refused, and the message says by whom.
    CtlRun refused = ctl({"delete", "feature-view", "user_stats"});
    CHECK_RUN(refused, 1);
    QVERIFY2(refused.err.contains("feature service shop/scoring"), qPrintable(refused.err));

    CtlRun removed = ctl({"delete", "feature-service", "scoring"});
    CHECK_RUN(removed, 0);
    QVERIFY(removed.out.contains("deleted feature service shop/scoring"));
    CtlRun list = ctl({"list", "feature-services"});
    CHECK_RUN(list, 0);
    QVERIFY(!list.out.contains("scoring"));
    QVERIFY(list.err.contains("no feature services"));
    CtlRun history = ctl({"history", "feature-service", "scoring"});
    CHECK_RUN(history, 0);
    QVERIFY(history.out.contains("deleted"));
}

QTEST_GUILESS_MAIN(TestCtl)
#include "tst_ctl.moc"
