#pragma once
// A real meridian-store process for integration tests: started on a free loopback port,
// stopped politely or killed with SIGKILL.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace meridian::test {

class StoreProcess {
public:
    // `extraArgs` are appended to the command line (e.g. --deployment FILE).
    StoreProcess(QString region, QString dataDir, QStringList extraArgs = {});
    ~StoreProcess();

    // Starts the process and waits until it serves (its port file appears). `listen` defaults
    // to 127.0.0.1:0, a free port chosen by the kernel.
    bool start(const QString& listen = QStringLiteral("127.0.0.1:0"), int timeoutMs = 20000);
    // Opt-in, before start(): the kernel sends the store SIGKILL when the thread that started it
    // ends, so a benchmark killed outright leaves no store behind.
    void setKillWithParent();
    // Opt-in, before start(): no file the store writes may grow past `bytes` (RLIMIT_FSIZE), as
    // if its disk were full; 0, the default, sets no limit.
    void setFileSizeLimit(qint64 bytes) { m_fileSizeLimit = bytes; }
    void kill();       // SIGKILL, and wait for the process to be gone
    bool terminate();  // SIGTERM; true if it exited cleanly
    bool isRunning() const;

    int port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QString endpoint() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    QString dataDir() const { return m_dataDir; }
    QString region() const { return m_region; }
    QString output() const;  // what the process printed, for failure messages

private:
    QString m_region;
    QString m_dataDir;
    QStringList m_extraArgs;
    QProcess m_process;
    int m_port = 0;
    bool m_killWithParent = false;
    qint64 m_fileSizeLimit = 0;
};

}  // namespace meridian::test
