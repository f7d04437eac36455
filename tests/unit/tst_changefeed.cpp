// The sending side of replication (replication::ChangeFeed) over a real region: batches cut
// after a peer's cursor, skip markers for what the peer may not or need not receive, cursors
// ahead of the log or behind its retention, the row schemas and per-view bytes a batch carries,
// and heartbeats.

#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "storage/entitykey.h"
#include "storage/logretention.h"
#include "storage/rowformat.h"
#include "support/replicationfixture.h"

using namespace meridian;
using namespace meridian::test;

namespace {

// Bytes the change takes in a serialized ChangeList: tag, length, message.
int64_t wireSize(const v1::Change& c) {
    const size_t n = c.ByteSizeLong();
    int64_t lengthBytes = 1;
    for (size_t v = n; v >= 0x80; v >>= 7)
        ++lengthBytes;
    return 1 + lengthBytes + static_cast<int64_t>(n);
}

}  // namespace

class TestChangeFeed : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void batchesCutAfterCursor();
    void skipMarkersForWithheldEntries();
    void cursorAheadOfHead();
    void cursorOlderThanRetention();
    void schemasOfTheBatch();
    void viewBytesAttributed();
    void heartbeat();

private:
    absl::StatusOr<v1::ChangeBatch> next(const std::string& requester, uint64_t after,
                                         int maxChanges = 2000, v1::Codec codec = v1::CODEC_ZSTD) {
        return m_feed->next(requester, after, feedOptions(maxChanges, codec));
    }
    uint64_t head() { return headOf(*m_region); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<serving::Region> m_region;
    std::unique_ptr<replication::ChangeFeed> m_feed;
    uint64_t m_registryHead = 0;  // the log after the repository was applied
};

void TestChangeFeed::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_region = openRegion(kHere, m_dir->filePath("us"), kHere);
    auto applied = m_region->registry().apply(linkRepository(), "alice");
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    m_feed = std::make_unique<replication::ChangeFeed>(m_region->database(), m_region->registry(),
                                                       m_region->clock());
    m_registryHead = head();
    QCOMPARE(m_registryHead, uint64_t(linkRepository().objects_size()));
}

void TestChangeFeed::cleanup() {
    m_feed.reset();
    m_region.reset();
    m_dir.reset();
}

void TestChangeFeed::batchesCutAfterCursor() {
    const uint64_t h = m_registryHead;
    QVERIFY(writeRows(*m_region, "user_scores",
                      {scoreRow(1, kT, 1), scoreRow(2, kT, 2), scoreRow(3, kT, 3),
                       scoreRow(4, kT, 4), scoreRow(5, kT, 5)})
                .ok());

    // At most two changes, starting right after the cursor.
    const auto first = next(kEu, h, 2);
    QVERIFY2(first.ok(), qPrintable(describe(first.status())));
    QCOMPARE(first->first_seq(), h + 1);
    QCOMPARE(first->last_seq(), h + 2);
    QCOMPARE(first->change_count(), 2);
    QCOMPARE(first->skipped(), 0);
    QCOMPARE(first->sender_last_seq(), h + 5);
    const auto changes = changesOf(*first);
    QCOMPARE(changes.size(), size_t(2));
    uint64_t hlc = 0;
    for (size_t i = 0; i < changes.size(); ++i) {
        const auto& c = changes[i];
        QCOMPARE(c.seq(), h + 1 + i);
        QCOMPARE(c.origin_seq(), c.seq());
        QCOMPARE(c.origin(), std::string(kHere));
        QCOMPARE(c.kind(), v1::Change::FEATURE_ROW);
        QCOMPARE(c.project(), std::string("shop"));
        QCOMPARE(c.feature_view(), std::string("user_scores"));
        QCOMPARE(storage::entityKeyToString(c.entity_key()), "user_id=" + std::to_string(i + 1));
        QCOMPARE(c.event_timestamp(), kT);
        QVERIFY(c.hlc() > hlc);
        hlc = c.hlc();
    }
    QVERIFY(first->sender_hlc() >= changes.back().hlc());
    // The backlog's age: the commit time of the first change not in the batch (same commit).
    QCOMPARE(first->next_commit_ms(), changes[0].commit_ms());

    // The next batch goes on from the end of this one, up to the head.
    const auto second = next(kEu, first->last_seq());
    QVERIFY2(second.ok(), qPrintable(describe(second.status())));
    QCOMPARE(second->first_seq(), h + 3);
    QCOMPARE(second->last_seq(), h + 5);
    QCOMPARE(second->change_count(), 3);
    QCOMPARE(changesOf(*second).front().seq(), h + 3);
    QCOMPARE(second->next_commit_ms(), int64_t(0));

    // From the start: the registry first, then the rows; compressed or not, the same changes.
    const auto all = next(kEu, 0);
    const auto plain = next(kEu, 0, 2000, v1::CODEC_NONE);
    QVERIFY(all.ok() && plain.ok());
    QCOMPARE(all->change_count(), int(h + 5));
    const auto fromZstd = changesOf(*all);
    const auto fromPlain = changesOf(*plain);
    QCOMPARE(fromZstd.size(), size_t(h + 5));
    QCOMPARE(fromPlain.size(), fromZstd.size());
    for (size_t i = 0; i < fromZstd.size(); ++i) {
        QCOMPARE(fromZstd[i].kind(), i < h ? v1::Change::REGISTRY_PUT : v1::Change::FEATURE_ROW);
        QCOMPARE(fromPlain[i].SerializeAsString(), fromZstd[i].SerializeAsString());
    }
    QCOMPARE(plain->codec(), v1::CODEC_NONE);
    QCOMPARE(int64_t(plain->payload().size()), plain->raw_bytes());
    QCOMPARE(all->codec(), v1::CODEC_ZSTD);
    QCOMPARE(all->raw_bytes(), plain->raw_bytes());
    QVERIFY(int64_t(all->payload().size()) < all->raw_bytes());
}

