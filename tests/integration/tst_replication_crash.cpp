// SIGKILL a spoke in the middle of replication and then the hub, restart both: no write any
// region acknowledged is lost, and every region converges.

#include <QtTest>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// Writes batches of new keys to one region until stopped, remembering what was acknowledged.
class Writer {
public:
    Writer(std::string endpoint, std::string view, int64_t firstId)
        : m_endpoint(std::move(endpoint)), m_view(std::move(view)), m_next(firstId) {}
    void start() {
        m_thread = std::thread([this] {
            TestClient client(m_endpoint);
            const int64_t now = QDateTime::currentMSecsSinceEpoch();
            while (!m_stop) {
                std::vector<RepRow> rows;
                for (int i = 0; i < 50; ++i, ++m_next)
                    rows.push_back({m_next, now, 1.0 * m_next, m_view + std::to_string(m_next)});
                if (writeRep(client, m_view, rows).ok()) {
                    std::lock_guard lock(m_mutex);
                    for (const auto& r : rows)
                        m_acked.push_back(r.userId);
                } else {
                    std::this_thread::sleep_for(
                        std::chrono::milliseconds(50));  // region down: retry later
                }
            }
        });
    }
    void stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    size_t ackedCount() {
        std::lock_guard lock(m_mutex);
        return m_acked.size();
    }
    std::vector<int64_t> acked() {
        std::lock_guard lock(m_mutex);
        return m_acked;
    }

private:
    std::string m_endpoint, m_view;
    int64_t m_next;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<int64_t> m_acked;
};

bool allPresent(TestClient& client, const std::string& view, const std::vector<int64_t>& ids) {
    for (size_t i = 0; i < ids.size(); i += 2000) {
        std::vector<int64_t> part(ids.begin() + static_cast<long>(i),
                                  ids.begin() + static_cast<long>(std::min(ids.size(), i + 2000)));
        auto values = readRep(client, view, part);
        if (!values || values->size() != part.size())
            return false;
    }
    return true;
}

}  // namespace

class ReplicationCrashTest : public QObject {
    Q_OBJECT

private slots:
    void killSpokeThenHubLosesNothing();
};

void ReplicationCrashTest::killSpokeThenHubLosesNothing() {
    TestCluster cluster(TestCluster::threeRegions());
    QVERIFY(cluster.startAll());
    QVERIFY(cluster.apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    for (const char* r : {"eu1", "eu2"})
        QTRY_COMPARE_WITH_TIMEOUT(registryCount(cluster.client(r)), 7, 15000);

    Writer hub(cluster.endpoint("us1"), "hs_view", 1);
    Writer peer(cluster.endpoint("eu1"), "aa_view", 1'000'000);
    hub.start();
    peer.start();

    // A spoke dies mid-stream and comes back.
    QTRY_VERIFY_WITH_TIMEOUT(hub.ackedCount() >= 1000, 30000);
    cluster.kill("eu2");
    const size_t ackedAtSpokeKill = hub.ackedCount();
    QTRY_VERIFY_WITH_TIMEOUT(hub.ackedCount() >= ackedAtSpokeKill + 1000, 30000);
    QVERIFY(cluster.start("eu2"));

    // Then the hub itself, while it is acknowledging writes.
    QTRY_VERIFY_WITH_TIMEOUT(hub.ackedCount() >= ackedAtSpokeKill + 2000, 30000);
    cluster.kill("us1");
    const size_t ackedAtHubKill = hub.ackedCount();
    QTRY_VERIFY_WITH_TIMEOUT(peer.ackedCount() >= 2000, 30000);
    QVERIFY(cluster.start("us1"));
    QTRY_VERIFY_WITH_TIMEOUT(hub.ackedCount() >= ackedAtHubKill + 500, 30000);
    hub.stop();
    peer.stop();

    const auto hubAcked = hub.acked();
    const auto peerAcked = peer.acked();
    for (const char* region : {"us1", "eu1", "eu2"}) {
        QTRY_VERIFY2_WITH_TIMEOUT(allPresent(cluster.client(region), "hs_view", hubAcked),
                                  qPrintable(QString("hs_view incomplete in ") + region), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(allPresent(cluster.client(region), "aa_view", peerAcked),
                                  qPrintable(QString("aa_view incomplete in ") + region), 60000);
    }
}

QTEST_GUILESS_MAIN(ReplicationCrashTest)
#include "tst_replication_crash.moc"
