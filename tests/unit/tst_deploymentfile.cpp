// Deployment files and feature repository files: the demo parses, and every mistake is reported
// with file:line and the path of the field.

#include <QtTest>

#include <filesystem>

#include "deployment/deployment.h"
#include "deployment/repositoryfile.h"
#include "registry/regionset.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// From the build, not __FILE__: a compiler cache may hand the compiler relative source paths.
const std::filesystem::path kSourceDir = MERIDIAN_SOURCE_DIR;

// A small valid deployment; the cases below edit it. Line numbers matter to the expectations.
const char* const kBase = R"(name: t
control_plane:
  mode: centralized
  region: a
replication:
  heartbeat_ms: 250
  log_retention:
    max_age: 6h
regions:
  - name: a
    cloud: aws
    provider_region: us-east-1
    endpoint: 127.0.0.1:7401
  - name: b
    cloud: gcp
    provider_region: europe-west4
    endpoint: 127.0.0.1:7402
    location: {lat: 53.4, lon: 6.8}
links:
  - between: [a, b]
    delay_ms: 9
    loss: 0.01
)";

QString replaced(QString text, const QString& from, const QString& to) {
    if (!text.contains(from))
        qFatal("base deployment lacks %s", qPrintable(from));
    return text.replace(from, to);
}

}  // namespace

class TestDeploymentFile : public QObject {
    Q_OBJECT

private slots:
    void demoDeployment();
    void baseParses();
    void deploymentErrors_data();
    void deploymentErrors();
    void missingFile();
    void guessJurisdiction_data();
    void guessJurisdiction();

    void repositoryMultiDocument();
    void repositoryExample();
    void repositoryErrors_data();
    void repositoryErrors();
    void repositoryScalars();
};

void TestDeploymentFile::demoDeployment() {
    const auto path = (kSourceDir / "resources/demo/deployment.yaml").string();
    auto d = deployment::loadDeployment(path);
    QVERIFY2(d.ok(), qPrintable(describe(d.status())));
    QCOMPARE(d->name, std::string("meridian-demo"));
    QVERIFY(std::filesystem::path(d->path).is_absolute());
    QCOMPARE(d->controlPlane, deployment::ControlPlaneMode::Centralized);
    QCOMPARE(deployment::controlPlaneName(d->controlPlane), std::string_view("centralized"));
    QCOMPARE(d->controlRegion, std::string("aws-us-east-1"));
    // "../pricing.yaml" next to resources/demo/.
    QCOMPARE(d->pricingPath, (kSourceDir / "resources/pricing.yaml").lexically_normal().string());
    QCOMPARE(d->replication.maxClockOffsetMs, int64_t(500));
    QCOMPARE(d->replication.heartbeatMs, 500);
    QCOMPARE(d->replication.batchMaxChanges, 2000);
    QCOMPARE(d->replication.snapshotThreshold, int64_t(200000));
    QCOMPARE(d->replication.logRetentionSeconds, int64_t(24 * 3600));
    QCOMPARE(d->replication.logRetentionBytes, int64_t(512) * 1024 * 1024);

    QCOMPARE(d->regions.size(), size_t(4));
    const std::vector<std::array<std::string, 6>> expected{
        {"aws-us-east-1", "aws", "us-east-1", "us", "north-america", "127.0.0.1:7401"},
        {"aws-eu-west-1", "aws", "eu-west-1", "eu", "europe", "127.0.0.1:7402"},
        {"gcp-europe-west4", "gcp", "europe-west4", "eu", "europe", "127.0.0.1:7403"},
        {"azure-southeastasia", "azure", "southeastasia", "apac", "asia", "127.0.0.1:7404"},
    };
    for (size_t i = 0; i < expected.size(); ++i) {
        const auto& r = d->regions[i];
        QCOMPARE(r.info.name, expected[i][0]);
        QCOMPARE(r.info.cloud, expected[i][1]);
        QCOMPARE(r.info.providerRegion, expected[i][2]);
        QCOMPARE(r.info.jurisdiction, expected[i][3]);
        QCOMPARE(r.info.continent, expected[i][4]);
        QCOMPARE(r.endpoint, expected[i][5]);
        QCOMPARE(r.dataDir, r.info.name);
    }
    QCOMPARE(d->regions[1].latitude, 53.3);
    QCOMPARE(d->regions[1].longitude, -6.3);
    QCOMPARE(d->regions[3].latitude, 1.35);
    QCOMPARE(d->region("gcp-europe-west4")->info.jurisdiction, std::string("eu"));
    QVERIFY(!d->region("nowhere"));
    QCOMPARE(d->regionSet().names().size(), size_t(4));
    QCOMPARE(d->regionSet().allowedRegions([] {
        v1::ResidencyPolicy p;
        p.set_jurisdiction("eu");
        return p;
    }()),
             (std::set<std::string>{"aws-eu-west-1", "gcp-europe-west4"}));

    QCOMPARE(d->links.size(), size_t(6));
    const auto* link = d->link("aws-eu-west-1", "aws-us-east-1");  // either order
    QVERIFY(link);
    QCOMPARE(link->delayMs, 35);
    QCOMPARE(link->jitterMs, 3);
    QCOMPARE(link->loss, 0.0);
    QVERIFY(link->source.find("us-east-1/eu-west-1") != std::string::npos);
    QCOMPARE(d->link("gcp-europe-west4", "azure-southeastasia")->delayMs, 80);
    QVERIFY(!d->link("aws-us-east-1", "aws-us-east-1"));
    // Every pair of the four regions is linked once.
    for (const auto& a : d->regions) {
        for (const auto& b : d->regions) {
            if (a.info.name != b.info.name)
                QVERIFY(d->link(a.info.name, b.info.name));
        }
    }
}

