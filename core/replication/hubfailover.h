#pragma once
// Failover of hub-and-spoke views between regions: the exchange of hub epochs every half
// heartbeat with each peer (over the peer links, mutual TLS as a peer), its answer, and the
// promotion of a region to hub, run by the region being promoted.
//
// A promotion, per view: the loss window first (the old hub's changes of the view not applied
// here, asked of the old hub, else its last report); then promises of the next epoch from a
// majority of the deployment's regions (the old hub, when it answers, stops accepting writes as
// it promises); then the commit here and its announcement to every region (regions that miss it
// learn it from the next exchange). The new hub accepts writes one lease period after the
// commit unless the old hub promised (hubepochs.h).

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "replication/changeapplier.h"
#include "replication/changefeed.h"
#include "replication/hubepochs.h"
#include "replication/peerlink.h"
#include "replication/registryreplica.h"

namespace meridian::replication {

class HubFailover {
public:
    HubFailover(HubEpochs& epochs, RegistryReplica& registry, ChangeFeed& feed,
                ChangeApplier& applier,
                const std::map<std::string, std::unique_ptr<PeerLink>>& links);
    ~HubFailover();

    void start();
    void stop();

    // This region's side of a peer's ExchangeHubs.
    absl::StatusOr<v1::ExchangeHubsResponse> answer(const v1::ExchangeHubsRequest& request);
    // Promotes this region (PromoteRequest); the report says per view what happened.
    absl::StatusOr<v1::PromotionReport> promote(const v1::PromoteRequest& request);
    absl::StatusOr<v1::ListHubsResponse> list(const v1::ListHubsRequest& request);

private:
    struct Answer {
        std::string peer;
        grpc::Status status;
        v1::ExchangeHubsResponse response;
        int64_t sentMs = 0;
    };
    // Sends `request` to every peer at once (partitioned links excluded) and waits for all.
    // A promotion's calls fail fast on a peer that cannot be reached (a dead old hub must not
    // hold it up); gossip waits for a channel still connecting (`waitForReady`).
    // Returns once every peer answered, `enough` says so, or the deadline passed; calls still
    // running finish in the background (joined at stop()).
    using Enough = std::function<bool(const std::vector<Answer>&)>;
    std::vector<Answer> exchangeWithAll(const v1::ExchangeHubsRequest& request, int deadlineMs,
                                        const Enough& enough = {});
    Answer exchange(const std::string& peer, const v1::ExchangeHubsRequest& request, int deadlineMs,
                    bool waitForReady = false);
    absl::StatusOr<v1::PromotionReport> promoteOnce(const v1::PromoteRequest& request);
    void gossip(const std::string& peer);
    // After assignments changed: the registry's catalog is published again with them.
    void republish();
    // The old hub's changes of the view not applied here, those after seq `after` of its
    // log (ViewPromotion fields 5 to 7).
    void lossWindow(v1::ViewPromotion& view, uint64_t after, bool dryRun);

    HubEpochs& m_epochs;
    RegistryReplica& m_registry;
    ChangeFeed& m_feed;
    ChangeApplier& m_applier;
    const std::map<std::string, std::unique_ptr<PeerLink>>& m_links;
    int m_intervalMs;
    std::mutex m_promoteMutex;  // one promotion at a time

    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
    // Calls of promotions, each with whether it has ended (guarded by m_mutex).
    std::list<std::pair<std::thread, std::shared_ptr<std::atomic<bool>>>> m_calls;
};

}  // namespace meridian::replication
