#include "window/screenshotrunner.h"

#include <QDir>
#include <QPixmap>

#include "common/page.h"
#include "window/mainwindow.h"

namespace meridian::ui {

ScreenshotRunner::ScreenshotRunner(MainWindow* window, QString directory, int timeoutMs,
                                   QObject* parent)
    : QObject(parent), m_window(window), m_directory(std::move(directory)), m_timeoutMs(timeoutMs) {
    m_timer.setInterval(kCheckMs);
    connect(&m_timer, &QTimer::timeout, this, &ScreenshotRunner::check);
}

QString ScreenshotRunner::fileNameFor(const QString& pageTitle) {
    QString name = pageTitle.toLower();
    name.replace(QLatin1Char(' '), QLatin1Char('-'));
    return name + QStringLiteral(".png");
}

void ScreenshotRunner::start() {
    if (!QDir().mkpath(m_directory)) {
        emit finished(1, tr("cannot create the screenshot directory %1").arg(m_directory));
        return;
    }
    // The same size whatever the screen (or none): pictures that compare from run to run.
    if (m_window)
        m_window->resize(kWidth, kHeight);
    m_elapsed.start();
    m_timer.start();
}

void ScreenshotRunner::check() {
    if (!m_window) {
        m_timer.stop();
        emit finished(1, tr("the window was closed before every page had data"));
        return;
    }
    const auto pages = m_window->pages();
    QStringList waiting;
    for (Page* page : pages) {
        // Pages load what they show when activated: ask each once, visible or not.
        if (!m_activated.contains(page)) {
            m_activated << page;
            page->activate();
        }
        if (!page->hasData())
            waiting << page->title();
    }
    if (!pages.isEmpty() && waiting.isEmpty()) {
        m_timer.stop();
        capture(0);
        return;
    }
    if (m_elapsed.elapsed() > m_timeoutMs) {
        m_timer.stop();
        const QString what =
            pages.isEmpty() ? tr("no deployment was opened")
                            : tr("no data from page(s) %1").arg(waiting.join(QStringLiteral(", ")));
        emit finished(
            1,
            tr("gave up after %1 s: %2 (are the regions up?)").arg(m_timeoutMs / 1000).arg(what));
    }
}

void ScreenshotRunner::capture(int index, int view) {
    if (!m_window)
        return;
    const auto pages = m_window->pages();
    if (index >= pages.size()) {
        emit finished(0, tr("wrote %1").arg(m_written.join(QStringLiteral(", "))));
        return;
    }
    Page* page = pages[index];
    const QStringList views = page->views();
    if (view >= views.size()) {
        page->showView({});
        capture(index + 1);
        return;
    }
    if (view < 0)
        m_window->showPage(index);
    else
        page->showView(views[view]);
    awaitView(index, view, kViewWaitMs / kCheckMs);
}

void ScreenshotRunner::awaitView(int index, int view, int checksLeft) {
    const auto pages = m_window ? m_window->pages() : QList<Page*>{};
    if (view >= 0 && index < pages.size() && checksLeft > 0 &&
        !pages[index]->viewReady(pages[index]->views().value(view))) {
        QTimer::singleShot(kCheckMs, this, [this, index, view, checksLeft] {
            awaitView(index, view, checksLeft - 1);
        });
        return;
    }
    QTimer::singleShot(kSettleMs, this, [this, index, view] {
        if (!m_window)
            return;
        const auto pages = m_window->pages();
        if (index >= pages.size())
            return;
        QString title = pages[index]->title();
        if (view >= 0)
            title += QLatin1Char(' ') + pages[index]->views().value(view);
        const QString path = QDir(m_directory).filePath(fileNameFor(title));
        const QPixmap shot = m_window->grab();
        if (shot.isNull() || !shot.save(path)) {
            emit finished(1, tr("could not write %1").arg(path));
            return;
        }
        m_written << path;
        capture(index, view + 1);
    });
}

}  // namespace meridian::ui
