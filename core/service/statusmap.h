#pragma once
// Core statuses become gRPC statuses code for code.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace meridian::service {

inline grpc::Status toGrpc(const absl::Status& status) {
    if (status.ok()) return grpc::Status::OK;
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace meridian::service
