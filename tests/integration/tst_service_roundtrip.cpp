// Round trips through a real meridian-store process over a loopback gRPC channel.

#include <QTemporaryDir>
#include <QtTest>

#include "client/regionclient.h"
#include "support/countingproxy.h"
#include "support/storeprocess.h"
#include "support/testclient.h"
#include "support/testrepository.h"

using namespace meridian;
using namespace meridian::test;

class ServiceRoundTripTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void applyIsVersionedAndIdempotent();
    void registryListGetHistoryLineage();
    void writeThenReadOnline();
    void historicalIsPointInTime();
    void materializeStreamsProgress();
    void deleteRefusedWhileReferenced();
    void healthAndStats();
    void slowHandshakeStillConnects();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StoreProcess> m_store;
    std::unique_ptr<TestClient> m_client;
    const int64_t m_now = QDateTime::currentMSecsSinceEpoch();
};

void ServiceRoundTripTest::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<StoreProcess>("test-region", m_dir.filePath("region"));
    QVERIFY2(m_store->start(), qPrintable(m_store->output()));
    m_client = std::make_unique<TestClient>(m_store->endpoint().toStdString());
    QVERIFY(m_client->waitHealthy());
}

void ServiceRoundTripTest::cleanupTestCase() {
    QVERIFY(m_store->terminate());
}

void ServiceRoundTripTest::applyIsVersionedAndIdempotent() {
    const auto request = testRepositoryRequest();
    v1::ApplyResponse first;
    auto ctx = m_client->context();
    auto st = m_client->registry().Apply(ctx.get(), request, &first);
    QVERIFY2(st.ok(), st.error_message().c_str());
    QCOMPARE(first.results_size(), request.objects_size());
    for (const auto& r : first.results()) {
        QCOMPARE(r.action(), v1::ApplyResult::CREATED);
        QCOMPARE(r.meta().version(), 1);
        QCOMPARE(r.meta().spec_hash().size(), size_t(32));
    }
    v1::ApplyResponse second;
    ctx = m_client->context();
    QVERIFY(m_client->registry().Apply(ctx.get(), request, &second).ok());
    for (const auto& r : second.results())
        QCOMPARE(r.action(), v1::ApplyResult::UNCHANGED);

    // A changed ttl makes version 2 of that view only.
    auto changed = request;
    for (auto& o : *changed.mutable_objects()) {
        if (o.has_feature_view() && o.feature_view().name() == "user_stats")
            o.mutable_feature_view()->set_ttl_seconds(7200);
    }
    v1::ApplyResponse third;
    ctx = m_client->context();
    QVERIFY(m_client->registry().Apply(ctx.get(), changed, &third).ok());
    int updated = 0;
    for (const auto& r : third.results()) {
        if (r.action() == v1::ApplyResult::UPDATED) {
            ++updated;
            QCOMPARE(r.meta().name(), std::string("user_stats"));
            QCOMPARE(r.meta().version(), 2);
        }
    }
    QCOMPARE(updated, 1);
    // Back to the original for the rest of the tests (version 3).
    ctx = m_client->context();
    QVERIFY(m_client->registry().Apply(ctx.get(), request, &third).ok());
}

