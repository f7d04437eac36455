// The receiving side of replication (replication::ChangeApplier): batches cut by a ChangeFeed
// over one region applied to another, each with its cursor in one transaction; gaps refused,
// replays skipped, conflicts resolved and counted, the sender's row schema ids renumbered to
// the receiver's, and a batch that lacks a schema refused whole. Changes that reach the receiver
// twice, or after newer ones, by another peer (a relay, with a cursor of its own) change nothing.

#include <QtTest>

#include <xxhash.h>

#include <algorithm>

#include "replication/changeapplier.h"
#include "replication/snapshot.h"
#include "storage/cursortable.h"
#include "storage/rowformat.h"
#include "support/replicationfixture.h"

using namespace meridian;
using namespace meridian::test;

class TestChangeApplier : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void batchAppliedWithItsCursor();
    void gapRefused();
    void replaySkipsAppliedPart();
    void conflictRule();
    void relayedRowsStoredOnce();
    void registryChangesByClock();
    void schemaIdsRenumbered();
    void batchWithoutItsSchemaRefused();
    void divergedBatchMovesTheCursorBack();
    void hostilePayloadsRefused();
    void snapshotIdCannotLeaveItsDirectory();
    void foreignSnapshotRefused();

private:
    // The sender's next batch for the receiver.
    absl::StatusOr<v1::ChangeBatch> pull(uint64_t after, int maxChanges = 2000) {
        return m_feed->next(kEu, after, feedOptions(maxChanges));
    }
    absl::StatusOr<replication::BatchApplied> apply(const v1::ChangeBatch& batch) {
        return m_applier->apply(kHere, batch, replication::wallClockMs());
    }
    // The registry brought over to the receiver, so that it can read what follows; the cursor.
    uint64_t syncRegistry();
    uint64_t cursor();
    // One feature of user_scores read at the receiver, per user.
    v1::GetOnlineFeaturesResponse receiverScores(std::vector<int64_t> users,
                                                 const std::string& feature = "score");

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<serving::Region> m_sender;    // kHere, the control region
    std::unique_ptr<serving::Region> m_receiver;  // kEu
    std::unique_ptr<replication::ChangeFeed> m_feed;
    std::unique_ptr<replication::ChangeApplier> m_applier;
};

void TestChangeApplier::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_sender = openRegion(kHere, m_dir->filePath("us"), kHere);
    m_receiver = openRegion(kEu, m_dir->filePath("eu"), kHere);
    auto applied = m_sender->registry().apply(linkRepository(), "alice");
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    m_feed = std::make_unique<replication::ChangeFeed>(m_sender->database(), m_sender->registry(),
                                                       m_sender->clock());
    m_applier = std::make_unique<replication::ChangeApplier>(
        m_receiver->database(), m_receiver->viewIds(), m_receiver->clock(), m_receiver->registry());
}

void TestChangeApplier::cleanup() {
    m_applier.reset();
    m_feed.reset();
    m_receiver.reset();
    m_sender.reset();
    m_dir.reset();
}

uint64_t TestChangeApplier::syncRegistry() {
    auto batch = pull(0);
    if (!batch.ok())
        qFatal("pull: %s", batch.status().ToString().c_str());
    auto applied = apply(*batch);
    if (!applied.ok() || !m_receiver->registry().catalog()->featureView("shop", "user_scores"))
        qFatal("registry: %s", applied.status().ToString().c_str());
    return applied->cursor;
}

uint64_t TestChangeApplier::cursor() {
    auto c = m_applier->cursor(kHere);
    if (!c.ok())
        qFatal("cursor: %s", c.status().ToString().c_str());
    return *c;
}

v1::GetOnlineFeaturesResponse TestChangeApplier::receiverScores(std::vector<int64_t> users,
                                                                const std::string& feature) {
    std::vector<v1::EntityRow> rows;
    for (int64_t u : users)
        rows.push_back(entity(u));
    auto r = m_receiver->online().read(onlineRefs({"user_scores:" + feature}, rows), kT);
    if (!r.ok())
        qFatal("read: %s", r.status().ToString().c_str());
    return *r;
}

