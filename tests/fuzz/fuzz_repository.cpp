// A feature repository file as users upload it: parsed (YAML, duplicate keys, protobuf's JSON
// mapping), then planned and validated against a region's registry without being applied.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto repository = meridian::deployment::parseRepository(text, "fuzz.yaml");
    if (!repository.ok())
        return 0;
    meridian::v1::ApplyRequest request;
    for (auto& object : meridian::registry::objectsOf(*repository))
        *request.add_objects() = std::move(object);
    request.set_dry_run(true);
    (void)meridian::fuzz::exampleRegion().registry().apply(request, "fuzz");
    return 0;
}
