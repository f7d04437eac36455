// ConsoleBackend's erasure calls: the preview every region answers, the erasure its coordinator
// starts, and the erasures of every region merged by id.

#include <algorithm>
#include <map>

#include "client/regionclient.h"
#include "console/consolebackend.h"
#include "console/consolebackendimpl.h"

namespace meridian::console {
namespace {

RegionErasureInfo toInfo(const v1::RegionErasure& r) {
    RegionErasureInfo out;
    out.region = r.region();
    out.erased = r.state() == v1::RegionErasure::ERASED;
    out.error = r.last_error();
    out.attempts = r.attempts();
    out.erasedAtMs = r.erased_at();
    out.walTruncated = r.wal_truncated();
    for (const auto& v : r.views())
        out.views.push_back({v.project() + "/" + v.feature_view(), v.online_rows(),
                             v.offline_rows(), v.log_entries()});
    return out;
}

ErasureJobInfo toInfo(const v1::ErasureJob& j) {
    ErasureJobInfo out;
    out.id = j.id();
    out.entity = j.entity();
    out.views.assign(j.views().begin(), j.views().end());
    out.requestedBy = j.requested_by();
    out.coordinator = j.coordinator();
    out.createdAtMs = j.created_at();
    out.finishedAtMs = j.finished_at();
    out.done = j.state() == v1::ErasureJob::DONE;
    for (const auto& r : j.regions())
        out.regions.push_back(toInfo(r));
    return out;
}

v1::EraseRequest requestOf(const std::string& entity, const std::vector<std::string>& views) {
    v1::EraseRequest request;
    request.set_entity(entity);
    for (const auto& v : views)
        request.add_views(v);
    return request;
}

}  // namespace

int64_t RegionErasureInfo::onlineRows() const {
    int64_t n = 0;
    for (const auto& v : views)
        n += v.onlineRows;
    return n;
}

int64_t RegionErasureInfo::offlineRows() const {
    int64_t n = 0;
    for (const auto& v : views)
        n += v.offlineRows;
    return n;
}

int64_t RegionErasureInfo::logEntries() const {
    int64_t n = 0;
    for (const auto& v : views)
        n += std::max<int64_t>(v.logEntries, 0);
    return n;
}

int ErasureJobInfo::erasedRegions() const {
    return static_cast<int>(
        std::count_if(regions.begin(), regions.end(), [](const auto& r) { return r.erased; }));
}

void ConsoleBackend::previewErasure(const std::string& entity,
                                    const std::vector<std::string>& views,
                                    Callback<ErasurePreview> done) {
    std::vector<std::string> names;
    for (const auto& r : m_impl->regions)
        names.push_back(r.name);
    m_impl->fanOut<v1::EraseRequest, v1::RegionErasure>(
        requestOf(entity, views),
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.admin->async()->PreviewErasure(ctx, req, resp, std::move(cb));
        },
        [entity, names,
         done = std::move(done)](std::vector<absl::StatusOr<v1::RegionErasure>> all) {
            ErasurePreview preview;
            preview.entity = entity;
            bool any = false;
            for (size_t i = 0; i < all.size(); ++i) {
                if (!all[i].ok()) {
                    // A refusal (a bad entity, a role too low) is the answer; a region that is
                    // down is only shown as such.
                    if (!client::isUnreachable(all[i].status()))
                        return done(all[i].status());
                    RegionErasureInfo down;
                    down.region = names[i];
                    down.reachable = false;
                    down.error = std::string(all[i].status().message());
                    preview.regions.push_back(std::move(down));
                    continue;
                }
                any = true;
                auto info = toInfo(*all[i]);
                info.region = names[i];
                preview.regions.push_back(std::move(info));
            }
            if (!any && !all.empty())
                return done(all.front().status());
            done(std::move(preview));
        });
}

void ConsoleBackend::erase(const std::string& coordinator, const std::string& entity,
                           const std::vector<std::string>& views, Callback<ErasureJobInfo> done) {
    auto& impl = *m_impl;
    auto r = impl.find(coordinator);
    if (!r.ok())
        return done(r.status());
    auto request = requestOf(entity, views);
    request.set_confirm(true);
    // The coordinator erases its own copy before it answers: a read of its whole log.
    impl.unary<v1::EraseRequest, v1::ErasureJob>(
        **r, request, std::max(impl.deadlineMs, 120'000),
        [r = *r](auto* ctx, auto* req, auto* resp, auto cb) {
            r->admin->async()->Erase(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](absl::StatusOr<v1::ErasureJob> answer) {
            if (!answer.ok())
                return done(answer.status());
            done(toInfo(*answer));
        });
}

void ConsoleBackend::erasures(int limit, Callback<std::vector<ErasureJobInfo>> done) {
    v1::ListErasuresRequest request;
    request.set_limit(limit);
    m_impl->fanOut<v1::ListErasuresRequest, v1::ListErasuresResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.admin->async()->ListErasures(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](std::vector<absl::StatusOr<v1::ListErasuresResponse>> all) {
            // The coordinator's record is whole; a job whose coordinator is down is pieced
            // together from the regions that applied it.
            std::map<std::string, ErasureJobInfo> jobs, pieced;
            bool any = all.empty();
            for (const auto& answer : all) {
                if (!answer.ok())
                    continue;
                any = true;
                for (const auto& j : answer->jobs())
                    jobs[j.id()] = toInfo(j);
            }
            if (!any)
                return done(all.front().status());
            for (const auto& answer : all) {
                if (!answer.ok())
                    continue;
                for (const auto& r : answer->applied()) {
                    if (jobs.count(r.erasure_id()))
                        continue;
                    auto& j = pieced[r.erasure_id()];
                    j.id = r.erasure_id();
                    j.entity = r.entity();
                    j.requestedBy = r.requested_by();
                    j.coordinator = r.coordinator() + " (down)";
                    j.createdAtMs =
                        j.createdAtMs ? std::min(j.createdAtMs, r.erased_at()) : r.erased_at();
                    j.regions.push_back(toInfo(r));
                }
            }
            jobs.merge(pieced);
            std::vector<ErasureJobInfo> out;
            for (auto& [id, j] : jobs)
                out.push_back(std::move(j));
            std::sort(out.begin(), out.end(),
                      [](const auto& a, const auto& b) { return a.createdAtMs > b.createdAtMs; });
            done(std::move(out));
        });
}

}  // namespace meridian::console
