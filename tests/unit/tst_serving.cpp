// One region's data plane through serving::Region: registry apply, writes, online and
// historical reads, materialization, their errors and the changelog they leave.

#include <QtTest>

#include <limits>

#include "serving/limits.h"
#include "serving/region.h"
#include "storage/changelogtable.h"
#include "storage/entitykey.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "storage/rowformat.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

constexpr const char* kHere = "aws-us-east-1";
constexpr const char* kEu = "aws-eu-west-1";
constexpr int64_t kT = 1'700'000'000'000;  // ms
constexpr int64_t kHour = 3'600'000;

// The repository every test starts from.
v1::ApplyRequest repository() {
    v1::ApplyRequest request;
    auto add = [&](v1::RegistryObject o) { *request.add_objects() = std::move(o); };
    add(projectObject("shop"));
    add(entityObject("shop", "user", {{"user_id", v1::INT64}}));
    add(entityObject("shop", "merchant", {{"merchant_id", v1::STRING}}));
    add(sourceObject("shop", "payments", kHere));
    auto stats = viewObject("shop", "user_stats", {"user"},
                            {{"txn_count", v1::INT64},
                             {"avg_amount", v1::DOUBLE},
                             {"country", v1::STRING},
                             {"embedding", v1::FLOAT_LIST}},
                            "");
    stats.mutable_feature_view()->set_ttl_seconds(3600);
    stats.mutable_feature_view()->add_sources("payments");
    add(stats);
    add(viewObject("shop", "merchant_risk", {"merchant"},
                   {{"chargeback_rate", v1::DOUBLE}, {"flagged", v1::BOOL}}, ""));
    // Written at the hub in the EU, copied here.
    auto hub = viewObject("shop", "hub_scores", {"user"}, {{"score", v1::DOUBLE}}, "");
    hub.mutable_feature_view()->mutable_replication()->set_mode(v1::ReplicationPolicy::HUB_SPOKE);
    hub.mutable_feature_view()->mutable_replication()->set_hub(kEu);
    hub.mutable_feature_view()->mutable_replication()->add_regions(kEu);
    hub.mutable_feature_view()->mutable_replication()->add_regions(kHere);
    add(hub);
    // Owned and kept in the EU only.
    auto eu = viewObject("shop", "eu_profile", {"user"}, {{"segment", v1::STRING}}, kEu);
    eu.mutable_feature_view()->mutable_residency()->set_jurisdiction("eu");
    add(eu);
    auto online = viewObject("shop", "sessions", {"user"}, {{"open", v1::INT64}}, "");
    online.mutable_feature_view()->set_offline(false);
    add(online);
    add(serviceObject("shop", "scoring",
                      {{"user_stats", {"txn_count", "avg_amount"}}, {"merchant_risk", {}}},
                      {"fraud_v1"}));
    return request;
}

v1::FeatureRow userRow(int64_t user, int64_t eventMs, int64_t txnCount, double avgAmount,
                       const std::string& country = "DE") {
    v1::FeatureRow row;
    (*row.mutable_keys())["user_id"] = i64(user);
    row.set_event_timestamp(eventMs);
    (*row.mutable_values())["txn_count"] = i64(txnCount);
    (*row.mutable_values())["avg_amount"] = dbl(avgAmount);
    if (!country.empty())
        (*row.mutable_values())["country"] = str(country);
    return row;
}

v1::FeatureRow merchantRow(const std::string& merchant, int64_t eventMs, double rate,
                           bool flagged) {
    v1::FeatureRow row;
    (*row.mutable_keys())["merchant_id"] = str(merchant);
    row.set_event_timestamp(eventMs);
    (*row.mutable_values())["chargeback_rate"] = dbl(rate);
    (*row.mutable_values())["flagged"] = boolean(flagged);
    return row;
}

v1::EntityRow entity(std::optional<int64_t> user, std::optional<std::string> merchant = {},
                     int64_t at = 0) {
    v1::EntityRow row;
    if (user)
        (*row.mutable_keys())["user_id"] = i64(*user);
    if (merchant)
        (*row.mutable_keys())["merchant_id"] = str(*merchant);
    row.set_event_timestamp(at);
    return row;
}

