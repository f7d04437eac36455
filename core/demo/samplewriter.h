#pragma once
// Realistic rows (datagen::RowGenerator) written where each feature view accepts writes: the
// hub of a hub-and-spoke view, every member of an active-active one in turn, the owner of a
// local or batch view; batch views offline, views without offline storage online only. Used by
// the local demo to seed its views and by `meridianctl generate`.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regiondirectory.h"
#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"
#include "registry/catalog.h"
#include "rows/rowfile.h"

namespace meridian::demo {

struct SampleView {
    v1::FeatureView view;
    std::string key;  // "project/view"
    rows::FeatureRowSchema schema;
    std::vector<std::string> writers;  // regions accepting its writes, in the deployment's order
    v1::WriteTarget target = v1::ONLINE_AND_OFFLINE;
};

// ONLINE for a view without offline storage, OFFLINE for a batch view or one without online
// storage, else both.
v1::WriteTarget sampleTargetOf(const v1::FeatureView& view);

// The views of `catalog` to write, all of them or those named in `only` ("project/view", or
// "view" when no other project has one of that name). Views no region of `deployment` writes
// are left out of "all" and refused by name. Without a deployment (rows for files) every view
// is kept and none has writers.
absl::StatusOr<std::vector<SampleView>> sampleViewsOf(const registry::Catalog& catalog,
                                                      const deployment::Deployment* deployment,
                                                      const std::vector<std::string>& only = {});

class SampleWriter {
public:
    using Progress = std::function<void(const std::string& line)>;

    // `regions` may be null when only rows() is used.
    SampleWriter(client::RegionDirectory* regions, std::vector<SampleView> views, uint64_t seed);

    const std::vector<SampleView>& views() const { return m_views; }

    // `rowsPerView` rows for each view with event times spread over the `spanMs` before now,
    // in batches sent to its writers in turn. Answers the rows written; the first refusal ends
    // it, naming the view and region.
    absl::StatusOr<int64_t> seed(int rowsPerView, int64_t spanMs, const Progress& progress = {});

    // Writes `rowsPerSecond` rows a second to every writing region (shared among the views it
    // writes) with event times of now, in a batch every `batchMs`, until `stop` turns true. A
    // region that does not answer is reported once and tried again each batch. Each online
    // batch is read back from the same region (read-your-writes), as a model would read its
    // features. Answers the rows written.
    int64_t follow(double rowsPerSecond, const std::atomic<bool>& stop, const Progress& progress,
                   int batchMs = 200);

    // `count` rows of one view with event times spread over the `spanMs` before now.
    std::vector<v1::FeatureRow> rows(const SampleView& view, int count, int64_t spanMs);

private:
    // After a write of a hub-and-spoke view failed at `target`: moves `target` to the view's
    // hub now, when the refusal names it or (at most every 3 s) when the regions report a
    // promotion; true when it moved.
    bool followHub(const std::string& viewKey, std::string& target, const absl::Status& refusal,
                   std::chrono::steady_clock::time_point& askedAt, const Progress& progress);
    void followRegion(const std::string& region, double rowsPerSecond,
                      const std::atomic<bool>& stop, const Progress& progress, int batchMs,
                      std::atomic<int64_t>& written);

    client::RegionDirectory* m_regions;
    std::vector<SampleView> m_views;
    uint64_t m_seed;
};

}  // namespace meridian::demo
