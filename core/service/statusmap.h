#pragma once
// Core statuses become gRPC statuses code for code.

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace meridian::service {

inline grpc::Status toGrpc(const absl::Status& status) {
    if (status.ok())
        return grpc::Status::OK;
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        std::string(status.message()));
}

// INVALID_ARGUMENT for a request larger than the service answers, naming its size.
inline absl::Status checkRequestSize(const google::protobuf::Message& request, long limitBytes) {
    const size_t bytes = request.ByteSizeLong();
    if (bytes <= static_cast<size_t>(limitBytes))
        return absl::OkStatus();
    return absl::InvalidArgumentError(
        "request is " + std::to_string(bytes / (1024 * 1024)) + " MiB; at most " +
        std::to_string(limitBytes / (1024 * 1024)) + " MiB per request");
}

}  // namespace meridian::service
