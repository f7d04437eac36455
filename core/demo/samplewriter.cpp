#include "demo/samplewriter.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/str_join.h"
#include "datagen/rowgenerator.h"
#include "replication/replicationpolicy.h"
#include "rows/eventtime.h"

namespace meridian::demo {
namespace {

constexpr size_t kSeedBatchRows = 500;

// FNV-1a: a seed per view (and region) that is the same on every machine and run.
uint64_t stableHash(const std::string& text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string count(int64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return digits;
}

v1::WriteFeaturesRequest requestFor(const SampleView& view) {
    v1::WriteFeaturesRequest request;
    request.set_project(view.view.project());
    request.set_feature_view(view.view.name());
    request.set_target(view.target);
    return request;
}

// A model reading what was just written, as a serving path would: the entities of the batch
// from the same region, read-your-writes. Its answer does not matter here; the region's read
// rate and serving latency do.
absl::Status readBack(client::RegionClient& client, const SampleView& view,
                      const v1::WriteFeaturesRequest& written,
                      const v1::WriteFeaturesResponse& answer) {
    constexpr int kMaxEntities = 20;
    v1::GetOnlineFeaturesRequest read;
    read.set_project(view.view.project());
    read.mutable_features()->add_refs(view.view.name() + ":*");
    read.set_min_version(answer.version());
    read.set_min_version_region(answer.region());
    for (int i = 0; i < written.rows_size() && i < kMaxEntities; ++i)
        *read.add_entities()->mutable_keys() = written.rows(i).keys();
    return client.getOnlineFeatures(read).status();
}

}  // namespace

v1::WriteTarget sampleTargetOf(const v1::FeatureView& view) {
    const bool online = !view.has_online() || view.online();
    const bool offline = !view.has_offline() || view.offline();
    if (view.replication().mode() == v1::ReplicationPolicy::BATCH || !online)
        return v1::OFFLINE;
    if (!offline)
        return v1::ONLINE;
    return v1::ONLINE_AND_OFFLINE;
}

absl::StatusOr<std::vector<SampleView>> sampleViewsOf(const registry::Catalog& catalog,
                                                      const deployment::Deployment* deployment,
                                                      const std::vector<std::string>& only) {
    const auto views = catalog.ofKind(v1::FEATURE_VIEW);
    std::vector<std::string> known;
    for (const auto* o : views)
        known.push_back(o->feature_view().project() + "/" + o->feature_view().name());
    // Each name asked for, resolved to "project/view".
    std::set<std::string> wanted;
    for (const auto& name : only) {
        std::vector<std::string> matches;
        for (const auto& k : known) {
            if (k == name || k.substr(k.find('/') + 1) == name)
                matches.push_back(k);
        }
        if (matches.empty())
            return absl::NotFoundError("feature view '" + name + "' not found (" +
                                       (known.empty()
                                            ? std::string("the registry holds no feature view yet")
                                            : "feature views: " + absl::StrJoin(known, ", ")) +
                                       ")");
        if (matches.size() > 1)
            return absl::InvalidArgumentError(
                "feature view '" + name + "' is in several projects (" +
                absl::StrJoin(matches, ", ") + "); name it as project/view");
        wanted.insert(matches.front());
    }
    std::vector<SampleView> out;
    for (const auto* o : views) {
        const auto& view = o->feature_view();
        SampleView s;
        s.view = view;
        s.key = view.project() + "/" + view.name();
        if (!only.empty() && !wanted.count(s.key))
            continue;
        for (const auto& r :
             deployment ? deployment->regions : std::vector<deployment::RegionEntry>{}) {
            if (replication::writesHere(view, r.info.name))
                s.writers.push_back(r.info.name);
        }
        if (deployment && s.writers.empty()) {
            if (only.empty())
                continue;
            return absl::FailedPreconditionError("no region of deployment '" + deployment->name +
                                                 "' accepts writes of " + s.key + " (" +
                                                 replication::modeName(view.replication().mode()) +
                                                 ", owner region '" + view.owner_region() + "')");
        }
        auto schema = rows::featureRowSchema(catalog, view);
        if (!schema.ok())
            return schema.status();
        s.schema = std::move(*schema);
        s.target = sampleTargetOf(view);
        out.push_back(std::move(s));
    }
    return out;
}

SampleWriter::SampleWriter(client::RegionDirectory* regions, std::vector<SampleView> views,
                           uint64_t seed)
    : m_regions(regions), m_views(std::move(views)), m_seed(seed) {}

std::vector<v1::FeatureRow> SampleWriter::rows(const SampleView& view, int n, int64_t spanMs) {
    datagen::RowGenerator generator(view.view, view.schema.joinKeys, m_seed ^ stableHash(view.key));
    const int64_t now = rows::nowMs();
    std::vector<v1::FeatureRow> out;
    out.reserve(static_cast<size_t>(std::max(n, 0)));
    for (int i = 0; i < n; ++i)
        out.push_back(generator.next(now - spanMs + spanMs * (i + 1) / std::max(n, 1)));
    return out;
}

absl::StatusOr<int64_t> SampleWriter::seed(int rowsPerView, int64_t spanMs,
                                           const Progress& progress) {
    if (!m_regions)
        return absl::FailedPreconditionError("no regions to write sample rows to");
    int64_t total = 0;
    for (const auto& view : m_views) {
        if (view.writers.empty())
            return absl::FailedPreconditionError("no region accepts writes of " + view.key);
        auto rowsOfView = rows(view, rowsPerView, spanMs);
        std::map<std::string, int64_t> perRegion;
        // Every writer gets its share even of a few rows.
        const size_t writers = view.writers.size();
        const int batchRows = static_cast<int>(
            std::clamp<size_t>((rowsOfView.size() + writers - 1) / writers, 1, kSeedBatchRows));
        size_t next = 0;
        for (size_t batch = 0; next < rowsOfView.size(); ++batch) {
            const std::string& region = view.writers[batch % writers];
            auto request = requestFor(view);
            for (int i = 0; i < batchRows && next < rowsOfView.size(); ++i)
                *request.add_rows() = std::move(rowsOfView[next++]);
            auto response = m_regions->client(region).writeFeatures(request);
            if (!response.ok())
                return absl::Status(response.status().code(),
                                    "writing sample rows of " + view.key + " at " + region + ": " +
                                        std::string(response.status().message()));
            perRegion[region] += request.rows_size();
            total += request.rows_size();
        }
        if (progress) {
            std::vector<std::string> where;
            for (const auto& [region, n] : perRegion)
                where.push_back(count(n) + " at " + region);
            const char* target = view.target == v1::ONLINE    ? "online"
                                 : view.target == v1::OFFLINE ? "offline"
                                                              : "online and offline";
            progress("  " + view.key + ": " + absl::StrJoin(where, ", ") + " (" + target + ")");
        }
    }
    return total;
}

int64_t SampleWriter::follow(double rowsPerSecond, const std::atomic<bool>& stop,
                             const Progress& progress, int batchMs) {
    if (!m_regions)
        return 0;
    std::mutex reportMutex;
    Progress report = [&](const std::string& line) {
        std::lock_guard lock(reportMutex);
        if (progress)
            progress(line);
    };
    std::set<std::string> writing;
    for (const auto& v : m_views)
        writing.insert(v.writers.begin(), v.writers.end());
    std::atomic<int64_t> written{0};
    std::vector<std::thread> threads;
    for (const auto& region : m_regions->names()) {
        if (!writing.count(region))
            continue;
        threads.emplace_back(
            [&, region] { followRegion(region, rowsPerSecond, stop, report, batchMs, written); });
    }
    for (auto& t : threads)
        t.join();
    return written.load();
}

bool SampleWriter::followHub(const std::string& viewKey, std::string& target,
                             const absl::Status& refusal,
                             std::chrono::steady_clock::time_point& askedAt,
                             const Progress& progress) {
    // Refused by an old hub: it names the new one.
    std::string hub;
    const std::string message(refusal.message());
    const std::string marker = "write to its hub '";
    if (refusal.code() == absl::StatusCode::kFailedPrecondition) {
        if (const auto at = message.find(marker); at != std::string::npos) {
            const auto start = at + marker.size();
            hub = message.substr(start, message.find('\'', start) - start);
        }
    } else if (client::isUnreachable(refusal) || refusal.code() == absl::StatusCode::kUnavailable) {
        // The hub is down or not taking writes: ask the regions, every few seconds, whether a
        // promotion moved it.
        const auto now = std::chrono::steady_clock::now();
        if (now - askedAt < std::chrono::seconds(3))
            return false;
        askedAt = now;
        uint64_t newest = 0;
        for (const auto& name : m_regions->names()) {
            auto hubs = m_regions->client(name).listHubs();
            if (!hubs.ok())
                continue;
            for (const auto& a : hubs->assignments())
                if (a.feature_view() == viewKey && a.epoch() > newest) {
                    newest = a.epoch();
                    hub = a.hub();
                }
        }
    }
    if (hub.empty() || hub == target || !m_regions->contains(hub))
        return false;
    progress(viewKey + ": its hub is now " + hub + "; writing there instead of " + target);
    target = hub;
    return true;
}

void SampleWriter::followRegion(const std::string& region, double rowsPerSecond,
                                const std::atomic<bool>& stop, const Progress& progress,
                                int batchMs, std::atomic<int64_t>& written) {
    struct Source {
        const SampleView* view;
        std::unique_ptr<datagen::RowGenerator> generator;
        // Where its rows go: this region, or the hub a hub-and-spoke view moved to since.
        std::string target;
        std::chrono::steady_clock::time_point askedHub{};
    };
    std::vector<Source> sources;
    for (const auto& v : m_views) {
        if (std::find(v.writers.begin(), v.writers.end(), region) == v.writers.end())
            continue;
        sources.push_back(
            {&v,
             std::make_unique<datagen::RowGenerator>(v.view, v.schema.joinKeys,
                                                     m_seed ^ stableHash(v.key + "@" + region)),
             region});
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto next = started;
    int64_t due = 0;  // rows owed since the start, written or not
    size_t turn = 0;
    bool down = false;
    std::set<std::string> refusals;  // reported once each
    while (!stop) {
        next += std::chrono::milliseconds(batchMs);
        while (!stop && Clock::now() < next)
            std::this_thread::sleep_for(
                std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(50)));
        if (stop)
            break;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        const auto target = static_cast<int64_t>(elapsed * rowsPerSecond);
        const int64_t owed = target - due;
        due = target;
        if (owed <= 0)
            continue;
        // Rows a region misses while down are not made up later: the rate stays the rate.
        const auto n = static_cast<int64_t>(sources.size());
        for (int64_t i = 0; i < n && !stop; ++i) {
            auto& source = sources[(turn + static_cast<size_t>(i)) % sources.size()];
            const int64_t rowsHere = owed / n + (i < owed % n ? 1 : 0);
            if (rowsHere == 0)
                continue;
            auto request = requestFor(*source.view);
            const int64_t at = rows::nowMs();
            for (int64_t r = 0; r < rowsHere; ++r)
                *request.add_rows() = source.generator->next(at);
            auto& client = m_regions->client(source.target);
            auto response = client.writeFeatures(request);
            if (response.ok()) {
                written += rowsHere;
                if (source.view->target != v1::OFFLINE) {
                    const auto read = readBack(client, *source.view, request, *response);
                    const std::string refusal =
                        "reading back " + source.view->key + ": " + std::string(read.message());
                    if (!read.ok() && refusals.insert(refusal).second)
                        progress(region + " refused " + refusal);
                }
                if (down) {
                    progress(region + " answers again; writing resumed");
                    down = false;
                }
                continue;
            }
            const bool hubSpoke =
                source.view->view.replication().mode() == v1::ReplicationPolicy::HUB_SPOKE;
            if (hubSpoke && followHub(source.view->key, source.target, response.status(),
                                      source.askedHub, progress))
                continue;
            if (client::isUnreachable(response.status())) {
                if (!down)
                    progress(region + " does not answer (" +
                             std::string(response.status().message()) +
                             "); trying again every batch");
                down = true;
                break;
            }
            const std::string refusal =
                source.view->key + ": " + std::string(response.status().message());
            if (refusals.insert(refusal).second)
                progress(region + " refused rows of " + refusal);
        }
        ++turn;
    }
}

}  // namespace meridian::demo
