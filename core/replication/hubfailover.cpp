#include "replication/hubfailover.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <list>
#include <map>

#include "absl/strings/str_join.h"
#include "replication/hybridclock.h"

namespace meridian::replication {
namespace {

// How far ahead the old hub counts its changes not yet applied at the new one.
constexpr int kBacklogCap = 5'000'000;
constexpr int kProposalDeadlineMs = 2'000;
constexpr int64_t kLeaseMarginMs = 250;

int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string keyOf(const v1::FeatureView& view) {
    return view.project() + "/" + view.name();
}

void addAll(google::protobuf::RepeatedPtrField<v1::HubAssignment>* out,
            const std::vector<v1::HubAssignment>& from) {
    for (const auto& a : from)
        *out->Add() = a;
}

std::vector<v1::HubAssignment> listOf(
    const google::protobuf::RepeatedPtrField<v1::HubAssignment>& from) {
    return {from.begin(), from.end()};
}

}  // namespace

HubFailover::HubFailover(HubEpochs& epochs, RegistryReplica& registry, ChangeFeed& feed,
                         ChangeApplier& applier,
                         const std::map<std::string, std::unique_ptr<PeerLink>>& links)
    : m_epochs(epochs),
      m_registry(registry),
      m_feed(feed),
      m_applier(applier),
      m_links(links),
      // Six exchanges a lease: a hub keeps its lease through five lost in a row.
      m_intervalMs(static_cast<int>(std::max<int64_t>(100, epochs.leaseMs() / 6))) {}

HubFailover::~HubFailover() {
    stop();
}

void HubFailover::start() {
    std::lock_guard lock(m_mutex);
    if (!m_threads.empty())
        return;
    m_stopping = false;
    for (const auto& [peer, link] : m_links)
        m_threads.emplace_back([this, peer = peer] { gossip(peer); });
}

void HubFailover::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
    std::list<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> calls;
    {
        std::lock_guard lock(m_mutex);
        calls.swap(m_calls);
    }
    for (auto& [thread, done] : calls)
        thread.join();
    // Writes still waiting for a lease are answered now (the region is stopping).
    m_epochs.serviceWaiters(/*all=*/true);
}

void HubFailover::republish() {
    if (auto st = m_registry.load(); !st.ok())
        std::fprintf(stderr, "meridian-store: republishing the catalog with new hubs: %s\n",
                     std::string(st.message()).c_str());
}

HubFailover::Answer HubFailover::exchange(const std::string& peer,
                                          const v1::ExchangeHubsRequest& request, int deadlineMs,
                                          bool waitForReady) {
    Answer a;
    a.peer = peer;
    a.sentMs = steadyMs();
    auto it = m_links.find(peer);
    if (it == m_links.end()) {
        a.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "not a peer");
        return a;
    }
    if (it->second->emulation().partitioned) {
        a.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "link partitioned (emulated)");
        return a;
    }
    auto stub = v1::Replication::NewStub(it->second->channel());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadlineMs));
    // Gossip waits for a channel still connecting (a peer just started), within the deadline.
    ctx.set_wait_for_ready(waitForReady);
    a.status = stub->ExchangeHubs(&ctx, request, &a.response);
    return a;
}

std::vector<HubFailover::Answer> HubFailover::exchangeWithAll(
    const v1::ExchangeHubsRequest& request, int deadlineMs, const Enough& enough) {
    struct Gather {
        std::mutex mutex;
        std::condition_variable arrived;
        std::vector<Answer> answers;
        size_t pending = 0;
    };
    auto gather = std::make_shared<Gather>();
    gather->pending = m_links.size();
    {
        std::lock_guard lock(m_mutex);
        // Calls of earlier promotions that have ended are joined here; those still running
        // are joined at stop().
        for (auto it = m_calls.begin(); it != m_calls.end();) {
            if (*it->second) {
                it->first.join();
                it = m_calls.erase(it);
            } else {
                ++it;
            }
        }
        for (const auto& [peer, link] : m_links) {
            auto done = std::make_shared<std::atomic<bool>>(false);
            m_calls.emplace_back(
                std::thread([this, gather, done, peer = peer, request, deadlineMs] {
                    auto answer = exchange(peer, request, deadlineMs, /*waitForReady=*/true);
                    {
                        std::lock_guard lock(gather->mutex);
                        gather->answers.push_back(std::move(answer));
                        --gather->pending;
                    }
                    gather->arrived.notify_all();
                    *done = true;
                }),
                done);
        }
    }
    std::unique_lock lock(gather->mutex);
    gather->arrived.wait_for(lock, std::chrono::milliseconds(deadlineMs + 100), [&] {
        return gather->pending == 0 || (enough && enough(gather->answers));
    });
    return gather->answers;
}

