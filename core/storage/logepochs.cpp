#include "storage/logepochs.h"

#include <limits>
#include <random>

namespace meridian::storage {

absl::StatusOr<std::vector<LogEpoch>> beginLogEpoch(Connection& conn, uint64_t nextSeq,
                                                    int64_t nowMs) {
    std::random_device device;
    std::mt19937_64 random((static_cast<uint64_t>(device()) << 32) ^ device() ^
                           static_cast<uint64_t>(nowMs));
    // Ids are stored as SQLite integers: 63 bits, never 0.
    const uint64_t id = (random() >> 1) | 1;
    if (auto st = conn.prepare("INSERT INTO log_epochs(id, first_seq, started_ms) VALUES(?, ?, ?)")
                      .bind(1, static_cast<int64_t>(id))
                      .bind(2, static_cast<int64_t>(nextSeq))
                      .bind(3, nowMs)
                      .run();
        !st.ok())
        return st;
    if (auto st = conn.prepare("DELETE FROM log_epochs WHERE n NOT IN (SELECT n FROM log_epochs "
                               "ORDER BY n DESC LIMIT ?)")
                      .bind(1, static_cast<int64_t>(kKeptLogEpochs))
                      .run();
        !st.ok())
        return st;
    auto& q = conn.prepare("SELECT id, first_seq, started_ms FROM log_epochs ORDER BY n");
    std::vector<LogEpoch> epochs;
    while (q.step())
        epochs.push_back(
            {static_cast<uint64_t>(q.int64(0)), static_cast<uint64_t>(q.int64(1)), q.int64(2)});
    if (auto st = q.finish(); !st.ok())
        return st;
    return epochs;
}

CursorCheck checkCursor(const std::vector<LogEpoch>& epochs, uint64_t after, uint64_t epoch) {
    if (epoch == 0 || after == 0)
        return {after, false, {}};
    for (size_t i = 0; i < epochs.size(); ++i) {
        if (epochs[i].id != epoch)
            continue;
        const uint64_t next =
            i + 1 < epochs.size() ? epochs[i + 1].firstSeq : std::numeric_limits<uint64_t>::max();
        if (after < next)
            return {after, false, {}};
        return {next - 1, true,
                "the peer had read this region's log to seq " + std::to_string(after) +
                    ", but this database's history leaves that epoch at seq " +
                    std::to_string(next - 1) +
                    ": it was restored from an older copy, and the entries after it were lost"};
    }
    return {0, true,
            "the peer had read this region's log to seq " + std::to_string(after) +
                " in an epoch this database never had: it was replaced, or restored from a copy "
                "older than that"};
}

}  // namespace meridian::storage
