// A deployment file: regions, control plane, links, prices.

#include <cstddef>
#include <cstdint>
#include <string>

#include "deployment/deployment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto deployment = meridian::deployment::parseDeployment(text, "fuzz.yaml");
    if (deployment.ok())
        (void)deployment->regionSet();
    return 0;
}