v1::GetOnlineFeaturesRequest onlineRefs(std::vector<std::string> refs,
                                        std::vector<v1::EntityRow> rows) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("shop");
    for (const auto& ref : refs)
        r.mutable_features()->add_refs(ref);
    for (auto& row : rows)
        *r.add_entities() = std::move(row);
    return r;
}

v1::GetHistoricalFeaturesRequest historicalRefs(std::vector<std::string> refs,
                                                std::vector<v1::EntityRow> rows) {
    v1::GetHistoricalFeaturesRequest r;
    r.set_project("shop");
    for (const auto& ref : refs)
        r.mutable_features()->add_refs(ref);
    for (auto& row : rows)
        *r.add_entities() = std::move(row);
    return r;
}

QStringList namesOf(const google::protobuf::RepeatedPtrField<std::string>& names) {
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out;
}

}  // namespace

class TestServing : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void openValidatesOptions();
    void registryApply();
    void registryWritesOutsideControlRegion();
    void registryChangesInChangelog();

    void onlinePresentAndNotFound();
    void onlineNullValue();
    void onlineOutsideMaxAge();
    void onlineNewerEventWins();
    void featureServiceRefsAndStar();
    void twoViewsTwoEntities();
    void readYourWrites();
    void readErrors();
    void tooManyRowsOrEntities();

    void writeTargets();
    void writeRejectedWhole();
    void writeErrors();
    void writePolicies();
    void changelogPerRow();
    void clockRestoredAfterReopen();

    void historicalPointInTime();
    void historicalErrors();

    void materializeRange();
    void materializeErrors();
    void materializeProgressAndCancel();

private:
    absl::StatusOr<v1::WriteFeaturesResponse> write(
        const std::string& view, std::vector<v1::FeatureRow> rows,
        v1::WriteTarget target = v1::WRITE_TARGET_UNSPECIFIED);
    uint64_t lastSeq();
    std::vector<v1::Change> changesAfter(uint64_t seq);
    int64_t onlineCount(const std::string& view);
    int64_t offlineCount(const std::string& view);
    std::unique_ptr<serving::Region> openRegion(const std::string& name, const QString& dir,
                                                const std::string& controlRegion);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<serving::Region> m_region;
};

std::unique_ptr<serving::Region> TestServing::openRegion(const std::string& name,
                                                         const QString& dir,
                                                         const std::string& controlRegion) {
    serving::RegionOptions options;
    options.name = name;
    options.dataDir = dir.toStdString();
    options.durability = storage::Durability::Normal;
    options.regions = demoRegions();
    options.controlRegion = controlRegion;
    auto region = serving::Region::open(std::move(options));
    if (!region.ok())
        qFatal("open: %s", region.status().ToString().c_str());
    return std::move(*region);
}

void TestServing::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    auto applied = m_region->registry().apply(repository(), "alice");
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
}

void TestServing::cleanup() {
    m_region.reset();
    m_dir.reset();
}

absl::StatusOr<v1::WriteFeaturesResponse> TestServing::write(const std::string& view,
                                                             std::vector<v1::FeatureRow> rows,
                                                             v1::WriteTarget target) {
    v1::WriteFeaturesRequest request;
    request.set_project("shop");
    request.set_feature_view(view);
    request.set_target(target);
    for (auto& r : rows)
        *request.add_rows() = std::move(r);
    return m_region->writer().write(request);
}

uint64_t TestServing::lastSeq() {
    auto reader = m_region->database().read();
    if (!reader.ok())
        qFatal("read");
    return *storage::ChangelogTable(**reader).lastSeq();
}

std::vector<v1::Change> TestServing::changesAfter(uint64_t seq) {
    std::vector<v1::Change> out;
    auto reader = m_region->database().read();
    if (!reader.ok())
        qFatal("read");
    auto st = storage::ChangelogTable(**reader).readAfter(seq, 1'000'000, m_region->viewIds(),
                                                          m_region->name(), [&](v1::Change&& c) {
                                                              out.push_back(std::move(c));
                                                              return true;
                                                          });
    if (!st.ok())
        qFatal("readAfter: %s", st.ToString().c_str());
    return out;
}

int64_t TestServing::onlineCount(const std::string& view) {
    auto reader = m_region->database().read();
    if (!reader.ok())
        qFatal("read");
    auto id = m_region->viewIds().find(**reader, "shop", view);
    if (!id.ok())
        qFatal("view id");
    if (!*id)
        return 0;
    return *storage::OnlineTable(**reader).count(**id);
}

