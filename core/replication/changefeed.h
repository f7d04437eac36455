#pragma once
// The sending side of replication: cuts a region's changelog into batches for one peer,
// withholding (with skip markers) every change the peer may not or need not receive.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "replication/hybridclock.h"
#include "replication/registryreplica.h"
#include "storage/database.h"

namespace meridian::replication {

class ChangeFeed {
public:
    struct Options {
        int maxChanges = 2000;
        v1::Codec codec = v1::CODEC_ZSTD;
        bool withBacklog = false;  // count what remains for the peer, per view (costs a scan)
    };

    ChangeFeed(storage::Database& db, RegistryReplica& registry, HybridClock& clock);

    // The batch following `after` for `requester`. A batch with last_seq == after is a
    // heartbeat (nothing new). OUT_OF_RANGE when `after` is older than the log keeps.
    absl::StatusOr<v1::ChangeBatch> next(const std::string& requester, uint64_t after,
                                         const Options& options);

    // Per view: changes after `after` still to be sent to `requester`, looking at most `cap`
    // log entries ahead.
    absl::StatusOr<std::vector<v1::ViewBacklog>> backlog(const std::string& requester,
                                                         uint64_t after, int cap);

    storage::Database& database() { return m_db; }

private:
    storage::Database& m_db;
    RegistryReplica& m_registry;
    HybridClock& m_clock;
};

}  // namespace meridian::replication