void TestDeploymentFile::baseParses() {
    auto d = deployment::parseDeployment(kBase, "/etc/meridian/test.yaml");
    QVERIFY2(d.ok(), qPrintable(describe(d.status())));
    QCOMPARE(d->regions.size(), size_t(2));
    QCOMPARE(d->regions[0].info.jurisdiction, std::string("us"));  // guessed from us-east-1
    QCOMPARE(d->regions[1].info.jurisdiction, std::string("eu"));
    QCOMPARE(d->regions[1].info.continent, std::string("europe"));
    QCOMPARE(d->replication.heartbeatMs, 250);
    QCOMPARE(d->replication.logRetentionSeconds, int64_t(6 * 3600));
    QCOMPARE(d->links.size(), size_t(1));
    QCOMPARE(d->links[0].loss, 0.01);
    QVERIFY(d->pricingPath.empty());
    // Federated needs no control region.
    auto federated = deployment::parseDeployment(
        replaced(kBase, "  mode: centralized\n  region: a\n", "  mode: federated\n").toStdString(),
        "f.yaml");
    QVERIFY2(federated.ok(), qPrintable(describe(federated.status())));
    QCOMPARE(federated->controlPlane, deployment::ControlPlaneMode::Federated);
    QVERIFY(federated->controlRegion.empty());
    // No control_plane section: centralized at the first region listed.
    auto implicit = deployment::parseDeployment(
        replaced(kBase, "control_plane:\n  mode: centralized\n  region: a\n", "").toStdString(),
        "i.yaml");
    QVERIFY2(implicit.ok(), qPrintable(describe(implicit.status())));
    QCOMPARE(implicit->controlPlane, deployment::ControlPlaneMode::Centralized);
    QCOMPARE(implicit->controlRegion, std::string("a"));
}