int64_t TestServing::offlineCount(const std::string& view) {
    auto reader = m_region->database().read();
    if (!reader.ok())
        qFatal("read");
    auto id = m_region->viewIds().find(**reader, "shop", view);
    if (!id.ok())
        qFatal("view id");
    if (!*id)
        return 0;
    auto& dict = m_region->database().dictionaries();
    return *storage::OfflineTable(**reader, dict.regions, dict.schemas).count(**id);
}

void TestServing::openValidatesOptions() {
    serving::RegionOptions bad;
    bad.name = "not a name";
    bad.dataDir = m_dir->filePath("x").toStdString();
    MERIDIAN_EXPECT_ERROR(serving::Region::open(bad).status(), absl::StatusCode::kInvalidArgument,
                          "region name 'not a name'");
    serving::RegionOptions noDir;
    noDir.name = "r1";
    MERIDIAN_EXPECT_ERROR(serving::Region::open(noDir).status(), absl::StatusCode::kInvalidArgument,
                          "data directory is missing");
    // A region missing from the deployment's list is added to the region's own set.
    auto lone = openRegion("lab-1", m_dir->filePath("lab"), "");
    QVERIFY(lone->registry().regions().contains("lab-1"));
    QCOMPARE(lone->registry().regions().names().size(), size_t(5));
    QVERIFY(QFile::exists(m_dir->filePath("lab/region.db")));
}

void TestServing::registryApply() {
    // init() applied the repository; applying it again changes nothing.
    const uint64_t before = lastSeq();
    auto again = m_region->registry().apply(repository(), "bob");
    QVERIFY2(again.ok(), qPrintable(describe(again.status())));
    QCOMPARE(again->results_size(), repository().objects_size());
    for (const auto& r : again->results()) {
        QCOMPARE(r.action(), v1::ApplyResult::UNCHANGED);
        QCOMPARE(r.meta().version(), int64_t(1));
        QCOMPARE(r.meta().applied_by(), std::string("alice"));
    }
    QCOMPARE(lastSeq(), before);

    // An invalid object refuses the whole request: nothing stored, nothing logged.
    auto request = repository();
    request.mutable_objects(4)->mutable_feature_view()->set_ttl_seconds(7200);  // valid change
    *request.add_objects() = viewObject("shop", "broken", {"ghost"}, {{"f", v1::INT64}}, "");
    MERIDIAN_EXPECT_ERROR(m_region->registry().apply(request, "bob").status(),
                          absl::StatusCode::kInvalidArgument, "feature view shop/broken",
                          "unknown entity 'ghost'");
    QCOMPARE(lastSeq(), before);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(3600));

    // Dry run: planned, not stored.
    request = repository();
    request.mutable_objects(4)->mutable_feature_view()->set_ttl_seconds(7200);
    request.set_dry_run(true);
    auto dry = m_region->registry().apply(request, "bob");
    QVERIFY2(dry.ok(), qPrintable(describe(dry.status())));
    QCOMPARE(dry->results(4).action(), v1::ApplyResult::UPDATED);
    QCOMPARE(dry->results(4).meta().version(), int64_t(2));
    QCOMPARE(lastSeq(), before);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(3600));

    // For real: a new version, its history kept.
    request.set_dry_run(false);
    auto updated = m_region->registry().apply(request, "bob");
    QVERIFY2(updated.ok(), qPrintable(describe(updated.status())));
    QCOMPARE(updated->results(4).action(), v1::ApplyResult::UPDATED);
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(7200));
    v1::ObjectRef ref;
    ref.set_kind(v1::FEATURE_VIEW);
    ref.set_project("shop");
    ref.set_name("user_stats");
    auto history = m_region->registry().history(ref);
    QVERIFY(history.ok());
    QCOMPARE(history->size(), size_t(2));
    QCOMPARE(history->at(0).feature_view().ttl_seconds(), int64_t(3600));
    QCOMPARE(m_region->registry().get(ref, 1)->feature_view().ttl_seconds(), int64_t(3600));
    MERIDIAN_EXPECT_ERROR(m_region->registry().get(ref, 9).status(), absl::StatusCode::kNotFound,
                          "feature view shop/user_stats has no version 9");

    // Delete and recreate: versions keep growing; the registry survives a reopen.
    v1::ObjectRef sessions = ref;
    sessions.set_name("sessions");
    auto removed = m_region->registry().remove(sessions, "bob");
    QVERIFY2(removed.ok(), qPrintable(describe(removed.status())));
    QCOMPARE(removed->version(), int64_t(2));
    QVERIFY(removed->deleted());
    MERIDIAN_EXPECT_ERROR(m_region->registry().remove(ref, "bob").status(),
                          absl::StatusCode::kFailedPrecondition, "feature service shop/scoring");
    m_region.reset();
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    QVERIFY(!m_region->registry().catalog()->featureView("shop", "sessions"));
    QCOMPARE(m_region->registry().catalog()->featureView("shop", "user_stats")->ttl_seconds(),
             int64_t(7200));
    auto recreated = m_region->registry().apply(repository(), "carol");
    QVERIFY2(recreated.ok(), qPrintable(describe(recreated.status())));
    for (const auto& r : recreated->results()) {
        if (r.meta().name() == "sessions") {
            QCOMPARE(r.action(), v1::ApplyResult::CREATED);
            QCOMPARE(r.meta().version(), int64_t(3));
        }
        if (r.meta().name() == "user_stats")
            QCOMPARE(r.meta().version(), int64_t(3));  // back to 3600
    }
}

