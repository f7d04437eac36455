#pragma once
// The servers a benchmark starts (meridian-store with the bench repository applied, and
// redis-server), and the promise that they die with it: on SIGINT, SIGTERM or SIGHUP every
// server is killed at once, so requests in flight fail and the benchmark unwinds normally.

#include <QString>
#include <QStringList>

#include <memory>
#include <string>

#include "redisprocess.h"
#include "support/storeprocess.h"

namespace meridian::bench {

void installChildKiller();
bool interrupted();  // a signal arrived
// Forget a server once it is gone, so a reused pid is never killed by mistake.
void forgetChild(qint64 pid);

// A meridian-store in root/name with `--durability durability`, serving the bench repository.
std::unique_ptr<test::StoreProcess> startStore(const QString& root, const QString& name,
                                               const QString& durability);
// A redis-server in root/name with `persistence` on its command line.
std::unique_ptr<RedisProcess> startRedis(const QString& root, const QString& name,
                                         const QStringList& persistence);

// "ext4", "tmpfs (…)", … for the directory the servers write to.
std::string describeFilesystem(const QString& path);

}  // namespace meridian::bench
