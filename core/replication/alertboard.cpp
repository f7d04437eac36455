#include "replication/alertboard.h"

#include <cstdio>

#include "replication/hybridclock.h"
#include "storage/recordtable.h"

namespace meridian::replication {

AlertBoard::AlertBoard(storage::Database& db) : m_db(db) {
    // Alerts active when the region stopped are active again until their condition clears.
    auto reader = m_db.read();
    if (!reader.ok())
        return;
    auto alerts = storage::AlertTable(**reader).latest(false, 1000);
    if (!alerts.ok())
        return;
    for (auto& a : *alerts)
        m_active[{a.kind(), a.subject()}] = std::move(a);
}

void AlertBoard::store(const v1::Alert& alert) {
    auto st =
        m_db.write([&](storage::Connection& conn) { return storage::AlertTable(conn).put(alert); });
    if (!st.ok())
        std::fprintf(stderr, "meridian-store: cannot record alert: %s\n",
                     std::string(st.message()).c_str());
}

void AlertBoard::raise(const std::string& kind, const std::string& subject,
                       const std::string& message, const std::string& severity) {
    v1::Alert alert;
    {
        std::lock_guard lock(m_mutex);
        auto& slot = m_active[{kind, subject}];
        if (slot.id().empty()) {
            slot.set_id(kind + ":" + subject + ":" + std::to_string(wallClockMs()));
            slot.set_kind(kind);
            slot.set_subject(subject);
            slot.set_raised_at(wallClockMs());
        } else if (slot.message() == message && slot.severity() == severity) {
            return;
        }
        slot.set_message(message);
        slot.set_severity(severity);
        alert = slot;
    }
    store(alert);
}

void AlertBoard::clear(const std::string& kind, const std::string& subject) {
    v1::Alert alert;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_active.find({kind, subject});
        if (it == m_active.end())
            return;
        alert = it->second;
        m_active.erase(it);
    }
    alert.set_cleared_at(wallClockMs());
    store(alert);
}

absl::StatusOr<std::vector<v1::Alert>> AlertBoard::list(bool includeCleared, int limit) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    return storage::AlertTable(**reader).latest(includeCleared, limit > 0 ? limit : 100);
}

}  // namespace meridian::replication
