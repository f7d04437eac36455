#include "client/regionchannel.h"

#include <grpcpp/create_channel.h>

namespace meridian::client {

std::shared_ptr<grpc::Channel> makeRegionChannel(const std::string& endpoint,
                                                 const RegionChannelOptions& options) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options.maxMessageBytes);
    args.SetMaxSendMessageSize(options.maxMessageBytes);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, options.minReconnectBackoffMs);
    // gRPC takes its "minimum reconnect backoff" as the least time a connection attempt is
    // given (min_connect_timeout), not as a pause between attempts.
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, options.connectTimeoutMs);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, options.maxReconnectBackoffMs);
    if (options.keepalive) {
        args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
        args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 2000);
        args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    }
    return grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
}

}  // namespace meridian::client
