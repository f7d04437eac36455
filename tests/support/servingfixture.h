#pragma once
// One region's data plane for the serving tests: a serving::Region in a temporary directory with
// the test repository applied, the rows and requests the tests build, and what they look up in
// the region's tables afterwards.

#include <QtTest>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serving/region.h"
#include "storage/changelogtable.h"
#include "storage/offlinetable.h"
#include "storage/onlinetable.h"
#include "support/coretestdata.h"

namespace meridian::test {

// The region under test, and the control region of its deployment.
inline constexpr const char* kHere = kUs;
inline constexpr int64_t kT = 1'700'000'000'000;  // ms
inline constexpr int64_t kHour = 3'600'000;

// The repository every test starts from.
inline v1::ApplyRequest repository() {
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

inline v1::FeatureRow userRow(int64_t user, int64_t eventMs, int64_t txnCount, double avgAmount,
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

inline v1::FeatureRow merchantRow(const std::string& merchant, int64_t eventMs, double rate,
                                  bool flagged) {
    v1::FeatureRow row;
    (*row.mutable_keys())["merchant_id"] = str(merchant);
    row.set_event_timestamp(eventMs);
    (*row.mutable_values())["chargeback_rate"] = dbl(rate);
    (*row.mutable_values())["flagged"] = boolean(flagged);
    return row;
}

inline v1::EntityRow entity(std::optional<int64_t> user, std::optional<std::string> merchant = {},
                            int64_t at = 0) {
    v1::EntityRow row;
    if (user)
        (*row.mutable_keys())["user_id"] = i64(*user);
    if (merchant)
        (*row.mutable_keys())["merchant_id"] = str(*merchant);
    row.set_event_timestamp(at);
    return row;
}

inline v1::GetOnlineFeaturesRequest onlineRefs(std::vector<std::string> refs,
                                               std::vector<v1::EntityRow> rows) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("shop");
    for (const auto& ref : refs)
        r.mutable_features()->add_refs(ref);
    for (auto& row : rows)
        *r.add_entities() = std::move(row);
    return r;
}

inline v1::GetHistoricalFeaturesRequest historicalRefs(std::vector<std::string> refs,
                                                       std::vector<v1::EntityRow> rows) {
    v1::GetHistoricalFeaturesRequest r;
    r.set_project("shop");
    for (const auto& ref : refs)
        r.mutable_features()->add_refs(ref);
    for (auto& row : rows)
        *r.add_entities() = std::move(row);
    return r;
}

inline QStringList namesOf(const google::protobuf::RepeatedPtrField<std::string>& names) {
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out;
}

// A region of the demo deployment in `dir` (normal durability: the tests do not lose power).
inline std::unique_ptr<serving::Region> openRegion(const std::string& name, const QString& dir,
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

// Writes `rows` to `view` of project shop through the region's writer.
inline absl::StatusOr<v1::WriteFeaturesResponse> writeRows(
    serving::Region& region, const std::string& view, std::vector<v1::FeatureRow> rows,
    v1::WriteTarget target = v1::WRITE_TARGET_UNSPECIFIED) {
    v1::WriteFeaturesRequest request;
    request.set_project("shop");
    request.set_feature_view(view);
    request.set_target(target);
    for (auto& r : rows)
        *request.add_rows() = std::move(r);
    return region.writer().write(request);
}

// A read transaction on the region's database (fatal when none can be had).
inline storage::Database::Reader readerOf(serving::Region& region) {
    auto reader = region.database().read();
    if (!reader.ok())
        qFatal("read: %s", reader.status().ToString().c_str());
    return std::move(*reader);
}

// The id of `view` (project shop) in the region's database; 0 while nothing of it was stored.
inline int64_t viewIdOf(serving::Region& region, storage::Connection& conn,
                        const std::string& view) {
    auto id = region.viewIds().find(conn, "shop", view);
    if (!id.ok())
        qFatal("view id of %s: %s", view.c_str(), id.status().ToString().c_str());
    return id->value_or(0);
}

// The highest seq of the region's log.
inline uint64_t headOf(serving::Region& region) {
    auto reader = readerOf(region);
    return *storage::ChangelogTable(*reader).lastSeq();
}

// The region's log after `seq`, as it would be sent to a peer.
inline std::vector<v1::Change> changesAfter(serving::Region& region, uint64_t seq) {
    std::vector<v1::Change> out;
    auto reader = readerOf(region);
    auto st = storage::ChangelogTable(*reader).readAfter(seq, 1'000'000, region.viewIds(),
                                                         region.name(), [&](v1::Change&& c) {
                                                             out.push_back(std::move(c));
                                                             return true;
                                                         });
    if (!st.ok())
        qFatal("readAfter: %s", st.ToString().c_str());
    return out;
}

// Rows of `view` (project shop) in the region's online table.
inline int64_t onlineCount(serving::Region& region, const std::string& view) {
    auto reader = readerOf(region);
    const int64_t id = viewIdOf(region, *reader, view);
    return id ? *storage::OnlineTable(*reader).count(id) : 0;
}

// Rows of `view` (project shop) in the region's offline table.
inline int64_t offlineCount(serving::Region& region, const std::string& view) {
    auto reader = readerOf(region);
    const int64_t id = viewIdOf(region, *reader, view);
    auto& dict = region.database().dictionaries();
    return id ? *storage::OfflineTable(*reader, dict.regions, dict.schemas).count(id) : 0;
}

// The base of a test class: openFixture() in its init(), closeFixture() in its cleanup().
class ServingFixture {
protected:
    // The region kHere (also the control region) with repository() applied by alice.
    void openFixture() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
        auto applied = m_region->registry().apply(repository(), "alice");
        QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    }

    void closeFixture() {
        m_region.reset();
        m_dir.reset();
    }

    // The same as the free functions above, on m_region.
    absl::StatusOr<v1::WriteFeaturesResponse> write(
        const std::string& view, std::vector<v1::FeatureRow> rows,
        v1::WriteTarget target = v1::WRITE_TARGET_UNSPECIFIED) {
        return writeRows(*m_region, view, std::move(rows), target);
    }
    uint64_t lastSeq() { return headOf(*m_region); }
    std::vector<v1::Change> changesAfter(uint64_t seq) {
        return test::changesAfter(*m_region, seq);
    }
    int64_t onlineCount(const std::string& view) { return test::onlineCount(*m_region, view); }
    int64_t offlineCount(const std::string& view) { return test::offlineCount(*m_region, view); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<serving::Region> m_region;
};

}  // namespace meridian::test
