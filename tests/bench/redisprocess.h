#pragma once
// A redis-server the benchmark starts itself: on a free loopback port, with its files in a
// directory of the benchmark's, no configuration file, killed when the object goes (or when
// the benchmark process dies: the child asks the kernel for SIGKILL on its parent's death).

#include <QProcess>
#include <QString>
#include <QStringList>

namespace meridian::bench {

class RedisProcess {
public:
    // `persistenceArgs` e.g. {"--appendonly", "yes", "--appendfsync", "always"}.
    RedisProcess(QString dir, QStringList persistenceArgs);
    ~RedisProcess();
    RedisProcess(const RedisProcess&) = delete;
    RedisProcess& operator=(const RedisProcess&) = delete;

    // Starts redis-server and waits until it answers PING; false with output() saying why.
    bool start(int timeoutMs = 20000);
    void kill();  // SIGKILL, and wait for the process to be gone

    int port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QString output() const;
    QString commandLine() const;

private:
    bool startOnce(int port, int timeoutMs);

    QString m_dir;
    QStringList m_persistenceArgs;
    QStringList m_args;
    QProcess m_process;
    int m_port = 0;
    QString m_error;
};

}  // namespace meridian::bench
