#include "redisprocess.h"

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <csignal>

#include "respconnection.h"

namespace meridian::bench {
namespace {

// A port the kernel considers free now; redis-server binds it a moment later, so a start that
// loses the race is retried with another.
int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

}  // namespace

RedisProcess::RedisProcess(QString dir, QStringList persistenceArgs)
    : m_dir(std::move(dir)), m_persistenceArgs(std::move(persistenceArgs)) {
    // Redis logs to a file: a pipe nobody reads would fill up and stall the server.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dir + QStringLiteral("/redis.out"));
    m_process.setWorkingDirectory(m_dir);
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

RedisProcess::~RedisProcess() {
    if (m_process.state() != QProcess::NotRunning)
        kill();
}

bool RedisProcess::start(int timeoutMs) {
    QDir().mkpath(m_dir);
    for (int attempt = 0; attempt < 5; ++attempt) {
        const int port = freeLoopbackPort();
        if (port > 0 && startOnce(port, timeoutMs))
            return true;
        if (m_process.state() != QProcess::NotRunning)
            kill();
    }
    return false;
}

bool RedisProcess::startOnce(int port, int timeoutMs) {
    QString binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (binary.isEmpty())
        binary = QStringLiteral("/usr/bin/redis-server");
    // No configuration file: every setting that matters is on the command line, and snapshots
    // are off in both modes (`--save ""`), so the only disk work is the append-only file's.
    m_args = QStringList{QStringLiteral("--port"),      QString::number(port),
                         QStringLiteral("--bind"),      QStringLiteral("127.0.0.1"),
                         QStringLiteral("--dir"),       m_dir,
                         QStringLiteral("--save"),      QString(),
                         QStringLiteral("--daemonize"), QStringLiteral("no"),
                         QStringLiteral("--logfile"),   m_dir + QStringLiteral("/redis.log")} +
             m_persistenceArgs;
    m_process.start(binary, m_args);
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(binary, m_process.errorString());
        return false;
    }
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning)
            return false;
        try {
            auto conn = RespConnection::connect("127.0.0.1", port);
            if (conn->call({"PING"}).text == "PONG") {
                m_port = port;
                return true;
            }
        } catch (const RespError&) {
            // Not listening yet.
        }
        m_process.waitForFinished(20);
    }
    return false;
}

void RedisProcess::kill() {
    m_process.kill();
    m_process.waitForFinished(10000);
}

QString RedisProcess::output() const {
    QString text = m_error;
    for (const char* name : {"/redis.out", "/redis.log"}) {
        QFile f(m_dir + QLatin1String(name));
        if (f.open(QIODevice::ReadOnly))
            text += QString::fromUtf8(f.readAll().right(4000));
    }
    return text;
}

QString RedisProcess::commandLine() const {
    QStringList shown;
    for (const auto& a : m_args)
        shown << (a.isEmpty() ? QStringLiteral("\"\"") : a);
    return QStringLiteral("redis-server ") + shown.join(QLatin1Char(' '));
}

}  // namespace meridian::bench