void TestServing::registryWritesOutsideControlRegion() {
    auto spoke = openRegion(kEu, m_dir->filePath("eu"), kHere);
    const auto st = spoke->registry().apply(repository(), "alice").status();
    MERIDIAN_EXPECT_ERROR(st, absl::StatusCode::kFailedPrecondition,
                          "control region 'aws-us-east-1'", "this is 'aws-eu-west-1'");
    v1::ObjectRef ref;
    ref.set_kind(v1::PROJECT);
    ref.set_name("shop");
    MERIDIAN_EXPECT_ERROR(spoke->registry().remove(ref, "alice").status(),
                          absl::StatusCode::kFailedPrecondition, "control region 'aws-us-east-1'");
    QCOMPARE(spoke->registry().catalog()->size(), size_t(0));
    auto reader = spoke->database().read();
    QVERIFY(reader.ok());
    QCOMPARE(*storage::ChangelogTable(**reader).lastSeq(), uint64_t(0));
    // Without a control region (federated) every region accepts changes.
    auto federated = openRegion(kEu, m_dir->filePath("federated"), "");
    MERIDIAN_EXPECT_OK(federated->registry().apply(repository(), "alice").status());
}

void TestServing::registryChangesInChangelog() {
    const auto changes = changesAfter(0);
    QCOMPARE(changes.size(), size_t(repository().objects_size()));
    uint64_t seq = 0, hlc = 0;
    for (const auto& c : changes) {
        QCOMPARE(c.kind(), v1::Change::REGISTRY_PUT);
        QCOMPARE(c.seq(), ++seq);
        QCOMPARE(c.origin(), std::string(kHere));
        QVERIFY(c.hlc() > hlc);  // every change has its own, growing clock value
        hlc = c.hlc();
        QCOMPARE(c.object().meta().hlc(), c.hlc());
        QCOMPARE(c.object().meta().version(), int64_t(1));
    }
    v1::ObjectRef ref;
    ref.set_kind(v1::FEATURE_VIEW);
    ref.set_project("shop");
    ref.set_name("sessions");
    QVERIFY(m_region->registry().remove(ref, "bob").ok());
    const auto tail = changesAfter(seq);
    QCOMPARE(tail.size(), size_t(1));
    QCOMPARE(tail[0].kind(), v1::Change::REGISTRY_DELETE);
    QCOMPARE(tail[0].object().feature_view().name(), std::string("sessions"));
    QVERIFY(tail[0].object().meta().deleted());
}

