#pragma once
// A message body that does not decode — a client built from another version of these .proto
// files, or bytes that are not protobuf at all — gets a status naming the message and its size:
// INVALID_ARGUMENT for a request, INTERNAL for a response, where gRPC's own decoding answers an
// empty INTERNAL (and, on callback methods, an empty UNIMPLEMENTED). Every .grpc.pb.h includes
// this header (grpc_cpp_plugin's additional_header_includes, proto/CMakeLists.txt), so that the
// serialization traits below are the ones every handler and stub uses.

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/codegen/serialization_traits.h>

#include <optional>
#include <string>
#include <vector>

#include "meridian/v1/admin.pb.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/replication.pb.h"
#include "meridian/v1/serving.pb.h"

namespace meridian::v1::wire {

// Parses `buffer` into `message`; when it does not parse, INVALID_ARGUMENT "the request is not
// a valid meridian.v1.ApplyRequest (12 bytes): …" for a request type, INTERNAL "the response
// is not a valid …" for any other.
grpc::Status decode(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* message);

// gRPC's callback handlers drop a decoding status and answer UNIMPLEMENTED with no message.
// For their request types, decoding always succeeds (with an empty message) and keeps the
// failure for the handler, which gRPC runs next on the same thread: it calls this first and
// answers the status when there is one.
std::optional<grpc::Status> takeCallbackDecodeFailure();
grpc::Status decodeForCallback(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* message);

// The full names of the request types (for the test that every method's is among them).
std::vector<std::string> requestTypes();

}  // namespace meridian::v1::wire

// Synchronous unary handlers and the generated stubs decode through the MessageLite base.
template <>
class grpc::SerializationTraits<grpc::protobuf::MessageLite, void> {
public:
    static grpc::Status Serialize(const grpc::protobuf::MessageLite& message,
                                  grpc::ByteBuffer* buffer, bool* ownBuffer) {
        return grpc::GenericSerialize<grpc::ProtoBufferWriter, grpc::protobuf::MessageLite>(
            message, buffer, ownBuffer);
    }
    static grpc::Status Deserialize(grpc::ByteBuffer* buffer,
                                    grpc::protobuf::MessageLite* message) {
        return meridian::v1::wire::decode(buffer, message);
    }
};

// Streaming and callback handlers decode through the request's own type.
#define MERIDIAN_REQUEST_TRAITS(Type, decoder)                                          \
    template <>                                                                         \
    class grpc::SerializationTraits<meridian::v1::Type, void> {                         \
    public:                                                                             \
        static grpc::Status Serialize(const grpc::protobuf::MessageLite& message,       \
                                      grpc::ByteBuffer* buffer, bool* ownBuffer) {      \
            return grpc::GenericSerialize<grpc::ProtoBufferWriter, meridian::v1::Type>( \
                message, buffer, ownBuffer);                                            \
        }                                                                               \
        static grpc::Status Deserialize(grpc::ByteBuffer* buffer,                       \
                                        grpc::protobuf::MessageLite* message) {         \
            return meridian::v1::wire::decoder(buffer, message);                        \
        }                                                                               \
    };
#define MERIDIAN_REQUEST(Type) MERIDIAN_REQUEST_TRAITS(Type, decode)
#define MERIDIAN_CALLBACK_REQUEST(Type) MERIDIAN_REQUEST_TRAITS(Type, decodeForCallback)

// One entry per request type of a method in admin, registry, replication and serving.proto;
// C for the methods served on gRPC's callback API (their handlers call
// takeCallbackDecodeFailure()).
// clang-format off
#define MERIDIAN_FOR_EACH_REQUEST(R, C) \
    R(HealthRequest) \
    R(StatsRequest) \
    R(WatchStatsRequest) \
    C(EchoRequest) \
    R(CheckIntegrityRequest) \
    R(ResidencyRequest) \
    R(WhoAmIRequest) \
    R(CreateTokenRequest) \
    R(RevokeTokenRequest) \
    R(ListTokensRequest) \
    R(ListAuditRequest) \
    R(EraseRequest) \
    R(ErasureOrder) \
    R(ListErasuresRequest) \
    R(ApplyRequest) \
    R(ListObjectsRequest) \
    R(GetObjectRequest) \
    R(GetHistoryRequest) \
    R(DeleteObjectRequest) \
    R(LineageRequest) \
    R(PublishRequest) \
    R(DiscoverRequest) \
    R(PullRequest) \
    R(SnapshotRequest) \
    R(ListPartitionsRequest) \
    R(FetchPartitionRequest) \
    R(DigestRequest) \
    R(BucketRowsRequest) \
    R(CheckConsistencyRequest) \
    R(ExchangeHubsRequest) \
    R(PromoteRequest) \
    R(ListHubsRequest) \
    R(TriggerSyncRequest) \
    R(JobRef) \
    R(ListJobsRequest) \
    R(LinkEmulationRequest) \
    R(CostRequest) \
    R(ListAlertsRequest) \
    C(GetOnlineFeaturesRequest) \
    C(WriteFeaturesRequest) \
    R(GetHistoricalFeaturesRequest) \
    R(MaterializeRequest)
// clang-format on

MERIDIAN_FOR_EACH_REQUEST(MERIDIAN_REQUEST, MERIDIAN_CALLBACK_REQUEST)