void TestChangeFeed::skipMarkersForWithheldEntries() {
    const uint64_t h = m_registryHead;
    QVERIFY(writeRows(*m_region, "user_scores", {scoreRow(1, kT, 1)}).ok());  // h + 1
    QVERIFY(writeRows(*m_region, "sessions", {featureRow(1, kT, {{"open", i64(1)}})}).ok());
    QVERIFY(writeRows(*m_region, "apac_offers", {featureRow(1, kT, {{"offer", str("x")}})}).ok());
    QVERIFY(writeRows(*m_region, "kyc_flags", {featureRow(1, kT, {{"verified", boolean(true)}})})
                .ok());                                                       // h + 4
    QVERIFY(writeRows(*m_region, "user_scores", {scoreRow(2, kT, 2)}).ok());  // h + 5

    // kEu holds user_scores and kyc_flags; sessions is local, apac_offers not replicated to it.
    const auto eu = next(kEu, h);
    QVERIFY2(eu.ok(), qPrintable(describe(eu.status())));
    QCOMPARE(eu->first_seq(), h + 1);
    QCOMPARE(eu->last_seq(), h + 5);
    QCOMPARE(eu->change_count(), 3);
    QCOMPARE(eu->skipped(), 2);
    QCOMPARE(eu->residency_skipped(), 0);
    // Sent and withheld together cover the range: the peer's cursor moves on without a hole.
    QCOMPARE(uint64_t(eu->change_count() + eu->skipped()), eu->last_seq() - eu->first_seq() + 1);
    QStringList sent;
    for (const auto& c : changesOf(*eu))
        sent << QStringLiteral("%1 %2")
                    .arg(c.seq() - h)
                    .arg(QString::fromStdString(c.feature_view()));
    QCOMPARE(sent, QStringList({"1 user_scores", "4 kyc_flags", "5 user_scores"}));

    // kApac holds apac_offers only; residency keeps kyc_flags from it, and that is counted.
    const auto apac = next(kApac, h);
    QVERIFY2(apac.ok(), qPrintable(describe(apac.status())));
    QCOMPARE(apac->change_count(), 1);
    QCOMPARE(apac->skipped(), 4);
    QCOMPARE(apac->residency_skipped(), 1);
    QCOMPARE(changesOf(*apac).at(0).feature_view(), std::string("apac_offers"));
    QCOMPARE(changesOf(*apac).at(0).seq(), h + 3);

    // kEu4 holds none of them: an empty batch that still moves its cursor to the end.
    const auto gcp = next(kEu4, h);
    QVERIFY2(gcp.ok(), qPrintable(describe(gcp.status())));
    QCOMPARE(gcp->first_seq(), h + 1);
    QCOMPARE(gcp->last_seq(), h + 5);
    QCOMPARE(gcp->change_count(), 0);
    QCOMPARE(gcp->skipped(), 5);
    QCOMPARE(gcp->residency_skipped(), 1);
    QVERIFY(changesOf(*gcp).empty());
    QCOMPARE(gcp->view_bytes_size(), 0);
    // Registry changes go to every region: each keeps a replica of the registry.
    const auto registry = next(kEu4, 0);
    QVERIFY(registry.ok());
    const auto registryChanges = changesOf(*registry);
    QCOMPARE(registryChanges.size(), size_t(h));
    for (const auto& c : registryChanges)
        QCOMPARE(c.kind(), v1::Change::REGISTRY_PUT);

    // Withheld entries do not count against the batch size: one change to send, two skipped.
    const auto one = next(kEu, h + 1, 1);
    QVERIFY(one.ok());
    QCOMPARE(one->first_seq(), h + 2);
    QCOMPARE(one->last_seq(), h + 4);
    QCOMPARE(one->change_count(), 1);
    QCOMPARE(one->skipped(), 2);

    // A withheld entry at the end of the log is covered too.
    QVERIFY(writeRows(*m_region, "sessions", {featureRow(2, kT, {{"open", i64(2)}})}).ok());
    const auto tail = next(kEu, h + 5);
    QVERIFY(tail.ok());
    QCOMPARE(tail->first_seq(), h + 6);
    QCOMPARE(tail->last_seq(), h + 6);
    QCOMPARE(tail->change_count(), 0);
    QCOMPARE(tail->skipped(), 1);
}