void TestDeploymentFile::deploymentErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");    // "test.yaml:LINE: field"
    QTest::addColumn<QString>("message");  // what is wrong
    const QString base = kBase;
    QTest::newRow("unknown top-level field")
        << base + "colour: blue\n"
        << "test.yaml:23: colour"
        << "unknown field (expected one of: name, control_plane, pricing";
    QTest::newRow("unknown region field")
        << replaced(base, "    endpoint: 127.0.0.1:7402\n",
                    "    endpoint: 127.0.0.1:7402\n    zone: b1\n")
        << "test.yaml:18: regions[1].zone"
        << "unknown field";
    QTest::newRow("unknown nested field")
        << replaced(base, "    max_age: 6h\n", "    max_age: 6h\n    max_gb: 1\n")
        << "test.yaml:9: replication.log_retention.max_gb"
        << "unknown field (expected one of: max_age, max_mb)";
    QTest::newRow("missing region name")
        << replaced(base, "  - name: b\n    cloud: gcp\n", "  - cloud: gcp\n")
        << "test.yaml:14: regions[1].name"
        << "is missing";
    QTest::newRow("bad region name")
        << replaced(base, "  - name: b\n", "  - name: b c\n") << "test.yaml:14: regions[1].name"
        << "'b c' is not a valid region name";
    QTest::newRow("duplicate region")
        << replaced(base, "  - name: b\n", "  - name: a\n") << "test.yaml:14: regions[1].name"
        << "region 'a' is listed twice";
    QTest::newRow("missing cloud")
        << replaced(base, "    cloud: gcp\n", "") << "test.yaml:14: regions[1].cloud"
        << "is missing";
    QTest::newRow("missing endpoint") << replaced(base, "    endpoint: 127.0.0.1:7402\n", "")
                                      << "test.yaml:14: regions[1].endpoint"
                                      << "is missing";
    QTest::newRow("endpoint without port")
        << replaced(base, "127.0.0.1:7402", "localhost") << "test.yaml:17: regions[1].endpoint"
        << "'localhost' is not host:port";
    QTest::newRow("endpoint port zero")
        << replaced(base, "127.0.0.1:7402", "localhost:0") << "test.yaml:17: regions[1].endpoint"
        << "'localhost:0' is not host:port";
    QTest::newRow("endpoint port too large") << replaced(base, "127.0.0.1:7402", "localhost:65536")
                                             << "test.yaml:17: regions[1].endpoint"
                                             << "'localhost:65536' is not host:port";
    QTest::newRow("endpoint port not a number")
        << replaced(base, "127.0.0.1:7402", "localhost:http") << "test.yaml:17: regions[1].endpoint"
        << "'localhost:http' is not host:port";
    QTest::newRow("endpoint port overflows")
        << replaced(base, "127.0.0.1:7402", "localhost:99999999999999999999999")
        << "test.yaml:17: regions[1].endpoint"
        << "'localhost:99999999999999999999999' is not host:port";
    QTest::newRow("endpoint without host")
        << replaced(base, "127.0.0.1:7402", "':7402'") << "test.yaml:17: regions[1].endpoint"
        << "':7402' is not host:port";
    QTest::newRow("endpoint used twice")
        << replaced(base, "127.0.0.1:7402", "127.0.0.1:7401") << "test.yaml:17: regions[1].endpoint"
        << "endpoint '127.0.0.1:7401' is used twice";
    QTest::newRow("latitude out of range")
        << replaced(base, "lat: 53.4", "lat: 95") << "test.yaml:18: regions[1].location.lat"
        << "must be within -90..90";
    QTest::newRow("longitude out of range")
        << replaced(base, "lon: 6.8", "lon: -180.5") << "test.yaml:18: regions[1].location.lon"
        << "must be within -180..180";
    QTest::newRow("latitude NaN") << replaced(base, "lat: 53.4", "lat: .nan")
                                  << "test.yaml:18: regions[1].location.lat"
                                  << "must be within -90..90";
    QTest::newRow("longitude infinite")
        << replaced(base, "lon: 6.8", "lon: .inf") << "test.yaml:18: regions[1].location.lon"
        << "must be within -180..180";
    QTest::newRow("latitude not a number")
        << replaced(base, "lat: 53.4", "lat: north") << "test.yaml:18: regions[1].location.lat"
        << "'north' is not a valid number";
    QTest::newRow("longitude missing") << replaced(base, "{lat: 53.4, lon: 6.8}", "{lat: 53.4}")
                                       << "test.yaml:18: regions[1].location.lon"
                                       << "is missing";
    QTest::newRow("link to unknown region")
        << replaced(base, "[a, b]", "[a, c]") << "test.yaml:20: links[0].between"
        << "'c' is not one of the regions";
    QTest::newRow("link to itself")
        << replaced(base, "[a, b]", "[a, a]") << "test.yaml:20: links[0].between"
        << "a link joins two different regions";
    QTest::newRow("link of three")
        << replaced(base, "[a, b]", "[a, b, a]") << "test.yaml:20: links[0].between"
        << "expected two region names";
    QTest::newRow("duplicate link") << base + "  - between: [b, a]\n"
                                    << "test.yaml:23: links[1]"
                                    << "link b <-> a is listed twice";
    QTest::newRow("loss of one") << replaced(base, "loss: 0.01", "loss: 1")
                                 << "test.yaml:22: links[0].loss"
                                 << "must be within 0..1";
    QTest::newRow("negative loss")
        << replaced(base, "loss: 0.01", "loss: -0.1") << "test.yaml:22: links[0].loss"
        << "must be within 0..1";
    QTest::newRow("loss NaN") << replaced(base, "loss: 0.01", "loss: .nan")
                              << "test.yaml:22: links[0].loss"
                              << "must be within 0..1";
    QTest::newRow("negative delay")
        << replaced(base, "delay_ms: 9", "delay_ms: -9") << "test.yaml:20: links[0]"
        << "delay and jitter cannot be negative";
    QTest::newRow("fractional delay")
        << replaced(base, "delay_ms: 9", "delay_ms: 9.5") << "test.yaml:21: links[0].delay_ms"
        << "'9.5' is not a valid integer";
    QTest::newRow("links not a list")
        << replaced(base, "  - between: [a, b]\n    delay_ms: 9\n    loss: 0.01\n",
                    "  between: [a, b]\n")
        << "test.yaml:20: links"
        << "expected a list";
    QTest::newRow("control region unknown")
        << replaced(base, "  region: a\n", "  region: z\n") << "test.yaml:4: control_plane.region"
        << "'z' is not one of the regions";
    QTest::newRow("centralized without region")
        << replaced(base, "  region: a\n", "") << "test.yaml:3: control_plane.region"
        << "is missing";
    QTest::newRow("bad control plane mode") << replaced(base, "mode: centralized", "mode: anarchic")
                                            << "test.yaml:3: control_plane.mode"
                                            << "'anarchic' is not centralized or federated";
    QTest::newRow("bad max_age") << replaced(base, "max_age: 6h", "max_age: forever")
                                 << "test.yaml:8: replication.log_retention.max_age"
                                 << "'forever' is not a duration such as 6h or 2d";
    QTest::newRow("zero max_age") << replaced(base, "max_age: 6h", "max_age: 0h")
                                  << "test.yaml:8: replication.log_retention.max_age"
                                  << "'0h' is not a duration";
    QTest::newRow("zero heartbeat") << replaced(base, "heartbeat_ms: 250", "heartbeat_ms: 0")
                                    << "test.yaml:6: replication.heartbeat_ms"
                                    << "must be positive";
    QTest::newRow("heartbeat a list") << replaced(base, "heartbeat_ms: 250", "heartbeat_ms: [1]")
                                      << "test.yaml:6: replication.heartbeat_ms"
                                      << "expected a single value";
    QTest::newRow("no regions") << QString("name: t\nregions: []\n") << "test.yaml:2: regions"
                                << "expected a list of at least one region";
    QTest::newRow("regions missing") << QString("name: t\n") << "test.yaml:1: regions"
                                     << "expected a list of at least one region";
    QTest::newRow("region not a mapping")
        << replaced(base, "  - name: b\n", "  - b\n  - name: b2\n") << "test.yaml:14: regions[1]"
        << "expected a mapping";
    QTest::newRow("top level a list") << QString("- a\n- b\n") << "test.yaml:1: (top level)"
                                      << "expected a mapping with regions";
    QTest::newRow("yaml syntax") << replaced(base, "delay_ms: 9", "delay_ms: [9") << "test.yaml:"
                                 << "";
}