void ServiceRoundTripTest::registryListGetHistoryLineage() {
    v1::ListObjectsRequest list;
    list.set_kind(v1::FEATURE_VIEW);
    v1::ListObjectsResponse views;
    auto ctx = m_client->context();
    QVERIFY(m_client->registry().ListObjects(ctx.get(), list, &views).ok());
    QCOMPARE(views.objects_size(), 2);

    v1::GetHistoryRequest hist;
    hist.mutable_ref()->set_kind(v1::FEATURE_VIEW);
    hist.mutable_ref()->set_project("shop");
    hist.mutable_ref()->set_name("user_stats");
    v1::GetHistoryResponse history;
    ctx = m_client->context();
    QVERIFY(m_client->registry().GetHistory(ctx.get(), hist, &history).ok());
    QCOMPARE(history.versions_size(), 3);
    QCOMPARE(history.versions(1).feature_view().ttl_seconds(), 7200);
    QCOMPARE(history.versions(2).feature_view().ttl_seconds(), 3600);

    v1::GetObjectRequest get;
    *get.mutable_ref() = hist.ref();
    get.set_version(2);
    v1::RegistryObject v2;
    ctx = m_client->context();
    QVERIFY(m_client->registry().GetObject(ctx.get(), get, &v2).ok());
    QCOMPARE(v2.meta().version(), 2);

    v1::LineageResponse lineage;
    ctx = m_client->context();
    QVERIFY(m_client->registry().GetLineage(ctx.get(), v1::LineageRequest{}, &lineage).ok());
    bool serviceToModel = false, entityToView = false;
    for (const auto& e : lineage.edges()) {
        serviceToModel |=
            e.from() == "feature_service:shop/scoring" && e.to() == "consumer:shop/fraud_v1";
        entityToView |= e.from() == "entity:shop/user" && e.to() == "feature_view:shop/user_stats";
    }
    QVERIFY(serviceToModel);
    QVERIFY(entityToView);
}