void TestChangeApplier::batchAppliedWithItsCursor() {
    // The registry first: the receiver learns the views from it.
    const auto registry = pull(0);
    QVERIFY2(registry.ok(), qPrintable(describe(registry.status())));
    QCOMPARE(registry->change_count(), linkRepository().objects_size());
    QCOMPARE(cursor(), uint64_t(0));
    int64_t transactions = m_receiver->database().transactions();
    auto applied = apply(*registry);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(m_receiver->database().transactions(), transactions + 1);
    QCOMPARE(applied->cursor, registry->last_seq());
    QCOMPARE(applied->changes, int64_t(registry->change_count()));
    QVERIFY(applied->registryChanged);
    QCOMPARE(applied->views.at("").changes, applied->changes);
    QCOMPARE(cursor(), registry->last_seq());
    QVERIFY(m_receiver->registry().catalog()->featureView("shop", "user_scores"));

    // Then rows: stored, and the cursor with the sender's clock, in one transaction.
    QVERIFY(writeRows(*m_sender, "user_scores",
                      {scoreRow(1, kT, 1.5), scoreRow(2, kT + 1, 2.5), scoreRow(3, kT + 2, 3.5)})
                .ok());
    const auto rows = pull(registry->last_seq());
    QVERIFY2(rows.ok(), qPrintable(describe(rows.status())));
    QCOMPARE(rows->change_count(), 3);
    transactions = m_receiver->database().transactions();
    const int64_t nowMs = replication::wallClockMs();
    applied = m_applier->apply(kHere, *rows, nowMs);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(m_receiver->database().transactions(), transactions + 1);
    QCOMPARE(applied->cursor, rows->last_seq());
    QCOMPARE(applied->changes, int64_t(3));
    QCOMPARE(applied->conflicts, int64_t(0));
    QVERIFY(!applied->registryChanged);
    const auto& view = applied->views.at("shop/user_scores");
    QCOMPARE(view.changes, int64_t(3));
    QCOMPARE(view.latencyMs.size(), size_t(3));
    const auto record = m_applier->cursorRecord(kHere);
    QVERIFY(record.ok());
    QCOMPARE(record->seq, rows->last_seq());
    QCOMPARE(record->hlc, rows->sender_hlc());
    QCOMPARE(record->updatedMs, nowMs);
    // The receiver's clock has seen the sender's.
    QVERIFY(m_receiver->clock().current() > changesOf(*rows).back().hlc());
    const auto read = receiverScores({1, 2, 3});
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(read.rows(i).values(0).status(), v1::PRESENT);
        QCOMPARE(read.rows(i).values(0).value().double_val(), 1.5 + i);
        QCOMPARE(read.rows(i).values(0).event_timestamp(), kT + i);
    }
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(3));
}

void TestChangeApplier::gapRefused() {
    const uint64_t c = syncRegistry();
    QVERIFY(writeRows(*m_sender, "user_scores",
                      {scoreRow(1, kT, 1), scoreRow(2, kT, 2), scoreRow(3, kT, 3)})
                .ok());
    // A batch that starts one past what the receiver has: change c + 1 would be lost.
    const auto gap = pull(c + 1);
    QVERIFY2(gap.ok(), qPrintable(describe(gap.status())));
    QCOMPARE(gap->first_seq(), c + 2);
    MERIDIAN_EXPECT_ERROR(apply(*gap).status(), absl::StatusCode::kFailedPrecondition,
                          "batch from 'aws-us-east-1' starts at seq " + std::to_string(c + 2) +
                              " but seq " + std::to_string(c + 1) + " is next");
    QCOMPARE(cursor(), c);
    const auto afterGap = receiverScores({1, 2, 3});
    for (const auto& row : afterGap.rows())
        QCOMPARE(row.values(0).status(), v1::NOT_FOUND);
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(0));

    // The batch that follows the cursor is taken.
    const auto contiguous = pull(c);
    QVERIFY(contiguous.ok());
    MERIDIAN_EXPECT_OK(apply(*contiguous).status());
    QCOMPARE(cursor(), c + 3);
    const auto afterContiguous = receiverScores({1, 2, 3});
    for (const auto& row : afterContiguous.rows())
        QCOMPARE(row.values(0).status(), v1::PRESENT);
}

