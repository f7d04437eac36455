#include "demowatchdog.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QThread>

#include <cerrno>
#include <csignal>

#include <unistd.h>

namespace meridian::test {
namespace {

// tail --pid returns when the test process is gone, however it ended; SIGTERM (dismiss) ends the
// wait through the trap, which stops the tail as well.
constexpr char kScript[] =
    "trap 'kill $t 2>/dev/null; exit 0' TERM\n"
    "tail --pid=\"$1\" -f /dev/null & t=$!\n"
    "wait $t\n"
    "\"$2\" demo down --data-dir \"$3\" >/dev/null 2>&1\n"
    "case \"$4\" in */tst_soak-*) rm -rf -- \"$4\" ;; esac\n";

bool gone(qint64 pid) {
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

DemoWatchdog::DemoWatchdog(const QString& ctlBinary, const QString& demoDataDir,
                           const QString& scratchDir) {
    // Detached: not a child of the test, so that whatever kills the test's process tree leaves
    // it running.
    if (!QProcess::startDetached(QStringLiteral("/bin/sh"),
                                 {QStringLiteral("-c"), QString::fromLatin1(kScript),
                                  QStringLiteral("tst_soak-watchdog"), QString::number(::getpid()),
                                  ctlBinary, demoDataDir, scratchDir},
                                 QString(), &m_pid))
        m_pid = 0;
}

DemoWatchdog::~DemoWatchdog() {
    dismiss();
}

bool DemoWatchdog::dismiss() {
    if (m_pid <= 0)
        return true;
    ::kill(static_cast<pid_t>(m_pid), SIGTERM);
    // Not our child, so there is nothing to wait on: ask the kernel until it no longer knows it.
    QDeadlineTimer deadline(5000);
    while (!gone(m_pid) && !deadline.hasExpired())
        QThread::msleep(20);
    const bool done = gone(m_pid);
    m_pid = 0;
    return done;
}

}  // namespace meridian::test
