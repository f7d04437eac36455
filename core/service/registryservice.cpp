#include "service/regionservices.h"
#include "service/statusmap.h"
#include "serving/limits.h"

namespace meridian::service {

std::string principalOf(const grpc::ServerContext& context) {
    const auto& md = context.client_metadata();
    auto it = md.find("x-meridian-principal");
    if (it != md.end())
        return std::string(it->second.data(), it->second.size());
    return "anonymous@" + context.peer();
}

grpc::Status RegistryServiceImpl::Apply(grpc::ServerContext* context,
                                        const v1::ApplyRequest* request,
                                        v1::ApplyResponse* response) {
    CallTimer timer(m_metrics.method("Apply"));
    if (auto st = checkRequestSize(*request, serving::kMaxMessageBytes); !st.ok()) {
        timer.failed();
        return toGrpc(st);
    }
    const std::string principal =
        request->principal().empty() ? principalOf(*context) : request->principal();
    auto result = m_region.registry().apply(*request, principal);
    if (!result.ok()) {
        timer.failed();
        return toGrpc(result.status());
    }
    *response = std::move(*result);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::ListObjects(grpc::ServerContext*,
                                              const v1::ListObjectsRequest* request,
                                              v1::ListObjectsResponse* response) {
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

grpc::Status RegistryServiceImpl::GetObject(grpc::ServerContext*,
                                            const v1::GetObjectRequest* request,
                                            v1::RegistryObject* response) {
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

grpc::Status RegistryServiceImpl::GetHistory(grpc::ServerContext*,
                                             const v1::GetHistoryRequest* request,
                                             v1::GetHistoryResponse* response) {
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
    CallTimer timer(m_metrics.method("DeleteObject"));
    const std::string principal =
        request->principal().empty() ? principalOf(*context) : request->principal();
    auto meta = m_region.registry().remove(request->ref(), principal);
    if (!meta.ok()) {
        timer.failed();
        return toGrpc(meta.status());
    }
    *response->mutable_meta() = std::move(*meta);
    return grpc::Status::OK;
}

grpc::Status RegistryServiceImpl::GetLineage(grpc::ServerContext*,
                                             const v1::LineageRequest* request,
                                             v1::LineageResponse* response) {
    CallTimer timer(m_metrics.method("GetLineage"));
    *response = m_region.registry().lineage(request->project());
    return grpc::Status::OK;
}

}  // namespace meridian::service