void TestChangeApplier::divergedBatchMovesTheCursorBack() {
    const uint64_t c = syncRegistry();
    QVERIFY(writeRows(*m_sender, "user_scores", {scoreRow(1, kT, 1), scoreRow(2, kT, 2)}).ok());
    auto batch = pull(c);
    QVERIFY(batch.ok());
    MERIDIAN_EXPECT_OK(apply(*batch).status());
    QCOMPARE(cursor(), c + 2);
    // The sender says the receiver's cursor is past where its history continues (it was
    // restored from a copy taken at c): the batch after c is applied, and the cursor goes
    // back to it.
    auto again = pull(c);
    QVERIFY(again.ok());
    again->mutable_diverged()->set_cursor(c + 2);
    again->mutable_diverged()->set_resumed_after(c);
    auto applied = apply(*again);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QVERIFY(applied->diverged);
    QCOMPARE(applied->changes, int64_t(2));
    QCOMPARE(cursor(), c + 2);
    // A heartbeat of the new history after c, with nothing in it, takes the cursor back to c.
    v1::ChangeBatch heartbeat;
    heartbeat.set_first_seq(c + 1);
    heartbeat.set_last_seq(c);
    heartbeat.set_epoch(42);
    heartbeat.mutable_diverged()->set_cursor(c + 2);
    heartbeat.mutable_diverged()->set_resumed_after(c);
    MERIDIAN_EXPECT_OK(apply(heartbeat).status());
    QCOMPARE(cursor(), c);
    auto record = m_applier->cursorRecord(kHere);
    QVERIFY(record.ok());
    QCOMPARE(record->epoch, uint64_t(42));
}

void TestChangeApplier::hostilePayloadsRefused() {
    const uint64_t c = syncRegistry();
    QVERIFY(writeRows(*m_sender, "user_scores", {scoreRow(1, kT, 1)}).ok());
    auto batch = pull(c);
    QVERIFY(batch.ok());
    // A size far beyond what the frame holds is refused before it is allocated.
    auto oversized = *batch;
    oversized.set_raw_bytes(int64_t(1) << 31);
    MERIDIAN_EXPECT_ERROR(apply(oversized).status(), absl::StatusCode::kDataLoss, "announced");
    auto notZstd = *batch;
    notZstd.set_payload("not a zstd frame at all");
    MERIDIAN_EXPECT_ERROR(apply(notZstd).status(), absl::StatusCode::kDataLoss, "not a zstd frame");
    auto truncated = *batch;
    truncated.set_payload(batch->payload().substr(0, batch->payload().size() / 2));
    QCOMPARE(apply(truncated).status().code(), absl::StatusCode::kDataLoss);
    QCOMPARE(cursor(), c);
    MERIDIAN_EXPECT_OK(apply(*batch).status());
    QCOMPARE(cursor(), c + 1);
}

void TestChangeApplier::snapshotIdCannotLeaveItsDirectory() {
    const std::string directory = m_dir->filePath("snapshots-in").toStdString();
    replication::SnapshotInstaller installer(m_receiver->database(), m_receiver->viewIds(),
                                             m_receiver->clock(), m_receiver->registry(),
                                             directory);
    v1::SnapshotChunk chunk;
    const std::string piece = "SQLite format 3";
    chunk.set_data(replication::encodePayload(piece, v1::CODEC_ZSTD));
    chunk.set_raw_bytes(static_cast<int64_t>(piece.size()));
    chunk.set_checksum(XXH64(piece.data(), piece.size(), 0));
    chunk.set_file_checksum(chunk.checksum());
    chunk.set_total_bytes(static_cast<int64_t>(piece.size()));
    chunk.set_total_chunks(1);
    for (const char* id : {"../escaped", "a/b", "", "..", "snap x"}) {
        chunk.set_snapshot_id(id);
        MERIDIAN_EXPECT_ERROR(installer.receive(chunk), absl::StatusCode::kInvalidArgument,
                              "is not a snapshot id");
    }
    QVERIFY(!QFile::exists(m_dir->filePath("escaped.part")));
    chunk.set_snapshot_id("snap-aws-eu-west-1-1");
    MERIDIAN_EXPECT_OK(installer.receive(chunk));
    QVERIFY(QFile::exists(QString::fromStdString(directory) + "/snap-aws-eu-west-1-1.part"));
    // Fifteen bytes are no database, and are refused as such.
    MERIDIAN_EXPECT_ERROR(installer.install(kEu, "snap-aws-eu-west-1-1").status(),
                          absl::StatusCode::kDataLoss, "snapshot 'snap-aws-eu-west-1-1' is");
}