void TestServing::onlinePresentAndNotFound() {
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

void TestServing::onlineNullValue() {
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

void TestServing::onlineOutsideMaxAge() {
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

void TestServing::onlineNewerEventWins() {
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

void TestServing::featureServiceRefsAndStar() {
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

void TestServing::twoViewsTwoEntities() {
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

void TestServing::readYourWrites() {
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

void TestServing::readErrors() {
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

void TestServing::tooManyRowsOrEntities() {
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

void TestServing::writeTargets() {
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

void TestServing::writeRejectedWhole() {
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

void TestServing::writeErrors() {
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

void TestServing::writePolicies() {
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

void TestServing::changelogPerRow() {
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

void TestServing::clockRestoredAfterReopen() {
    // A peer's clock far ahead pulls this one forward; the write is logged with that clock.
    const uint64_t ahead = replication::HybridClock::make(kT * 2, 7);
    m_region->clock().observe(ahead);
    auto written = write("user_stats", {userRow(1, kT, 1, 1)});
    QVERIFY(written.ok());
    QVERIFY(written->version() > ahead);
    m_region.reset();
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    QVERIFY(m_region->clock().current() >= written->version());
    auto next = write("user_stats", {userRow(2, kT, 2, 2)});
    QVERIFY(next.ok());
    QVERIFY(next->version() > written->version());
    // And the data is still there.
    const auto r =
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2)}), kT);
    QVERIFY(r.ok());
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(1));
    QCOMPARE(r->rows(1).values(0).value().int64_val(), int64_t(2));
}

void TestServing::historicalPointInTime() {
    QVERIFY(write("user_stats", {userRow(1, kT, 1, 1)}, v1::OFFLINE).ok());
    QVERIFY(write("user_stats", {userRow(1, kT + 1000, 2, 2)}, v1::OFFLINE).ok());
    QVERIFY(write("user_stats", {userRow(1, kT + 1000, 3, 3)}, v1::OFFLINE)
                .ok());  // same time, later write
    QVERIFY(write("user_stats", {userRow(2, kT + 500, 20, 20)}, v1::OFFLINE).ok());
    QVERIFY(write("merchant_risk", {merchantRow("m1", kT, 0.5, true)}).ok());
    const std::vector<std::pair<int64_t, int64_t>> asked{
        {1, kT - 1},                 // before the first event
        {1, kT},                     // exactly at it
        {1, kT + 999},               // between events
        {1, kT + 1000},              // tie on event time: the later write
        {1, kT + 1000 + kHour},      // at the edge of the ttl
        {1, kT + 1000 + kHour + 1},  // past it
        {2, kT + 400},               // before user 2's only event
        {2, kT + 600},
        {3, kT + 600},  // never written
    };
    std::vector<v1::EntityRow> rows;
    for (const auto& [user, at] : asked)
        rows.push_back(entity(user, "m1", at));
    const auto r = m_region->historical().read(
        historicalRefs({"user_stats:txn_count", "merchant_risk:flagged"}, rows));
    QVERIFY2(r.ok(), qPrintable(describe(r.status())));
    QCOMPARE(namesOf(r->feature_names()),
             QStringList({"user_stats:txn_count", "merchant_risk:flagged"}));
    QCOMPARE(r->rows_size(), int(asked.size()));
    struct Expect {
        v1::FieldStatus status;
        int64_t value;
        int64_t eventTs;
    };
    const std::vector<Expect> expected{
        {v1::NOT_FOUND, 0, 0},       {v1::PRESENT, 1, kT},
        {v1::PRESENT, 1, kT},        {v1::PRESENT, 3, kT + 1000},
        {v1::PRESENT, 3, kT + 1000}, {v1::OUTSIDE_MAX_AGE, 0, kT + 1000},
        {v1::NOT_FOUND, 0, 0},       {v1::PRESENT, 20, kT + 500},
        {v1::NOT_FOUND, 0, 0},
    };
    for (size_t i = 0; i < expected.size(); ++i) {
        const auto& row = r->rows(int(i));
        const auto& v = row.values(0);
        QVERIFY2(v.status() == expected[i].status,
                 qPrintable(QStringLiteral("row %1: status %2").arg(i).arg(v.status())));
        QCOMPARE(v.event_timestamp(), expected[i].eventTs);
        if (v.status() == v1::PRESENT)
            QCOMPARE(v.value().int64_val(), expected[i].value);
        // Rows echo their keys and time.
        QCOMPARE(row.event_timestamp(), asked[i].second);
        QCOMPARE(row.keys().at("user_id").int64_val(), asked[i].first);
        // merchant_risk has no ttl: present from its event on.
        QCOMPARE(row.values(1).status(), asked[i].second >= kT ? v1::PRESENT : v1::NOT_FOUND);
    }
}

void TestServing::historicalErrors() {
    MERIDIAN_EXPECT_ERROR(
        m_region->historical()
            .read(historicalRefs({"user_stats:txn_count"}, {entity(1, {}, kT), entity(1)}))
            .status(),
        absl::StatusCode::kInvalidArgument, "entity row 2: event_timestamp is missing");
    MERIDIAN_EXPECT_ERROR(m_region->historical()
                              .read(historicalRefs({"sessions:open"}, {entity(1, {}, kT)}))
                              .status(),
                          absl::StatusCode::kFailedPrecondition,
                          "feature view 'sessions' keeps no offline history");
    MERIDIAN_EXPECT_ERROR(m_region->historical()
                              .read(historicalRefs({"user_stats:ghost"}, {entity(1, {}, kT)}))
                              .status(),
                          absl::StatusCode::kNotFound,
                          "feature view 'user_stats' has no feature 'ghost'");
    MERIDIAN_EXPECT_ERROR(
        m_region->historical()
            .read(historicalRefs({"user_stats:txn_count"}, {entity({}, "m1", kT)}))
            .status(),
        absl::StatusCode::kInvalidArgument, "entity row 1: missing join key 'user_id'");
}

void TestServing::materializeRange() {
    // History: user 1 twice in range, user 2 once, user 3 after the range.
    QVERIFY(write("user_stats",
                  {userRow(1, kT, 1, 1), userRow(1, kT + 100, 2, 2), userRow(2, kT + 50, 5, 5),
                   userRow(3, kT + 5000, 7, 7)},
                  v1::OFFLINE)
                .ok());
    // User 2 already has a newer value online.
    QVERIFY(write("user_stats", {userRow(2, kT + 900, 9, 9)}, v1::ONLINE).ok());
    const uint64_t before = lastSeq();
    std::vector<v1::MaterializeProgress> progress;
    v1::MaterializeRequest request;
    request.set_project("shop");
    request.set_feature_view("user_stats");
    request.set_start(kT);
    request.set_end(kT + 1000);
    auto st = m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    });
    MERIDIAN_EXPECT_OK(st);
    const auto r = m_region->online().read(
        onlineRefs({"user_stats:txn_count"}, {entity(1), entity(2), entity(3)}), kT + 1000);
    QCOMPARE(r->rows(0).values(0).value().int64_val(), int64_t(2));  // the latest in range
    QCOMPARE(r->rows(0).values(0).event_timestamp(), kT + 100);
    QCOMPARE(r->rows(1).values(0).value().int64_val(), int64_t(9));  // newer online value kept
    QCOMPARE(r->rows(2).values(0).status(), v1::NOT_FOUND);          // outside the range
    QVERIFY(!progress.empty());
    const auto& last = progress.back();
    QCOMPARE(last.feature_view(), std::string("user_stats"));
    QVERIFY(last.done());
    QCOMPARE(last.percent(), 100.0);
    QCOMPARE(last.rows_total(), int64_t(2));
    QCOMPARE(last.rows_scanned(), int64_t(2));
    QCOMPARE(last.rows_written(), int64_t(1));
    // One changelog entry per row that changed online, keeping the row's own version.
    const auto changes = changesAfter(before);
    QCOMPARE(changes.size(), size_t(1));
    QCOMPARE(changes[0].kind(), v1::Change::FEATURE_ROW);
    QCOMPARE(changes[0].target(), int32_t(v1::ONLINE));
    QCOMPARE(changes[0].event_timestamp(), kT + 100);
    QCOMPARE(changes[0].row_origin(), std::string(kHere));
    QVERIFY(changes[0].row_hlc() != 0 && changes[0].row_hlc() < changes[0].hlc());

    // Again: nothing left to move.
    progress.clear();
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    }));
    QCOMPARE(progress.back().rows_written(), int64_t(0));
    QCOMPARE(lastSeq(), before + 1);

    // Every view of the project: the range covering user 3 moves it.
    request.clear_feature_view();
    request.set_end(kT + 10000);
    QStringList views;
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        if (p.done())
            views << QString::fromStdString(p.feature_view());
        return true;
    }));
    QVERIFY(views.contains("user_stats"));
    QVERIFY(!views.contains("hub_scores"));  // not writable here
    QVERIFY(!views.contains("sessions"));    // no offline store
    const auto after =
        m_region->online().read(onlineRefs({"user_stats:txn_count"}, {entity(3)}), kT + 5000);
    QCOMPARE(after->rows(0).values(0).value().int64_val(), int64_t(7));
}

void TestServing::materializeErrors() {
    auto run = [&](const std::string& project, const std::string& view, int64_t start,
                   int64_t end) {
        v1::MaterializeRequest r;
        r.set_project(project);
        r.set_feature_view(view);
        r.set_start(start);
        r.set_end(end);
        return m_region->materializer().run(r, [](const v1::MaterializeProgress&) { return true; });
    };
    MERIDIAN_EXPECT_ERROR(run("shop", "user_stats", kT, kT), absl::StatusCode::kInvalidArgument,
                          "must be after start");
    MERIDIAN_EXPECT_ERROR(run("shop", "ghost", kT, kT + 1), absl::StatusCode::kNotFound,
                          "feature view 'ghost'");
    MERIDIAN_EXPECT_ERROR(run("ads", "", kT, kT + 1), absl::StatusCode::kNotFound,
                          "project 'ads' not found");
    MERIDIAN_EXPECT_ERROR(run("", "", kT, kT + 1), absl::StatusCode::kInvalidArgument,
                          "project is missing");
    MERIDIAN_EXPECT_ERROR(run("shop", "sessions", kT, kT + 1),
                          absl::StatusCode::kFailedPrecondition,
                          "feature view 'sessions' needs both an offline and an online store");
    MERIDIAN_EXPECT_ERROR(run("shop", "hub_scores", kT, kT + 1),
                          absl::StatusCode::kFailedPrecondition,
                          "write to its hub 'aws-eu-west-1'");
    // A view that never held data completes at once.
    MERIDIAN_EXPECT_OK(run("shop", "merchant_risk", kT, kT + 1));
}

void TestServing::materializeProgressAndCancel() {
    constexpr int kKeys = 12'000;  // more than two batches
    std::vector<v1::FeatureRow> rows;
    rows.reserve(kKeys);
    for (int i = 0; i < kKeys; ++i)
        rows.push_back(userRow(i, kT + i, i, 0, ""));
    auto written = write("user_stats", rows, v1::OFFLINE);
    QVERIFY2(written.ok(), qPrintable(describe(written.status())));
    v1::MaterializeRequest request;
    request.set_project("shop");
    request.set_feature_view("user_stats");
    request.set_start(kT);
    request.set_end(kT + kKeys);

    // Cancelled after the first batch: that batch stays written, the rest is not.
    int calls = 0;
    v1::MaterializeProgress first;
    const auto cancelled =
        m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
            if (calls++ == 0)
                first = p;
            return false;
        });
    MERIDIAN_EXPECT_ERROR(cancelled, absl::StatusCode::kCancelled,
                          "materialization of 'user_stats' cancelled");
    QCOMPARE(calls, 1);
    QCOMPARE(first.rows_total(), int64_t(kKeys));
    QVERIFY(first.rows_scanned() > 0 && first.rows_scanned() < kKeys);
    QCOMPARE(first.rows_written(), first.rows_scanned());
    QVERIFY(!first.done());
    QCOMPARE(first.percent(), 100.0 * first.rows_scanned() / kKeys);
    QCOMPARE(onlineCount("user_stats"), first.rows_scanned());

    // Run to the end: progress only grows, and ends done at 100 %.
    std::vector<v1::MaterializeProgress> progress;
    MERIDIAN_EXPECT_OK(m_region->materializer().run(request, [&](const v1::MaterializeProgress& p) {
        progress.push_back(p);
        return true;
    }));
    QVERIFY(progress.size() >= 3);
    for (size_t i = 1; i < progress.size(); ++i) {
        QVERIFY(progress[i].rows_scanned() >= progress[i - 1].rows_scanned());
        QVERIFY(progress[i].percent() >= progress[i - 1].percent());
        QCOMPARE(progress[i].rows_total(), int64_t(kKeys));
    }
    for (size_t i = 0; i + 1 < progress.size(); ++i)
        QVERIFY(!progress[i].done());
    QVERIFY(progress.back().done());
    QCOMPARE(progress.back().percent(), 100.0);
    QCOMPARE(progress.back().rows_scanned(), int64_t(kKeys));
    QCOMPARE(progress.back().rows_written(), int64_t(kKeys) - first.rows_scanned());
    QCOMPARE(onlineCount("user_stats"), int64_t(kKeys));
}

QTEST_GUILESS_MAIN(TestServing)
#include "tst_serving.moc"
