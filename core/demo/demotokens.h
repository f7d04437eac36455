#pragma once
// The tokens of the demo over TLS: an admin token for whoever runs the demo
// (<dataDir>/admin.token) and an operator token for the generator (<dataDir>/generator.token),
// made once, readable by their owner only; every region's token file holds their hashes.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace meridian::demo {

struct DemoTokens {
    std::string admin;          // the token itself
    std::string adminFile;      // where it is written
    std::string generatorFile;  // the generator's (operator) token
};

// Makes the two tokens and registers them in every one of `regionTokenFiles` the first time;
// later, a region new to the deployment gets a copy of another region's file. `progress` is
// told where the tokens went when they are made.
absl::StatusOr<DemoTokens> ensureDemoTokens(
    const std::string& dataDir, const std::vector<std::string>& regionTokenFiles,
    const std::function<void(const std::string&)>& progress);

}  // namespace meridian::demo
