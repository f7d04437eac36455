// Online reads (serving::OnlineReader): per-value status (present, not found, null, outside max
// age), feature services and view:*, several views and entities in one request, read-your-writes
// tokens, request errors, and the size limits of every kind of request (serving/limits.h).

#include <QtTest>

#include "serving/limits.h"
#include "support/servingfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestOnlineReader : public QObject, protected ServingFixture {
    Q_OBJECT

private slots:
    void init() { openFixture(); }
    void cleanup() { closeFixture(); }

    void onlinePresentAndNotFound();
    void onlineNullValue();
    void onlineOutsideMaxAge();
    void featureServiceRefsAndStar();
    void twoViewsTwoEntities();
    void readYourWrites();
    void readErrors();
    void tooManyRowsOrEntities();
};

void TestOnlineReader::onlinePresentAndNotFound() {
    auto written =
        write("user_stats", {userRow(1, kT, 10, 2.5, "DE"), userRow(2, kT + 5, 20, 7.25, "FR")});
    QVERIFY2(written.ok(), qPrintable(describe(written.status())));
    QCOMPARE(written->online_applied(), int64_t(2));
    QCOMPARE(written->offline_appended(), int64_t(2));
    const auto response = m_region->online().read(
        onlineRefs({"user_stats:txn_count", "user_stats:avg_amount", "user_stats:country"},
                   {entity(1), entity(2), entity(3)}),
        kT + 1000);
    QVERIFY2(response.ok(), qPrintable(describe(response.status())));
    QCOMPARE(namesOf(response->feature_names()),
             QStringList({"user_stats:txn_count", "user_stats:avg_amount", "user_stats:country"}));
    QCOMPARE(response->serving_region(), std::string(kHere));
    QVERIFY(response->watermark() >= written->version());
    QCOMPARE(response->rows_size(), 3);
    const auto& r1 = response->rows(0);
    QCOMPARE(r1.values(0).status(), v1::PRESENT);
    QCOMPARE(r1.values(0).value().int64_val(), int64_t(10));
    QCOMPARE(r1.values(0).event_timestamp(), kT);
    QCOMPARE(r1.values(1).value().double_val(), 2.5);
    QCOMPARE(r1.values(2).value().string_val(), std::string("DE"));
    const auto& r2 = response->rows(1);
    QCOMPARE(r2.values(0).value().int64_val(), int64_t(20));
    QCOMPARE(r2.values(2).value().string_val(), std::string("FR"));
    QCOMPARE(r2.values(2).event_timestamp(), kT + 5);
    for (const auto& v : response->rows(2).values()) {
        QCOMPARE(v.status(), v1::NOT_FOUND);
        QCOMPARE(v.event_timestamp(), int64_t(0));
        QVERIFY(!v.has_value() || v.value().val_case() == v1::Value::VAL_NOT_SET);
    }
    // A list value round-trips.
    auto row = userRow(4, kT, 1, 1.0);
    auto* list = (*row.mutable_values())["embedding"].mutable_float_list_val();
    list->add_val(0.5f);
    list->add_val(-1.25f);
    QVERIFY(write("user_stats", {row}).ok());
    const auto emb = m_region->online().read(onlineRefs({"user_stats:embedding"}, {entity(4)}), kT);
    QVERIFY(emb.ok());
    QCOMPARE(emb->rows(0).values(0).status(), v1::PRESENT);
    QCOMPARE(emb->rows(0).values(0).value().float_list_val().val_size(), 2);
    QCOMPARE(emb->rows(0).values(0).value().float_list_val().val(1), -1.25f);
}

void TestOnlineReader::onlineNullValue() {
    // A feature the row does not carry, or carries as null, reads as NULL_VALUE.
    auto row = userRow(1, kT, 10, 2.5, "");
    (*row.mutable_values())["avg_amount"] = v1::Value();
    QVERIFY(write("user_stats", {row}).ok());
    const auto response = m_region->online().read(
        onlineRefs({"user_stats:txn_count", "user_stats:avg_amount", "user_stats:country"},
                   {entity(1)}),
        kT);
    QVERIFY2(response.ok(), qPrintable(describe(response.status())));
    const auto& values = response->rows(0).values();
    QCOMPARE(values[0].status(), v1::PRESENT);
    QCOMPARE(values[1].status(), v1::NULL_VALUE);
    QCOMPARE(values[1].event_timestamp(), kT);
    QCOMPARE(values[2].status(), v1::NULL_VALUE);
}

