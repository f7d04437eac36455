// A region database written by the previous release (schema version 1, kept as a fixture in
// tests/data/upgrade) opens with this one: every row is still there and reads back the same
// values, partition digests are recomputed, the changelog keeps its sequence, and the upgrade
// happens once. A database from a newer release is refused. One written by the release after
// it (schema version 2) is kept beside it and opens too, with cursors that now name the epoch
// of the peer's log they were read in, and epochs of its own log from this opening on.

#include <QtTest>

#include <filesystem>

#include "serving/region.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/schema.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// The fixture: region aws-eu-west-1 of the demo (resources/demo/deployment.yaml, seeded with 30
// rows per view by `meridianctl demo up --seed-rows 30 --rate 0`) as release 0.1.0 left it.
const char* kFixture = MERIDIAN_SOURCE_DIR "/tests/data/upgrade/v1-aws-eu-west-1.db";
constexpr int64_t kOnlineRows = 30 + 29 + 29;
constexpr int64_t kOfflineRows = 150;
constexpr uint64_t kLogSeq = 25;
// The same demo region written by the release of schema version 2, stopped cleanly.
const char* kCurrentFixture = MERIDIAN_SOURCE_DIR "/tests/data/upgrade/v2-aws-eu-west-1.db";

// Every merchant_risk feature of merchant 113, the row both fixtures are checked by.
absl::StatusOr<v1::GetOnlineFeaturesResponse> readMerchant113(serving::Region& region) {
    v1::GetOnlineFeaturesRequest request;
    request.set_project("commerce");
    request.mutable_features()->add_refs("merchant_risk:*");
    (*request.add_entities()->mutable_keys())["merchant_id"].set_int64_val(113);
    return region.online().read(request, replication::wallClockMs());
}

}  // namespace

class TestSchemaUpgrade : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void rowsReadBackAsBefore();
    void countsAndDigestsRecomputed();
    void changelogKeepsItsSequence();
    void upgradeRunsOnce();
    void newerSchemaRefused();
    void version2DatabaseReadsAsWritten();

private:
    std::unique_ptr<serving::Region> open(const char* folder = "r");

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSchemaUpgrade::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    std::filesystem::create_directories(m_dir->filePath("r").toStdString());
    std::filesystem::copy_file(kFixture, m_dir->filePath("r/region.db").toStdString());
}

void TestSchemaUpgrade::cleanup() {
    m_dir.reset();
}

std::unique_ptr<serving::Region> TestSchemaUpgrade::open(const char* folder) {
    serving::RegionOptions options;
    options.name = "aws-eu-west-1";
    options.dataDir = m_dir->filePath(folder).toStdString();
    options.regions = demoRegions();
    options.controlRegion = "aws-us-east-1";
    auto region = serving::Region::open(options);
    if (!region.ok())
        qFatal("open: %s", region.status().ToString().c_str());
    return std::move(*region);
}

void TestSchemaUpgrade::rowsReadBackAsBefore() {
    auto region = open();
    // What release 0.1.0 answered for this merchant before the upgrade.
    auto answer = readMerchant113(*region);
    QVERIFY2(answer.ok(), qPrintable(describe(answer.status())));
    QCOMPARE(answer->rows_size(), 1);
    std::map<std::string, std::string> got;
    for (int i = 0; i < answer->feature_names_size(); ++i) {
        const auto& v = answer->rows(0).values(i);
        QCOMPARE(v.status(), v1::PRESENT);
        got[answer->feature_names(i)] = v.value().ShortDebugString();
    }
    QCOMPARE(got["merchant_risk:merchant_txn_count_1h"], std::string("int64_val: 1"));
    QCOMPARE(got["merchant_risk:merchant_txn_count_24h"], std::string("int64_val: 32"));
    QCOMPARE(got["merchant_risk:chargeback_rate_90d"], std::string("double_val: 0.0016"));
    QCOMPARE(got["merchant_risk:avg_ticket_30d"], std::string("double_val: 251.85"));
    QCOMPARE(got["merchant_risk:mcc_category"], std::string("string_val: \"gift_cards\""));
    QCOMPARE(got["merchant_risk:merchant_country"], std::string("string_val: \"MY\""));
    QCOMPARE(got["merchant_risk:is_high_risk_mcc"], std::string("bool_val: true"));
    QCOMPARE(got["merchant_risk:risk_score"], std::string("double_val: 0.107"));
    QCOMPARE(answer->rows(0).values(0).event_timestamp(), int64_t(1796578716158));
}