void TestDeploymentFile::deploymentErrors() {
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QString, message);
    auto d = deployment::parseDeployment(text.toStdString(), "test.yaml");
    QVERIFY2(!d.ok(), "accepted a broken deployment");
    const std::string expected = (where + ": " + message).toStdString();
    if (message.isEmpty()) {
        MERIDIAN_EXPECT_ERROR(d.status(), absl::StatusCode::kInvalidArgument, where.toStdString());
    } else {
        MERIDIAN_EXPECT_ERROR(d.status(), absl::StatusCode::kInvalidArgument, expected);
        // The location comes first.
        QVERIFY2(std::string(d.status().message()).rfind(where.toStdString(), 0) == 0,
                 qPrintable(describe(d.status())));
    }
}

void TestDeploymentFile::missingFile() {
    auto d = deployment::loadDeployment("/nonexistent/deployment.yaml");
    MERIDIAN_EXPECT_ERROR(d.status(), absl::StatusCode::kNotFound, "/nonexistent/deployment.yaml");
    auto r = deployment::loadRepositoryFile("/nonexistent/repo.yaml");
    MERIDIAN_EXPECT_ERROR(r.status(), absl::StatusCode::kNotFound, "/nonexistent/repo.yaml");
}

void TestDeploymentFile::guessJurisdiction_data() {
    QTest::addColumn<QString>("cloud");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("jurisdiction");
    QTest::newRow("aws us-east-1") << "aws"
                                   << "us-east-1"
                                   << "us";
    QTest::newRow("aws us-west-2") << "aws"
                                   << "us-west-2"
                                   << "us";
    QTest::newRow("aws ca-central-1") << "aws"
                                      << "ca-central-1"
                                      << "us";
    QTest::newRow("aws eu-west-1") << "aws"
                                   << "eu-west-1"
                                   << "eu";
    QTest::newRow("aws eu-central-1") << "aws"
                                      << "eu-central-1"
                                      << "eu";
    QTest::newRow("aws eu-west-2 (London)") << "aws"
                                            << "eu-west-2"
                                            << "uk";
    QTest::newRow("aws ap-southeast-1") << "aws"
                                        << "ap-southeast-1"
                                        << "apac";
    QTest::newRow("aws sa-east-1") << "aws"
                                   << "sa-east-1"
                                   << "latam";
    QTest::newRow("aws me-south-1") << "aws"
                                    << "me-south-1"
                                    << "emea";
    QTest::newRow("gcp europe-west4") << "gcp"
                                      << "europe-west4"
                                      << "eu";
    QTest::newRow("gcp europe-west2 (London)") << "gcp"
                                               << "europe-west2"
                                               << "uk";
    QTest::newRow("gcp us-central1") << "gcp"
                                     << "us-central1"
                                     << "us";
    QTest::newRow("gcp northamerica-northeast1") << "gcp"
                                                 << "northamerica-northeast1"
                                                 << "us";
    QTest::newRow("gcp asia-northeast1") << "gcp"
                                         << "asia-northeast1"
                                         << "apac";
    QTest::newRow("gcp australia-southeast1") << "gcp"
                                              << "australia-southeast1"
                                              << "apac";
    QTest::newRow("gcp southamerica-east1") << "gcp"
                                            << "southamerica-east1"
                                            << "latam";
    QTest::newRow("azure westeurope") << "azure"
                                      << "westeurope"
                                      << "eu";
    QTest::newRow("azure northeurope") << "azure"
                                       << "northeurope"
                                       << "eu";
    QTest::newRow("azure francecentral") << "azure"
                                         << "francecentral"
                                         << "eu";
    QTest::newRow("azure germanywestcentral") << "azure"
                                              << "germanywestcentral"
                                              << "eu";
    QTest::newRow("azure austriaeast") << "azure"
                                       << "austriaeast"
                                       << "eu";
    QTest::newRow("azure uksouth") << "azure"
                                   << "uksouth"
                                   << "uk";
    QTest::newRow("azure ukwest") << "azure"
                                  << "ukwest"
                                  << "uk";
    QTest::newRow("azure southeastasia") << "azure"
                                         << "southeastasia"
                                         << "apac";
    QTest::newRow("azure japaneast") << "azure"
                                     << "japaneast"
                                     << "apac";
    QTest::newRow("azure australiaeast") << "azure"
                                         << "australiaeast"
                                         << "apac";
    QTest::newRow("azure centralindia") << "azure"
                                        << "centralindia"
                                        << "apac";
    QTest::newRow("azure eastus") << "azure"
                                  << "eastus"
                                  << "us";
    QTest::newRow("azure westus2") << "azure"
                                   << "westus2"
                                   << "us";
    QTest::newRow("azure canadacentral") << "azure"
                                         << "canadacentral"
                                         << "us";
    QTest::newRow("unknown cloud region") << "oracle"
                                          << "xyz-1"
                                          << "";
    QTest::newRow("empty") << "aws"
                           << ""
                           << "";
}

