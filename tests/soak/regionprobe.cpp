#include "regionprobe.h"

#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace meridian::test {

int64_t fileBytes(const QString& path) {
    const QFileInfo info(path);
    return info.exists() ? info.size() : -1;
}

int64_t statusBytes(int pid, const char* field) {
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    // "VmRSS:     123456 kB"
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (!line.startsWith(prefix))
            continue;
        bool ok = false;
        const qint64 kib = line.mid(prefix.size()).simplified().split(' ').value(0).toLongLong(&ok);
        return ok ? kib * 1024 : -1;
    }
    return -1;
}

int openFileDescriptors(int pid) {
    std::error_code ec;
    std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec);
    if (ec)
        return -1;
    int n = 0;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec)
            return -1;
        ++n;
    }
    return n;
}

double cpuSeconds(int pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // "pid (comm) state ...": utime and stime are fields 14 and 15, counted after the comm,
    // which may itself hold spaces.
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const double ticks = double(fields[11].toLongLong() + fields[12].toLongLong());
    return ticks / double(::sysconf(_SC_CLK_TCK));
}

std::optional<ChangelogSize> changelogSize(const QString& dbPath, std::string* error,
                                           int sampleEntries) {
    sqlite3* db = nullptr;
    // Read-only and closed at once: one implicit read transaction of a few milliseconds, so the
    // probe never keeps the store from restarting its WAL.
    int rc = sqlite3_open_v2(dbPath.toStdString().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
        if (error)
            *error = "opening " + dbPath.toStdString() + ": " + sqlite3_errmsg(db);
        sqlite3_close(db);
        return std::nullopt;
    }
    sqlite3_busy_timeout(db, 2000);
    // One statement, so one snapshot. min() and max() in subqueries of their own: together in
    // one SELECT they would scan the table instead of reading one end of the index each.
    // length() of a blob column reads the record header only, not the blob.
    const char* sql =
        "SELECT (SELECT min(seq) FROM changelog), (SELECT max(seq) FROM changelog), "
        "(SELECT avg(length(change)) FROM changelog "
        "WHERE seq > (SELECT max(seq) FROM changelog) - ?1)";
    sqlite3_stmt* q = nullptr;
    rc = sqlite3_prepare_v2(db, sql, -1, &q, nullptr);
    std::optional<ChangelogSize> out;
    if (rc == SQLITE_OK) {
        sqlite3_bind_int(q, 1, sampleEntries);
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            ChangelogSize size;
            if (sqlite3_column_type(q, 0) != SQLITE_NULL) {
                size.entries = sqlite3_column_int64(q, 1) - sqlite3_column_int64(q, 0) + 1;
                size.bytes =
                    static_cast<int64_t>(sqlite3_column_double(q, 2) * double(size.entries));
            }
            out = size;
        }
    }
    if (!out && error)
        *error = "reading the changelog of " + dbPath.toStdString() + ": " + sqlite3_errmsg(db);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return out;
}

RegionProbe::RegionProbe(std::string region, const std::string& endpoint, const QString& dataDir,
                         int pid)
    : m_region(std::move(region)),
      m_dbPath(dataDir + QStringLiteral("/region.db")),
      m_pid(pid),
      m_client(endpoint) {}

RegionSample RegionProbe::sample(double seconds) {
    RegionSample s;
    s.seconds = seconds;
    s.dbBytes = fileBytes(m_dbPath);
    s.walBytes = fileBytes(m_dbPath + QStringLiteral("-wal"));
    s.rssBytes = statusBytes(m_pid, "VmRSS");
    s.anonBytes = statusBytes(m_pid, "RssAnon");
    s.fds = openFileDescriptors(m_pid);
    s.cpuSeconds = cpuSeconds(m_pid);
    m_lastError.clear();
    if (auto log = changelogSize(m_dbPath, &m_lastError)) {
        s.changelogEntries = log->entries;
        s.changelogBytes = log->bytes;
    }
    v1::StatsResponse stats;
    auto ctx = m_client.context(std::chrono::seconds(5));
    if (const auto st = m_client.admin().Stats(ctx.get(), v1::StatsRequest{}, &stats); st.ok()) {
        s.changes = stats.changelog_seq();
        s.rows = stats.online_rows() + stats.offline_rows();
        s.writeRate = stats.write_rate();
    } else {
        m_lastError +=
            (m_lastError.empty() ? "" : "; ") + std::string("Stats: ") + st.error_message();
    }
    return s;
}

}  // namespace meridian::test
