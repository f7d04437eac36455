// The Admin service's erasure calls (the right to be forgotten): thin, the rules are in
// core/erasure.
#include <cstdio>

#include "erasure/entityerasure.h"
#include "erasure/erasurejobs.h"
#include "service/regionservices.h"
#include "service/statusmap.h"

namespace meridian::service {
namespace {

constexpr int kDefaultListLimit = 50;
constexpr int kMaxListLimit = 1000;

}  // namespace

grpc::Status AdminServiceImpl::PreviewErasure(grpc::ServerContext* context,
                                              const v1::EraseRequest* request,
                                              v1::RegionErasure* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.PreviewErasure", nullptr,
                               erasure::entityKeyNames(request->entity()));
        !st.ok())
        return st;
    const auto catalog = m_region.registry().catalog();
    auto order = erasure::planErasure(*catalog, *request);
    if (!order.ok())
        return toGrpc(order.status());
    auto preview = erasure::previewErasure(m_region.database(), *order, m_region.name());
    if (!preview.ok())
        return toGrpc(preview.status());
    *response = std::move(*preview);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Erase(grpc::ServerContext* context, const v1::EraseRequest* request,
                                     v1::ErasureJob* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.Erase", &caller,
                               erasure::entityKeyNames(request->entity()));
        !st.ok())
        return st;
    if (!m_erasures)
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "this region does not take erasures");
    if (!request->confirm())
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                            "an erasure cannot be undone: preview it (meridianctl erase "
                            "--dry-run) and confirm it (--yes)");
    const auto catalog = m_region.registry().catalog();
    auto order = erasure::planErasure(*catalog, *request);
    if (!order.ok())
        return toGrpc(order.status());
    auto job = m_erasures->erase(std::move(*order), caller.principal);
    if (!job.ok())
        return toGrpc(job.status());
    std::string here;
    for (const auto& r : job->regions())
        if (r.region() == m_region.name())
            here = erasure::describeCounts(r.views());
    m_auth.record(caller, "erase", job->entity(),
                  job->id() + ": " + std::to_string(job->views_size()) + " views in " +
                      std::to_string(job->regions_size()) + " regions; here " + here);
    std::fprintf(stderr, "meridian-store: erasure %s of %s by %s: %s here, sent to %d regions\n",
                 job->id().c_str(), job->entity().c_str(), caller.principal.c_str(), here.c_str(),
                 job->regions_size() - 1);
    *response = std::move(*job);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ApplyErasure(grpc::ServerContext* context,
                                            const v1::ErasureOrder* request,
                                            v1::RegionErasure* response) {
    Caller caller;
    if (auto st =
            m_auth.admit(*context, "meridian.v1.Admin.ApplyErasure", &caller, request->entity());
        !st.ok())
        return st;
    auto applied = erasure::applyErasure(m_region.database(), *request, m_region.name());
    if (!applied.ok())
        return toGrpc(applied.status());
    m_auth.record(caller, "erase_apply", request->entity(),
                  request->id() + " (asked by " + request->requested_by() + " of " +
                      request->coordinator() + "): " + erasure::describeCounts(applied->views()));
    std::fprintf(stderr, "meridian-store: erasure %s of %s (asked by %s of %s): %s\n",
                 request->id().c_str(), request->entity().c_str(), request->requested_by().c_str(),
                 request->coordinator().c_str(), erasure::describeCounts(applied->views()).c_str());
    *response = std::move(*applied);
    return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::ListErasures(grpc::ServerContext* context,
                                            const v1::ListErasuresRequest* request,
                                            v1::ListErasuresResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Admin.ListErasures"); !st.ok())
        return st;
    const int limit =
        request->limit() > 0 ? std::min(request->limit(), kMaxListLimit) : kDefaultListLimit;
    response->set_region(m_region.name());
    if (m_erasures) {
        auto jobs = m_erasures->list(request->id(), limit);
        if (!jobs.ok())
            return toGrpc(jobs.status());
        for (auto& j : *jobs)
            *response->add_jobs() = std::move(j);
    }
    auto applied = erasure::appliedErasures(m_region.database(), request->id(), limit);
    if (!applied.ok())
        return toGrpc(applied.status());
    for (auto& a : *applied)
        *response->add_applied() = std::move(a);
    return grpc::Status::OK;
}

}  // namespace meridian::service
