// Every page of the console renders with demo data (FakeRegionService::demo()), in the light and
// the dark palette: each grab is a real picture, not a blank or near-blank image. The runner
// behind `meridian --screenshot DIR` writes one PNG per page. With MERIDIAN_SCREENSHOT_DIR set,
// the grabs are kept there for people to look at.

#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include "common/page.h"
#include "common/theme.h"
#include "support/fakeregionservice.h"
#include "window/mainwindow.h"
#include "window/screenshotrunner.h"

using namespace meridian;
using namespace meridian::ui;
using meridian::test::FakeRegionService;

namespace {

// Distinct colours on a grid of samples: a blank page has one or two.
int distinctColors(const QImage& image) {
    QSet<QRgb> colors;
    const int step = 3;
    for (int y = 0; y < image.height(); y += step) {
        for (int x = 0; x < image.width(); x += step)
            colors.insert(image.pixel(x, y));
    }
    return static_cast<int>(colors.size());
}

}  // namespace

class ScreenshotsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyPageRendersWithDemoData_data();
    void everyPageRendersWithDemoData();
    void runnerWritesOnePngPerPage();

private:
    QString m_keep;
};

void ScreenshotsTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    m_keep = qEnvironmentVariable("MERIDIAN_SCREENSHOT_DIR");
}

void ScreenshotsTest::everyPageRendersWithDemoData_data() {
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void ScreenshotsTest::everyPageRendersWithDemoData() {
    QFETCH(bool, dark);
    MainWindow window;
    Theme::instance()->apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
    window.setService(FakeRegionService::demo(), QStringLiteral("meridian-demo"));
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto pages = window.pages();
    QVERIFY(pages.size() >= 2);
    for (int i = 0; i < pages.size(); ++i) {
        window.showPage(i);  // pages load what they show when activated
        QTRY_VERIFY2(pages[i]->hasData(), qPrintable(pages[i]->title()));
    }
    for (int i = 0; i < pages.size(); ++i) {
        window.showPage(i);
        QCOMPARE(window.currentPage(), pages[i]);
        // A freshly shown page lays out and fills its charts on the next turns of the loop.
        QTRY_VERIFY(pages[i]->isVisible());
        QCoreApplication::processEvents();
        const QImage image = pages[i]->grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() > 400 && image.height() > 300, qPrintable(pages[i]->title()));
        const int colors = distinctColors(image);
        QVERIFY2(colors > 24,
                 qPrintable(QString("%1: only %2 colours").arg(pages[i]->title()).arg(colors)));
        if (!m_keep.isEmpty()) {
            QDir().mkpath(m_keep);
            const QString name = QStringLiteral("%1-%2").arg(
                dark ? "dark" : "light", ScreenshotRunner::fileNameFor(pages[i]->title()));
            window.grab().save(QDir(m_keep).filePath(name));
        }
    }
    Theme::instance()->apply(Theme::Mode::Light);
}

void ScreenshotsTest::runnerWritesOnePngPerPage() {
    QTemporaryDir dir;
    MainWindow window;
    window.setService(FakeRegionService::demo(), QStringLiteral("meridian-demo"));
    window.show();
    ScreenshotRunner runner(&window, dir.filePath("shots"), 20'000);
    QSignalSpy finished(&runner, &ScreenshotRunner::finished);
    runner.start();
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().at(0).toInt(), 0);
    // One a page, and one for each of its other views (the Audit page's Erasures tab).
    int expected = 0;
    for (auto* page : window.pages())
        expected += 1 + static_cast<int>(page->views().size());
    QCOMPARE(runner.written().size(), expected);
    for (const auto& path : runner.written()) {
        QImage image(path);
        QVERIFY2(!image.isNull(), qPrintable(path));
        QVERIFY(distinctColors(image) > 24);
    }
    QVERIFY(QFile::exists(dir.filePath("shots/overview.png")));
    QVERIFY(QFile::exists(dir.filePath("shots/replication.png")));
    QVERIFY(QFile::exists(dir.filePath("shots/audit-erasures.png")));
}

QTEST_MAIN(ScreenshotsTest)
#include "tst_screenshots.moc"