void TestChangeFeed::cursorAheadOfHead() {
    const uint64_t h = head();
    MERIDIAN_EXPECT_ERROR(next(kEu, h + 1).status(), absl::StatusCode::kFailedPrecondition,
                          "cursor " + std::to_string(h + 1) + " is ahead of this region's log (" +
                              std::to_string(h) + ")");
    MERIDIAN_EXPECT_ERROR(next(kEu, h + 1000).status(), absl::StatusCode::kFailedPrecondition,
                          "does not belong to this log");
    MERIDIAN_EXPECT_OK(next(kEu, h).status());
}

void TestChangeFeed::cursorOlderThanRetention() {
    const uint64_t h = m_registryHead;
    QVERIFY(
        writeRows(*m_region, "user_scores",
                  {scoreRow(1, kT, 1), scoreRow(2, kT, 2), scoreRow(3, kT, 3), scoreRow(4, kT, 4)})
            .ok());
    // Retention removes the oldest entries, through h + 2.
    MERIDIAN_EXPECT_OK(m_region->database().write([&](storage::Connection& conn) -> absl::Status {
        auto removed = storage::ChangelogTable(conn).truncateThrough(h + 2, 1000);
        if (!removed.ok())
            return removed.status();
        return *removed == int64_t(h + 2) ? absl::OkStatus() : absl::InternalError("removed");
    }));

    // A cursor at the cut reads on; one before it would miss entries, and says so.
    const auto onward = next(kEu, h + 2);
    QVERIFY2(onward.ok(), qPrintable(describe(onward.status())));
    QCOMPARE(onward->first_seq(), h + 3);
    QCOMPARE(onward->change_count(), 2);
    MERIDIAN_EXPECT_ERROR(next(kEu, h + 1).status(), absl::StatusCode::kOutOfRange,
                          "cursor " + std::to_string(h + 1) +
                              " fell off the log (oldest kept: " + std::to_string(h + 3) + ")",
                          "a snapshot is needed");
    MERIDIAN_EXPECT_ERROR(next(kEu, 0).status(), absl::StatusCode::kOutOfRange, "cursor 0");

    // Retention by age empties the log; the head stays. A peer at the head is up to date, any
    // other needs a snapshot.
    storage::RetentionPolicy policy;
    policy.maxAgeSeconds = 60;
    auto extent = storage::trimChangelog(m_region->database(), policy,
                                         replication::wallClockMs() + 3'600'000);
    QVERIFY2(extent.ok(), qPrintable(describe(extent.status())));
    QCOMPARE(extent->first, uint64_t(0));
    QCOMPARE(extent->last, h + 4);
    const auto upToDate = next(kEu, h + 4);
    QVERIFY2(upToDate.ok(), qPrintable(describe(upToDate.status())));
    QCOMPARE(upToDate->change_count(), 0);
    QCOMPARE(upToDate->last_seq(), h + 4);
    MERIDIAN_EXPECT_ERROR(next(kEu, h + 3).status(), absl::StatusCode::kOutOfRange,
                          "(oldest kept: 0)");
}

