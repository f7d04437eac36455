// ConsoleBackend's consistency checks: every pair of regions compared at the first of the two
// (Replication.CheckConsistency), the answers turned into ConsistencyCheckInfo.

#include <ctime>
#include <mutex>

#include "console/consolebackend.h"
#include "console/consolebackendimpl.h"

namespace meridian::console {
namespace {

// A check reads every row of the views on both sides: seconds per million rows.
constexpr int kCheckDeadlineMs = 300'000;

// "score=1.5, label=\"x\" · 16:50:31 UTC in us1": the fields that differ from the other
// side's, the event time and the region that wrote it.
std::string versionText(const v1::RowVersion& v) {
    if (!v.present())
        return "(none)";
    const std::time_t seconds = static_cast<std::time_t>(v.event_timestamp() / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char when[32];
    std::strftime(when, sizeof when, "%H:%M:%S UTC", &utc);
    return (v.deleted() ? std::string("(deleted)") : v.values()) + " · " + when + " in " +
           v.origin();
}

ConsistencyCheckInfo toInfo(const v1::ConsistencyReport& r) {
    ConsistencyCheckInfo out;
    out.first = r.region();
    out.second = r.peer();
    out.checkedAtMs = r.checked_at();
    out.fullCopyBytes = r.full_copy_bytes();
    for (const auto& v : r.views()) {
        out.views.push_back({v.feature_view(), v.rows_here(), v.rows_there(), v.young_rows(),
                             v.differences_total(), v.bytes_exchanged(), v.seconds(), v.error()});
        for (const auto& d : v.differences()) {
            const std::string kept = d.winner() == v1::KeyDifference::HERE    ? r.region()
                                     : d.winner() == v1::KeyDifference::THERE ? r.peer()
                                                                              : std::string();
            out.differences.push_back({v.feature_view(), d.entity(), versionText(d.here()),
                                       versionText(d.there()), kept, d.reason()});
        }
    }
    return out;
}

}  // namespace

void ConsoleBackend::checkConsistency(Callback<std::vector<ConsistencyCheckInfo>> done) {
    auto& impl = *m_impl;
    struct Gather {
        std::mutex mutex;
        std::vector<ConsistencyCheckInfo> pairs;
        size_t remaining = 0;
        Callback<std::vector<ConsistencyCheckInfo>> done;
    };
    auto gather = std::make_shared<Gather>();
    for (size_t i = 0; i < impl.regions.size(); ++i)
        for (size_t j = i + 1; j < impl.regions.size(); ++j) {
            ConsistencyCheckInfo pair;
            pair.first = impl.regions[i].name;
            pair.second = impl.regions[j].name;
            gather->pairs.push_back(std::move(pair));
        }
    if (gather->pairs.empty())
        return done(std::vector<ConsistencyCheckInfo>{});
    gather->remaining = gather->pairs.size();
    gather->done = std::move(done);
    size_t index = 0;
    for (size_t i = 0; i < impl.regions.size(); ++i) {
        for (size_t j = i + 1; j < impl.regions.size(); ++j, ++index) {
            auto& region = impl.regions[i];
            v1::CheckConsistencyRequest request;
            request.set_peer(impl.regions[j].name);
            impl.unary<v1::CheckConsistencyRequest, v1::ConsistencyReport>(
                region, request, kCheckDeadlineMs,
                [&region](auto* ctx, auto* req, auto* resp, auto cb) {
                    region.replication->async()->CheckConsistency(ctx, req, resp, std::move(cb));
                },
                [gather, index](absl::StatusOr<v1::ConsistencyReport> answer) {
                    bool last = false;
                    {
                        std::lock_guard lock(gather->mutex);
                        auto& pair = gather->pairs[index];
                        if (answer.ok()) {
                            pair = toInfo(*answer);
                        } else {
                            pair.error = std::string(answer.status().message());
                        }
                        last = --gather->remaining == 0;
                    }
                    if (last)
                        gather->done(std::move(gather->pairs));
                });
        }
    }
}

}  // namespace meridian::console
