#include "cost/egressledger.h"

namespace meridian::cost {
namespace {

// Adds a minute's figures to the slot for the same minute, link, view and kind (an empty slot
// takes them as they are).
void addInto(storage::EgressRecord& slot, const storage::EgressRecord& r) {
    if (slot.minuteMs == 0) {
        slot = r;
        return;
    }
    slot.bytes += r.bytes;
    slot.rawBytes += r.rawBytes;
    slot.changes += r.changes;
}

}  // namespace

void EgressLedger::add(int64_t atMs, const std::string& toRegion, const EgressShare& share) {
    const int64_t minute = atMs - atMs % 60000;
    std::lock_guard lock(m_mutex);
    addInto(m_pending[{minute, toRegion, share.view, share.kind}],
            {minute, toRegion, share.view, share.kind, share.bytes, share.rawBytes, share.changes});
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
            addInto(m_pending[key], r);
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
            addInto(merged[key], r);
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
