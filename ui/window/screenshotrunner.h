#pragma once
// `meridian --screenshot DIR`: waits until every page of the window reports hasData(), then
// shows each page in turn and writes the window to DIR/<page>.png; gives up with a clear
// message naming the pages still without data when the timeout passes.

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

namespace meridian::ui {

class MainWindow;

class ScreenshotRunner : public QObject {
    Q_OBJECT

public:
    static constexpr int kCheckMs = 250;
    // How long a view may take to show its data (a consistency check reads every row).
    static constexpr int kViewWaitMs = 60'000;
    // Time for a freshly shown page to lay out and draw its charts before it is grabbed.
    static constexpr int kSettleMs = 600;
    static constexpr int kWidth = 1440;
    static constexpr int kHeight = 900;

    ScreenshotRunner(MainWindow* window, QString directory, int timeoutMs,
                     QObject* parent = nullptr);

    void start();
    QStringList written() const { return m_written; }
    // "overview.png" for a page titled "Overview".
    static QString fileNameFor(const QString& pageTitle);

signals:
    // 0 and the files written, or 1 and why not.
    void finished(int exitCode, const QString& message);

private:
    void check();
    // The page at `index`, then each of its other views ("audit-erasures.png"), then the next.
    void capture(int index, int view = -1);
    // Waits (at most `checksLeft` checks) for the view to be ready, then grabs it.
    void awaitView(int index, int view, int checksLeft);

    QPointer<MainWindow> m_window;
    QString m_directory;
    int m_timeoutMs;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    QStringList m_written;
    QList<QPointer<QObject>> m_activated;  // pages asked for their data
};

}  // namespace meridian::ui
