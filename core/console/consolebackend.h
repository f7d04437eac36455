#pragma once
// Everything the console asks of a deployment, asynchronously: each call returns at once and
// its callback runs later on a gRPC thread with plain structs (consoledata.h). One channel per
// region, reused; every call has a deadline, so a region that is down answers within it.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "console/consoledata.h"

namespace meridian::deployment {
struct Deployment;
}

namespace meridian::console {

class ConsoleBackend {
public:
    template <typename T>
    using Callback = std::function<void(absl::StatusOr<T>)>;

    // A running watch of a sync job; destroying or cancel()ing it stops the stream.
    class Watch {
    public:
        virtual ~Watch() = default;
        virtual void cancel() = 0;
    };

    // `deadlineMs` bounds every call; poll() uses the shorter `pollDeadlineMs` so that a region
    // that stopped answering shows as down within one poll interval plus that.
    explicit ConsoleBackend(deployment::Deployment deployment, int deadlineMs = 2000,
                            int pollDeadlineMs = 1200);
    // The same for a deployment file; the error names the file and what is wrong in it.
    static absl::StatusOr<std::unique_ptr<ConsoleBackend>> open(const std::string& deploymentPath,
                                                                int deadlineMs = 2000,
                                                                int pollDeadlineMs = 1200);
    // Cancels every call in flight and waits for their callbacks to return; callbacks that
    // have not started by then never run. Must not be called from one of its own callbacks.
    ~ConsoleBackend();
    ConsoleBackend(const ConsoleBackend&) = delete;
    ConsoleBackend& operator=(const ConsoleBackend&) = delete;

    const deployment::Deployment& deployment() const;
    // The bearer token sent to every region from now on, for deployments whose regions
    // require one (empty: none).
    void setToken(std::string token);
    const std::string& name() const;  // the deployment's
    const std::string& path() const;  // its file
    // Regions and links as the deployment file describes them, before any poll.
    DeploymentSnapshot layout() const;

    // Health and Stats of every region; a region that does not answer within the deadline is
    // in the snapshot as down. The callback runs once, with every region. `withLagHistory`
    // also brings each link's lag samples as its region recorded them: those taken after
    // `lagHistoryAfterMs` (0: the whole record, the last hour).
    void poll(bool withLagHistory, Callback<DeploymentSnapshot> done,
              int64_t lagHistoryAfterMs = 0);

    // The registry as `region` holds it (the control region when empty).
    void listRegistry(const std::string& region, Callback<std::vector<RegistryEntry>> done);
    void history(const std::string& region, ObjectKind kind, const std::string& project,
                 const std::string& name, Callback<std::vector<RegistryEntry>> done);
    void diff(const std::string& region, ObjectKind kind, const std::string& project,
              const std::string& name, int64_t fromVersion, int64_t toVersion,
              Callback<std::vector<FieldDiff>> done);
    void lineage(const std::string& region, const std::string& project,
                 Callback<LineageGraph> done);

    // Sync jobs of every region, newest first.
    void jobs(int limit, Callback<std::vector<SyncJobInfo>> done);
    // Runs at `to`, pulling from `from`; scope "project/view" entries (empty: everything).
    void triggerSync(const std::string& from, const std::string& to, SyncJobInfo::Kind kind,
                     const std::vector<std::string>& scope, const std::string& principal,
                     Callback<SyncJobInfo> done);
    std::unique_ptr<Watch> watchJob(const std::string& region, const std::string& id,
                                    std::function<void(const SyncJobInfo&)> update,
                                    std::function<void(const absl::Status&)> finished);
    void cancelJob(const std::string& region, const std::string& id, Callback<SyncJobInfo> done);

    // What every region sent in [since, until), priced.
    void cost(int64_t sinceMs, int64_t untilMs, Callback<CostReport> done);
    // Alerts raised by the regions themselves, plus a "region_down" alert (region "console")
    // for each region that did not answer.
    void alerts(bool includeCleared, Callback<std::vector<AlertInfo>> done);
    // The audit logs of every region since `sinceMs`, newest first (at most `limit` a region);
    // regions that do not answer are left out, an error only when none answers.
    void audit(int64_t sinceMs, int limit, Callback<std::vector<AuditEntryInfo>> done);
    // Erasure of an entity ("user_id=1042"), in `views` ("project/view"; empty: every view
    // keyed by exactly its join keys). What every region holds of it (an error only when the
    // entity or a view is refused, or no region answers); the erasure, coordinated by
    // `coordinator` (empty: the control region); the erasures of every region, newest first
    // (erasurecalls.cpp).
    void previewErasure(const std::string& entity, const std::vector<std::string>& views,
                        Callback<ErasurePreview> done);
    void erase(const std::string& coordinator, const std::string& entity,
               const std::vector<std::string>& views, Callback<ErasureJobInfo> done);
    void erasures(int limit, Callback<std::vector<ErasureJobInfo>> done);
    // Every pair of regions' online stores compared, view by view (reads every row of both:
    // seconds per million rows); a pair that cannot be compared says why.
    void checkConsistency(Callback<std::vector<ConsistencyCheckInfo>> done);
    // For a caller in each region and each feature service, the region a routed read goes to
    // and why, from every region's Stats (its lags and links) and the registry.
    void routes(int64_t maxStalenessMs, Callback<RoutingTable> done);
    // Every region's view of who hubs each hub-and-spoke view, merged (hubcalls.cpp); an error
    // only when no region answers.
    void hubs(Callback<HubTable> done);
    // Moves the hub of `view` ("project/view") to `toRegion`, run there; `dryRun` only states
    // the loss window.
    void promote(const std::string& view, const std::string& toRegion, bool dryRun,
                 Callback<PromotionInfo> done);
    // Who the regions take this console for: the first region that answers; when the regions
    // refuse the console's credentials, an Identity whose `refusal` says why.
    void whoAmI(Callback<Identity> done);

private:
    struct Impl;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace meridian::console
