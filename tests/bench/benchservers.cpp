#include "benchservers.h"

#include <sys/statfs.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "benchrepository.h"
#include "support/testclient.h"

namespace meridian::bench {
namespace {

std::array<std::atomic<pid_t>, 16> g_children{};
std::atomic<bool> g_interrupted{false};

void watchChild(qint64 pid) {
    for (auto& slot : g_children) {
        pid_t empty = 0;
        if (slot.compare_exchange_strong(empty, static_cast<pid_t>(pid)))
            return;
    }
}

void killChildren() {
    for (auto& slot : g_children) {
        if (const pid_t p = slot.load(); p > 0)
            ::kill(p, SIGKILL);
    }
}

void onSignal(int sig) {
    g_interrupted = true;
    killChildren();
    std::signal(sig, SIG_DFL);
}

}  // namespace

void installChildKiller() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        std::signal(sig, onSignal);
    // An uncaught exception in a client thread ends the process without unwinding main.
    std::set_terminate([] {
        killChildren();
        std::abort();
    });
}

bool interrupted() {
    return g_interrupted.load();
}

void forgetChild(qint64 pid) {
    for (auto& slot : g_children) {
        pid_t p = static_cast<pid_t>(pid);
        slot.compare_exchange_strong(p, 0);
    }
}

std::unique_ptr<test::StoreProcess> startStore(const QString& root, const QString& name,
                                               const QString& durability) {
    auto store = std::make_unique<test::StoreProcess>(
        name, root + QLatin1Char('/') + name,
        QStringList{QStringLiteral("--durability"), durability});
    store->setKillWithParent();
    if (!store->start())
        throw std::runtime_error("meridian-store " + name.toStdString() +
                                 " did not start: " + store->output().toStdString());
    watchChild(store->pid());
    test::TestClient client(store->endpoint().toStdString());
    if (!client.waitHealthy())
        throw std::runtime_error("meridian-store " + name.toStdString() + " is not healthy");
    v1::ApplyResponse applied;
    auto ctx = client.context();
    if (auto st = client.registry().Apply(ctx.get(), benchRepository(), &applied); !st.ok())
        throw std::runtime_error("applying the bench repository failed: " + st.error_message());
    return store;
}

std::unique_ptr<RedisProcess> startRedis(const QString& root, const QString& name,
                                         const QStringList& persistence) {
    auto redis = std::make_unique<RedisProcess>(root + QLatin1Char('/') + name, persistence);
    if (!redis->start())
        throw std::runtime_error("redis-server " + name.toStdString() +
                                 " did not start: " + redis->output().toStdString());
    watchChild(redis->pid());
    return redis;
}

std::string describeFilesystem(const QString& path) {
    struct statfs fs {};
    if (::statfs(path.toLocal8Bit().constData(), &fs) != 0)
        return "unknown filesystem";
    switch (static_cast<unsigned long>(fs.f_type)) {
        case 0xEF53:
            return "ext4";
        case 0x58465342:
            return "xfs";
        case 0x9123683E:
            return "btrfs";
        case 0x794C7630:
            return "overlayfs";
        case 0x01021994:
            return "tmpfs (fsync costs nothing there: the durable figures mean nothing)";
        default: {
            char hex[40];
            std::snprintf(hex, sizeof hex, "filesystem type 0x%lx",
                          static_cast<unsigned long>(fs.f_type));
            return hex;
        }
    }
}

}  // namespace meridian::bench
