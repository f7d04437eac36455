#pragma once
// Entity keys erased from the region (the right to be forgotten), kept for good so that an
// erased entity's old rows never come back: not from a peer's log, a snapshot, a batch copy, a
// materialization, a region back from an outage, nor a client replaying an old write. Only a
// SHA-256 of each key is kept, never the key.

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/status.h"
#include "storage/sqlite.h"

namespace meridian::storage {

// When an erasure was asked for: its coordinator's clock and wall time.
struct ErasureMark {
    uint64_t hlc = 0;
    int64_t atMs = 0;
};

class ErasedKeys {
public:
    // The SHA-256 of a canonical entity key (entitykey.h), 32 bytes.
    static std::string digestOf(std::string_view entityKey);
    // Hex of the first `bytes` bytes of a digest, for names in records.
    static std::string shortHex(std::string_view digest, size_t bytes = 6);

    absl::Status load(Connection& conn);
    // Inside a write transaction: the key of the view is erased as of `mark` (a later mark of
    // the same key wins). Forgotten again if the transaction rolls back.
    absl::Status add(Connection& writer, int64_t viewId, std::string_view entityKey,
                     std::string_view erasureId, ErasureMark mark);

    // Whether a row of the key, with this event time and write clock, was written before the
    // key was erased — and so must not be stored. Cheap when the view has no erased key.
    bool blocks(int64_t viewId, std::string_view entityKey, int64_t eventTs,
                uint64_t writeHlc) const {
        if (!m_any.load(std::memory_order_acquire))
            return false;
        return blocksSlow(viewId, entityKey, eventTs, writeHlc);
    }
    int64_t size() const;

private:
    bool blocksSlow(int64_t viewId, std::string_view entityKey, int64_t eventTs,
                    uint64_t writeHlc) const;
    void put(int64_t viewId, std::string digest, ErasureMark mark);
    void restore(int64_t viewId, const std::string& digest, std::optional<ErasureMark> before);

    mutable std::shared_mutex m_mutex;
    std::atomic<bool> m_any{false};
    std::map<int64_t, std::unordered_map<std::string, ErasureMark>> m_byView;
};

}  // namespace meridian::storage
