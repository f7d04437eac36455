#pragma once
// A routing client: keeps every region of a deployment probed (round trip, health, lag per view
// and link state) and sends each read to the region planRoute chooses, falling through to the
// next one when a region fails or refuses, all within the caller's deadline. Only reads are
// routed this way: a write that failed may still have been applied, so it is never resent
// elsewhere by the router (see the README on what a client may retry).

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "client/regiondirectory.h"
#include "client/routing.h"

namespace meridian::client {

// A read as the router served it.
struct RoutedRead {
    v1::GetOnlineFeaturesResponse response;
    std::string region;  // which region served it
    std::string reason;  // why that region: "nearest: 3.0 ms (measured)"
    // The nearer regions passed over, then the regions tried that failed or refused, with why.
    std::vector<std::string> skipped;
};

class Router {
public:
    struct Options {
        std::chrono::milliseconds probeInterval{1000};
        std::chrono::milliseconds probeTimeout{1000};
        // A region whose call failed is tried after every other for this long, or until a
        // probe started after the failure reaches it.
        std::chrono::milliseconds suspectFor{10'000};
    };

    // The directory must outlive the router.
    explicit Router(RegionDirectory& directory, Options options);
    explicit Router(RegionDirectory& directory) : Router(directory, Options{}) {}
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    // Probes every region at once and waits for the answers (a command line's single probe).
    void probeNow();
    // Probes in the background every probeInterval until destroyed; the first probe is
    // finished when this returns.
    void start();

    std::vector<RegionProbe> probes() const;
    absl::StatusOr<Route> plan(const RouteQuery& query) const;

    // Serves the read at the first region of the plan that answers within `timeout` overall.
    // The request's max_staleness and min_version are set from the query.
    absl::StatusOr<RoutedRead> getOnlineFeatures(v1::GetOnlineFeaturesRequest request,
                                                 const RouteQuery& query,
                                                 std::chrono::milliseconds timeout);

private:
    void markSuspect(const std::string& region);
    void run();

    RegionDirectory& m_directory;
    const registry::RegionSet m_regionSet;
    const Options m_options;
    mutable std::mutex m_mutex;
    std::vector<RegionProbe> m_probes;
    std::map<std::string, int64_t> m_failedAtMs;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace meridian::client