void TestChangeApplier::foreignSnapshotRefused() {
    const std::string directory = m_dir->filePath("snapshots-in").toStdString();
    replication::SnapshotInstaller installer(m_receiver->database(), m_receiver->viewIds(),
                                             m_receiver->clock(), m_receiver->registry(),
                                             directory);
    // A well-formed SQLite file with a table the installer reads, holding NULLs where names go,
    // and no schema version: not a region database.
    const QString path = m_dir->filePath("foreign.db");
    {
        auto conn = storage::Connection::open(path.toStdString(), false);
        QVERIFY(conn.ok());
        MERIDIAN_EXPECT_OK((*conn)->exec(
            "CREATE TABLE views(id INTEGER, project TEXT, name TEXT);"
            "INSERT INTO views VALUES(1, NULL, NULL);"
            "CREATE TABLE regions(id INTEGER, name TEXT); INSERT INTO regions VALUES(1, NULL);"));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const std::string bytes = file.readAll().toStdString();
    v1::SnapshotChunk chunk;
    chunk.set_snapshot_id("snap-foreign");
    chunk.set_total_chunks(1);
    chunk.set_total_bytes(static_cast<int64_t>(bytes.size()));
    chunk.set_raw_bytes(static_cast<int64_t>(bytes.size()));
    chunk.set_data(replication::encodePayload(bytes, v1::CODEC_ZSTD));
    chunk.set_checksum(XXH64(bytes.data(), bytes.size(), 0));
    chunk.set_file_checksum(chunk.checksum());
    MERIDIAN_EXPECT_OK(installer.receive(chunk));
    MERIDIAN_EXPECT_ERROR(installer.install(kEu, "snap-foreign").status(),
                          absl::StatusCode::kDataLoss,
                          "is not a region database this release reads (schema unknown)");
}

void TestChangeApplier::replaySkipsAppliedPart() {
    const uint64_t c = syncRegistry();
    QVERIFY(
        writeRows(*m_sender, "user_scores",
                  {scoreRow(1, kT, 1), scoreRow(2, kT, 2), scoreRow(3, kT, 3), scoreRow(4, kT, 4)})
            .ok());
    const auto firstTwo = pull(c, 2);
    QVERIFY(firstTwo.ok());
    auto applied = apply(*firstTwo);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(2));
    QCOMPARE(cursor(), c + 2);

    // A batch from an older cursor (a stream resumed after a lost acknowledgement): only what
    // follows the cursor is applied.
    const auto all = pull(c);
    QVERIFY(all.ok());
    QCOMPARE(all->first_seq(), c + 1);
    QCOMPARE(all->change_count(), 4);
    applied = apply(*all);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(2));
    QCOMPARE(applied->views.at("shop/user_scores").changes, int64_t(2));
    QCOMPARE(applied->views.at("shop/user_scores").latencyMs.size(), size_t(2));
    QCOMPARE(applied->cursor, c + 4);
    QCOMPARE(cursor(), c + 4);
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(4));

    // Applied through its end already: nothing to do, the cursor stays.
    applied = apply(*all);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(0));
    QCOMPARE(applied->cursor, c + 4);
    QCOMPARE(cursor(), c + 4);
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(4));
    const auto read = receiverScores({1, 2, 3, 4});
    for (int i = 0; i < 4; ++i)
        QCOMPARE(read.rows(i).values(0).value().double_val(), double(i + 1));
}

