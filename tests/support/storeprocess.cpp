#include "support/storeprocess.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <csignal>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QThread>

namespace meridian::test {

StoreProcess::StoreProcess(QString region, QString dataDir, QStringList extraArgs)
    : m_region(std::move(region)),
      m_dataDir(std::move(dataDir)),
      m_extraArgs(std::move(extraArgs)) {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

StoreProcess::~StoreProcess() {
    if (isRunning())
        kill();
}

bool StoreProcess::start(const QString& listen, int timeoutMs) {
    QDir().mkpath(m_dataDir);
    const QString portFile = m_dataDir + QStringLiteral("/store.port");
    QFile::remove(portFile);
    QStringList args{QStringLiteral("--region"), m_region, QStringLiteral("--data-dir"),  m_dataDir,
                     QStringLiteral("--listen"), listen,   QStringLiteral("--port-file"), portFile};
    args += m_extraArgs;
    // Runs in the child between fork and exec: nothing but system calls.
    m_process.setChildProcessModifier(
        [killWithParent = m_killWithParent, fileSizeLimit = static_cast<rlim_t>(m_fileSizeLimit)] {
            if (killWithParent)
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (fileSizeLimit > 0) {
                const rlimit limit{fileSizeLimit, fileSizeLimit};
                ::setrlimit(RLIMIT_FSIZE, &limit);
            }
        });
    m_process.start(QStringLiteral(MERIDIAN_STORE_BINARY), args);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    // The store writes its port file once it is serving; poll for it (no fixed sleep).
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QFile f(portFile);
        if (f.open(QIODevice::ReadOnly)) {
            bool ok = false;
            const int port = QString::fromUtf8(f.readAll()).trimmed().toInt(&ok);
            if (ok && port > 0) {
                m_port = port;
                return true;
            }
        }
        if (m_process.state() == QProcess::NotRunning)
            return false;
        m_process.waitForReadyRead(20);
    }
    return false;
}

void StoreProcess::setKillWithParent() {
    m_killWithParent = true;
}

void StoreProcess::kill() {
    m_process.kill();  // SIGKILL on Unix
    m_process.waitForFinished(10000);
}

bool StoreProcess::terminate() {
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        kill();
        return false;
    }
    return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
}

bool StoreProcess::isRunning() const {
    return m_process.state() != QProcess::NotRunning;
}

QString StoreProcess::output() const {
    return QString::fromUtf8(const_cast<QProcess&>(m_process).readAll());
}

}  // namespace meridian::test
