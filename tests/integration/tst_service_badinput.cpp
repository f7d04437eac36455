// Every bad request to a real meridian-store is refused whole, with the right status code and a
// message naming what is wrong, and leaves the region exactly as it was.

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "meridian/v1/requestdecoding.h"

#include "support/storeprocess.h"
#include "support/testclient.h"
#include "support/testrepository.h"

using namespace meridian;
using namespace meridian::test;

Q_DECLARE_METATYPE(grpc::StatusCode)

namespace {

struct Snapshot {
    int64_t changelogSeq = 0;
    int64_t onlineRows = 0;
    int64_t offlineRows = 0;
    int64_t objects = 0;
};

using Call = std::function<grpc::Status(TestClient&)>;

v1::WriteFeaturesRequest writeOf(std::vector<v1::FeatureRow> rows,
                                 const std::string& view = "user_stats") {
    v1::WriteFeaturesRequest w;
    w.set_project("shop");
    w.set_feature_view(view);
    for (auto& r : rows)
        *w.add_rows() = std::move(r);
    return w;
}

v1::GetOnlineFeaturesRequest readOf(std::vector<std::string> refs, int entities = 1) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("shop");
    for (auto& ref : refs)
        r.mutable_features()->add_refs(ref);
    for (int i = 0; i < entities; ++i)
        (*r.add_entities()->mutable_keys())["user_id"] = int64Value(i + 1);
    return r;
}

grpc::Status write(TestClient& c, const v1::WriteFeaturesRequest& w) {
    v1::WriteFeaturesResponse out;
    auto ctx = c.context(std::chrono::seconds(60));
    return c.serving().WriteFeatures(ctx.get(), w, &out);
}

grpc::Status read(TestClient& c, const v1::GetOnlineFeaturesRequest& r) {
    v1::GetOnlineFeaturesResponse out;
    auto ctx = c.context();
    return c.serving().GetOnlineFeatures(ctx.get(), r, &out);
}

// Bytes that are no protobuf message (a field number 0 with a truncated varint) sent to
// `method` as its request body.
grpc::Status undecodable(TestClient& c, const char* method) {
    const char garbage[] = "\x00\xff\xff\xff\xff";
    grpc::Slice slice(garbage, sizeof garbage - 1);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    auto ctx = c.context();
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        c.channel().get(), grpc::internal::RpcMethod(method, grpc::internal::RpcMethod::NORMAL_RPC),
        ctx.get(), request, &response);
}

}  // namespace

Q_DECLARE_METATYPE(Call)

class ServiceBadInputTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void refused_data();
    void refused();
    void everyRequestTypeIsDecodedPrecisely();

private:
    Snapshot snapshot();

    QTemporaryDir m_dir;
    std::unique_ptr<StoreProcess> m_store;
    std::unique_ptr<TestClient> m_client;
};

void ServiceBadInputTest::initTestCase() {
    m_store = std::make_unique<StoreProcess>("test-region", m_dir.filePath("region"));
    QVERIFY2(m_store->start(), qPrintable(m_store->output()));
    m_client = std::make_unique<TestClient>(m_store->endpoint().toStdString());
    QVERIFY(m_client->waitHealthy());
    v1::ApplyResponse applied;
    auto ctx = m_client->context();
    QVERIFY(m_client->registry().Apply(ctx.get(), testRepositoryRequest(), &applied).ok());
    // Some data, so "nothing changed" is checked against a non-empty store.
    QVERIFY(write(*m_client, writeOf({userStatsRow(1, 1'700'000'000'000, 3, 9.5)})).ok());
}

void ServiceBadInputTest::cleanupTestCase() {
    QVERIFY(m_store->terminate());
}

Snapshot ServiceBadInputTest::snapshot() {
    v1::StatsResponse stats;
    auto ctx = m_client->context();
    if (!m_client->admin().Stats(ctx.get(), v1::StatsRequest{}, &stats).ok())
        qFatal("Stats failed");
    return {stats.changelog_seq(), stats.online_rows(), stats.offline_rows(),
            stats.registry_objects()};
}