void TestChangeApplier::conflictRule() {
    const uint64_t c = syncRegistry();
    // user_scores is active-active: both regions write it. The receiver's own rows first.
    QVERIFY(writeRows(*m_receiver, "user_scores",
                      {scoreRow(7, kT + 100, 70), scoreRow(10, kT, 100), scoreRow(11, kT, 110)})
                .ok());
    // The sender's: 7 older than the receiver's, 8 new, 9 newer then older (both its own), 10
    // newer than the receiver's, 11 at the same event time but written later (the sender has
    // seen the receiver's clock, so its write clock is the greater).
    m_sender->clock().observe(m_receiver->clock().current());
    QVERIFY(writeRows(*m_sender, "user_scores",
                      {scoreRow(7, kT, 7), scoreRow(8, kT, 8), scoreRow(9, kT + 100, 90),
                       scoreRow(9, kT, 9), scoreRow(10, kT + 100, 10), scoreRow(11, kT, 11)})
                .ok());
    const auto batch = pull(c);
    QVERIFY(batch.ok());
    QCOMPARE(batch->change_count(), 6);
    const auto applied = apply(*batch);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(6));
    // Two changes lost; only the one that lost to another region's row is a conflict.
    QCOMPARE(applied->conflicts, int64_t(1));
    QCOMPARE(applied->views.at("shop/user_scores").conflicts, int64_t(1));
    const auto read = receiverScores({7, 8, 9, 10, 11});
    QCOMPARE(read.rows(0).values(0).value().double_val(), 70.0);  // the receiver's, newer
    QCOMPARE(read.rows(0).values(0).event_timestamp(), kT + 100);
    QCOMPARE(read.rows(1).values(0).value().double_val(), 8.0);
    QCOMPARE(read.rows(2).values(0).value().double_val(), 90.0);
    QCOMPARE(read.rows(3).values(0).value().double_val(), 10.0);  // the sender's, newer
    QCOMPARE(read.rows(4).values(0).value().double_val(), 11.0);  // the sender's, later
    // Counted per link and view, with the cursor.
    {
        auto reader = m_receiver->database().read();
        QVERIFY(reader.ok());
        const auto conflicts = storage::CursorTable(**reader).conflicts();
        QVERIFY(conflicts.ok());
        QCOMPARE(conflicts->size(), size_t(1));
        QCOMPARE(conflicts->at(kHere).at("shop/user_scores"), int64_t(1));
    }
    // History keeps every version, winners and losers.
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(9));

    // The other way round the rule picks the same winners: both regions converge.
    replication::ChangeFeed back(m_receiver->database(), m_receiver->registry(),
                                 m_receiver->clock());
    replication::ChangeApplier senderApplier(m_sender->database(), m_sender->viewIds(),
                                             m_sender->clock(), m_sender->registry());
    const auto backBatch = back.next(kHere, 0, feedOptions());
    QVERIFY2(backBatch.ok(), qPrintable(describe(backBatch.status())));
    QCOMPARE(backBatch->change_count(), 3);  // the receiver's own writes, nothing it applied
    const auto backApplied = senderApplier.apply(kEu, *backBatch, replication::wallClockMs());
    QVERIFY2(backApplied.ok(), qPrintable(describe(backApplied.status())));
    QCOMPARE(backApplied->conflicts, int64_t(2));  // users 10 and 11: the receiver's rows lose
    std::vector<v1::EntityRow> users{entity(7), entity(8), entity(9), entity(10), entity(11)};
    const auto atSender = m_sender->online().read(onlineRefs({"user_scores:score"}, users), kT);
    QVERIFY(atSender.ok());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(atSender->rows(i).values(0).value().double_val(),
                 read.rows(i).values(0).value().double_val());
}

void TestChangeApplier::relayedRowsStoredOnce() {
    const uint64_t c = syncRegistry();
    QVERIFY(writeRows(*m_sender, "user_scores", {scoreRow(1, kT, 1), scoreRow(2, kT + 1, 2)}).ok());
    const auto rows = pull(c);
    QVERIFY2(rows.ok(), qPrintable(describe(rows.status())));
    MERIDIAN_EXPECT_OK(apply(*rows).status());
    auto partitions = [&] {
        auto reader = readerOf(*m_receiver);
        auto& dict = m_receiver->database().dictionaries();
        auto out = storage::OfflineTable(*reader, dict.regions, dict.schemas)
                       .partitions(viewIdOf(*m_receiver, *reader, "user_scores"));
        if (!out.ok())
            qFatal("partitions: %s", out.status().ToString().c_str());
        return *out;
    };
    const auto partitionsBefore = partitions();
    QCOMPARE(partitionsBefore.size(), size_t(1));
    QCOMPARE(partitionsBefore[0].rows, int64_t(2));
    const uint64_t headBefore = headOf(*m_receiver);

    // The same registry objects and rows again, from a peer whose cursor is still at 0: taken
    // and counted, but every one is already stored as it is.
    const auto relayed = pull(0);
    QVERIFY2(relayed.ok(), qPrintable(describe(relayed.status())));
    QCOMPARE(relayed->change_count(), int(c + 2));
    const auto applied = m_applier->apply(kEu4, *relayed, replication::wallClockMs());
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(c + 2));
    QCOMPARE(applied->conflicts, int64_t(0));  // lost only to themselves
    QVERIFY(!applied->registryChanged);
    QCOMPARE(*m_applier->cursor(kEu4), relayed->last_seq());
    QCOMPARE(cursor(), c + 2);
    QCOMPARE(onlineCount(*m_receiver, "user_scores"), int64_t(2));
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(2));
    const auto partitionsAfter = partitions();
    QCOMPARE(partitionsAfter.size(), size_t(1));
    QCOMPARE(partitionsAfter[0].rows, partitionsBefore[0].rows);
    QCOMPARE(partitionsAfter[0].digest, partitionsBefore[0].digest);
    // Applied changes are not logged again: the receiver sends its own writes only.
    QCOMPARE(headOf(*m_receiver), headBefore);
    const auto read = receiverScores({1, 2});
    QCOMPARE(read.rows(0).values(0).value().double_val(), 1.0);
    QCOMPARE(read.rows(1).values(0).value().double_val(), 2.0);
    QCOMPARE(read.rows(1).values(0).event_timestamp(), kT + 1);
}

