#include <memory>

#include "replication/hybridclock.h"
#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/limits.h"

namespace meridian::service {

ServingServiceImpl::ServingServiceImpl(serving::Region& region, ServiceMetrics& metrics)
    : m_region(region),
      m_metrics(metrics),
      m_onlineMetrics(metrics.method("GetOnlineFeatures")),
      m_writeMetrics(metrics.method("WriteFeatures")) {
    SetMessageAllocatorFor_GetOnlineFeatures(&m_allocator);
    SetMessageAllocatorFor_WriteFeatures(&m_writeAllocator);
}

grpc::ServerUnaryReactor* ServingServiceImpl::GetOnlineFeatures(
    grpc::CallbackServerContext* context, const v1::GetOnlineFeaturesRequest* request,
    v1::GetOnlineFeaturesResponse* response) {
    auto* reactor = context->DefaultReactor();
    CallTimer timer(m_onlineMetrics);
    if (auto undecoded = v1::wire::takeCallbackDecodeFailure()) {
        timer.failed();
        reactor->Finish(*undecoded);
        return reactor;
    }
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

grpc::ServerUnaryReactor* ServingServiceImpl::WriteFeatures(grpc::CallbackServerContext* context,
                                                            const v1::WriteFeaturesRequest* request,
                                                            v1::WriteFeaturesResponse* response) {
    auto* reactor = context->DefaultReactor();
    auto timer = std::make_shared<CallTimer>(m_writeMetrics);
    if (auto undecoded = v1::wire::takeCallbackDecodeFailure()) {
        timer->failed();
        reactor->Finish(*undecoded);
        return reactor;
    }
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer->failed();
        reactor->Finish(toGrpc(st));
        return reactor;
    }
    const int rows = request->rows_size();
    m_region.writer().submit(*request, response,
                             [this, reactor, timer, rows](const absl::Status& st) {
                                 if (!st.ok()) {
                                     timer->failed();
                                 } else {
                                     m_metrics.writes.add(rows, steadySeconds());
                                 }
                                 reactor->Finish(toGrpc(st));
                             });
    return reactor;
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
