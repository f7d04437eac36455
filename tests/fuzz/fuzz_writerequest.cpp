// Requests as a client sends them: WriteFeatures (validated, and written when valid) and
// GetOnlineFeatures, as protobuf wire bytes or, starting with '{', protobuf JSON.

#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzzsupport.h"

namespace {

template <typename Message>
bool parse(const std::string& input, Message& out) {
    if (!input.empty() && input[0] == '{')
        return google::protobuf::util::JsonStringToMessage(input, &out).ok();
    return out.ParseFromString(input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& region = meridian::fuzz::exampleRegion();
    const std::string input(reinterpret_cast<const char*>(data), size);
    meridian::v1::WriteFeaturesRequest write;
    if (parse(input, write))
        (void)region.writer().write(write);
    meridian::v1::GetOnlineFeaturesRequest read;
    if (parse(input, read)) {
        meridian::v1::GetOnlineFeaturesResponse response;
        (void)region.online().read(read, meridian::replication::wallClockMs(), &response);
    }
    return 0;
}
