// A store started on a damaged or foreign region.db refuses to serve, says which file and what
// to do, and leaves the file as it was.

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

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

}  // namespace

class StoreDamagedTest : public QObject {
    Q_OBJECT

private slots:
    void damagedPagesAreRefused();
    void foreignFileIsRefused();
};

void StoreDamagedTest::damagedPagesAreRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dataDir = dir.filePath("region");
    const QString dbPath = dataDir + "/region.db";
    {
        StoreProcess store("damaged-region", dataDir);
        QVERIFY2(store.start(), qPrintable(store.output()));
        TestClient client(store.endpoint().toStdString());
        QVERIFY(client.waitHealthy());
        v1::ApplyResponse applied;
        auto ctx = client.context();
        QVERIFY(client.registry().Apply(ctx.get(), testRepositoryRequest(), &applied).ok());
        // A few MB of rows, so that the middle of the file is a page of some table.
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
            const auto st = client.serving().WriteFeatures(wctx.get(), w, &out);
            QVERIFY2(st.ok(), st.error_message().c_str());
        }
        QVERIFY(store.terminate());
    }
    // A clean stop checkpoints the WAL into the file: the damage below cannot hide behind it.
    QVERIFY(!QFile::exists(dbPath + "-wal") || QFileInfo(dbPath + "-wal").size() == 0);

    // 8 KiB of random bytes in the middle of the file.
    QFile db(dbPath);
    QVERIFY(db.open(QIODevice::ReadWrite));
    const qint64 size = db.size();
    QVERIFY2(size > 1'000'000, qPrintable(QString::number(size)));
    QByteArray noise(8192, '\0');
    QRandomGenerator random(20261206);
    for (auto& byte : noise)
        byte = static_cast<char>(random.bounded(256));
    QVERIFY(db.seek((size / 2) & ~qint64(4095)));
    QCOMPARE(db.write(noise), qint64(noise.size()));
    db.close();
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

QTEST_GUILESS_MAIN(StoreDamagedTest)
#include "tst_store_damaged.moc"