void ServiceBadInputTest::refused_data() {
    QTest::addColumn<Call>("call");
    QTest::addColumn<grpc::StatusCode>("code");
    QTest::addColumn<QString>("mentions");
    const int64_t t = 1'700'000'100'000;

    // A body that does not decode: INVALID_ARGUMENT naming the message, not an empty INTERNAL,
    // on the callback methods (write, read), a synchronous one and a streaming one.
    for (const auto& [method, type] : std::vector<std::pair<const char*, const char*>>{
             {"/meridian.v1.Serving/WriteFeatures", "meridian.v1.WriteFeaturesRequest"},
             {"/meridian.v1.Serving/GetOnlineFeatures", "meridian.v1.GetOnlineFeaturesRequest"},
             {"/meridian.v1.Registry/Apply", "meridian.v1.ApplyRequest"},
             {"/meridian.v1.Serving/Materialize", "meridian.v1.MaterializeRequest"}}) {
        QTest::newRow((std::string("undecodable body: ") + method).c_str())
            << Call([method = method](TestClient& c) { return undecodable(c, method); })
            << grpc::StatusCode::INVALID_ARGUMENT
            << QStringLiteral("not a valid %1 (5 bytes)").arg(QString::fromLatin1(type));
    }
    QTest::newRow("read: unknown view")
        << Call([](TestClient& c) { return read(c, readOf({"nope:x"})); })
        << grpc::StatusCode::NOT_FOUND << "feature view 'nope'";
    // A message quoting a huge name is cut, so that the client sees the error and not its own
    // metadata limit (RESOURCE_EXHAUSTED) instead.
    QTest::newRow("read: 20 KB view name")
        << Call([](TestClient& c) { return read(c, readOf({std::string(20'000, 'v') + ":x"})); })
        << grpc::StatusCode::NOT_FOUND << "more bytes)";
    QTest::newRow("write: 20 KB view name (non-ASCII)") << Call([t](TestClient& c) {
        std::string name;
        for (int i = 0; i < 7000; ++i)
            name += "é";
        return write(c, writeOf({userStatsRow(1, t, 1, 1.0)}, name));
    }) << grpc::StatusCode::NOT_FOUND << "more bytes)";
    QTest::newRow("read: unknown feature")
        << Call([](TestClient& c) { return read(c, readOf({"user_stats:nope"})); })
        << grpc::StatusCode::NOT_FOUND << "no feature 'nope'";
    QTest::newRow("read: unknown service") << Call([](TestClient& c) {
        auto r = readOf({});
        r.set_feature_service("nope");
        return read(c, r);
    }) << grpc::StatusCode::NOT_FOUND << "feature service 'nope'";
    QTest::newRow("read: unknown project") << Call([](TestClient& c) {
        auto r = readOf({"user_stats:txn_count"});
        r.set_project("elsewhere");
        return read(c, r);
    }) << grpc::StatusCode::NOT_FOUND << "project 'elsewhere'";
    QTest::newRow("read: malformed ref")
        << Call([](TestClient& c) { return read(c, readOf({"user_stats"})); })
        << grpc::StatusCode::INVALID_ARGUMENT << "'user_stats' is not of the form view:feature";
    QTest::newRow("read: missing join key") << Call([](TestClient& c) {
        auto r = readOf({"user_stats:txn_count"}, 0);
        (*r.add_entities()->mutable_keys())["customer"] = int64Value(1);
        return read(c, r);
    }) << grpc::StatusCode::INVALID_ARGUMENT << "missing join key 'user_id'";
    QTest::newRow("read: wrong key type") << Call([](TestClient& c) {
        auto r = readOf({"user_stats:txn_count"}, 0);
        (*r.add_entities()->mutable_keys())["user_id"] = stringValue("1");
        return read(c, r);
    }) << grpc::StatusCode::INVALID_ARGUMENT
                                          << "join key 'user_id' expects INT64, got STRING";
    QTest::newRow("read: too many entities")
        << Call([](TestClient& c) { return read(c, readOf({"user_stats:txn_count"}, 10'001)); })
        << grpc::StatusCode::INVALID_ARGUMENT << "at most 10000";
    QTest::newRow("read: no entities")
        << Call([](TestClient& c) { return read(c, readOf({"user_stats:txn_count"}, 0)); })
        << grpc::StatusCode::INVALID_ARGUMENT << "no entity rows";

    QTest::newRow("write: unknown view") << Call([t](TestClient& c) {
        return write(c, writeOf({userStatsRow(5, t, 1, 1)}, "nope"));
    }) << grpc::StatusCode::NOT_FOUND << "feature view 'nope'";
    QTest::newRow("write: wrong value type in row 2")
        << Call([t](TestClient& c) {
               auto bad = userStatsRow(6, t, 1, 1);
               (*bad.mutable_values())["avg_amount"] = stringValue("lots");
               return write(c, writeOf({userStatsRow(5, t, 1, 1), bad, userStatsRow(7, t, 1, 1)}));
           })
        << grpc::StatusCode::INVALID_ARGUMENT
        << "row 2: feature 'avg_amount' expects DOUBLE, got STRING";
    QTest::newRow("write: unknown feature") << Call([t](TestClient& c) {
        auto bad = userStatsRow(6, t, 1, 1);
        (*bad.mutable_values())["colour"] = stringValue("red");
        return write(c, writeOf({bad}));
    }) << grpc::StatusCode::INVALID_ARGUMENT << "has no feature 'colour'";
    QTest::newRow("write: missing join key") << Call([t](TestClient& c) {
        auto bad = userStatsRow(6, t, 1, 1);
        bad.mutable_keys()->clear();
        return write(c, writeOf({userStatsRow(5, t, 1, 1), bad}));
    }) << grpc::StatusCode::INVALID_ARGUMENT << "row 2: missing join key 'user_id'";
    QTest::newRow("write: missing event time")
        << Call([](TestClient& c) { return write(c, writeOf({userStatsRow(5, 0, 1, 1)})); })
        << grpc::StatusCode::INVALID_ARGUMENT << "row 1: event_timestamp is missing";
    QTest::newRow("write: too many rows") << Call([t](TestClient& c) {
        std::vector<v1::FeatureRow> rows(50'001, userStatsRow(5, t, 1, 1));
        return write(c, writeOf(std::move(rows)));
    }) << grpc::StatusCode::INVALID_ARGUMENT
                                          << "at most 50000 per write";
    QTest::newRow("write: oversize message") << Call([t](TestClient& c) {
        auto row = userStatsRow(5, t, 1, 1);
        (*row.mutable_values())["country"] = stringValue(std::string(70 * 1024, 'x'));
        std::vector<v1::FeatureRow> rows(1000, row);
        return write(c, writeOf(std::move(rows)));
    }) << grpc::StatusCode::INVALID_ARGUMENT << "MiB per request";
    QTest::newRow("write: no rows") << Call([](TestClient& c) { return write(c, writeOf({})); })
                                    << grpc::StatusCode::INVALID_ARGUMENT << "no rows";
    // An unknown target was acknowledged, stored nothing here and was stored by every peer.
    for (const int target : {4, 99, -1}) {
        QTest::newRow(qPrintable(QStringLiteral("write: target %1").arg(target)))
            << Call([t, target](TestClient& c) {
                   auto w = writeOf({userStatsRow(5, t, 1, 1)});
                   w.set_target(static_cast<v1::WriteTarget>(target));
                   return write(c, w);
               })
            << grpc::StatusCode::INVALID_ARGUMENT
            << QStringLiteral("target %1 is not ONLINE (1), OFFLINE (2)").arg(target);
    }
    // A later event wins every conflict: a row stamped in the year 9999 could never change.
    QTest::newRow("write: event time far ahead") << Call([t](TestClient& c) {
        return write(c, writeOf({userStatsRow(5, t, 1, 1),
                                 userStatsRow(6, std::numeric_limits<int64_t>::max(), 1, 1)}));
    }) << grpc::StatusCode::INVALID_ARGUMENT
                                                 << "row 2: event_timestamp 9223372036854775807 is "
                                                    "more than 86400 s ahead";
    QTest::newRow("write: event time a day and a minute ahead") << Call([](TestClient& c) {
        const int64_t soon = QDateTime::currentMSecsSinceEpoch() + 86'460'000;
        return write(c, writeOf({userStatsRow(5, soon, 1, 1)}));
    }) << grpc::StatusCode::INVALID_ARGUMENT << "ahead of this region's clock";
    QTest::newRow("write: negative event time")
        << Call([](TestClient& c) { return write(c, writeOf({userStatsRow(5, -1, 1, 1)})); })
        << grpc::StatusCode::INVALID_ARGUMENT << "row 1: event_timestamp -1 is before 1970";
    QTest::newRow("write: extra join key")
        << Call([t](TestClient& c) {
               auto row = userStatsRow(5, t, 1, 1);
               (*row.mutable_keys())["merchant_id"] = int64Value(7);
               return write(c, writeOf({row}));
           })
        << grpc::StatusCode::INVALID_ARGUMENT
        << "row 1: 'merchant_id' is not a join key here (expected 'user_id')";
    // One 10 MB key made every later write to the view take seconds.
    QTest::newRow("write: oversize join key")
        << Call([t](TestClient& c) {
               auto w = writeOf({}, "merchant_risk");
               auto* row = w.add_rows();
               (*row->mutable_keys())["merchant_id"] = stringValue(std::string(10 << 20, 'k'));
               row->set_event_timestamp(t);
               return write(c, w);
           })
        << grpc::StatusCode::INVALID_ARGUMENT
        << "row 1: join key 'merchant_id' is 10485760 bytes; at most 1024";
    QTest::newRow("write: oversize value") << Call([t](TestClient& c) {
        auto row = userStatsRow(5, t, 1, 1);
        (*row.mutable_values())["country"] = stringValue(std::string(2 << 20, 'x'));
        return write(c, writeOf({row}));
    }) << grpc::StatusCode::INVALID_ARGUMENT
                                           << "row 1: feature 'country' holds";
    QTest::newRow("read: extra join key") << Call([](TestClient& c) {
        auto r = readOf({"user_stats:txn_count"});
        (*r.mutable_entities(0)->mutable_keys())["colour"] = stringValue("red");
        return read(c, r);
    }) << grpc::StatusCode::INVALID_ARGUMENT
                                          << "entity row 1: 'colour' is not a join key here";

    QTest::newRow("apply: unknown entity referenced") << Call([](TestClient& c) {
        auto request = testRepositoryRequest();
        for (auto& o : *request.mutable_objects()) {
            if (o.has_feature_view() && o.feature_view().name() == "merchant_risk") {
                o.mutable_feature_view()->set_entities(0, "shopkeeper");
                o.mutable_feature_view()->add_features()->set_name(
                    "fresh");  // a change, if it landed
                o.mutable_feature_view()->mutable_features()->rbegin()->set_value_type(v1::INT64);
            }
        }
        v1::ApplyResponse out;
        auto ctx = c.context();
        return c.registry().Apply(ctx.get(), request, &out);
    }) << grpc::StatusCode::INVALID_ARGUMENT << "unknown entity 'shopkeeper' referenced";
    QTest::newRow("apply: duplicate feature") << Call([](TestClient& c) {
        auto request = testRepositoryRequest();
        for (auto& o : *request.mutable_objects()) {
            if (o.has_feature_view() && o.feature_view().name() == "user_stats")
                *o.mutable_feature_view()->add_features() = o.feature_view().features(0);
        }
        v1::ApplyResponse out;
        auto ctx = c.context();
        return c.registry().Apply(ctx.get(), request, &out);
    }) << grpc::StatusCode::INVALID_ARGUMENT << "duplicate feature 'txn_count'";
    QTest::newRow("historical: missing time") << Call([](TestClient& c) {
        v1::GetHistoricalFeaturesRequest h;
        h.set_project("shop");
        h.mutable_features()->add_refs("user_stats:txn_count");
        (*h.add_entities()->mutable_keys())["user_id"] = int64Value(1);
        v1::GetHistoricalFeaturesResponse out;
        auto ctx = c.context();
        return c.serving().GetHistoricalFeatures(ctx.get(), h, &out);
    }) << grpc::StatusCode::INVALID_ARGUMENT << "entity row 1: event_timestamp is missing";
    QTest::newRow("materialize: empty range") << Call([](TestClient& c) {
        v1::MaterializeRequest m;
        m.set_project("shop");
        m.set_feature_view("user_stats");
        m.set_start(2000);
        m.set_end(1000);
        auto ctx = c.context();
        auto reader = c.serving().Materialize(ctx.get(), m);
        v1::MaterializeProgress p;
        while (reader->Read(&p)) {
        }
        return reader->Finish();
    }) << grpc::StatusCode::INVALID_ARGUMENT << "end (1000) must be after start (2000)";
    QTest::newRow("delete: unknown object") << Call([](TestClient& c) {
        v1::DeleteObjectRequest d;
        d.mutable_ref()->set_kind(v1::ENTITY);
        d.mutable_ref()->set_project("shop");
        d.mutable_ref()->set_name("ghost");
        v1::DeleteObjectResponse out;
        auto ctx = c.context();
        return c.registry().DeleteObject(ctx.get(), d, &out);
    }) << grpc::StatusCode::NOT_FOUND << "entity shop/ghost";
}

void ServiceBadInputTest::refused() {
    QFETCH(Call, call);
    QFETCH(grpc::StatusCode, code);
    QFETCH(QString, mentions);
    const Snapshot before = snapshot();
    const grpc::Status st = call(*m_client);
    QVERIFY2(st.error_code() == code,
             qPrintable(QStringLiteral("code %1, expected %2: %3")
                            .arg(st.error_code())
                            .arg(code)
                            .arg(QString::fromStdString(st.error_message()))));
    QVERIFY2(QString::fromStdString(st.error_message()).contains(mentions),
             qPrintable("message was: " + QString::fromStdString(st.error_message())));
    const Snapshot after = snapshot();
    QCOMPARE(after.changelogSeq, before.changelogSeq);
    QCOMPARE(after.onlineRows, before.onlineRows);
    QCOMPARE(after.offlineRows, before.offlineRows);
    QCOMPARE(after.objects, before.objects);
}

// Every method of every service takes a request type whose decoding names it when it fails: a
// method added without its line in MERIDIAN_FOR_EACH_REQUEST fails here.
void ServiceBadInputTest::everyRequestTypeIsDecodedPrecisely() {
    const auto precise = v1::wire::requestTypes();
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    int methods = 0;
    for (const char* service : {"meridian.v1.Admin", "meridian.v1.Registry",
                                "meridian.v1.Replication", "meridian.v1.Serving"}) {
        const auto* s = pool->FindServiceByName(service);
        QVERIFY2(s, service);
        for (int i = 0; i < s->method_count(); ++i, ++methods) {
            const std::string input = s->method(i)->input_type()->full_name();
            QVERIFY2(std::find(precise.begin(), precise.end(), input) != precise.end(),
                     (s->method(i)->full_name() + " takes " + input +
                      ", which is not in MERIDIAN_FOR_EACH_REQUEST")
                         .c_str());
        }
    }
    QVERIFY(methods > 20);
}

QTEST_GUILESS_MAIN(ServiceBadInputTest)
#include "tst_service_badinput.moc"