void TestChangeFeed::schemasOfTheBatch() {
    const uint64_t h = m_registryHead;
    QVERIFY(writeRows(*m_region, "user_scores", {scoreRow(1, kT, 1), scoreRow(2, kT, 2)}).ok());
    QVERIFY(
        writeRows(*m_region, "kyc_flags", {featureRow(1, kT, {{"verified", boolean(true)}})}).ok());
    const auto catalog = m_region->registry().catalog();
    const auto scoresSchema = storage::RowSchema::of(*catalog->featureView("shop", "user_scores"));
    const auto kycSchema = storage::RowSchema::of(*catalog->featureView("shop", "kyc_flags"));

    // Every schema a value names travels with it, as this database numbers and encodes it.
    auto schemasOf = [&](const v1::ChangeBatch& batch) {
        std::map<uint32_t, storage::RowSchema> out;
        for (const auto& def : batch.schemas()) {
            auto schema = storage::RowSchema::decode(def.fields());
            if (!schema.ok())
                qFatal("schema %u does not decode", def.id());
            const auto local = m_region->database().dictionaries().schemas.find(def.id());
            if (!local || local->encode() != def.fields())
                qFatal("schema %u is not this database's", def.id());
            out.emplace(def.id(), *schema);
        }
        return out;
    };
    auto schemaIdOf = [](const v1::Change& c) {
        uint32_t id = 0;
        return storage::rowSchemaId(c.values(), id) ? id : 0u;
    };
    const auto batch = next(kEu, h);
    QVERIFY2(batch.ok(), qPrintable(describe(batch.status())));
    const auto schemas = schemasOf(*batch);
    QCOMPARE(schemas.size(), size_t(2));
    for (const auto& c : changesOf(*batch)) {
        const auto it = schemas.find(schemaIdOf(c));
        QVERIFY2(it != schemas.end(), qPrintable(QStringLiteral("change %1").arg(c.seq())));
        const auto& expected = c.feature_view() == "user_scores" ? scoresSchema : kycSchema;
        QVERIFY(it->second.fields == expected.fields);
    }

    // Registry changes name no schema; a batch of them carries none.
    const auto registry = next(kEu, 0, int(h));
    QVERIFY(registry.ok());
    QCOMPARE(registry->change_count(), int(h));
    QCOMPARE(registry->schemas_size(), 0);

    // A feature added: new rows are written under a new schema, older ones keep theirs, and a
    // batch over both carries both.
    v1::ApplyRequest change;
    *change.add_objects() = linkRepository().objects(2);
    QCOMPARE(change.objects(0).feature_view().name(), std::string("user_scores"));
    addField(change.mutable_objects(0)->mutable_feature_view()->mutable_features(), "rank",
             v1::INT64);
    auto applied = m_region->registry().apply(change, "alice");
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->results(0).action(), v1::ApplyResult::UPDATED);
    QVERIFY(writeRows(*m_region, "user_scores",
                      {featureRow(3, kT, {{"score", dbl(3)}, {"rank", i64(1)}})})
                .ok());
    const auto both = next(kEu, h);
    QVERIFY2(both.ok(), qPrintable(describe(both.status())));
    const auto bothSchemas = schemasOf(*both);
    QCOMPARE(bothSchemas.size(), size_t(3));
    std::set<uint32_t> scoreIds;
    for (const auto& c : changesOf(*both)) {
        if (c.feature_view() == "user_scores")
            scoreIds.insert(schemaIdOf(c));
    }
    QCOMPARE(scoreIds.size(), size_t(2));
    for (uint32_t id : scoreIds)
        QVERIFY(bothSchemas.count(id));
    // Only the schemas this batch's values name: the newest row alone carries the new one.
    const auto newest = next(kEu, head() - 1);
    QVERIFY(newest.ok());
    QCOMPARE(newest->change_count(), 1);
    const auto newestSchemas = schemasOf(*newest);
    QCOMPARE(newestSchemas.size(), size_t(1));
    QCOMPARE(newestSchemas.begin()->second.indexOf("rank"), 2);
    QCOMPARE(newestSchemas.begin()->first, schemaIdOf(changesOf(*newest).at(0)));
}