void TestDeploymentFile::guessJurisdiction() {
    QFETCH(QString, cloud);
    QFETCH(QString, region);
    QFETCH(QString, jurisdiction);
    QCOMPARE(QString::fromStdString(
                 registry::guessJurisdiction(cloud.toStdString(), region.toStdString())),
             jurisdiction);
}

void TestDeploymentFile::repositoryMultiDocument() {
    const char* text = R"(# shop, part one
project:
  name: shop
  description: "123"
entities:
  - name: user
    join_keys: [{name: user_id, value_type: INT64}]
---
entities:
  - name: merchant
    joinKeys: [{name: merchant_id, valueType: STRING}]
feature_views:
  - name: user_stats
    entities: [user]
    ttl_seconds: 3600
    online: false
    features:
      - {name: txn_count, value_type: INT64}
    replication: {mode: ACTIVE_ACTIVE, regions: [aws-us-east-1, aws-eu-west-1]}
    residency: {jurisdiction: eu}
    tags: {team: risk, version: "2"}
---
feature_services:
  - name: scoring
    features:
      - {feature_view: user_stats}
    consumers:
      - {model: fraud_v1}
)";
    auto repo = deployment::parseRepository(text, "repo.yaml");
    QVERIFY2(repo.ok(), qPrintable(describe(repo.status())));
    QCOMPARE(repo->project().name(), std::string("shop"));
    QCOMPARE(repo->project().description(), std::string("123"));  // quoted: a string
    QCOMPARE(repo->entities_size(), 2);  // merged across documents, in order
    QCOMPARE(repo->entities(0).name(), std::string("user"));
    QCOMPARE(repo->entities(1).name(), std::string("merchant"));
    QCOMPARE(repo->entities(1).join_keys(0).value_type(), v1::STRING);  // JSON names accepted
    QCOMPARE(repo->feature_views_size(), 1);
    const auto& v = repo->feature_views(0);
    QCOMPARE(v.ttl_seconds(), int64_t(3600));
    QVERIFY(v.has_online() && !v.online());
    QVERIFY(!v.has_offline());
    QCOMPARE(v.replication().mode(), v1::ReplicationPolicy::ACTIVE_ACTIVE);
    QCOMPARE(v.replication().regions_size(), 2);
    QCOMPARE(v.residency().jurisdiction(), std::string("eu"));
    QCOMPARE(v.tags().at("version"), std::string("2"));
    QCOMPARE(repo->feature_services(0).consumers(0).model(), std::string("fraud_v1"));
}

