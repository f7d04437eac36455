// A store started on a damaged or foreign region.db refuses to serve, says which file and what
// to do, and leaves the file as it was.

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include "support/storeprocess.h"
#include "support/testclient.h"
#include "support/testrepository.h"

using namespace meridian;
using namespace meridian::test;

namespace {

QByteArray fileDigest(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return hash.result();
}

// A region with a few MB of rows, stopped cleanly: the stop checkpoints the WAL into the file,
// so damage written into region.db afterwards cannot hide behind the WAL.
bool fillAndStop(const QString& dataDir) {
    StoreProcess store("damaged-region", dataDir);
    if (!store.start())
        return false;
    TestClient client(store.endpoint().toStdString());
    if (!client.waitHealthy())
        return false;
    v1::ApplyResponse applied;
    auto ctx = client.context();
    if (!client.registry().Apply(ctx.get(), testRepositoryRequest(), &applied).ok())
        return false;
    // So that the middle of the file is a page of some table.
    for (int batch = 0; batch < 40; ++batch) {
        v1::WriteFeaturesRequest w;
        w.set_project("shop");
        w.set_feature_view("user_stats");
        for (int i = 0; i < 500; ++i) {
            const int user = batch * 500 + i;
            *w.add_rows() = userStatsRow(user, 1'700'000'000'000 + user, user, 1.5);
        }
        v1::WriteFeaturesResponse out;
        auto wctx = client.context();
        if (!client.serving().WriteFeatures(wctx.get(), w, &out).ok())
            return false;
    }
    return store.terminate();
}

// 8 KiB of random bytes in the middle of the file.
bool damageMiddle(const QString& dbPath) {
    QFile db(dbPath);
    if (!db.open(QIODevice::ReadWrite) || db.size() < 1'000'000)
        return false;
    QByteArray noise(8192, '\0');
    QRandomGenerator random(20261206);
    for (auto& byte : noise)
        byte = static_cast<char>(random.bounded(256));
    return db.seek((db.size() / 2) & ~qint64(4095)) && db.write(noise) == noise.size();
}

std::optional<v1::CheckIntegrityResponse> checkIntegrity(TestClient& client) {
    v1::CheckIntegrityResponse out;
    auto ctx = client.context();
    if (!client.admin().CheckIntegrity(ctx.get(), v1::CheckIntegrityRequest(), &out).ok())
        return std::nullopt;
    return out;
}

}  // namespace

class StoreDamagedTest : public QObject {
    Q_OBJECT

private slots:
    void damagedPagesAreRefused();
    void foreignFileIsRefused();
    void fullCheckOnDemandFindsDamage();
};

void StoreDamagedTest::damagedPagesAreRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    const QString dbPath = dataDir + "/region.db";
    QVERIFY(fillAndStop(dataDir));
    QVERIFY(!QFile::exists(dbPath + "-wal") || QFileInfo(dbPath + "-wal").size() == 0);
    QVERIFY(damageMiddle(dbPath));
    const QByteArray before = fileDigest(dbPath);

    StoreProcess store("damaged-region", dataDir);
    QVERIFY(!store.start());
    const QString refusal = store.output();
    QVERIFY2(refusal.contains(dbPath + " is damaged (PRAGMA quick_check)"), qPrintable(refusal));
    QVERIFY2(refusal.contains("restore the data directory from a backup"), qPrintable(refusal));
    QCOMPARE(fileDigest(dbPath), before);
}

void StoreDamagedTest::foreignFileIsRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    QVERIFY(QDir().mkpath(dataDir));
    const QString dbPath = dataDir + "/region.db";
    {
        QFile f(dbPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 2000; ++i)
            f.write("this is somebody's notes, not a database\n");
    }
    const QByteArray before = fileDigest(dbPath);
    StoreProcess store("foreign-region", dataDir);
    QVERIFY(!store.start());
    const QString refusal = store.output();
    QVERIFY2(refusal.contains(dbPath + " is not a database SQLite can read"), qPrintable(refusal));
    QCOMPARE(fileDigest(dbPath), before);
}

// A store told not to check at startup serves from the damaged file; the full check on demand
// (meridianctl status --check) finds what the quick one would have, and names the file.
void StoreDamagedTest::fullCheckOnDemandFindsDamage() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    const QString dbPath = dataDir + "/region.db";
    QVERIFY(fillAndStop(dataDir));
    {
        StoreProcess store("damaged-region", dataDir);
        QVERIFY2(store.start(), qPrintable(store.output()));
        TestClient client(store.endpoint().toStdString());
        QVERIFY(client.waitHealthy());
        auto intact = checkIntegrity(client);
        QVERIFY(intact.has_value());
        QVERIFY2(intact->ok(), intact->DebugString().c_str());
        QCOMPARE(intact->problems_size(), 0);
        QCOMPARE(QString::fromStdString(intact->path()), dbPath);
        QVERIFY(intact->checked_bytes() > 1'000'000);
        QVERIFY(store.terminate());
    }
    QVERIFY(damageMiddle(dbPath));
    StoreProcess store("damaged-region", dataDir,
                       {QStringLiteral("--startup-check"), QStringLiteral("none")});
    QVERIFY2(store.start(), qPrintable(store.output()));
    TestClient client(store.endpoint().toStdString());
    QVERIFY(client.waitHealthy());
    auto damaged = checkIntegrity(client);
    QVERIFY(damaged.has_value());
    QVERIFY(!damaged->ok());
    QVERIFY(damaged->problems_size() > 0);
    QVERIFY(damaged->problems_size() <= 101);
    QCOMPARE(QString::fromStdString(damaged->path()), dbPath);
}

QTEST_GUILESS_MAIN(StoreDamagedTest)
#include "tst_store_damaged.moc"
