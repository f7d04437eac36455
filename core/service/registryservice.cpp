#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/limits.h"

namespace meridian::service {

grpc::Status RegistryServiceImpl::Apply(grpc::ServerContext* context,
                                        const v1::ApplyRequest* request,
                                        v1::ApplyResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.Apply", &caller,
                               std::to_string(request->objects_size()) + " objects");
        !st.ok())
        return st;
    CallTimer timer(m_metrics.method("Apply"));
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer.failed();
        return toGrpc(st);
    }
    auto result = m_region.registry().apply(*request, caller.principal, caller.requestId);
    if (!result.ok()) {
        timer.failed();
        return toGrpc(result.status());
    }
    *response = std::move(*result);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListObjects(grpc::ServerContext* context,
                                              const v1::ListObjectsRequest* request,
                                              v1::ListObjectsResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.ListObjects"); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("ListObjects"));
    auto objects = m_region.registry().list(*request);
    if (!objects.ok()) {
        timer.failed();
        return toGrpc(objects.status());
    }
    for (auto& o : *objects)
        *response->add_objects() = std::move(o);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetObject(grpc::ServerContext* context,
                                            const v1::GetObjectRequest* request,
                                            v1::RegistryObject* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.GetObject"); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("GetObject"));
    if (request->ref().name().empty()) {
        timer.failed();
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "object name is missing");
    }
    auto object = m_region.registry().get(request->ref(), request->version());
    if (!object.ok()) {
        timer.failed();
        return toGrpc(object.status());
    }
    *response = std::move(*object);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetHistory(grpc::ServerContext* context,
                                             const v1::GetHistoryRequest* request,
                                             v1::GetHistoryResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.GetHistory"); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("GetHistory"));
    auto versions = m_region.registry().history(request->ref());
    if (!versions.ok()) {
        timer.failed();
        return toGrpc(versions.status());
    }
    for (auto& o : *versions)
        *response->add_versions() = std::move(o);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::DeleteObject(grpc::ServerContext* context,
                                               const v1::DeleteObjectRequest* request,
                                               v1::DeleteObjectResponse* response) {
    Caller caller;
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.DeleteObject", &caller,
                               request->ref().project() + "/" + request->ref().name());
        !st.ok())
        return st;
    CallTimer timer(m_metrics.method("DeleteObject"));
    auto meta = m_region.registry().remove(request->ref(), caller.principal, caller.requestId);
    if (!meta.ok()) {
        timer.failed();
        return toGrpc(meta.status());
    }
    *response->mutable_meta() = std::move(*meta);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetLineage(grpc::ServerContext* context,
                                             const v1::LineageRequest* request,
                                             v1::LineageResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.GetLineage"); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("GetLineage"));
    *response = m_region.registry().lineage(request->project());
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::Publish(grpc::ServerContext* context,
                                          const v1::PublishRequest* request,
                                          v1::PublishResponse* response) {
    Caller caller;
    const std::string target = request->ref().project() + "/" + request->ref().name();
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.Publish", &caller, target); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("Publish"));
    auto result = m_region.registry().publish(*request, caller.principal, caller.requestId);
    if (!result.ok()) {
        timer.failed();
        return toGrpc(result.status());
    }
    *response = std::move(*result);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::Discover(grpc::ServerContext* context,
                                           const v1::DiscoverRequest* request,
                                           v1::DiscoverResponse* response) {
    if (auto st = m_auth.admit(*context, "meridian.v1.Registry.Discover"); !st.ok())
        return st;
    CallTimer timer(m_metrics.method("Discover"));
    *response = m_region.registry().discover(*request);
    return grpc::Status::OK;
}

}  // namespace meridian::service