void TestDeploymentFile::repositoryExample() {
    // The example repository shipped in resources/ parses.
    const auto path = kSourceDir / "resources/examples/feature_repo.yaml";
    if (!std::filesystem::exists(path))
        QSKIP("no example repository in this checkout");
    auto repo = deployment::loadRepositoryFile(path.string());
    QVERIFY2(repo.ok(), qPrintable(describe(repo.status())));
    QVERIFY(repo->feature_views_size() > 0);
}

void TestDeploymentFile::repositoryErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown field with suggestion")
        << "project: {name: shop}\nfeature_views:\n  - name: v\n    entites: [user]\n"
        << "repo.yaml:4: feature_views[0].entites: unknown field (did you mean 'entities'?)";
    QTest::newRow("unknown top-level field with suggestion")
        << "projct: {name: shop}\n"
        << "repo.yaml:1: projct: unknown field (did you mean 'project'?)";
    QTest::newRow("unknown field far from any")
        << "project: {name: shop, colour: blue}\n"
        << "repo.yaml:1: project.colour: unknown field (expected one of: name, description, owner, "
           "tags)";
    QTest::newRow("bad enum value") << "entities:\n  - name: user\n    join_keys:\n      - name: "
                                       "user_id\n        value_type: INTEGER\n"
                                    << "repo.yaml:5: entities[0].join_keys[0].value_type: "
                                       "'INTEGER' is not one of INT64, INT32, DOUBLE, "
                                       "FLOAT, STRING, BYTES, BOOL, UNIX_TIMESTAMP, INT64_LIST, "
                                       "DOUBLE_LIST, FLOAT_LIST, STRING_LIST";
    QTest::newRow("bad replication mode")
        << "feature_views:\n  - name: v\n    replication: {mode: EVERYWHERE}\n"
        << "repo.yaml:3: feature_views[0].replication.mode: 'EVERYWHERE' is not one of LOCAL, "
           "HUB_SPOKE, "
           "ACTIVE_ACTIVE, BATCH";
    // yaml-cpp alone loops for ever on these (tests/fuzz/fuzz_repository found the first).
    QTest::newRow("document starting with a comma")
        << ","
        << "repo.yaml:1: no document can start here (a ',' outside brackets?)";
    QTest::newRow("second document starting with a comma")
        << "project: {name: shop}\n--- # next\n\n  , x\n"
        << "repo.yaml:4: no document can start here (a ',' outside brackets?)";
    QTest::newRow("comma after a finished document")
        << "\"shop\"\n# c\n,\n"
        << "repo.yaml:3: no document can start here (a ',' outside brackets?)";
    QTest::newRow("list expected") << "entities: {name: user}\n"
                                   << "repo.yaml:1: entities: expected a list";
    QTest::newRow("list of strings expected")
        << "feature_views:\n  - name: v\n    entities: user\n"
        << "repo.yaml:3: feature_views[0].entities: expected a list";
    QTest::newRow("mapping expected")
        << "project: shop\n"
        << "repo.yaml:1: project: expected a mapping of Project fields";
    QTest::newRow("mapping expected in a list")
        << "entities:\n  - user\n"
        << "repo.yaml:2: entities[0]: expected a mapping of Entity fields";
    QTest::newRow("map field expects a mapping") << "project: {name: shop, tags: [a, b]}\n"
                                                 << "repo.yaml:1: project.tags: expected a mapping";
    QTest::newRow("bool expected")
        << "feature_views:\n  - name: v\n    online: yes\n"
        << "repo.yaml:3: feature_views[0].online: expected true or false";
    QTest::newRow("number expected")
        << "feature_views:\n  - name: v\n    ttl_seconds: 1h\n"
        << "repo.yaml:3: feature_views[0].ttl_seconds: expected a number";
    QTest::newRow("whole number expected")
        << "feature_views:\n  - name: v\n    ttl_seconds: 1.5\n"
        << "repo.yaml:3: feature_views[0].ttl_seconds: expected a whole number";
    QTest::newRow("string expected") << "project: {name: [shop]}\n"
                                     << "repo.yaml:1: project.name: expected a single value";
    QTest::newRow("empty file") << "# nothing here\n"
                                << "repo.yaml: the file declares nothing";
    QTest::newRow("only separators") << "---\n---\n"
                                     << "repo.yaml: the file declares nothing";
    QTest::newRow("yaml syntax") << "project: {name: shop\n"
                                 << "repo.yaml:";
    QTest::newRow("key given twice")
        << "project: {name: shop}\nfeature_views:\n  - name: v\n    ttl_seconds: 60\n"
           "    ttl_seconds: 120\n"
        << "repo.yaml:5: feature_views[0].ttl_seconds: given twice (first on line 4)";
    QTest::newRow("key given twice, once in camel case")
        << "feature_views:\n  - name: v\n    ttl_seconds: 60\n    ttlSeconds: 120\n"
        << "repo.yaml:4: feature_views[0].ttlSeconds: given twice (first on line 3)";
    QTest::newRow("tag given twice")
        << "project:\n  name: shop\n  tags: {team: a, team: b}\n"
        << "repo.yaml:3: project.tags.team: given twice (first on line 3)";
    QTest::newRow("project twice in one document")
        << "project: {name: shop}\nproject: {name: other}\n"
        << "repo.yaml:2: project: given twice (first on line 1)";
    QTest::newRow("project in two documents")
        << "project: {name: shop}\n---\nproject: {name: other}\n"
        << "repo.yaml:3: project: given twice (first on line 1); list several under 'projects'";
    QTest::newRow("error in a later document")
        << "project: {name: shop}\n---\nentities:\n  - name: user\n    joinkeys: []\n"
        << "repo.yaml:5: entities[0].joinkeys: unknown field (did you mean 'join_keys'?)";
}