void TestChangeApplier::registryChangesByClock() {
    // Every object at version 1.
    const auto first = pull(0);
    QVERIFY2(first.ok(), qPrintable(describe(first.status())));
    MERIDIAN_EXPECT_OK(apply(*first).status());
    const uint64_t c = cursor();

    // At the control region: user_scores gets a ttl (version 2), sessions is deleted.
    v1::ApplyRequest change;
    *change.add_objects() = linkRepository().objects(2);
    QCOMPARE(change.objects(0).feature_view().name(), std::string("user_scores"));
    change.mutable_objects(0)->mutable_feature_view()->set_ttl_seconds(7200);
    const auto updated = m_sender->registry().apply(change, "alice");
    QVERIFY2(updated.ok(), qPrintable(describe(updated.status())));
    QCOMPARE(updated->results(0).action(), v1::ApplyResult::UPDATED);
    v1::ObjectRef sessions;
    sessions.set_kind(v1::FEATURE_VIEW);
    sessions.set_project("shop");
    sessions.set_name("sessions");
    MERIDIAN_EXPECT_OK(m_sender->registry().remove(sessions, "alice").status());
    const auto second = pull(c);
    QVERIFY2(second.ok(), qPrintable(describe(second.status())));
    QCOMPARE(second->change_count(), 2);
    auto applied = apply(*second);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QVERIFY(applied->registryChanged);
    QCOMPARE(applied->views.at("").changes, int64_t(2));

    v1::ObjectRef scores = sessions;
    scores.set_name("user_scores");
    auto expectCurrent = [&] {
        const auto catalog = m_receiver->registry().catalog();
        QVERIFY(!catalog->featureView("shop", "sessions"));
        QCOMPARE(catalog->featureView("shop", "user_scores")->ttl_seconds(), int64_t(7200));
        const auto stored = m_receiver->registry().get(scores, 0);
        QVERIFY2(stored.ok(), qPrintable(describe(stored.status())));
        QCOMPARE(stored->meta().version(), int64_t(2));
    };
    expectCurrent();
    if (QTest::currentTestFailed())
        return;

    // From a relay: the older versions after the newer ones, then the newer ones again. The
    // clock decides, not the order of arrival: nothing is stored, and nothing comes back.
    for (const auto* batch : {&*first, &*second}) {
        applied = m_applier->apply(kEu4, *batch, replication::wallClockMs());
        QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
        QCOMPARE(applied->changes, int64_t(batch->change_count()));
        QVERIFY(!applied->registryChanged);
        expectCurrent();
        if (QTest::currentTestFailed())
            return;
    }
    QCOMPARE(*m_applier->cursor(kEu4), second->last_seq());
}