void HubFailover::gossip(const std::string& peer) {
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            if (m_stopping)
                return;
        }
        v1::ExchangeHubsRequest request;
        request.set_requester(m_epochs.self());
        addAll(request.mutable_assignments(), m_epochs.known());
        // An answer later than the lease would renew nothing.
        auto answer = exchange(peer, request, static_cast<int>(m_epochs.leaseMs()),
                               /*waitForReady=*/true);
        if (answer.status.ok()) {
            auto changed =
                m_epochs.heard(peer, answer.sentMs, listOf(answer.response.assignments()));
            if (!changed.ok())
                std::fprintf(stderr, "meridian-store: hub epochs from %s: %s\n", peer.c_str(),
                             std::string(changed.status().message()).c_str());
            else if (*changed)
                republish();
        }
        // Writes waiting for the lease go on (or give up) as soon as the answer allows.
        m_epochs.serviceWaiters();
        std::unique_lock lock(m_mutex);
        // Writes waiting for a new hub's start go on when it comes, not at the next exchange.
        const int64_t opens = m_epochs.msUntilWritesOpen();
        const int64_t waitMs =
            opens >= 0 ? std::min<int64_t>(m_intervalMs, opens + 1) : m_intervalMs;
        m_wake.wait_for(lock, std::chrono::milliseconds(waitMs), [this] { return m_stopping; });
        if (m_stopping)
            return;
    }
}

absl::StatusOr<v1::ExchangeHubsResponse> HubFailover::answer(
    const v1::ExchangeHubsRequest& request) {
    v1::ExchangeHubsResponse response;
    response.set_region(m_epochs.self());
    auto changed = m_epochs.merge(listOf(request.assignments()));
    if (!changed.ok())
        return changed.status();
    if (*changed)
        republish();
    for (const auto& p : request.proposals()) {
        auto promised = m_epochs.promise(p);
        if (!promised.ok())
            return promised.status();
        if (*promised)
            response.add_promised(p.feature_view());
    }
    addAll(response.mutable_assignments(), m_epochs.known());
    if (request.with_backlog()) {
        auto backlog = m_feed.backlog(request.requester(), request.backlog_after(), kBacklogCap);
        if (!backlog.ok())
            return backlog.status();
        for (auto& b : *backlog)
            *response.add_backlog() = std::move(b);
    }
    return response;
}

void HubFailover::lossWindow(v1::ViewPromotion& view, uint64_t after, bool dryRun) {
    const std::string& hub = view.old_hub();
    v1::ExchangeHubsRequest ask;
    ask.set_requester(m_epochs.self());
    ask.set_with_backlog(true);
    ask.set_backlog_after(after);
    // Asked before the operator agrees (a dry run), the old hub is given time to connect; in
    // the promotion itself, a hub that does not answer at once is taken as gone.
    auto answer = exchange(hub, ask, kProposalDeadlineMs, /*waitForReady=*/dryRun);
    if (answer.status.ok()) {
        view.set_old_hub_reachable(true);
        int64_t pending = 0;
        for (const auto& b : answer.response.backlog())
            if (b.feature_view() == view.feature_view())
                pending = b.pending();
        view.set_not_applied(pending);
        view.set_loss_window(pending == 0
                                 ? "none: '" + m_epochs.self() + "' has applied every change of '" +
                                       hub + "' to this view"
                                 : std::to_string(pending) + " change(s) written at '" + hub +
                                       "' are not applied at '" + m_epochs.self() +
                                       "' yet; promoting now leaves them behind at the old hub");
        return;
    }
    view.set_old_hub_reachable(false);
    int64_t behind = 0;
    double lag = 0;
    if (auto it = m_links.find(hub); it != m_links.end())
        for (const auto& s : it->second->stats(wallClockMs()))
            if (s.feature_view() == view.feature_view()) {
                behind = s.changes_behind();
                lag = s.lag_seconds();
            }
    view.set_not_applied(behind);
    char lagText[32];
    std::snprintf(lagText, sizeof lagText, "%.1f s", lag);
    view.set_loss_window("'" + hub + "' does not answer (" + answer.status.error_message() +
                         "): at its last report " + std::to_string(behind) +
                         " change(s) were not applied here (lag " + lagText +
                         "); whatever it acknowledged since is lost to the new hub as well");
}

absl::StatusOr<v1::PromotionReport> HubFailover::promote(const v1::PromoteRequest& request) {
    auto report = promoteOnce(request);
    if (!report.ok() || request.dry_run())
        return report;
    // A region that had not yet heard of the last promotion proposes an epoch its peers have
    // passed; their answers taught it the newest, so it asks once more.
    for (const auto& v : report->views())
        if (!v.committed() && m_epochs.highestKnown(v.feature_view()) >= v.new_epoch())
            return promoteOnce(request);
    return report;
}