void TestDeploymentFile::repositoryErrors() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    auto repo = deployment::parseRepository(text.toStdString(), "repo.yaml");
    MERIDIAN_EXPECT_ERROR(repo.status(), absl::StatusCode::kInvalidArgument,
                          expected.toStdString());
    QVERIFY2(std::string(repo.status().message())
                     .rfind(expected.left(expected.indexOf(':') + 1).toStdString(), 0) == 0,
             qPrintable(describe(repo.status())));
}

void TestDeploymentFile::repositoryScalars() {
    // Quoted numbers stay strings; plain numbers where a string is expected read as their text.
    const char* text = R"(project:
  name: "123"
  description: 2024
  owner: 'true'
  tags: {version: 2, release: "3.10", flag: false}
feature_views:
  - name: v
    ttl_seconds: "60"
    description: 1.50
)";
    auto repo = deployment::parseRepository(text, "repo.yaml");
    QVERIFY2(repo.ok(), qPrintable(describe(repo.status())));
    QCOMPARE(repo->project().name(), std::string("123"));
    QCOMPARE(repo->project().description(), std::string("2024"));
    QCOMPARE(repo->project().owner(), std::string("true"));
    QCOMPARE(repo->project().tags().at("version"), std::string("2"));
    QCOMPARE(repo->project().tags().at("release"), std::string("3.10"));
    QCOMPARE(repo->project().tags().at("flag"), std::string("false"));
    QCOMPARE(repo->feature_views(0).description(), std::string("1.50"));
    QCOMPARE(repo->feature_views(0).ttl_seconds(), int64_t(60));
}

QTEST_APPLESS_MAIN(TestDeploymentFile)
#include "tst_deploymentfile.moc"
