// Writes (serving::FeatureWriter): online and offline targets, a request taken or refused whole,
// its errors, the replication and residency policies, the newer event winning online, and one
// changelog entry per row carrying the row's clock.

#include <QtTest>

#include "storage/entitykey.h"
#include "storage/rowformat.h"
#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestFeatureWriter : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void writeTargets();
    void writeRejectedWhole();
    void writeErrors();
    void writePolicies();
    void onlineNewerEventWins();
    void changelogPerRow();
};

void TestFeatureWriter::writeTargets() {
    QVERIFY(write("user_stats", {userRow(1, kT, 1, 1)}, v1::ONLINE).ok());
    QVERIFY(write("user_stats", {userRow(2, kT, 2, 2)}, v1::OFFLINE).ok());
    auto both = write("user_stats", {userRow(3, kT, 3, 3)}, v1::ONLINE_AND_OFFLINE);
    QVERIFY(both.ok());
    QCOMPARE(both->rows_written(), int64_t(2));
    QCOMPARE(onlineCount("user_stats"), int64_t(2));
    QCOMPARE(offlineCount("user_stats"), int64_t(2));
    const auto online = m_region->online().read(
        onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2), entity(3)}), kT);
    QCOMPARE(online->rows(0).values(0).status(), v1::PRESENT);
    QCOMPARE(online->rows(1).values(0).status(), v1::NOT_FOUND);
    QCOMPARE(online->rows(2).values(0).status(), v1::PRESENT);
    const auto history = m_region->historical().read(historicalRefs(
        {"user_stats:txn_count"},
        {entity(1, std::nullopt, kT), entity(2, std::nullopt, kT), entity(3, std::nullopt, kT)}));
    QVERIFY(history.ok());
    QCOMPARE(history->rows(0).values(0).status(), v1::NOT_FOUND);
    QCOMPARE(history->rows(1).values(0).status(), v1::PRESENT);
    QCOMPARE(history->rows(2).values(0).status(), v1::PRESENT);

    // An online-only view: default target writes online only; asking for offline is refused.
    v1::FeatureRow s;
    (*s.mutable_keys())["user_id"] = i64(1);
    s.set_event_timestamp(kT);
    (*s.mutable_values())["open"] = i64(1);
    auto sessions = write("sessions", {s});
    QVERIFY2(sessions.ok(), qPrintable(describe(sessions.status())));
    QCOMPARE(sessions->offline_appended(), int64_t(0));
    QCOMPARE(sessions->online_applied(), int64_t(1));
    MERIDIAN_EXPECT_ERROR(write("sessions", {s}, v1::OFFLINE).status(),
                          absl::StatusCode::kInvalidArgument,
                          "feature view 'sessions' has no offline store");
}

void TestFeatureWriter::writeRejectedWhole() {
    const uint64_t before = lastSeq();
    std::vector<v1::FeatureRow> rows{userRow(1, kT, 1, 1), userRow(2, kT, 2, 2),
                                     userRow(3, kT, 3, 3), userRow(4, kT, 4, 4),
                                     userRow(5, kT, 5, 5)};
    rows[2].mutable_keys()->erase("user_id");
    MERIDIAN_EXPECT_ERROR(write("user_stats", rows).status(), absl::StatusCode::kInvalidArgument,
                          "row 3: missing join key 'user_id'");
    rows[2] = userRow(3, kT, 3, 3);
    (*rows[3].mutable_values())["txn_count"] = str("four");
    MERIDIAN_EXPECT_ERROR(write("user_stats", rows).status(), absl::StatusCode::kInvalidArgument,
                          "row 4: feature 'txn_count' expects INT64, got STRING");
    QCOMPARE(lastSeq(), before);
    QCOMPARE(onlineCount("user_stats"), int64_t(0));
    QCOMPARE(offlineCount("user_stats"), int64_t(0));
    const auto r = m_region->online().read(
        onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2), entity(5)}), kT);
    QVERIFY(r.ok());
    for (const auto& row : r->rows())
        QCOMPARE(row.values(0).status(), v1::NOT_FOUND);
    // Fixed, the same batch goes through whole.
    rows[3] = userRow(4, kT, 4, 4);
    QVERIFY(write("user_stats", rows).ok());
    QCOMPARE(lastSeq(), before + 5);
    QCOMPARE(onlineCount("user_stats"), int64_t(5));
}

void TestFeatureWriter::writeErrors() {
    MERIDIAN_EXPECT_ERROR(write("ghost", {userRow(1, kT, 1, 1)}).status(),
                          absl::StatusCode::kNotFound,
                          "feature view 'ghost' not found in project 'shop'");
    auto unknownFeature = userRow(1, kT, 1, 1);
    (*unknownFeature.mutable_values())["refunds"] = i64(1);
    MERIDIAN_EXPECT_ERROR(write("user_stats", {unknownFeature}).status(),
                          absl::StatusCode::kInvalidArgument,
                          "row 1: feature view 'user_stats' has no feature 'refunds'");
    auto wrongKey = userRow(1, kT, 1, 1);
    (*wrongKey.mutable_keys())["user_id"] = str("1");
    MERIDIAN_EXPECT_ERROR(write("user_stats", {wrongKey}).status(),
                          absl::StatusCode::kInvalidArgument,
                          "row 1: join key 'user_id' expects INT64, got STRING");
    auto nullKey = userRow(1, kT, 1, 1);
    (*nullKey.mutable_keys())["user_id"] = v1::Value();
    MERIDIAN_EXPECT_ERROR(write("user_stats", {nullKey}).status(),
                          absl::StatusCode::kInvalidArgument, "row 1: missing join key 'user_id'");
    MERIDIAN_EXPECT_ERROR(write("user_stats", {userRow(1, 0, 1, 1)}).status(),
                          absl::StatusCode::kInvalidArgument, "row 1: event_timestamp is missing");
    MERIDIAN_EXPECT_ERROR(write("user_stats", {}).status(), absl::StatusCode::kInvalidArgument,
                          "no rows to write");
    v1::WriteFeaturesRequest noProject;
    noProject.set_feature_view("user_stats");
    MERIDIAN_EXPECT_ERROR(m_region->writer().write(noProject).status(),
                          absl::StatusCode::kInvalidArgument, "project is missing");
    QCOMPARE(lastSeq(), uint64_t(repository().objects_size()));
}

