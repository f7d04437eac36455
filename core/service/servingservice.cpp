#include "replication/hybridclock.h"
#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/limits.h"

namespace meridian::service {

ServingServiceImpl::ServingServiceImpl(serving::Region& region, ServiceMetrics& metrics)
    : m_region(region), m_metrics(metrics), m_onlineMetrics(metrics.method("GetOnlineFeatures")) {
    SetMessageAllocatorFor_GetOnlineFeatures(&m_allocator);
}

grpc::ServerUnaryReactor* ServingServiceImpl::GetOnlineFeatures(
    grpc::CallbackServerContext* context, const v1::GetOnlineFeaturesRequest* request,
    v1::GetOnlineFeaturesResponse* response) {
    auto* reactor = context->DefaultReactor();
    CallTimer timer(m_onlineMetrics);
    // A read is short (an indexed lookup per entity): answered right here, without a hand-off.
    auto st = m_region.online().read(*request, replication::wallClockMs(), response);
    if (!st.ok()) {
        timer.failed();
        reactor->Finish(toGrpc(st));
        return reactor;
    }
    m_metrics.reads.add(request->entities_size(), steadySeconds());
    reactor->Finish(grpc::Status::OK);
    return reactor;
}

grpc::Status ServingServiceImpl::WriteFeatures(grpc::ServerContext*,
                                               const v1::WriteFeaturesRequest* request,
                                               v1::WriteFeaturesResponse* response) {
    CallTimer timer(m_metrics.method("WriteFeatures"));
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer.failed();
        return toGrpc(st);
    }
    auto result = m_region.writer().write(*request);
    if (!result.ok()) {
        timer.failed();
        return toGrpc(result.status());
    }
    m_metrics.writes.add(request->rows_size(), steadySeconds());
    *response = std::move(*result);
    return grpc::Status::OK;
}

grpc::Status ServingServiceImpl::GetHistoricalFeatures(
    grpc::ServerContext*, const v1::GetHistoricalFeaturesRequest* request,
    v1::GetHistoricalFeaturesResponse* response) {
    CallTimer timer(m_metrics.method("GetHistoricalFeatures"));
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer.failed();
        return toGrpc(st);
    }
    auto result = m_region.historical().read(*request);
    if (!result.ok()) {
        timer.failed();
        return toGrpc(result.status());
    }
    *response = std::move(*result);
    return grpc::Status::OK;
}

grpc::Status ServingServiceImpl::Materialize(grpc::ServerContext* context,
                                             const v1::MaterializeRequest* request,
                                             grpc::ServerWriter<v1::MaterializeProgress>* writer) {
    CallTimer timer(m_metrics.method("Materialize"));
    auto st = m_region.materializer().run(*request, [&](const v1::MaterializeProgress& p) {
        if (context->IsCancelled())
            return false;
        return writer->Write(p);
    });
    if (!st.ok())
        timer.failed();
    return toGrpc(st);
}

}  // namespace meridian::service
