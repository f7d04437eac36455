// Failover of a hub-and-spoke view's hub over three real regions, under write load from
// clients that keep writing to the old hub and to the region being promoted:
// - the hub SIGKILLed with changes its spokes never received, a spoke promoted with meridianctl
//   (the loss window stated first), the old hub restarted: it never acknowledges another write,
//   refuses naming the new hub, follows it as a spoke, and lists exactly the writes that never
//   left it (applied nowhere else); every write the new hub acknowledged reaches every region;
// - the hub cut off from every region but running: the last write it acknowledges comes
//   before the first the new hub acknowledges.

#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "support/ctlprocess.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Writes batches of new keys of rep/hs_view to one region until stopped, remembering when each
// acknowledged batch was sent and acknowledged (steady ms, this process) and the last refusal.
class Writer {
public:
    struct Ack {
        int64_t sentMs = 0;
        int64_t ackedMs = 0;
    };

    Writer(std::string endpoint, int64_t firstId)
        : m_endpoint(std::move(endpoint)), m_next(firstId) {}
    ~Writer() { stop(); }

    void start() {
        m_thread = std::thread([this] {
            TestClient client(m_endpoint);
            while (!m_stop) {
                std::vector<RepRow> rows;
                const int64_t now = QDateTime::currentMSecsSinceEpoch();
                for (int i = 0; i < 10; ++i, ++m_next)
                    rows.push_back({m_next, now, 1.0 * m_next, "w" + std::to_string(m_next)});
                const int64_t sent = steadyMs();
                auto st = writeRep(client, "hs_view", rows);
                const int64_t acked = steadyMs();
                {
                    std::lock_guard lock(m_mutex);
                    if (st.ok()) {
                        m_acks.push_back({sent, acked});
                        for (const auto& r : rows)
                            m_ids.push_back(r.userId);
                        continue;
                    }
                    m_lastError = st;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    void stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    size_t ackedRows() {
        std::lock_guard lock(m_mutex);
        return m_ids.size();
    }
    std::vector<int64_t> ids() {
        std::lock_guard lock(m_mutex);
        return m_ids;
    }
    std::vector<Ack> acks() {
        std::lock_guard lock(m_mutex);
        return m_acks;
    }
    grpc::Status lastError() {
        std::lock_guard lock(m_mutex);
        return m_lastError;
    }

private:
    std::string m_endpoint;
    int64_t m_next;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<Ack> m_acks;
    std::vector<int64_t> m_ids;
    grpc::Status m_lastError;
};

bool allPresent(TestClient& client, const std::vector<int64_t>& ids) {
    for (size_t i = 0; i < ids.size(); i += 2000) {
        std::vector<int64_t> part(ids.begin() + static_cast<long>(i),
                                  ids.begin() + static_cast<long>(std::min(ids.size(), i + 2000)));
        auto values = readRep(client, "hs_view", part);
        if (!values || values->size() != part.size())
            return false;
    }
    return true;
}

// Of `ids`, those `client` does not hold (empty optional when it does not answer).
std::optional<std::set<int64_t>> absent(TestClient& client, const std::vector<int64_t>& ids) {
    std::set<int64_t> out;
    for (size_t i = 0; i < ids.size(); i += 2000) {
        std::vector<int64_t> part(ids.begin() + static_cast<long>(i),
                                  ids.begin() + static_cast<long>(std::min(ids.size(), i + 2000)));
        auto values = readRep(client, "hs_view", part);
        if (!values)
            return std::nullopt;
        for (int64_t id : part)
            if (!values->count(id))
                out.insert(id);
    }
    return out;
}

std::optional<v1::ListHubsResponse> hubs(TestClient& at, int orphans = 0) {
    v1::ListHubsRequest request;
    request.set_orphans_limit(orphans);
    v1::ListHubsResponse out;
    auto ctx = at.context();
    if (!at.replication().ListHubs(ctx.get(), request, &out).ok())
        return std::nullopt;
    return out;
}

// "hub@epoch" of rep/hs_view as `at` sees it ("" when it does not answer).
QString hubOf(TestClient& at) {
    auto h = hubs(at);
    if (!h)
        return {};
    for (const auto& a : h->assignments())
        if (a.feature_view() == "rep/hs_view")
            return QString::fromStdString(a.hub() + "@" + std::to_string(a.epoch()));
    return {};
}

bool alertRaised(TestClient& at, const std::string& kind) {
    v1::ListAlertsResponse alerts;
    auto ctx = at.context();
    if (!at.replication().ListAlerts(ctx.get(), v1::ListAlertsRequest{}, &alerts).ok())
        return false;
    for (const auto& a : alerts.alerts())
        if (a.kind() == kind && a.cleared_at() == 0)
            return true;
    return false;
}

}  // namespace

class FailoverTest : public QObject {
    Q_OBJECT

private slots:
    void killedHubIsReplacedAndRejoinsAsSpoke();
    void partitionedHubStopsBeforeTheNewHubStarts();
};

void FailoverTest::killedHubIsReplacedAndRejoinsAsSpoke() {
    TestCluster cluster(TestCluster::threeRegions(), {}, "  heartbeat_ms: 200\n");
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);
    QTemporaryDir work;
    CtlProcess ctl(QStringLiteral(MERIDIANCTL_BINARY), work.path());
    const QString deployment = cluster.deploymentPath();

    Writer atUs1(cluster.endpoint("us1"), 1);
    Writer atEu1(cluster.endpoint("eu1"), 1'000'000);
    atUs1.start();
    atEu1.start();
    QTRY_VERIFY_WITH_TIMEOUT(atUs1.ackedRows() >= 500, 30000);
    // A spoke refuses writes of the view, naming its hub.
    QTRY_VERIFY_WITH_TIMEOUT(
        atEu1.lastError().error_code() == grpc::StatusCode::FAILED_PRECONDITION, 10000);
    QVERIFY2(atEu1.lastError().error_message().find("'us1'") != std::string::npos,
             atEu1.lastError().error_message().c_str());
    QCOMPARE(atEu1.ackedRows(), size_t{0});

    // From here on the spokes stop receiving us1's changes; us1 goes on acknowledging.
    const auto replicated = atUs1.ids();
    QTRY_VERIFY_WITH_TIMEOUT(allPresent(cluster.client("eu1"), replicated), 30000);
    for (const char* r : {"eu1", "eu2"})
        QVERIFY(setPartition(cluster.client(r), "us1", true));
    const size_t atPartition = atUs1.ackedRows();
    QTRY_VERIFY_WITH_TIMEOUT(atUs1.ackedRows() >= atPartition + 200, 30000);
    cluster.kill("us1");
    const int64_t killedAt = steadyMs();
    for (const char* r : {"eu1", "eu2"})
        QVERIFY(setPartition(cluster.client(r), "us1", false));
    const auto usAcked = atUs1.ids();
    const auto usAcks = atUs1.acks();

    // The loss window comes first: us1 does not answer.
    CtlRun plan =
        ctl.run({"promote", "rep/hs_view", "--to", "eu1", "--dry-run", "--deployment", deployment});
    QVERIFY2(plan.exitCode == 0, qPrintable(describeRun(plan, 0)));
    QVERIFY2(plan.out.contains("'us1' does not answer"), qPrintable(plan.out));
    QVERIFY2(plan.out.contains("1 → 2"), qPrintable(plan.out));
    QCOMPARE(hubOf(cluster.client("eu1")), QString("us1@1"));  // a dry run changes nothing

    // Without --yes and no terminal, nothing is promoted.
    CHECK_RUN(ctl.run({"promote", "rep/hs_view", "--to", "eu1", "--deployment", deployment}), 2);
    QCOMPARE(hubOf(cluster.client("eu1")), QString("us1@1"));

    CtlRun promoted =
        ctl.run({"promote", "rep/hs_view", "--to", "eu1", "--yes", "--deployment", deployment});
    QVERIFY2(promoted.exitCode == 0, qPrintable(describeRun(promoted, 0)));
    QVERIFY2(promoted.out.contains("'eu1' is the hub in epoch 2"), qPrintable(promoted.out));
    QVERIFY2(promoted.out.contains("promised by 2 of 3 regions"), qPrintable(promoted.out));
    QCOMPARE(hubOf(cluster.client("eu1")), QString("eu1@2"));
    QTRY_COMPARE_WITH_TIMEOUT(hubOf(cluster.client("eu2")), QString("eu1@2"), 10000);

    // Writes move to the new hub.
    QTRY_VERIFY_WITH_TIMEOUT(atEu1.ackedRows() >= 200, 30000);

    // The old hub comes back: it learns the new epoch before it acknowledges anything.
    QVERIFY(cluster.start("us1"));
    QTRY_COMPARE_WITH_TIMEOUT(hubOf(cluster.client("us1")), QString("eu1@2"), 15000);
    const size_t eu1Before = atEu1.ackedRows();
    QTRY_VERIFY_WITH_TIMEOUT(atEu1.ackedRows() >= eu1Before + 200, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        atUs1.lastError().error_code() == grpc::StatusCode::FAILED_PRECONDITION, 10000);
    QVERIFY2(atUs1.lastError().error_message().find("write to its hub 'eu1'") != std::string::npos,
             atUs1.lastError().error_message().c_str());
    atUs1.stop();
    atEu1.stop();

    // At no moment did two regions acknowledge writes of the view: us1's last acknowledgment
    // came before it was killed, none after; eu1's first after.
    QCOMPARE(atUs1.ids().size(), usAcked.size());
    QVERIFY(!usAcks.empty() && usAcks.back().ackedMs < killedAt);
    const auto euAcks = atEu1.acks();
    QVERIFY(!euAcks.empty() && euAcks.front().sentMs > killedAt);

    // Every write the new hub acknowledged reaches every region, the old hub included.
    const auto euAcked = atEu1.ids();
    for (const char* r : {"us1", "eu1", "eu2"})
        QTRY_VERIFY2_WITH_TIMEOUT(allPresent(cluster.client(r), euAcked),
                                  qPrintable(QString("eu1's writes incomplete in ") + r), 60000);

    // The old hub's writes that never left it: listed there, applied nowhere else.
    auto lost = absent(cluster.client("eu1"), usAcked);
    QVERIFY(lost.has_value());
    QVERIFY2(lost->size() >= 200, qPrintable(QString::number(lost->size())));
    auto atOldHub = hubs(cluster.client("us1"), 100'000);
    QVERIFY(atOldHub.has_value());
    QCOMPARE(atOldHub->orphans_total(), static_cast<int64_t>(lost->size()));
    std::set<std::string> listed;
    for (const auto& o : atOldHub->orphans()) {
        QCOMPARE(o.feature_view(), std::string("rep/hs_view"));
        QCOMPARE(o.new_hub(), std::string("eu1"));
        QCOMPARE(o.epoch(), uint64_t{1});
        listed.insert(o.entity_key());
    }
    for (int64_t id : *lost)
        QVERIFY2(listed.count("user_id=" + std::to_string(id)), qPrintable(QString::number(id)));
    QVERIFY(alertRaised(cluster.client("us1"), "orphaned_changes"));
    auto stillLost = absent(cluster.client("eu1"), usAcked);
    QVERIFY(stillLost.has_value());
    QCOMPARE(*stillLost, *lost);

    CtlRun shown = ctl.run({"hubs", "--orphans", "--deployment", deployment});
    QVERIFY2(shown.exitCode == 0, qPrintable(describeRun(shown, 0)));
    QVERIFY2(shown.out.contains("3 of 3"), qPrintable(shown.out));
    QVERIFY2(
        shown.out.contains("us1 holds " + QLocale(QLocale::English).toString(qint64(lost->size()))),
        qPrintable(shown.out));
    QVERIFY2(shown.out.contains("user_id=" + QString::number(*lost->begin())),
             qPrintable(shown.out));

    // Promoting it again to where it already is, or an unknown view, is refused precisely.
    CtlRun again =
        ctl.run({"promote", "rep/hs_view", "--to", "eu1", "--yes", "--deployment", deployment});
    QVERIFY2(again.exitCode == 1 && again.err.contains("already the hub"),
             qPrintable(describeRun(again, 1)));
    CtlRun active =
        ctl.run({"promote", "rep/aa_view", "--to", "eu1", "--yes", "--deployment", deployment});
    QVERIFY2(active.exitCode == 1 && active.err.contains("not hub-and-spoke"),
             qPrintable(describeRun(active, 1)));
}

void FailoverTest::partitionedHubStopsBeforeTheNewHubStarts() {
    TestCluster cluster(TestCluster::threeRegions(), {}, "  heartbeat_ms: 200\n");
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    Writer atUs1(cluster.endpoint("us1"), 1);
    Writer atEu2(cluster.endpoint("eu2"), 1'000'000);
    atUs1.start();
    atEu2.start();
    QTRY_VERIFY_WITH_TIMEOUT(atUs1.ackedRows() >= 300, 30000);

    // us1 keeps running, cut off from both peers in both directions.
    for (const char* r : {"eu1", "eu2"}) {
        QVERIFY(setPartition(cluster.client(r), "us1", true));
        QVERIFY(setPartition(cluster.client("us1"), r, true));
    }
    v1::PromoteRequest request;
    request.set_feature_view("rep/hs_view");
    request.set_to_region("eu2");
    v1::PromotionReport report;
    {
        auto ctx = cluster.client("eu2").context(std::chrono::seconds(30));
        auto st = cluster.client("eu2").replication().Promote(ctx.get(), request, &report);
        QVERIFY2(st.ok(), st.error_message().c_str());
    }
    QCOMPARE(report.views_size(), 1);
    QVERIFY2(report.views(0).committed(), report.views(0).error().c_str());
    QVERIFY(!report.views(0).old_hub_reachable());
    // us1 did not promise: eu2 waits out its lease.
    QVERIFY(report.views(0).writes_after_ms() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(atEu2.ackedRows() >= 200, 30000);
    // Cut off, us1 no longer acknowledges: its lease ran out ("hub lease not held"), or, when
    // an exchange it sent before the cut was answered after the commit, it heard of epoch 2.
    QTRY_VERIFY2_WITH_TIMEOUT(
        atUs1.lastError().error_code() == grpc::StatusCode::UNAVAILABLE ||
            atUs1.lastError().error_code() == grpc::StatusCode::FAILED_PRECONDITION,
        qPrintable(QString("us1 answered %1: %2, %3 rows acknowledged")
                       .arg(atUs1.lastError().error_code())
                       .arg(QString::fromStdString(atUs1.lastError().error_message()))
                       .arg(atUs1.ackedRows())),
        10000);
    if (atUs1.lastError().error_code() == grpc::StatusCode::UNAVAILABLE) {
        QVERIFY2(atUs1.lastError().error_message().find("lease") != std::string::npos,
                 atUs1.lastError().error_message().c_str());
        QCOMPARE(hubOf(cluster.client("us1")), QString("us1@1"));
    }
    const size_t usStopped = atUs1.ackedRows();

    for (const char* r : {"eu1", "eu2"}) {
        QVERIFY(setPartition(cluster.client(r), "us1", false));
        QVERIFY(setPartition(cluster.client("us1"), r, false));
    }
    QTRY_COMPARE_WITH_TIMEOUT(hubOf(cluster.client("us1")), QString("eu2@2"), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        atUs1.lastError().error_code() == grpc::StatusCode::FAILED_PRECONDITION, 10000);
    atUs1.stop();
    atEu2.stop();
    QCOMPARE(atUs1.ackedRows(), usStopped);

    // The last write us1 acknowledged was acknowledged before eu2's first was sent.
    const auto usAcks = atUs1.acks();
    const auto euAcks = atEu2.acks();
    QVERIFY(!usAcks.empty() && !euAcks.empty());
    QVERIFY2(usAcks.back().ackedMs < euAcks.front().sentMs,
             qPrintable(QString("us1's last ack at %1, eu2's first write sent at %2, acked at %3")
                            .arg(usAcks.back().ackedMs)
                            .arg(euAcks.front().sentMs)
                            .arg(euAcks.front().ackedMs)));
    for (const char* r : {"us1", "eu1", "eu2"})
        QTRY_VERIFY2_WITH_TIMEOUT(allPresent(cluster.client(r), atEu2.ids()),
                                  qPrintable(QString("eu2's writes incomplete in ") + r), 60000);
}

QTEST_GUILESS_MAIN(FailoverTest)
#include "tst_failover.moc"
