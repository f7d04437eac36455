// Hub-and-spoke replication between three real regions: the registry and a hub-and-spoke
// view converge on the spokes, writes away from the hub are refused naming it.

#include <QtTest>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

class ReplicationHubSpokeTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void registryReplicatesFromControlRegion();
    void spokesConverge();
    void writesAwayFromHubAreRefused();
    void lagIsZeroWhenCaughtUp();
    void readYourWritesKnowsWhichRegionWrote();

private:
    std::unique_ptr<TestCluster> m_cluster;
    const int64_t m_now = QDateTime::currentMSecsSinceEpoch();
};

void ReplicationHubSpokeTest::initTestCase() {
    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
}

void ReplicationHubSpokeTest::registryReplicatesFromControlRegion() {
    const int expected = registryCount(m_cluster->client("us1"));
    QCOMPARE(expected, 7);
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client("eu1")), expected, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client("eu2")), expected, 15000);

    // Registry writes go to the control region only.
    v1::ApplyRequest request;
    request.add_objects()->mutable_project()->set_name("elsewhere");
    v1::ApplyResponse out;
    auto ctx = m_cluster->client("eu1").context();
    const auto st = m_cluster->client("eu1").registry().Apply(ctx.get(), request, &out);
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY(st.error_message().find("'us1'") != std::string::npos);
}

void ReplicationHubSpokeTest::spokesConverge() {
    std::vector<RepRow> rows;
    for (int64_t id = 1; id <= 500; ++id)
        rows.push_back({id, m_now - 1000, id * 1.5, "u" + std::to_string(id)});
    for (size_t i = 0; i < rows.size(); i += 100) {
        std::vector<RepRow> part(rows.begin() + static_cast<long>(i),
                                 rows.begin() + static_cast<long>(i + 100));
        const auto st = writeRep(m_cluster->client("us1"), "hs_view", part);
        QVERIFY2(st.ok(), qPrintable(QString::fromStdString(st.error_message()) + "\n" +
                                     m_cluster->output("us1")));
    }
    const auto ids = idRange(1, 500);
    for (const char* spoke : {"eu1", "eu2"}) {
        QTRY_VERIFY_WITH_TIMEOUT(
            readRep(m_cluster->client(spoke), "hs_view", ids).value_or(RepValues{}).size() == 500,
            20000);
        const auto values = *readRep(m_cluster->client(spoke), "hs_view", ids);
        for (const auto& r : rows) {
            QCOMPARE(values.at(r.userId).first, r.score);
            QCOMPARE(values.at(r.userId).second, r.label);
        }
    }
    // A newer value at the hub replaces the old one everywhere.
    QVERIFY(writeRep(m_cluster->client("us1"), "hs_view", {{7, m_now, 777.0, "updated"}}).ok());
    for (const char* spoke : {"eu1", "eu2"}) {
        QTRY_COMPARE_WITH_TIMEOUT(
            readRep(m_cluster->client(spoke), "hs_view", {7}).value_or(RepValues{})[7].second,
            std::string("updated"), 20000);
    }
}

void ReplicationHubSpokeTest::writesAwayFromHubAreRefused() {
    const auto st = writeRep(m_cluster->client("eu1"), "hs_view", {{1, m_now, 1.0, "x"}});
    QCOMPARE(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(st.error_message().find("hub 'us1'") != std::string::npos, st.error_message().c_str());
}

void ReplicationHubSpokeTest::lagIsZeroWhenCaughtUp() {
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto s = stats(m_cluster->client("eu1"));
            if (!s)
                return false;
            auto link = linkOf(*s, "us1");
            return link && link->state() == v1::LINK_STATE_STREAMING &&
                   link->changes_behind() == 0 && link->lag_seconds() == 0.0 &&
                   link->last_applied_seq() > 0;
        }(),
        15000);
    auto s = *stats(m_cluster->client("eu1"));
    auto view = linkOf(s, "us1", "rep/hs_view");
    QVERIFY(view.has_value());
    QCOMPARE(view->mode(), std::string("hub_spoke"));
    QVERIFY(view->latency_p99_ms() >= view->latency_p50_ms());
    QVERIFY(!linkOf(s, "us1")->emulated());
}

// A write's version token is honoured at once by the region that took it, and by a peer only
// once that region's log is applied there that far (here: not before a partition heals).
void ReplicationHubSpokeTest::readYourWritesKnowsWhichRegionWrote() {
    auto partition = [&](bool cut) {
        v1::LinkEmulationRequest request;
        request.set_peer("us1");
        if (cut)
            request.set_partitioned(true);
        else
            request.set_reset(true);
        v1::LinkEmulationResponse out;
        auto ctx = m_cluster->client("eu1").context();
        return m_cluster->client("eu1").replication().SetLinkEmulation(ctx.get(), request, &out);
    };
    QVERIFY(partition(true).ok());

    v1::WriteFeaturesRequest w;
    w.set_project("rep");
    w.set_feature_view("hs_view");
    auto* row = w.add_rows();
    (*row->mutable_keys())["user_id"].set_int64_val(9001);
    row->set_event_timestamp(m_now);
    (*row->mutable_values())["score"].set_double_val(90.01);
    v1::WriteFeaturesResponse written;
    {
        auto ctx = m_cluster->client("us1").context();
        QVERIFY(m_cluster->client("us1").serving().WriteFeatures(ctx.get(), w, &written).ok());
    }
    QCOMPARE(written.region(), std::string("us1"));

    auto readAt = [&](const std::string& region, const std::string& origin) {
        v1::GetOnlineFeaturesRequest r;
        r.set_project("rep");
        r.mutable_features()->add_refs("hs_view:score");
        (*r.add_entities()->mutable_keys())["user_id"].set_int64_val(9001);
        r.set_min_version(written.version());
        r.set_min_version_region(origin);
        v1::GetOnlineFeaturesResponse out;
        auto ctx = m_cluster->client(region).context();
        const auto st = m_cluster->client(region).serving().GetOnlineFeatures(ctx.get(), r, &out);
        if (st.ok() && (out.rows(0).values(0).status() != v1::PRESENT ||
                        out.rows(0).values(0).value().double_val() != 90.01))
            return grpc::Status(grpc::StatusCode::DATA_LOSS, "token honoured, value missing");
        return st;
    };
    // The writing region: at once, its own clock is the bound.
    const auto here = readAt("us1", "us1");
    QVERIFY2(here.ok(), here.error_message().c_str());
    // Across the cut link: refused, naming the region and version.
    const auto there = readAt("eu1", "us1");
    QCOMPARE(there.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    QVERIFY2(there.error_message().find("of region 'us1'") != std::string::npos,
             there.error_message().c_str());
    const auto unknown = readAt("eu1", "nowhere");
    QCOMPARE(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QVERIFY2(unknown.error_message().find("'nowhere' is not a region") != std::string::npos,
             unknown.error_message().c_str());

    QVERIFY(partition(false).ok());
    QTRY_VERIFY_WITH_TIMEOUT(readAt("eu1", "us1").ok(), 15000);
}

QTEST_GUILESS_MAIN(ReplicationHubSpokeTest)
#include "tst_replication_hubspoke.moc"