void TestOnlineReader::onlineOutsideMaxAge() {
    QVERIFY(write("user_stats", {userRow(1, kT, 10, 2.5)}).ok());
    QVERIFY(write("merchant_risk", {merchantRow("m1", kT, 0.1, false)}).ok());
    auto read = [&](int64_t now) {
        auto r = m_region->online().read(
            onlineRefs({"user_stats:txn_count", "merchant_risk:flagged"}, {entity(1, "m1")}), now);
        if (!r.ok())
            qFatal("read: %s", r.status().ToString().c_str());
        return *r;
    };
    // ttl 3600 s: valid up to and including an hour after the event.
    QCOMPARE(read(kT + kHour).rows(0).values(0).status(), v1::PRESENT);
    const auto stale = read(kT + kHour + 1);
    QCOMPARE(stale.rows(0).values(0).status(), v1::OUTSIDE_MAX_AGE);
    QCOMPARE(stale.rows(0).values(0).event_timestamp(), kT);
    QVERIFY(stale.rows(0).values(0).value().val_case() == v1::Value::VAL_NOT_SET);
    // A view without ttl never expires.
    QCOMPARE(stale.rows(0).values(1).status(), v1::PRESENT);
    QCOMPARE(read(kT + 1000 * kHour).rows(0).values(1).status(), v1::PRESENT);
}

void TestOnlineReader::featureServiceRefsAndStar() {
    QVERIFY(write("user_stats", {userRow(1, kT, 10, 2.5, "DE")}).ok());
    QVERIFY(write("merchant_risk", {merchantRow("m1", kT, 0.25, true)}).ok());

    v1::GetOnlineFeaturesRequest byService;
    byService.set_project("shop");
    byService.set_feature_service("scoring");
    *byService.add_entities() = entity(1, "m1");
    const auto service = m_region->online().read(byService, kT);
    QVERIFY2(service.ok(), qPrintable(describe(service.status())));
    QCOMPARE(namesOf(service->feature_names()),
             QStringList({"user_stats:txn_count", "user_stats:avg_amount",
                          "merchant_risk:chargeback_rate", "merchant_risk:flagged"}));
    const auto& v = service->rows(0).values();
    QCOMPARE(v[0].value().int64_val(), int64_t(10));
    QCOMPARE(v[1].value().double_val(), 2.5);
    QCOMPARE(v[2].value().double_val(), 0.25);
    QCOMPARE(v[3].value().bool_val(), true);
    for (const auto& value : v)
        QCOMPARE(value.status(), v1::PRESENT);

    const auto star = m_region->online().read(onlineRefs({"user_stats:*"}, {entity(1)}), kT);
    QVERIFY2(star.ok(), qPrintable(describe(star.status())));
    QCOMPARE(namesOf(star->feature_names()),
             QStringList({"user_stats:txn_count", "user_stats:avg_amount", "user_stats:country",
                          "user_stats:embedding"}));
    QCOMPARE(star->rows(0).values(2).value().string_val(), std::string("DE"));
    QCOMPARE(star->rows(0).values(3).status(), v1::NULL_VALUE);

    // Refs in the order asked, across views.
    const auto refs = m_region->online().read(
        onlineRefs({"merchant_risk:flagged", "user_stats:country"}, {entity(1, "m1")}), kT);
    QVERIFY2(refs.ok(), qPrintable(describe(refs.status())));
    QCOMPARE(namesOf(refs->feature_names()),
             QStringList({"merchant_risk:flagged", "user_stats:country"}));
    QCOMPARE(refs->rows(0).values(0).value().bool_val(), true);
    QCOMPARE(refs->rows(0).values(1).value().string_val(), std::string("DE"));
}

void TestOnlineReader::twoViewsTwoEntities() {
    QVERIFY(write("user_stats", {userRow(1, kT, 10, 1), userRow(2, kT, 20, 2)}).ok());
    QVERIFY(write("merchant_risk", {merchantRow("m1", kT, 0.5, false)}).ok());
    const auto r = m_region->online().read(
        onlineRefs({"user_stats:txn_count", "merchant_risk:chargeback_rate"},
                   {entity(1, "m1"), entity(2, "m2"), entity(3, "m1")}),
        kT);
    QVERIFY2(r.ok(), qPrintable(describe(r.status())));
    QCOMPARE(r->rows_size(), 3);
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(10));
    QCOMPARE(r->rows(0).values(1).value().double_val(), 0.5);
    QCOMPARE(r->rows(1).values(0).value().int64_val(), int64_t(20));
    QCOMPARE(r->rows(1).values(1).status(), v1::NOT_FOUND);
    QCOMPARE(r->rows(2).values(0).status(), v1::NOT_FOUND);
    QCOMPARE(r->rows(2).values(1).value().double_val(), 0.5);
}

