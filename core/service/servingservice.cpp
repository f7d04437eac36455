#include <memory>

#include "replication/hybridclock.h"
#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/limits.h"

namespace meridian::service {

ServingServiceImpl::ServingServiceImpl(serving::Region& region, ServiceMetrics& metrics,
                                       Authorizer& auth)
    : m_region(region),
      m_metrics(metrics),
      m_auth(auth),
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
    if (auto denied = m_auth.admit(*context, "meridian.v1.Serving.GetOnlineFeatures");
        !denied.ok()) {
        timer.failed();
        reactor->Finish(denied);
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
    auto caller = std::make_shared<Caller>();
    if (auto denied = m_auth.admit(*context, "meridian.v1.Serving.WriteFeatures", caller.get());
        !denied.ok()) {
        timer->failed();
        reactor->Finish(denied);
        return reactor;
    }
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer->failed();
        reactor->Finish(toGrpc(st));
        return reactor;
    }
    const int rows = request->rows_size();
    auto view = std::make_shared<std::string>(request->project() + "/" + request->feature_view());
    m_region.writer().submit(
        *request, response, [this, reactor, timer, rows, caller, view](const absl::Status& st) {
            if (!st.ok()) {
                timer->failed();
            } else {
                m_metrics.writes.add(rows, steadySeconds());
                m_auth.noteWrite(*caller, *view, rows, replication::wallClockMs());
            }
            reactor->Finish(toGrpc(st));
        });
    return reactor;
}

grpc::Status ServingServiceImpl::GetHistoricalFeatures(
    grpc::ServerContext* context, const v1::GetHistoricalFeaturesRequest* request,
    v1::GetHistoricalFeaturesResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Serving.GetHistoricalFeatures"); !st.ok())
        return st;
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
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Serving.Materialize", &caller,
                               request->project() + "/" + request->feature_view());
        !st.ok())
        return st;
    CallTimer timer(m_metrics.method("Materialize"));
    const std::string target =
        request->project() + "/" +
        (request->feature_view().empty() ? "every online view" : request->feature_view());
    auto st = m_region.materializer().run(*request, [&](const v1::MaterializeProgress& p) {
        if (context->IsCancelled())
            return false;
        return writer->Write(p);
    });
    if (!st.ok())
        timer.failed();
    m_auth.record(caller, "materialize", target,
                  st.ok() ? "done" : "failed: " + std::string(st.message()));
    return toGrpc(st);
}

}  // namespace meridian::service
