// ConsoleBackend's hub failover: every region's view of who hubs each hub-and-spoke view
// (Replication.ListHubs of each, merged as meridianctl hubs merges them), and a promotion, sent
// to the region being promoted (Replication.Promote).

#include <ctime>

#include "client/hubsummary.h"
#include "console/consolebackend.h"
#include "console/consolebackendimpl.h"

namespace meridian::console {
namespace {

// A promotion waits for the old hub's answer and for promises (2 s each at most).
constexpr int kPromoteDeadlineMs = 15'000;

PromotionInfo toInfo(const v1::PromotionReport& r) {
    PromotionInfo out;
    out.toRegion = r.to_region();
    out.dryRun = r.dry_run();
    out.elapsedMs = r.elapsed_ms();
    out.regions = r.regions();
    out.majority = r.majority();
    out.unreachable.assign(r.unreachable().begin(), r.unreachable().end());
    for (const auto& v : r.views()) {
        PromotionViewInfo p;
        p.view = v.feature_view();
        p.oldHub = v.old_hub();
        p.oldEpoch = v.old_epoch();
        p.newEpoch = v.new_epoch();
        p.oldHubReachable = v.old_hub_reachable();
        p.notApplied = v.not_applied();
        p.lossWindow = v.loss_window();
        p.committed = v.committed();
        p.error = v.error();
        p.promised.assign(v.promised().begin(), v.promised().end());
        p.writesAfterMs = v.writes_after_ms();
        out.views.push_back(std::move(p));
    }
    return out;
}

}  // namespace

void ConsoleBackend::hubs(Callback<HubTable> done) {
    auto& impl = *m_impl;
    v1::ListHubsRequest request;
    impl.fanOut<v1::ListHubsRequest, v1::ListHubsResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.replication->async()->ListHubs(ctx, req, resp, std::move(cb));
        },
        [&impl, done = std::move(done)](std::vector<absl::StatusOr<v1::ListHubsResponse>> answers) {
            HubTable table;
            table.atMs = static_cast<int64_t>(std::time(nullptr)) * 1000;
            std::vector<client::RegionHubs> reported;
            absl::Status firstError;
            for (size_t i = 0; i < answers.size(); ++i) {
                const auto& name = impl.regions[i].name;
                if (!answers[i].ok()) {
                    table.silent.push_back(name);
                    if (firstError.ok())
                        firstError = answers[i].status();
                    reported.push_back({name, nullptr});
                    continue;
                }
                reported.push_back({name, &*answers[i]});
                if (answers[i]->orphans_total() > 0)
                    table.orphans.emplace_back(name, answers[i]->orphans_total());
            }
            if (table.silent.size() == answers.size() && !firstError.ok())
                return done(firstError);
            table.views = client::summarizeHubs(reported);
            done(std::move(table));
        });
}

void ConsoleBackend::promote(const std::string& view, const std::string& toRegion, bool dryRun,
                             Callback<PromotionInfo> done) {
    auto& impl = *m_impl;
    auto region = impl.find(toRegion);
    if (!region.ok() || toRegion.empty())
        return done(absl::InvalidArgumentError(
            "'" + toRegion + "' is not a region of deployment '" + impl.deployment.name + "'"));
    v1::PromoteRequest request;
    request.set_feature_view(view);
    request.set_to_region(toRegion);
    request.set_dry_run(dryRun);
    impl.unary<v1::PromoteRequest, v1::PromotionReport>(
        **region, request, kPromoteDeadlineMs,
        [r = *region](auto* ctx, auto* req, auto* resp, auto cb) {
            r->replication->async()->Promote(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](absl::StatusOr<v1::PromotionReport> answer) {
            if (!answer.ok())
                return done(answer.status());
            done(toInfo(*answer));
        });
}

}  // namespace meridian::console