absl::StatusOr<v1::PromotionReport> HubFailover::promoteOnce(const v1::PromoteRequest& request) {
    const std::string& self = m_epochs.self();
    if (!request.to_region().empty() && request.to_region() != self)
        return absl::InvalidArgumentError("this is '" + self + "': send the promotion of '" +
                                          request.to_region() + "' to that region");
    if (request.feature_view().empty() == request.all_of().empty())
        return absl::InvalidArgumentError(
            "name either a feature view (project/view) or the region whose views to take over "
            "(all_of)");
    std::lock_guard promoting(m_promoteMutex);
    const auto started = steadyMs();
    const auto catalog = m_registry.catalog();
    const auto& regions = m_registry.regions();
    std::vector<const v1::FeatureView*> views;
    if (!request.feature_view().empty()) {
        const auto slash = request.feature_view().find('/');
        if (slash == std::string::npos)
            return absl::InvalidArgumentError("feature view '" + request.feature_view() +
                                              "': expected project/view");
        const auto* view = catalog->featureView(request.feature_view().substr(0, slash),
                                                request.feature_view().substr(slash + 1));
        if (!view)
            return absl::NotFoundError("no feature view '" + request.feature_view() +
                                       "' in the registry of '" + self + "'");
        if (view->replication().mode() != v1::ReplicationPolicy::HUB_SPOKE)
            return absl::FailedPreconditionError(
                "feature view '" + request.feature_view() +
                "' is not hub-and-spoke: only a hub-and-spoke view has a hub to move");
        views.push_back(view);
    } else {
        if (!regions.find(request.all_of()))
            return absl::NotFoundError("'" + request.all_of() +
                                       "' is not a region of the deployment");
        for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            if (v.replication().mode() == v1::ReplicationPolicy::HUB_SPOKE &&
                v.replication().hub() == request.all_of())
                views.push_back(&v);
        }
        if (views.empty())
            return absl::NotFoundError("no hub-and-spoke view has its hub in '" + request.all_of() +
                                       "'");
    }
    for (const auto* v : views) {
        const auto key = keyOf(*v);
        const auto& r = v->replication();
        if (std::find(r.regions().begin(), r.regions().end(), self) == r.regions().end())
            return absl::FailedPreconditionError(
                "feature view '" + key + "' is not replicated to '" + self +
                "' (its regions: " + absl::StrJoin(r.regions(), ", ") + ")");
        if (!regions.allowedRegions(v->residency()).count(self))
            return absl::FailedPreconditionError(
                "feature view '" + key + "' may not store data in '" + self + "' (residency)");
        const uint64_t epoch = m_epochs.assignmentOf(key, r.hub()).epoch();
        if (r.hub() == self && m_epochs.promisedEpoch(key) <= epoch)
            return absl::FailedPreconditionError("'" + self + "' is already the hub of '" + key +
                                                 "' (epoch " + std::to_string(epoch) + ")");
    }

    v1::PromotionReport report;
    report.set_to_region(self);
    report.set_regions(m_epochs.regionCount());
    report.set_majority(majorityOf(m_epochs.regionCount()));
    report.set_dry_run(request.dry_run());
    std::vector<v1::HubAssignment> proposals;
    for (const auto* v : views) {
        const auto key = keyOf(*v);
        auto* p = report.add_views();
        p->set_feature_view(key);
        p->set_old_hub(v->replication().hub());
        p->set_old_epoch(m_epochs.assignmentOf(key, v->replication().hub()).epoch());
        p->set_new_epoch(m_epochs.highestKnown(key) + 1);
        // How far the old hub's log is applied here: what the loss window counts after.
        auto cursor = m_applier.cursor(p->old_hub());
        const uint64_t applied = cursor.ok() && p->old_hub() != self ? *cursor : 0;
        if (p->old_hub() == self) {
            p->set_old_hub_reachable(true);
            p->set_loss_window("none: '" + self + "' is the hub taking its own epoch back");
        } else {
            lossWindow(*p, applied, request.dry_run());
        }
        v1::HubAssignment a;
        a.set_feature_view(key);
        a.set_hub(self);
        a.set_epoch(p->new_epoch());
        a.set_previous_hub(p->old_hub());
        a.set_previous_applied_seq(applied);
        a.set_assigned_at(wallClockMs());
        proposals.push_back(std::move(a));
    }
    if (request.dry_run()) {
        report.set_elapsed_ms(steadyMs() - started);
        return report;
    }

    // Phase one: promises, this region's own first.
    std::map<std::string, std::vector<std::string>> promisedBy;
    for (const auto& a : proposals) {
        auto mine = m_epochs.promise(a);
        if (!mine.ok())
            return mine.status();
        if (*mine)
            promisedBy[a.feature_view()].push_back(self);
    }
    v1::ExchangeHubsRequest propose;
    propose.set_requester(self);
    addAll(propose.mutable_assignments(), m_epochs.known());
    addAll(propose.mutable_proposals(), proposals);
    bool changed = false;
    // Enough once every view has a majority of promises: a region that does not answer holds
    // up nothing.
    const int needed = majorityOf(m_epochs.regionCount());
    auto majorityPromised = [&](const std::vector<Answer>& answers) {
        std::map<std::string, int> count;
        for (const auto& a : answers)
            if (a.status.ok())
                for (const auto& v : a.response.promised())
                    ++count[v];
        for (const auto& p : proposals)
            if (count[p.feature_view()] + (promisedBy.count(p.feature_view()) ? 1 : 0) < needed)
                return false;
        return true;
    };
    for (auto& answer : exchangeWithAll(propose, kProposalDeadlineMs, majorityPromised)) {
        if (!answer.status.ok()) {
            report.add_unreachable(answer.peer + ": " + answer.status.error_message());
            continue;
        }
        for (const auto& view : answer.response.promised())
            promisedBy[view].push_back(answer.peer);
        auto heard =
            m_epochs.heard(answer.peer, answer.sentMs, listOf(answer.response.assignments()));
        if (heard.ok() && *heard)
            changed = true;
    }

    // Commit what a majority promised.
    const int majority = majorityOf(m_epochs.regionCount());
    const int64_t committedAt = steadyMs();
    for (size_t i = 0; i < proposals.size(); ++i) {
        auto& view = *report.mutable_views(static_cast<int>(i));
        const auto& by = promisedBy[view.feature_view()];
        for (const auto& r : by)
            view.add_promised(r);
        if (static_cast<int>(by.size()) < majority) {
            const bool oldHubPromised = std::find(by.begin(), by.end(), view.old_hub()) != by.end();
            view.set_error("only " + std::to_string(by.size()) + " of " +
                           std::to_string(m_epochs.regionCount()) + " regions promised epoch " +
                           std::to_string(view.new_epoch()) + " (a majority is " +
                           std::to_string(majority) + "): not promoted" +
                           (oldHubPromised ? "; '" + view.old_hub() +
                                                 "' promised and stopped accepting writes: "
                                                 "promote again when a majority answers, or "
                                                 "promote '" +
                                                 view.old_hub() + "' back"
                                           : ""));
            continue;
        }
        const bool oldHubPromised =
            view.old_hub() == self || std::find(by.begin(), by.end(), view.old_hub()) != by.end();
        // The old hub checks its lease again once a write is durable, before acknowledging it;
        // a margin covers that check and the commit it follows.
        const int64_t wait = oldHubPromised ? 0 : m_epochs.leaseMs() + kLeaseMarginMs;
        if (auto st = m_epochs.commit(proposals[i], committedAt + wait); !st.ok()) {
            view.set_error(std::string(st.message()));
            continue;
        }
        view.set_committed(true);
        view.set_writes_after_ms(wait);
        changed = true;
        std::fprintf(stderr,
                     "meridian-store: promoted to hub of %s in epoch %llu (was %s); %lld "
                     "change(s) of the old hub not applied\n",
                     view.feature_view().c_str(), static_cast<unsigned long long>(view.new_epoch()),
                     view.old_hub().c_str(), static_cast<long long>(view.not_applied()));
    }
    if (changed)
        republish();

    // Phase two: the commit, sent to every region without waiting for answers; a region that
    // misses it learns it from the next exchange.
    v1::ExchangeHubsRequest announce;
    announce.set_requester(self);
    addAll(announce.mutable_assignments(), m_epochs.known());
    exchangeWithAll(announce, kProposalDeadlineMs, [](const std::vector<Answer>&) { return true; });
    report.set_elapsed_ms(steadyMs() - started);
    return report;
}

absl::StatusOr<v1::ListHubsResponse> HubFailover::list(const v1::ListHubsRequest& request) {
    v1::ListHubsResponse response;
    response.set_region(m_epochs.self());
    addAll(response.mutable_assignments(), m_epochs.assignments(*m_registry.catalog()));
    int64_t total = 0;
    auto orphans = m_epochs.orphans(std::clamp(request.orphans_limit(), 0, 100'000), &total);
    if (!orphans.ok())
        return orphans.status();
    for (auto& o : *orphans)
        *response.add_orphans() = std::move(o);
    response.set_orphans_total(total);
    return response;
}

}  // namespace meridian::replication
