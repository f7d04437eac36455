#pragma once
// Core statuses become gRPC statuses code for code.

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace meridian::service {

// Longest error message sent: it travels in a header, percent-encoded, and a client refuses
// headers past its metadata limit (8 KiB by default) with an error of its own instead.
inline constexpr size_t kMaxErrorMessageBytes = 1024;

// `message` cut to kMaxErrorMessageBytes on a UTF-8 character boundary, saying so.
inline std::string boundedMessage(std::string_view message) {
    if (message.size() <= kMaxErrorMessageBytes)
        return std::string(message);
    size_t cut = kMaxErrorMessageBytes - 40;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(message.substr(0, cut)) + "… (" + std::to_string(message.size() - cut) +
           " more bytes)";
}

inline grpc::Status toGrpc(const absl::Status& status) {
    if (status.ok())
        return grpc::Status::OK;
    return grpc::Status(
        static_cast<grpc::StatusCode>(status.code()),
        boundedMessage(std::string_view(status.message().data(), status.message().size())));
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