void TestFeatureWriter::writePolicies() {
    v1::FeatureRow row;
    (*row.mutable_keys())["user_id"] = i64(1);
    row.set_event_timestamp(kT);
    (*row.mutable_values())["score"] = dbl(1);
    MERIDIAN_EXPECT_ERROR(
        write("hub_scores", {row}).status(), absl::StatusCode::kFailedPrecondition,
        "feature view 'hub_scores' is hub-and-spoke: write to its hub 'aws-eu-west-1', not "
        "'aws-us-east-1'");
    v1::FeatureRow eu;
    (*eu.mutable_keys())["user_id"] = i64(1);
    eu.set_event_timestamp(kT);
    (*eu.mutable_values())["segment"] = str("a");
    MERIDIAN_EXPECT_ERROR(
        write("eu_profile", {eu}).status(), absl::StatusCode::kFailedPrecondition,
        "feature view 'eu_profile' may not store data in region 'aws-us-east-1' (residency)");
    QCOMPARE(lastSeq(), uint64_t(repository().objects_size()));
    // The hub-and-spoke copy here can still be read.
    MERIDIAN_EXPECT_OK(
        m_region->online().read(onlineRefs({"hub_scores:score"}, {entity(1)}), kT).status());
}

void TestFeatureWriter::onlineNewerEventWins() {
    QVERIFY(write("user_stats", {userRow(1, kT + 100, 2, 0)}).ok());
    auto older = write("user_stats", {userRow(1, kT, 1, 0)});
    QVERIFY(older.ok());
    QCOMPARE(older->online_applied(), int64_t(0));
    QCOMPARE(older->online_stale(), int64_t(1));
    QCOMPARE(older->offline_appended(), int64_t(1));  // history keeps it
    auto r = m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(1)}), kT + 200);
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(2));
    // Same event time, later write: the later write wins.
    QVERIFY(write("user_stats", {userRow(1, kT + 100, 3, 0)}).ok());
    r = m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(1)}), kT + 200);
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(3));
}

void TestFeatureWriter::changelogPerRow() {
    const uint64_t before = lastSeq();
    auto written = write(
        "user_stats", {userRow(1, kT, 1, 1), userRow(2, kT + 1, 2, 2), userRow(3, kT + 2, 3, 3)});
    QVERIFY(written.ok());
    const auto changes = changesAfter(before);
    QCOMPARE(changes.size(), size_t(3));
    uint64_t hlc = 0;
    for (size_t i = 0; i < changes.size(); ++i) {
        const auto& c = changes[i];
        QCOMPARE(c.seq(), before + i + 1);
        QCOMPARE(c.origin_seq(), c.seq());
        QCOMPARE(c.kind(), v1::Change::FEATURE_ROW);
        QCOMPARE(c.origin(), std::string(kHere));
        QCOMPARE(c.project(), std::string("shop"));
        QCOMPARE(c.feature_view(), std::string("user_stats"));
        QCOMPARE(c.event_timestamp(), kT + int64_t(i));
        QCOMPARE(c.target(), int32_t(v1::ONLINE_AND_OFFLINE));
        QCOMPARE(storage::entityKeyToString(c.entity_key()), "user_id=" + std::to_string(i + 1));
        QVERIFY(c.hlc() > hlc);
        hlc = c.hlc();
        QVERIFY(c.commit_ms() > 0);
        // Values are logged in the compact form, under the row schema of the view.
        bool sawCount = false;
        uint32_t schemaId = 0;
        QVERIFY(storage::rowSchemaId(c.values(), schemaId));
        const auto schema = m_region->database().dictionaries().schemas.find(schemaId);
        QVERIFY(schema);
        storage::RowReader fields(c.values(), *schema);
        int field = -1;
        while (fields.next(field)) {
            v1::Value value;
            QVERIFY(fields.read(&value));
            if (schema->fields[field].name == "txn_count") {
                QCOMPARE(value.int64_val(), int64_t(i + 1));
                sawCount = true;
            }
        }
        QVERIFY(fields.ok());
        QVERIFY(sawCount);
    }
    QCOMPARE(written->version(), changes.back().hlc());
    // The stored rows carry the same clock as their log entries.
    auto reader = m_region->database().read();
    QVERIFY(reader.ok());
    auto id = m_region->viewIds().find(**reader, "shop", "user_stats");
    QVERIFY(id.ok() && *id);
    storage::OnlineRecordView record;
    QVERIFY(*storage::OnlineTable(**reader).get(**id, changes[0].entity_key(), record));
    QCOMPARE(record.writeHlc, changes[0].hlc());
    QCOMPARE(m_region->database().dictionaries().regions.name(record.origin), std::string(kHere));
}

QTEST_GUILESS_MAIN(TestFeatureWriter)
#include "tst_featurewriter.moc"
