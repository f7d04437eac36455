#include "storage/logretention.h"

#include <algorithm>

#include "storage/changelogtable.h"

namespace meridian::storage {
namespace {

// Entries one transaction removes: a few tens of milliseconds of work.
constexpr int64_t kRemoveBatch = 20'000;

}  // namespace

absl::StatusOr<LogExtent> trimChangelog(Database& db, const RetentionPolicy& policy,
                                        int64_t nowMs) {
    LogExtent extent;
    auto st = db.read([&](Connection& conn) -> absl::Status {
        ChangelogTable log(conn);
        auto seqs = log.seqSpan();
        if (!seqs.ok())
            return seqs.status();
        extent.first = seqs->first;
        extent.last = seqs->last;
        if (extent.first == 0)
            return absl::OkStatus();
        auto byAge = log.lastSeqBefore(nowMs - policy.maxAgeSeconds * 1000);
        if (!byAge.ok())
            return byAge.status();
        auto bytes = log.estimatedBytes();
        if (!bytes.ok())
            return bytes.status();
        extent.bytes = *bytes;
        extent.cutoff = *byAge;
        if (*bytes > policy.maxBytes) {
            // Keep the newest entries that fit in nine tenths of the budget (entries are of
            // similar size): the headroom keeps the next pass, whose estimate is as noisy as
            // this one's, from trimming a few entries every time.
            const double keep =
                0.9 * static_cast<double>(policy.maxBytes) / static_cast<double>(*bytes);
            const auto count = seqs->last - seqs->first + 1;
            const auto kept = static_cast<uint64_t>(keep * static_cast<double>(count));
            extent.cutoff = std::max<uint64_t>(extent.cutoff, seqs->last - kept);
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    if (extent.first == 0 || extent.cutoff < extent.first)
        return extent;
    const uint64_t before = extent.last - extent.first + 1;
    while (extent.first <= extent.cutoff) {
        int64_t removed = 0;
        st = db.write([&](Connection& conn) -> absl::Status {
            auto n = ChangelogTable(conn).truncateThrough(extent.cutoff, kRemoveBatch);
            if (!n.ok())
                return n.status();
            removed = *n;
            return absl::OkStatus();
        });
        if (!st.ok())
            return st;
        if (removed == 0)
            break;
        extent.removed += removed;
        extent.first += static_cast<uint64_t>(removed);
    }
    const uint64_t after = extent.last >= extent.first ? extent.last - extent.first + 1 : 0;
    extent.bytes = static_cast<int64_t>(static_cast<double>(extent.bytes) *
                                        static_cast<double>(after) / static_cast<double>(before));
    if (after == 0)
        extent.first = 0;
    return extent;
}

}  // namespace meridian::storage
