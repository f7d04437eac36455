#pragma once
// Who is the hub of each hub-and-spoke view, in which epoch, and whether this region may
// acknowledge writes as that hub now.
//
// A view's hub starts as the one its spec names (epoch 1). A promotion (hubfailover.h) moves it
// to another region in the next epoch once a majority of regions promised that epoch; regions
// learn committed epochs from each other every half heartbeat and adopt the highest. The
// registry's catalog is published with the hubs of this table (overlay()), so every rule that
// asks who writes a view (the writer, the feed, the applier, routing) follows a promotion.
//
// A hub acknowledges writes of a view only while it holds a lease: an answer within the last
// lease period from enough peers (n - majority of them) that they know of no newer epoch and
// promised none. Any majority a promotion gathers without the old hub shares a region with any
// such set, so an old hub cut off or restarted stops acknowledging before a new hub starts
// (the new hub waits one lease period after its commit, unless the old hub promised).

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "meridian/v1/replication.pb.h"
#include "registry/catalog.h"
#include "storage/database.h"

namespace meridian::replication {

class AlertBoard;

inline int majorityOf(int regions) {
    return regions / 2 + 1;
}

class HubEpochs {
public:
    HubEpochs(storage::Database& db, std::string self, int regionCount, int64_t leaseMs);

    absl::Status load();
    void setAlerts(AlertBoard* alerts) { m_alerts = alerts; }

    const std::string& self() const { return m_self; }
    int regionCount() const { return m_regionCount; }
    int64_t leaseMs() const { return m_leaseMs; }
    // Peers a hub needs a recent answer from to acknowledge writes.
    int peersForLease() const { return m_regionCount - majorityOf(m_regionCount); }

    // The registry's catalog with promoted hubs in place of the specs' (the same pointer when
    // nothing was promoted).
    registry::CatalogPtr overlay(registry::CatalogPtr raw) const;

    // The assignment of every hub-and-spoke view of `catalog` (an overlaid catalog), and of
    // views promoted here that it does not know.
    std::vector<v1::HubAssignment> assignments(const registry::Catalog& catalog) const;
    v1::HubAssignment assignmentOf(const std::string& viewKey, const std::string& specHub) const;

    // Whether this region, the view's hub by `catalog`, may acknowledge a write of it now:
    // UNAVAILABLE while its lease is not held, FAILED_PRECONDITION while a promotion it
    // promised is under way.
    absl::Status admitsWrite(const std::string& viewKey) const;
    // Runs `then` once a write of the view is admitted (OK) or, at the latest, after
    // `timeoutMs` with admitsWrite()'s answer; at once when the view is not waiting for a lease
    // (admitted, or refused for a reason waiting cannot change). `then` runs on the thread
    // that found the answer (a gossip thread, or the caller's).
    void whenAdmitted(const std::string& viewKey, int64_t timeoutMs,
                      std::function<void(const absl::Status&)> then);
    // Answers the waiters whose gate opened or whose time ran out (gossip threads call it);
    // `all`: every waiter, admitted or not (the region is stopping).
    void serviceWaiters(bool all = false);
    // With writes waiting: milliseconds until a new hub's wait ends (when they can go on);
    // else -1.
    int64_t msUntilWritesOpen() const;
    // The same as a gate description ("" when writes are admitted).
    std::string gate(const std::string& viewKey) const;

    // An answer of `peer` to an exchange sent at `sentMs` (steady ms): adopts newer epochs it
    // reports and renews the lease it grants. True when an assignment changed here.
    absl::StatusOr<bool> heard(const std::string& peer, int64_t sentMs,
                               const std::vector<v1::HubAssignment>& theirs);
    // Assignments a peer sent unasked (gossip, a promotion's commit): adopts newer epochs.
    absl::StatusOr<bool> merge(const std::vector<v1::HubAssignment>& theirs);
    // A promotion's proposal: promises its epoch when it is above every epoch this region holds
    // or promised for the view (or the same proposal again). Persisted before it answers.
    absl::StatusOr<bool> promise(const v1::HubAssignment& proposal);
    // The promoting region's commit: adopts `assignment` (its epoch must be new) and, as its
    // hub, accepts writes from `writesFromMs` (steady ms) on.
    absl::Status commit(const v1::HubAssignment& assignment, int64_t writesFromMs);
    uint64_t promisedEpoch(const std::string& viewKey) const;
    // The highest epoch of the view this region holds, promised, or heard a peer hold or promise.
    uint64_t highestKnown(const std::string& viewKey) const;
    // What this region holds beyond the specs (promoted views and promises), for exchanges.
    std::vector<v1::HubAssignment> known() const;

    // Changes this region acknowledged as an old hub that never reached the new one.
    absl::StatusOr<std::vector<v1::OrphanedChange>> orphans(int limit, int64_t* total) const;

private:
    struct ViewState {
        v1::HubAssignment assigned;  // epoch 0: never promoted (the spec's hub, epoch 1)
        uint64_t promised = 0;
        int64_t writesFromMs = 0;  // a new hub's own start (steady ms)
    };

    // Adopts the assignments newer than what is held for their views (persisted first; the
    // old hub's orphans listed after); `committing`, when given, is this region's own commit,
    // accepting writes from `writesFromMs`. True when anything changed.
    absl::StatusOr<bool> adopt(const std::vector<v1::HubAssignment>& theirs,
                               const v1::HubAssignment* committing, int64_t writesFromMs);
    absl::Status persist(const std::vector<std::pair<std::string, ViewState>>& states);
    absl::Status recordOrphans(const v1::HubAssignment& a, uint64_t heldEpoch);
    uint64_t epochLocked(const std::string& viewKey) const;
    std::string gateLocked(const std::string& viewKey, int64_t nowMs) const;

    storage::Database& m_db;
    std::string m_self;
    int m_regionCount;
    int64_t m_leaseMs;
    AlertBoard* m_alerts = nullptr;

    // Changes of assignments and promises, one at a time, with their database writes; m_mutex
    // guards the state in memory and is never held across database work.
    std::mutex m_updateMutex;
    mutable std::mutex m_mutex;
    std::map<std::string, ViewState> m_views;
    // Per peer: when the latest exchange it answered without a newer epoch or promise for any
    // view was sent (steady ms). The lease of every view this region hubs.
    std::map<std::string, int64_t> m_grantedAt;
    struct Waiter {
        std::string viewKey;
        int64_t deadlineMs = 0;
        std::function<void(const absl::Status&)> then;
    };
    mutable std::mutex m_waitMutex;
    std::vector<Waiter> m_waiters;
    // Per peer and view: the peer's epoch and promise, from its latest answer.
    std::map<std::string, std::map<std::string, uint64_t>> m_peerPromised;
};

}  // namespace meridian::replication