void TestOnlineReader::readYourWrites() {
    auto written = write("user_stats", {userRow(1, kT, 10, 1)});
    QVERIFY(written.ok());
    QVERIFY(written->version() > 0);
    auto request = onlineRefs({"user_stats:txn_count"}, {entity(1)});
    request.set_min_version(written->version());
    MERIDIAN_EXPECT_OK(m_region->online().read(request, kT).status());
    request.set_min_version(m_region->clock().current() + 1000);
    MERIDIAN_EXPECT_ERROR(m_region->online().read(request, kT).status(),
                          absl::StatusCode::kFailedPrecondition,
                          "region 'aws-us-east-1' has not applied version");
}

void TestOnlineReader::readErrors() {
    auto read = [&](const v1::GetOnlineFeaturesRequest& r) {
        return m_region->online().read(r, kT).status();
    };
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"ghost:x"}, {entity(1)})), absl::StatusCode::kNotFound,
                          "feature view 'ghost' not found in project 'shop'");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"user_stats:ghost"}, {entity(1)})),
                          absl::StatusCode::kNotFound,
                          "feature view 'user_stats' has no feature 'ghost'");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"user_stats"}, {entity(1)})),
                          absl::StatusCode::kInvalidArgument,
                          "feature reference 'user_stats' is not of the form view:feature");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"user_stats:txn_count", "user_stats:*"}, {entity(1)})),
                          absl::StatusCode::kInvalidArgument,
                          "feature 'user_stats:txn_count' asked for twice");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({}, {entity(1)})), absl::StatusCode::kInvalidArgument,
                          "no features asked for");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"user_stats:txn_count"}, {})),
                          absl::StatusCode::kInvalidArgument, "no entity rows given");
    v1::GetOnlineFeaturesRequest service;
    service.set_project("shop");
    service.set_feature_service("nope");
    *service.add_entities() = entity(1);
    MERIDIAN_EXPECT_ERROR(read(service), absl::StatusCode::kNotFound,
                          "feature service 'nope' not found");
    auto otherProject = onlineRefs({"user_stats:txn_count"}, {entity(1)});
    otherProject.set_project("ads");
    MERIDIAN_EXPECT_ERROR(read(otherProject), absl::StatusCode::kNotFound,
                          "project 'ads' not found");
    // Keys: missing, or of the wrong type, named with the row and the view needing them.
    MERIDIAN_EXPECT_ERROR(
        read(onlineRefs({"user_stats:txn_count"}, {entity(1), entity(std::nullopt, "m1")})),
        absl::StatusCode::kInvalidArgument, "entity row 2: missing join key 'user_id'",
        "needed by feature view 'user_stats'");
    v1::EntityRow wrongType;
    (*wrongType.mutable_keys())["user_id"] = str("1");
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"user_stats:txn_count"}, {wrongType})),
                          absl::StatusCode::kInvalidArgument,
                          "entity row 1: join key 'user_id' expects INT64, got STRING");
    v1::GetOnlineFeaturesRequest scoring;
    scoring.set_project("shop");
    scoring.set_feature_service("scoring");
    *scoring.add_entities() = entity(1);
    MERIDIAN_EXPECT_ERROR(read(scoring), absl::StatusCode::kInvalidArgument,
                          "missing join key 'merchant_id'",
                          "needed by feature view 'merchant_risk'");
    // A view not stored in this region.
    MERIDIAN_EXPECT_ERROR(read(onlineRefs({"eu_profile:segment"}, {entity(1)})),
                          absl::StatusCode::kFailedPrecondition,
                          "feature view 'eu_profile' is not stored in region 'aws-us-east-1'");
}

void TestOnlineReader::tooManyRowsOrEntities() {
    std::vector<v1::EntityRow> many(serving::kMaxEntitiesPerRead + 1, entity(1));
    MERIDIAN_EXPECT_ERROR(
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, many), kT).status(),
        absl::StatusCode::kInvalidArgument, "request has 10001 entity rows; at most 10000");
    std::vector<v1::EntityRow> exactly(serving::kMaxEntitiesPerRead, entity(1));
    MERIDIAN_EXPECT_OK(
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, exactly), kT).status());

    std::vector<v1::FeatureRow> rows(serving::kMaxRowsPerWrite + 1, userRow(1, kT, 1, 1));
    const uint64_t before = lastSeq();
    MERIDIAN_EXPECT_ERROR(write("user_stats", rows).status(), absl::StatusCode::kInvalidArgument,
                          "request has 50001 rows; at most 50000");
    QCOMPARE(lastSeq(), before);
    QCOMPARE(offlineCount("user_stats"), int64_t(0));

    std::vector<v1::EntityRow> history(serving::kMaxHistoricalRows + 1,
                                       entity(1, std::nullopt, kT));
    MERIDIAN_EXPECT_ERROR(
        m_region->historical().read(historicalRefs({"user_stats:txn_count"}, history)).status(),
        absl::StatusCode::kInvalidArgument, "request has 100001 entity rows; at most 100000");
}

QTEST_GUILESS_MAIN(TestOnlineReader)
#include "tst_onlinereader.moc"
