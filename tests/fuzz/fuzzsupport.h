#pragma once
// What the fuzz targets share: a region of the example repository opened once in a scratch
// directory, for the targets that feed it requests, batches and snapshots.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "deployment/deployment.h"
#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "serving/region.h"

namespace meridian::fuzz {

inline constexpr const char* kRegion = "aws-us-east-1";

// The example repository's region aws-us-east-1 (owner and hub of its views), in a directory
// made for this process; aborts if it cannot be opened (the target could test nothing).
inline serving::Region& exampleRegion() {
    static std::unique_ptr<serving::Region> region = [] {
        char pattern[] = "/tmp/meridian-fuzz-XXXXXX";
        const char* dir = ::mkdtemp(pattern);
        if (!dir)
            std::abort();
        auto deployment =
            deployment::loadDeployment(MERIDIAN_SOURCE_DIR "/resources/demo/deployment.yaml");
        if (!deployment.ok())
            std::abort();
        serving::RegionOptions options;
        options.name = kRegion;
        options.dataDir = dir;
        options.durability = storage::Durability::Normal;
        options.controlRegion = kRegion;
        options.regions = deployment->regionSet();
        auto opened = serving::Region::open(options);
        if (!opened.ok())
            std::abort();
        auto repository = deployment::loadRepositoryFile(MERIDIAN_SOURCE_DIR
                                                         "/resources/examples/feature_repo.yaml");
        if (!repository.ok())
            std::abort();
        v1::ApplyRequest apply;
        for (auto& object : registry::objectsOf(*repository))
            *apply.add_objects() = std::move(object);
        if (!(*opened)->registry().apply(apply, "fuzz").ok())
            std::abort();
        return std::move(*opened);
    }();
    return *region;
}

}  // namespace meridian::fuzz
