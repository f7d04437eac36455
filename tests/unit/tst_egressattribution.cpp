// Egress attribution: the wire size of a message, its split into views and kinds of transfer
// (every byte attributed once, the rest to control traffic or to no view), the ledger summing
// the shares, and the price of a link between two regions of a deployment.

#include <QtTest>

#include <numeric>

#include "cost/costreport.h"
#include "cost/egressattribution.h"
#include "cost/egressledger.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

int64_t sumBytes(const std::vector<cost::EgressShare>& shares) {
    return std::accumulate(shares.begin(), shares.end(), int64_t{0},
                           [](int64_t n, const cost::EgressShare& s) { return n + s.bytes; });
}

v1::ChangeBatch batchOf(std::initializer_list<std::pair<const char*, int64_t>> views) {
    v1::ChangeBatch batch;
    batch.set_first_seq(10);
    batch.set_last_seq(40);
    int64_t payload = 0;
    for (const auto& [view, bytes] : views) {
        auto* vb = batch.add_view_bytes();
        vb->set_feature_view(view);
        vb->set_bytes(bytes);
        vb->set_raw_bytes(3 * bytes);
        vb->set_changes(bytes / 100);
        payload += bytes;
    }
    batch.set_payload(std::string(static_cast<size_t>(payload), 'p'));
    return batch;
}

deployment::Deployment twoContinents() {
    deployment::Deployment d;
    for (const auto& info : {registry::RegionInfo{"us", "aws", "us-east-1", "us", "north-america"},
                             registry::RegionInfo{"eu", "aws", "eu-west-1", "eu", "europe"},
                             registry::RegionInfo{"gcp", "gcp", "europe-west4", "eu", "europe"}}) {
        deployment::RegionEntry entry;
        entry.info = info;
        d.regions.push_back(entry);
    }
    return d;
}

constexpr const char* kPrices = R"(currency: USD
clouds:
  aws:
    source: "aws list"
    recorded: "2026-11-26"
    same_region: {usd_per_gb: 0.01}
    same_continent: {usd_per_gb: 0.02}
    cross_continent: {usd_per_gb: 0.03}
    internet: {usd_per_gb: 0.09}
)";

}  // namespace

class EgressAttributionTest : public QObject {
    Q_OBJECT

private slots:
    void wireBytesCountsPrefixAndFrames_data();
    void wireBytesCountsPrefixAndFrames();
    void changeBatchGivesEachViewItsShareAndTheRestToControl();
    void heartbeatIsAllControl();
    void snapshotChunkSplitsEvenlyAndKeepsTheRemainder();
    void snapshotOfNoViewBelongsToNoView();
    void partitionChunkIsBatchTraffic();
    void ledgerSumsSharesPerMinuteViewAndKind();
    void priceBetweenRegionsOfTheDeployment();
};

void EgressAttributionTest::wireBytesCountsPrefixAndFrames_data() {
    QTest::addColumn<qlonglong>("message");
    QTest::addColumn<qlonglong>("wire");
    QTest::newRow("empty message: prefix and one frame") << 0LL << 5LL + 9;
    QTest::newRow("fills one frame exactly") << 16379LL << 16384LL + 9;
    QTest::newRow("one byte into a second frame") << 16380LL << 16385LL + 18;
    QTest::newRow("a mebibyte") << 1048576LL << 1048581LL + 9 * 65;
}

void EgressAttributionTest::wireBytesCountsPrefixAndFrames() {
    QFETCH(qlonglong, message);
    QFETCH(qlonglong, wire);
    QCOMPARE(cost::wireBytes(static_cast<size_t>(message)), int64_t(wire));
}

