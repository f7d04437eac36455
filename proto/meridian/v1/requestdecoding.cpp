#include "meridian/v1/requestdecoding.h"

#include <grpcpp/impl/codegen/proto_buffer_reader.h>

#include <algorithm>

namespace meridian::v1::wire {
namespace {

thread_local std::optional<grpc::Status> t_callbackFailure;

}  // namespace

std::vector<std::string> requestTypes() {
#define MERIDIAN_NAME_OF(Type) "meridian.v1." #Type,
    static const std::vector<std::string> names = {
        MERIDIAN_FOR_EACH_REQUEST(MERIDIAN_NAME_OF, MERIDIAN_NAME_OF)};
#undef MERIDIAN_NAME_OF
    return names;
}

grpc::Status decode(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* message) {
    // Names are looked up on failure only: every call of every method comes through here.
    auto failed = [message](const std::string& why) {
        const std::string type = message->GetTypeName();
        const auto names = requestTypes();
        const bool request = std::find(names.begin(), names.end(), type) != names.end();
        return grpc::Status(
            request ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::INTERNAL,
            std::string(request ? "the request " : "the response ") +
                (why.empty() ? "carries no " + type + " at all"
                             : "is not a valid " + type + " " + why));
    };
    if (buffer == nullptr)
        return failed("");
    const size_t bytes = buffer->Length();
    grpc::Status result;
    {
        grpc::ProtoBufferReader reader(buffer);
        if (!reader.status().ok())
            return reader.status();
        if (!message->ParseFromZeroCopyStream(&reader))
            result = failed("(" + std::to_string(bytes) +
                            " bytes): built from other .proto files than this side's, or not a "
                            "protobuf message");
    }
    buffer->Clear();
    return result;
}

grpc::Status decodeForCallback(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* message) {
    t_callbackFailure.reset();
    auto st = decode(buffer, message);
    if (st.ok())
        return st;
    message->Clear();
    t_callbackFailure = std::move(st);
    return grpc::Status::OK;
}

std::optional<grpc::Status> takeCallbackDecodeFailure() {
    auto failure = std::move(t_callbackFailure);
    t_callbackFailure.reset();
    return failure;
}

}  // namespace meridian::v1::wire