void TestChangeApplier::schemaIdsRenumbered() {
    const uint64_t c = syncRegistry();
    // The receiver stores kyc_flags rows before any user_scores row, the sender user_scores
    // rows first: each database numbers a different schema 1.
    QVERIFY(writeRows(*m_receiver, "kyc_flags", {featureRow(1, kT, {{"verified", boolean(true)}})})
                .ok());
    QVERIFY(
        writeRows(*m_sender, "user_scores", {scoreRow(1, kT, 1.25), scoreRow(2, kT, 2.25)}).ok());
    const auto batch = pull(c);
    QVERIFY2(batch.ok(), qPrintable(describe(batch.status())));
    QCOMPARE(batch->schemas_size(), 1);
    const uint32_t senderId = batch->schemas(0).id();
    const auto changes = changesOf(*batch);
    QCOMPARE(changes.size(), size_t(2));
    const std::string key = changes[0].entity_key();  // user 1, in either view

    // The id in the stored row of `view` for user 1 at the receiver.
    auto storedSchemaId = [&](const std::string& view) -> uint32_t {
        auto reader = readerOf(*m_receiver);
        storage::OnlineRecordView record;
        auto found =
            storage::OnlineTable(*reader).get(viewIdOf(*m_receiver, *reader, view), key, record);
        uint32_t schemaId = 0;
        if (!found.ok() || !*found || !storage::rowSchemaId(record.vals, schemaId))
            return 0;
        return schemaId;
    };
    // Without renumbering the receiver would read the rows with kyc_flags' schema.
    QCOMPARE(storedSchemaId("kyc_flags"), senderId);

    MERIDIAN_EXPECT_OK(apply(*batch).status());
    const uint32_t localId = storedSchemaId("user_scores");
    QVERIFY(localId != 0);
    QVERIFY(localId != senderId);
    const auto localSchema = m_receiver->database().dictionaries().schemas.find(localId);
    QVERIFY(localSchema);
    QVERIFY(localSchema->encode() == batch->schemas(0).fields());

    // Read back through the receiver's readers, online and offline.
    const auto scores = receiverScores({1, 2});
    QCOMPARE(scores.rows(0).values(0).value().double_val(), 1.25);
    QCOMPARE(scores.rows(1).values(0).value().double_val(), 2.25);
    const auto labels = receiverScores({1, 2}, "label");
    QCOMPARE(labels.rows(0).values(0).value().string_val(), std::string("s1"));
    QCOMPARE(labels.rows(1).values(0).value().string_val(), std::string("s2"));
    const auto flags =
        m_receiver->online().read(onlineRefs({"kyc_flags:verified"}, {entity(1)}), kT);
    QVERIFY(flags.ok());
    QCOMPARE(flags->rows(0).values(0).value().bool_val(), true);
    const auto history = m_receiver->historical().read(
        historicalRefs({"user_scores:score", "user_scores:label"}, {entity(2, {}, kT)}));
    QVERIFY2(history.ok(), qPrintable(describe(history.status())));
    QCOMPARE(history->rows(0).values(0).value().double_val(), 2.25);
    QCOMPARE(history->rows(0).values(1).value().string_val(), std::string("s2"));
}

void TestChangeApplier::batchWithoutItsSchemaRefused() {
    const uint64_t c = syncRegistry();
    QVERIFY(writeRows(*m_sender, "user_scores", {scoreRow(1, kT, 1), scoreRow(2, kT, 2)}).ok());
    QVERIFY(
        writeRows(*m_sender, "kyc_flags", {featureRow(1, kT, {{"verified", boolean(true)}})}).ok());
    const auto batch = pull(c);
    QVERIFY2(batch.ok(), qPrintable(describe(batch.status())));
    QCOMPARE(batch->change_count(), 3);
    QCOMPARE(batch->schemas_size(), 2);

    // Without kyc_flags' schema: the two user_scores changes could be stored, the third not.
    uint32_t kycId = 0;
    QVERIFY(storage::rowSchemaId(changesOf(*batch).at(2).values(), kycId));
    v1::ChangeBatch broken = *batch;
    broken.clear_schemas();
    for (const auto& def : batch->schemas()) {
        if (def.id() != kycId)
            *broken.add_schemas() = def;
    }
    QCOMPARE(broken.schemas_size(), 1);
    const uint64_t clockBefore = m_receiver->clock().current();
    MERIDIAN_EXPECT_ERROR(apply(broken).status(), absl::StatusCode::kDataLoss,
                          "batch from 'aws-us-east-1': change " + std::to_string(c + 3) +
                              " names a row schema the batch does not carry");
    // Nothing of it stays: no rows, no cursor, no clock.
    QCOMPARE(cursor(), c);
    const auto afterRefusal = receiverScores({1, 2});
    for (const auto& row : afterRefusal.rows())
        QCOMPARE(row.values(0).status(), v1::NOT_FOUND);
    QCOMPARE(offlineCount(*m_receiver, "user_scores"), int64_t(0));
    QCOMPARE(m_receiver->clock().current(), clockBefore);

    // Whole, the same batch goes through.
    const auto applied = apply(*batch);
    QVERIFY2(applied.ok(), qPrintable(describe(applied.status())));
    QCOMPARE(applied->changes, int64_t(3));
    QCOMPARE(cursor(), c + 3);
    QCOMPARE(receiverScores({2}).rows(0).values(0).value().double_val(), 2.0);
}

QTEST_GUILESS_MAIN(TestChangeApplier)
#include "tst_changeapplier.moc"