void TestSchemaUpgrade::countsAndDigestsRecomputed() {
    auto region = open();
    auto& db = region->database();
    auto& dict = db.dictionaries();
    MERIDIAN_EXPECT_OK(db.read([&](storage::Connection& conn) -> absl::Status {
        int64_t online = 0, offline = 0;
        auto& views = conn.prepare("SELECT id FROM views");
        std::vector<int64_t> ids;
        while (views.step())
            ids.push_back(views.int64(0));
        views.reset();
        storage::OfflineTable table(conn, dict.regions, dict.schemas);
        for (int64_t id : ids) {
            online += *storage::OnlineTable(conn).count(id);
            offline += *table.count(id);
            // Each partition's digest is the XOR of its rows' hashes as they are now stored.
            auto parts = table.partitions(id);
            if (!parts.ok())
                return parts.status();
            for (const auto& p : *parts) {
                uint64_t digest = 0;
                int64_t rows = 0;
                auto st = table.scanPartition(id, p.day, nullptr, 1'000'000,
                                              [&](const storage::OfflineRecord& r) {
                                                  digest ^= *table.hashOf(r);
                                                  ++rows;
                                                  return true;
                                              });
                if (!st.ok())
                    return st;
                if (digest != p.digest || rows != p.rows)
                    return absl::InternalError("partition " + std::to_string(p.day) +
                                               " digest does not match its rows");
            }
        }
        if (online != kOnlineRows || offline != kOfflineRows)
            return absl::InternalError("counts " + std::to_string(online) + "/" +
                                       std::to_string(offline));
        auto& left = conn.prepare(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '%_v1' OR name = 'changelog_v1'");
        const int64_t n = left.step() ? left.int64(0) : -1;
        left.reset();
        return n == 0 ? absl::OkStatus() : absl::InternalError("old tables left behind");
    }));
}

void TestSchemaUpgrade::changelogKeepsItsSequence() {
    auto region = open();
    std::vector<v1::Change> changes;
    MERIDIAN_EXPECT_OK(region->database().read([&](storage::Connection& conn) -> absl::Status {
        storage::ChangelogTable log(conn);
        auto last = log.lastSeq();
        if (!last.ok() || *last != kLogSeq)
            return absl::InternalError("last seq changed");
        return log.readAfter(0, 1000, region->viewIds(), region->name(), [&](v1::Change&& c) {
            changes.push_back(std::move(c));
            return true;
        });
    }));
    QCOMPARE(changes.size(), size_t(kLogSeq));
    for (size_t i = 0; i < changes.size(); ++i) {
        QCOMPARE(changes[i].seq(), uint64_t(i + 1));
        QCOMPARE(changes[i].origin(), std::string("aws-eu-west-1"));
        QVERIFY(!changes[i].feature_view().empty());
        QVERIFY(changes[i].hlc() > 0);
    }
    // The clock restarts above every logged value, and new writes continue the sequence.
    QVERIFY(region->clock().current() >= changes.back().hlc());
}

void TestSchemaUpgrade::upgradeRunsOnce() {
    { auto first = open(); }
    auto again = open();
    MERIDIAN_EXPECT_OK(again->database().read([](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
        const std::string version = q.step() ? std::string(q.text(0)) : "";
        q.reset();
        return version == std::to_string(storage::kSchemaVersion)
                   ? absl::OkStatus()
                   : absl::InternalError("schema version " + version);
    }));
}

void TestSchemaUpgrade::newerSchemaRefused() {
    { auto region = open(); }
    {
        auto conn = storage::Connection::open(m_dir->filePath("r/region.db").toStdString(), false);
        QVERIFY(conn.ok());
        MERIDIAN_EXPECT_OK(
            (*conn)->exec("UPDATE meta SET value = '9' WHERE key = 'schema_version'"));
    }
    serving::RegionOptions options;
    options.name = "aws-eu-west-1";
    options.dataDir = m_dir->filePath("r").toStdString();
    auto region = serving::Region::open(options);
    MERIDIAN_EXPECT_ERROR(region.status(), absl::StatusCode::kFailedPrecondition,
                          "newer than this build");
}

void TestSchemaUpgrade::version2DatabaseReadsAsWritten() {
    std::filesystem::create_directories(m_dir->filePath("v2").toStdString());
    const std::string path = m_dir->filePath("v2/region.db").toStdString();
    std::filesystem::copy_file(kCurrentFixture, path);
    {
        auto conn = storage::Connection::open(path, true);
        QVERIFY(conn.ok());
        auto& q = (*conn)->prepare("SELECT value FROM meta WHERE key = 'schema_version'");
        QVERIFY(q.step());
        QCOMPARE(std::string(q.text(0)), std::string("2"));
        q.reset();
    }
    auto region = open("v2");
    auto answer = readMerchant113(*region);
    QVERIFY2(answer.ok(), qPrintable(describe(answer.status())));
    std::map<std::string, std::string> got;
    for (int i = 0; i < answer->feature_names_size(); ++i)
        got[answer->feature_names(i)] = answer->rows(0).values(i).value().ShortDebugString();
    QCOMPARE(got["merchant_risk:merchant_txn_count_24h"], std::string("int64_val: 32"));
    QCOMPARE(got["merchant_risk:refund_rate_30d"], std::string("double_val: 0.0487"));
    QCOMPARE(got["merchant_risk:avg_ticket_30d"], std::string("double_val: 251.85"));
    QCOMPARE(got["merchant_risk:mcc_category"], std::string("string_val: \"gift_cards\""));
    QCOMPARE(got["merchant_risk:is_high_risk_mcc"], std::string("bool_val: true"));
    QVERIFY(got["merchant_risk:onboarded_at"].starts_with("unix_timestamp_val"));
    QCOMPARE(answer->rows(0).values(0).event_timestamp(), int64_t(1796593107618));
    MERIDIAN_EXPECT_OK(region->database().read([&](storage::Connection& conn) -> absl::Status {
        auto last = storage::ChangelogTable(conn).lastSeq();
        if (!last.ok() || *last != 25)
            return absl::InternalError("the changelog does not end at seq 25");
        auto& q = conn.prepare("SELECT sum(keys - deleted) FROM online_counts");
        const int64_t online = q.step() ? q.int64(0) : -1;
        q.reset();
        if (online != 79)
            return absl::InternalError("online rows " + std::to_string(online));
        auto& cursors = conn.prepare("SELECT count(*) FROM cursors WHERE epoch = 0");
        const int64_t unknownEpoch = cursors.step() ? cursors.int64(0) : -1;
        cursors.reset();
        return unknownEpoch >= 0 ? absl::OkStatus()
                                 : absl::InternalError("cursors have no epoch column");
    }));
    QCOMPARE(region->database().logEpochs().size(), size_t(1));
    QCOMPARE(region->database().logEpochs().back().firstSeq, uint64_t(26));
}

QTEST_GUILESS_MAIN(TestSchemaUpgrade)
#include "tst_schemaupgrade.moc"