void ServiceRoundTripTest::writeThenReadOnline() {
    v1::WriteFeaturesRequest write;
    write.set_project("shop");
    write.set_feature_view("user_stats");
    *write.add_rows() = userStatsRow(1, m_now - 1000, 5, 12.5);
    *write.add_rows() = userStatsRow(2, m_now - 2000, 7, 30.0);
    (*write.mutable_rows(1)->mutable_values())["country"] = v1::Value();  // explicit null
    auto* embedding =
        (*write.mutable_rows(0)->mutable_values())["embedding"].mutable_float_list_val();
    embedding->add_val(0.5f);
    embedding->add_val(-0.5f);
    v1::WriteFeaturesResponse written;
    auto ctx = m_client->context();
    auto st = m_client->serving().WriteFeatures(ctx.get(), write, &written);
    QVERIFY2(st.ok(), st.error_message().c_str());
    QCOMPARE(written.online_applied(), 2);
    QCOMPARE(written.offline_appended(), 2);
    QVERIFY(written.version() > 0);

    v1::GetOnlineFeaturesRequest read;
    read.set_project("shop");
    read.mutable_features()->add_refs("user_stats:*");
    read.set_min_version(written.version());
    for (int64_t id : {1, 2, 3})
        (*read.add_entities()->mutable_keys())["user_id"] = int64Value(id);
    v1::GetOnlineFeaturesResponse answer;
    ctx = m_client->context();
    st = m_client->serving().GetOnlineFeatures(ctx.get(), read, &answer);
    QVERIFY2(st.ok(), st.error_message().c_str());
    QCOMPARE(answer.serving_region(), std::string("test-region"));
    QCOMPARE(answer.feature_names_size(), 4);
    QCOMPARE(answer.feature_names(0), std::string("user_stats:txn_count"));
    QCOMPARE(answer.rows_size(), 3);
    QCOMPARE(answer.rows(0).values(0).status(), v1::PRESENT);
    QCOMPARE(answer.rows(0).values(0).value().int64_val(), 5);
    QCOMPARE(answer.rows(0).values(0).event_timestamp(), m_now - 1000);
    QCOMPARE(answer.rows(0).values(3).value().float_list_val().val_size(), 2);
    QCOMPARE(answer.rows(1).values(2).status(), v1::NULL_VALUE);  // country written as null
    QCOMPARE(answer.rows(1).values(3).status(), v1::NULL_VALUE);  // embedding never written
    QCOMPARE(answer.rows(2).values(0).status(), v1::NOT_FOUND);

    // An older event for user 1 does not replace the newer value.
    v1::WriteFeaturesRequest older = write;
    older.clear_rows();
    *older.add_rows() = userStatsRow(1, m_now - 50'000, 99, 1.0);
    ctx = m_client->context();
    QVERIFY(m_client->serving().WriteFeatures(ctx.get(), older, &written).ok());
    QCOMPARE(written.online_stale(), 1);
    QCOMPARE(written.online_applied(), 0);

    // The feature service joins two views with different entities.
    v1::GetOnlineFeaturesRequest service;
    service.set_project("shop");
    service.set_feature_service("scoring");
    auto* row = service.add_entities();
    (*row->mutable_keys())["user_id"] = int64Value(1);
    (*row->mutable_keys())["merchant_id"] = stringValue("m-1");
    ctx = m_client->context();
    QVERIFY(m_client->serving().GetOnlineFeatures(ctx.get(), service, &answer).ok());
    QCOMPARE(answer.feature_names_size(), 4);
    QCOMPARE(answer.rows(0).values(0).value().int64_val(), 5);
    QCOMPARE(answer.rows(0).values(2).status(), v1::NOT_FOUND);
}

void ServiceRoundTripTest::historicalIsPointInTime() {
    v1::WriteFeaturesRequest write;
    write.set_project("shop");
    write.set_feature_view("user_stats");
    write.set_target(v1::OFFLINE);
    const int64_t t0 = m_now - 10 * 3600 * 1000;
    *write.add_rows() = userStatsRow(10, t0, 1, 1.0);
    *write.add_rows() = userStatsRow(10, t0 + 60'000, 2, 2.0);
    *write.add_rows() = userStatsRow(10, t0 + 60'000, 3, 3.0);  // same event time, later write
    v1::WriteFeaturesResponse written;
    auto ctx = m_client->context();
    QVERIFY(m_client->serving().WriteFeatures(ctx.get(), write, &written).ok());
    QCOMPARE(written.offline_appended(), 3);
    QCOMPARE(written.online_applied(), 0);

    v1::GetHistoricalFeaturesRequest hist;
    hist.set_project("shop");
    hist.mutable_features()->add_refs("user_stats:txn_count");
    for (int64_t at : {t0 - 1, t0, t0 + 30'000, t0 + 60'000, t0 + 60'000 + 3600'000 + 1}) {
        auto* e = hist.add_entities();
        (*e->mutable_keys())["user_id"] = int64Value(10);
        e->set_event_timestamp(at);
    }
    v1::GetHistoricalFeaturesResponse answer;
    ctx = m_client->context();
    auto st = m_client->serving().GetHistoricalFeatures(ctx.get(), hist, &answer);
    QVERIFY2(st.ok(), st.error_message().c_str());
    QCOMPARE(answer.rows_size(), 5);
    QCOMPARE(answer.rows(0).values(0).status(), v1::NOT_FOUND);        // before the first event
    QCOMPARE(answer.rows(1).values(0).value().int64_val(), 1);         // exactly at it
    QCOMPARE(answer.rows(2).values(0).value().int64_val(), 1);         // between events
    QCOMPARE(answer.rows(3).values(0).value().int64_val(), 3);         // tie: the later write
    QCOMPARE(answer.rows(4).values(0).status(), v1::OUTSIDE_MAX_AGE);  // past the 1 h ttl
}

void ServiceRoundTripTest::materializeStreamsProgress() {
    v1::MaterializeRequest request;
    request.set_project("shop");
    request.set_feature_view("user_stats");
    request.set_start(m_now - 24 * 3600 * 1000);
    request.set_end(m_now + 1000);
    auto ctx = m_client->context();
    auto reader = m_client->serving().Materialize(ctx.get(), request);
    v1::MaterializeProgress progress, last;
    int messages = 0;
    while (reader->Read(&progress)) {
        last = progress;
        ++messages;
    }
    auto st = reader->Finish();
    QVERIFY2(st.ok(), st.error_message().c_str());
    QVERIFY(messages >= 1);
    QVERIFY(last.done());
    QCOMPARE(last.percent(), 100.0);
    QCOMPARE(last.rows_total(), 3);    // users 1, 2 and 10 have offline rows in range
    QCOMPARE(last.rows_written(), 1);  // only user 10 was missing online

    v1::GetOnlineFeaturesRequest read;
    read.set_project("shop");
    read.mutable_features()->add_refs("user_stats:txn_count");
    (*read.add_entities()->mutable_keys())["user_id"] = int64Value(10);
    v1::GetOnlineFeaturesResponse answer;
    ctx = m_client->context();
    QVERIFY(m_client->serving().GetOnlineFeatures(ctx.get(), read, &answer).ok());
    // Materialized from a 10 h old event: present in the store, but past the 1 h ttl.
    QCOMPARE(answer.rows(0).values(0).status(), v1::OUTSIDE_MAX_AGE);
}

void ServiceRoundTripTest::deleteRefusedWhileReferenced() {
    v1::DeleteObjectRequest del;
    del.mutable_ref()->set_kind(v1::FEATURE_VIEW);
    del.mutable_ref()->set_project("shop");
    del.mutable_ref()->set_name("merchant_risk");
    v1::DeleteObjectResponse deleted;
    auto ctx = m_client->context();
    auto st = m_client->registry().DeleteObject(ctx.get(), del, &deleted);
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY(st.error_message().find("scoring") != std::string::npos);

    del.mutable_ref()->set_kind(v1::FEATURE_SERVICE);
    del.mutable_ref()->set_name("scoring");
    ctx = m_client->context();
    QVERIFY(m_client->registry().DeleteObject(ctx.get(), del, &deleted).ok());
    QVERIFY(deleted.meta().deleted());
    QCOMPARE(deleted.meta().version(), 2);

    v1::GetObjectRequest get;
    *get.mutable_ref() = del.ref();
    v1::RegistryObject object;
    ctx = m_client->context();
    QCOMPARE(m_client->registry().GetObject(ctx.get(), get, &object).error_code(),
             grpc::StatusCode::NOT_FOUND);
}

void ServiceRoundTripTest::healthAndStats() {
    v1::HealthResponse health;
    auto ctx = m_client->context();
    QVERIFY(m_client->admin().Health(ctx.get(), v1::HealthRequest{}, &health).ok());
    QCOMPARE(health.status(), v1::HealthResponse::SERVING);
    QCOMPARE(health.region(), std::string("test-region"));
    QVERIFY(health.hlc_now() > 0);

    v1::StatsResponse stats;
    ctx = m_client->context();
    QVERIFY(m_client->admin().Stats(ctx.get(), v1::StatsRequest{}, &stats).ok());
    QCOMPARE(stats.online_rows(), 3);
    QCOMPARE(stats.offline_rows(), 6);
    QVERIFY(stats.serving_p50_ms() > 0);
    QVERIFY(stats.serving_p99_ms() >= stats.serving_p50_ms());
    QVERIFY(stats.changelog_seq() > 0);
    bool sawOnline = false;
    for (const auto& m : stats.methods()) {
        if (m.method() == "GetOnlineFeatures") {
            sawOnline = true;
            QVERIFY(m.requests() >= 3);
        }
    }
    QVERIFY(sawOnline);
}

void ServiceRoundTripTest::slowHandshakeStillConnects() {
    // A region whose answers take 600 ms to arrive (a busy machine, a round trip across
    // clouds): the client's first connection attempt waits for HTTP/2's first frames instead of
    // giving up after its reconnect backoff, and the call succeeds.
    CountingProxy proxy(m_store->port());
    proxy.setReplyDelayMs(600);
    client::RegionClientOptions options;
    options.endpoint = "127.0.0.1:" + std::to_string(proxy.port());
    client::RegionClient client(options);
    auto health = client.health();
    QVERIFY2(health.ok(), std::string(health.status().message()).c_str());
}

QTEST_GUILESS_MAIN(ServiceRoundTripTest)
#include "tst_service_roundtrip.moc"