void EgressAttributionTest::changeBatchGivesEachViewItsShareAndTheRestToControl() {
    const auto batch = batchOf({{"shop/orders", 30'000}, {"shop/users", 1'200}});
    const auto shares = cost::changeBatchShares(batch);
    QCOMPARE(shares.size(), size_t(3));
    QCOMPARE(shares[0].view, std::string("shop/orders"));
    QCOMPARE(shares[0].kind, std::string("stream"));
    QCOMPARE(shares[0].bytes, int64_t(30'000));
    QCOMPARE(shares[0].rawBytes, int64_t(90'000));
    QCOMPARE(shares[0].changes, int64_t(300));
    QCOMPARE(shares[1].view, std::string("shop/users"));
    QCOMPARE(shares[1].bytes, int64_t(1'200));
    const auto& control = shares[2];
    QCOMPARE(control.view, std::string());
    QCOMPARE(control.kind, std::string("control"));
    QCOMPARE(control.changes, int64_t(0));
    // Every byte on the wire is attributed, once.
    const int64_t wire = cost::wireBytes(batch.ByteSizeLong());
    QCOMPARE(sumBytes(shares), wire);
    QCOMPARE(control.bytes, wire - 31'200);
    QCOMPARE(control.rawBytes, control.bytes);
    QVERIFY(control.bytes > 0);
}

void EgressAttributionTest::heartbeatIsAllControl() {
    v1::ChangeBatch heartbeat;
    heartbeat.set_sender_last_seq(99);
    const auto shares = cost::changeBatchShares(heartbeat);
    QCOMPARE(shares.size(), size_t(1));
    QCOMPARE(shares[0].kind, std::string("control"));
    QCOMPARE(shares[0].bytes, cost::wireBytes(heartbeat.ByteSizeLong()));
}

void EgressAttributionTest::snapshotChunkSplitsEvenlyAndKeepsTheRemainder() {
    v1::SnapshotChunk chunk;
    chunk.set_snapshot_id("snap-1");
    chunk.set_data(std::string(50'001, 'd'));
    const std::vector<std::string> views{"shop/orders", "shop/users", "ads/clicks"};
    const auto shares = cost::snapshotChunkShares(chunk, views);
    const int64_t wire = cost::wireBytes(chunk.ByteSizeLong());
    QVERIFY2(wire % 3 != 0, "the case needs a remainder");
    QCOMPARE(shares.size(), size_t(4));
    for (size_t i = 0; i < views.size(); ++i) {
        QCOMPARE(shares[i].view, views[i]);
        QCOMPARE(shares[i].kind, std::string("snapshot"));
        QCOMPARE(shares[i].bytes, wire / 3);
        QCOMPARE(shares[i].rawBytes, wire / 3);
    }
    QCOMPARE(shares[3].view, std::string());
    QCOMPARE(shares[3].kind, std::string("snapshot"));
    QCOMPARE(shares[3].bytes, wire % 3);
    QCOMPARE(shares[3].rawBytes, int64_t(0));
    QCOMPARE(sumBytes(shares), wire);
}

void EgressAttributionTest::snapshotOfNoViewBelongsToNoView() {
    v1::SnapshotChunk chunk;
    chunk.set_data(std::string(1000, 'd'));
    const auto shares = cost::snapshotChunkShares(chunk, {});
    QCOMPARE(shares.size(), size_t(1));
    QCOMPARE(shares[0].view, std::string());
    QCOMPARE(shares[0].bytes, cost::wireBytes(chunk.ByteSizeLong()));
    QCOMPARE(shares[0].rawBytes, int64_t(0));
}

void EgressAttributionTest::partitionChunkIsBatchTraffic() {
    v1::PartitionChunk chunk;
    chunk.set_payload(std::string(20'000, 'r'));
    chunk.set_raw_bytes(80'000);
    chunk.set_row_count(250);
    const auto share = cost::partitionChunkShare(chunk, "shop/orders");
    QCOMPARE(share.view, std::string("shop/orders"));
    QCOMPARE(share.kind, std::string("batch"));
    QCOMPARE(share.bytes, cost::wireBytes(chunk.ByteSizeLong()));
    QCOMPARE(share.rawBytes, int64_t(80'000));
    QCOMPARE(share.changes, int64_t(250));
}

void EgressAttributionTest::ledgerSumsSharesPerMinuteViewAndKind() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto db = storage::Database::open(dir.filePath("region.db").toStdString());
    QVERIFY2(db.ok(), qPrintable(describe(db.status())));
    cost::EgressLedger ledger(**db);
    constexpr int64_t kMinute = 1'795'860'000'000;  // on the minute
    const auto batch = batchOf({{"shop/orders", 4'000}});
    const auto shares = cost::changeBatchShares(batch);
    // Two batches in one minute, one in the next; the same traffic to another region.
    ledger.add(kMinute + 1'000, "eu", shares);
    ledger.add(kMinute + 59'999, "eu", shares);
    ledger.add(kMinute + 60'000, "eu", shares);
    ledger.add(kMinute, "gcp", cost::partitionChunkShare(v1::PartitionChunk(), "shop/orders"));
    const int64_t wire = cost::wireBytes(batch.ByteSizeLong());
    QCOMPARE(ledger.totalBytesTo("eu"), 3 * wire);
    MERIDIAN_EXPECT_OK(ledger.flush());
    auto records = ledger.records(kMinute, kMinute + 120'000);
    QVERIFY2(records.ok(), qPrintable(describe(records.status())));
    QCOMPARE(records->size(), size_t(5));
    auto find = [&](int64_t minute, const char* to, const char* view, const char* kind) {
        for (const auto& r : *records) {
            if (r.minuteMs == minute && r.toRegion == to && r.view == view && r.kind == kind)
                return r;
        }
        return storage::EgressRecord{};
    };
    const auto orders = find(kMinute, "eu", "shop/orders", "stream");
    QCOMPARE(orders.bytes, int64_t(8'000));
    QCOMPARE(orders.rawBytes, int64_t(24'000));
    QCOMPARE(orders.changes, int64_t(80));
    QCOMPARE(find(kMinute, "eu", "", "control").bytes, 2 * (wire - 4'000));
    QCOMPARE(find(kMinute + 60'000, "eu", "shop/orders", "stream").bytes, int64_t(4'000));
    QCOMPARE(find(kMinute, "gcp", "shop/orders", "batch").bytes, cost::wireBytes(0));
}

void EgressAttributionTest::priceBetweenRegionsOfTheDeployment() {
    auto prices = cost::PriceTable::parse(kPrices, "pricing.yaml");
    QVERIFY2(prices.ok(), qPrintable(describe(prices.status())));
    const auto d = twoContinents();
    const auto across = cost::priceBetween(*prices, d, "us", "eu");
    QCOMPARE(across.usdPerGb, 0.03);
    QCOMPARE(across.source, std::string("aws list"));
    QCOMPARE(cost::priceBetween(*prices, d, "us", "gcp").usdPerGb, 0.09);
    // The sender's cloud pays; gcp has no prices here.
    QCOMPARE(cost::priceBetween(*prices, d, "gcp", "eu").usdPerGb, 0.0);
    for (const auto& [from, to] : {std::pair{"us", "mars"}, std::pair{"mars", "eu"}}) {
        const auto unknown = cost::priceBetween(*prices, d, from, to);
        QCOMPARE(unknown.usdPerGb, 0.0);
        QCOMPARE(unknown.priceClass, std::string("unknown region"));
    }
}

QTEST_GUILESS_MAIN(EgressAttributionTest)
#include "tst_egressattribution.moc"