void TestChangeFeed::viewBytesAttributed() {
    QVERIFY(writeRows(*m_region, "user_scores",
                      {scoreRow(1, kT, 1), scoreRow(2, kT, 2), scoreRow(3, kT, 3)})
                .ok());
    QVERIFY(writeRows(*m_region, "kyc_flags",
                      {featureRow(1, kT, {{"verified", boolean(true)}}),
                       featureRow(2, kT, {{"verified", boolean(false)}})})
                .ok());
    QVERIFY(writeRows(*m_region, "sessions", {featureRow(1, kT, {{"open", i64(1)}})}).ok());

    // What each view's changes take in the payload, from the changes themselves ("" for the
    // registry's).
    std::map<std::string, std::pair<int64_t, int64_t>> expected;  // view -> changes, raw bytes
    const auto plain = next(kEu, 0, 2000, v1::CODEC_NONE);
    QVERIFY2(plain.ok(), qPrintable(describe(plain.status())));
    for (const auto& c : changesOf(*plain)) {
        auto& e = expected[c.feature_view().empty() ? "" : c.project() + "/" + c.feature_view()];
        e.first += 1;
        e.second += wireSize(c);
    }
    QCOMPARE(expected.size(), size_t(3));
    QCOMPARE(expected["shop/user_scores"].first, int64_t(3));
    QCOMPARE(expected["shop/kyc_flags"].first, int64_t(2));
    QCOMPARE(expected[""].first, int64_t(m_registryHead));

    // Uncompressed, each view is charged exactly its own bytes; withheld views nothing.
    QCOMPARE(plain->view_bytes_size(), 3);
    int64_t rawTotal = 0;
    for (const auto& vb : plain->view_bytes()) {
        const auto it = expected.find(vb.feature_view());
        QVERIFY2(it != expected.end(), vb.feature_view().c_str());
        QCOMPARE(vb.changes(), it->second.first);
        QCOMPARE(vb.raw_bytes(), it->second.second);
        QCOMPARE(vb.bytes(), vb.raw_bytes());
        rawTotal += vb.raw_bytes();
    }
    QCOMPARE(rawTotal, plain->raw_bytes());

    // Compressed, the payload is shared out in proportion to raw bytes (rounded per view).
    const auto zstd = next(kEu, 0);
    QVERIFY2(zstd.ok(), qPrintable(describe(zstd.status())));
    QCOMPARE(zstd->view_bytes_size(), 3);
    const double ratio = double(zstd->payload().size()) / double(zstd->raw_bytes());
    int64_t shared = 0;
    for (const auto& vb : zstd->view_bytes()) {
        QCOMPARE(vb.raw_bytes(), expected[vb.feature_view()].second);
        QVERIFY2(std::abs(double(vb.bytes()) - double(vb.raw_bytes()) * ratio) <= 0.5,
                 vb.feature_view().c_str());
        shared += vb.bytes();
    }
    QVERIFY(std::abs(shared - int64_t(zstd->payload().size())) <= zstd->view_bytes_size());
}

void TestChangeFeed::heartbeat() {
    QVERIFY(writeRows(*m_region, "user_scores", {scoreRow(1, kT, 1)}).ok());
    const uint64_t h = head();
    // Nothing after the cursor: an empty range that still tells the peer how this region is.
    const auto beat = next(kEu, h);
    QVERIFY2(beat.ok(), qPrintable(describe(beat.status())));
    QCOMPARE(beat->first_seq(), h + 1);
    QCOMPARE(beat->last_seq(), h);
    QCOMPARE(beat->change_count(), 0);
    QCOMPARE(beat->skipped(), 0);
    QVERIFY(changesOf(*beat).empty());
    QCOMPARE(beat->schemas_size(), 0);
    QCOMPARE(beat->view_bytes_size(), 0);
    QCOMPARE(beat->next_commit_ms(), int64_t(0));
    QCOMPARE(beat->sender_last_seq(), h);
    QVERIFY(beat->sender_hlc() >= m_region->clock().current());
    QVERIFY(beat->sender_wall_ms() > 0);
    QVERIFY(beat->sent_at_ms() > 0);

    // A region that has logged nothing yet sends heartbeats from seq 0.
    auto fresh = openRegion(kEu, m_dir->filePath("fresh"), kHere);
    replication::ChangeFeed freshFeed(fresh->database(), fresh->registry(), fresh->clock());
    const auto empty = freshFeed.next(kHere, 0, feedOptions());
    QVERIFY2(empty.ok(), qPrintable(describe(empty.status())));
    QCOMPARE(empty->first_seq(), uint64_t(1));
    QCOMPARE(empty->last_seq(), uint64_t(0));
    QCOMPARE(empty->sender_last_seq(), uint64_t(0));
    QCOMPARE(empty->change_count(), 0);
}

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
