#include "cost/egressledger.h"

namespace meridian::cost {

void EgressLedger::add(int64_t atMs, const std::string& toRegion, const EgressShare& share) {
    const int64_t minute = atMs - atMs % 60000;
    std::lock_guard lock(m_mutex);
    auto& r = m_pending[{minute, toRegion, share.view, share.kind}];
    if (r.minuteMs == 0)
        r = {minute, toRegion, share.view, share.kind, 0, 0, 0};
    r.bytes += share.bytes;
    r.rawBytes += share.rawBytes;
    r.changes += share.changes;
    m_totals[toRegion] += share.bytes;
}

void EgressLedger::add(int64_t atMs, const std::string& toRegion,
                       const std::vector<EgressShare>& shares) {
    for (const auto& share : shares)
        add(atMs, toRegion, share);
}

absl::Status EgressLedger::flush() {
    std::map<Key, storage::EgressRecord> pending;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending);
    }
    if (pending.empty())
        return absl::OkStatus();
    auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
        storage::EgressTable table(conn);
        for (const auto& [key, r] : pending) {
            if (auto s = table.add(r); !s.ok())
                return s;
        }
        return absl::OkStatus();
    });
    if (!st.ok()) {
        // Keep the figures for the next attempt.
        std::lock_guard lock(m_mutex);
        for (auto& [key, r] : pending) {
            auto& slot = m_pending[key];
            if (slot.minuteMs == 0)
                slot = r;
            else {
                slot.bytes += r.bytes;
                slot.rawBytes += r.rawBytes;
                slot.changes += r.changes;
            }
        }
    }
    return st;
}

absl::StatusOr<std::vector<storage::EgressRecord>> EgressLedger::records(int64_t sinceMs,
                                                                         int64_t untilMs) {
    std::map<Key, storage::EgressRecord> merged;
    {
        auto reader = m_db.read();
        if (!reader.ok())
            return reader.status();
        auto st = storage::EgressTable(**reader).scan(
            sinceMs, untilMs, [&](const storage::EgressRecord& r) {
                merged[{r.minuteMs, r.toRegion, r.view, r.kind}] = r;
            });
        if (!st.ok())
            return st;
    }
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [key, r] : m_pending) {
            if (r.minuteMs < sinceMs - sinceMs % 60000 || r.minuteMs >= untilMs)
                continue;
            auto& slot = merged[key];
            if (slot.minuteMs == 0)
                slot = r;
            else {
                slot.bytes += r.bytes;
                slot.rawBytes += r.rawBytes;
                slot.changes += r.changes;
            }
        }
    }
    std::vector<storage::EgressRecord> out;
    out.reserve(merged.size());
    for (auto& [key, r] : merged)
        out.push_back(std::move(r));
    return out;
}

int64_t EgressLedger::totalBytesTo(const std::string& toRegion) const {
    std::lock_guard lock(m_mutex);
    auto it = m_totals.find(toRegion);
    return it == m_totals.end() ? 0 : it->second;
}

}  // namespace meridian::cost
