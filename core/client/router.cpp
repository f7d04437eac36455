#include "client/router.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace meridian::client {
namespace {

using Clock = std::chrono::steady_clock;

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Router::Router(RegionDirectory& directory, Options options)
    : m_directory(directory), m_regionSet(directory.deployment().regionSet()), m_options(options) {}

Router::~Router() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Router::probeNow() {
    const int64_t startedMs = nowMs();
    const auto timeout = m_options.probeTimeout;
    auto answers = m_directory.askAll<RegionProbe>([&](RegionClient& client) {
        // The first call on an idle channel pays for connecting: the second is timed.
        auto health = client.health(timeout);
        if (!health.ok())
            return absl::StatusOr<RegionProbe>(health.status());
        const auto t0 = Clock::now();
        health = client.health(timeout);
        const double rttMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!health.ok())
            return absl::StatusOr<RegionProbe>(health.status());
        auto stats = client.stats(timeout);
        if (!stats.ok()) {
            // Reachable, lag unknown (a token short of viewer, say): its own check decides.
            RegionProbe p;
            p.reachable = true;
            p.rttMs = rttMs;
            p.probedAtMs = nowMs();
            return absl::StatusOr<RegionProbe>(std::move(p));
        }
        return absl::StatusOr<RegionProbe>(probeFromStats({}, *stats, rttMs, nowMs()));
    });
    std::vector<RegionProbe> fresh;
    for (auto& a : answers) {
        RegionProbe p;
        if (a.answer.ok()) {
            p = std::move(*a.answer);
        } else {
            p.error = std::string(a.answer.status().message());
            p.probedAtMs = nowMs();
        }
        p.region = a.region;
        fresh.push_back(std::move(p));
    }
    std::lock_guard lock(m_mutex);
    for (auto& p : fresh) {
        auto failed = m_failedAtMs.find(p.region);
        if (failed == m_failedAtMs.end())
            continue;
        if (p.reachable && failed->second < startedMs) {
            m_failedAtMs.erase(failed);  // reached again since the failure
        } else {
            p.suspectUntilMs = failed->second + m_options.suspectFor.count();
        }
    }
    m_probes = std::move(fresh);
}

void Router::start() {
    probeNow();
    m_thread = std::thread([this] { run(); });
}

void Router::run() {
    std::unique_lock lock(m_mutex);
    while (!m_wake.wait_for(lock, m_options.probeInterval, [this] { return m_stopping; })) {
        lock.unlock();
        probeNow();
        lock.lock();
    }
}

std::vector<RegionProbe> Router::probes() const {
    std::lock_guard lock(m_mutex);
    return m_probes;
}

absl::StatusOr<Route> Router::plan(const RouteQuery& query) const {
    // Planned under the lock rather than on a copy of every probe: it takes microseconds.
    std::lock_guard lock(m_mutex);
    return planRoute(m_directory.deployment(), m_regionSet, m_probes, query, nowMs());
}

void Router::markSuspect(const std::string& region) {
    std::lock_guard lock(m_mutex);
    const int64_t now = nowMs();
    m_failedAtMs[region] = now;
    for (auto& p : m_probes) {
        if (p.region == region)
            p.suspectUntilMs = now + m_options.suspectFor.count();
    }
}

absl::StatusOr<RoutedRead> Router::getOnlineFeatures(v1::GetOnlineFeaturesRequest request,
                                                     const RouteQuery& query,
                                                     std::chrono::milliseconds timeout) {
    auto route = plan(query);
    if (!route.ok())
        return route.status();
    request.set_max_staleness_ms(query.maxStalenessMs);
    request.set_min_version(query.minVersion);
    request.set_min_version_region(query.minVersionRegion);

    using std::chrono::milliseconds;
    const auto deadline = Clock::now() + timeout;
    std::vector<std::string> failures;  // regions tried that did not serve it
    bool unreachable = false;
    for (size_t i = 0; i < route->stops.size(); ++i) {
        const auto& stop = route->stops[i];
        const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            failures.push_back(stop.region + " not tried: the deadline had passed");
            continue;
        }
        // A region that hangs keeps at most half of what is left from the ones after it.
        const bool last = i + 1 == route->stops.size();
        const auto attempt =
            last ? remaining : std::max(remaining / 2, std::min(remaining, milliseconds(250)));
        auto answer = m_directory.client(stop.region).getOnlineFeatures(request, attempt);
        if (answer.ok()) {
            RoutedRead read;
            read.response = std::move(*answer);
            read.region = stop.region;
            read.reason = stop.reason;
            // What explains the choice: the nearer regions passed over, then those tried.
            for (const auto& s : route->skipped) {
                if (s.distanceMs < stop.distanceMs)
                    read.skipped.push_back(s.text());
            }
            for (auto& f : failures)
                read.skipped.push_back(std::move(f));
            return read;
        }
        const auto& st = answer.status();
        if (isUnreachable(st)) {
            // Reads change nothing: trying the next region is always safe.
            markSuspect(stop.region);
            unreachable = true;
            failures.push_back(stop.region + " failed: " + std::string(st.message()));
            continue;
        }
        if (st.code() == absl::StatusCode::kFailedPrecondition) {
            // Its data is too old, lacks the token's version or is not kept there: another
            // region may do.
            failures.push_back(stop.region + " refused: " + std::string(st.message()));
            continue;
        }
        return st;  // a bad request or a missing right is the same everywhere
    }
    std::vector<std::string> reasons;
    for (const auto& s : route->skipped)
        reasons.push_back(s.text());
    reasons.insert(reasons.end(), failures.begin(), failures.end());
    const std::string message = "no region served this read: " + absl::StrJoin(reasons, "; ");
    return markFromRegion(
        unreachable ? absl::UnavailableError(message) : absl::FailedPreconditionError(message),
        route->stops.front().region);
}

}  // namespace meridian::client
