// The packages hold what an installation needs: CPack builds the DEB and TGZ, the DEB is
// unpacked into a scratch root, and each binary in it answers --version.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class PackageTest : public QObject {
    Q_OBJECT

private slots:
    void debInstallsAndRuns();

private:
    static QString run(const QString& program, const QStringList& args, int* exitCode,
                       int timeoutMs = 300000);
};

QString PackageTest::run(const QString& program, const QStringList& args, int* exitCode,
                         int timeoutMs) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        *exitCode = -1;
        return QStringLiteral("timed out");
    }
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAll());
}

void PackageTest::debInstallsAndRuns() {
    QTemporaryDir out;
    QTemporaryDir root;
    int rc = 0;
    const QString log =
        run(QStringLiteral("cpack"),
            {QStringLiteral("--config"), QStringLiteral(MERIDIAN_BUILD_DIR "/CPackConfig.cmake"),
             QStringLiteral("-B"), out.path()},
            &rc);
    QVERIFY2(rc == 0, qPrintable(log));
    const auto debs = QDir(out.path()).entryList({QStringLiteral("*.deb")});
    const auto tgzs = QDir(out.path()).entryList({QStringLiteral("*.tar.gz")});
    QCOMPARE(debs.size(), 1);
    QCOMPARE(tgzs.size(), 1);

    const QString deb = out.filePath(debs.first());
    QString info = run(QStringLiteral("dpkg-deb"), {QStringLiteral("--info"), deb}, &rc);
    QCOMPARE(rc, 0);
    QVERIFY2(info.contains(QStringLiteral("Package: meridian")), qPrintable(info));
    QVERIFY2(info.contains(QStringLiteral("Depends:")),
             qPrintable(info));  // shared libraries found by dpkg-shlibdeps
    const QString unpack =
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), deb, root.path()}, &rc);
    QVERIFY2(rc == 0, qPrintable(unpack));

    for (const char* file :
         {"usr/share/meridian/demo/deployment.yaml", "usr/share/meridian/pricing.yaml",
          "usr/share/meridian/examples/feature_repo.yaml",
          "usr/lib/systemd/system/meridian-store@.service"}) {
        QVERIFY2(QFile::exists(root.filePath(QString::fromLatin1(file))), file);
    }
    QStringList binaries{QStringLiteral("meridian-store"), QStringLiteral("meridianctl")};
#ifdef MERIDIAN_WITH_CONSOLE
    binaries << QStringLiteral("meridian");
    QVERIFY(
        QFile::exists(root.filePath(QStringLiteral("usr/share/applications/meridian.desktop"))));
    QVERIFY(QFile::exists(
        root.filePath(QStringLiteral("usr/share/icons/hicolor/scalable/apps/meridian.svg"))));
#endif
    for (const auto& binary : binaries) {
        const QString path = root.filePath(QStringLiteral("usr/bin/") + binary);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const QString version = run(path, {QStringLiteral("--version")}, &rc, 30000);
        QVERIFY2(rc == 0, qPrintable(binary + ": " + version));
        QVERIFY2(version.contains(QStringLiteral(MERIDIAN_VERSION_TEXT)),
                 qPrintable(binary + ": " + version));
    }
}

QTEST_GUILESS_MAIN(PackageTest)
#include "tst_package.moc"
