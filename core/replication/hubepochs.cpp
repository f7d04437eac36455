#include "replication/hubepochs.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "replication/alertboard.h"
#include "replication/hybridclock.h"
#include "storage/changelogtable.h"
#include "storage/entitykey.h"

namespace meridian::replication {
namespace {

// The old hub lists at most this many of its changes that never reached the new one (they are
// all counted).
constexpr int64_t kMaxOrphansListed = 100'000;

int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string viewKeyOf(const v1::FeatureView& view) {
    return view.project() + "/" + view.name();
}

std::pair<std::string, std::string> splitKey(const std::string& key) {
    const auto slash = key.find('/');
    if (slash == std::string::npos)
        return {std::string(), key};
    return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace

HubEpochs::HubEpochs(storage::Database& db, std::string self, int regionCount, int64_t leaseMs)
    : m_db(db), m_self(std::move(self)), m_regionCount(regionCount), m_leaseMs(leaseMs) {}

absl::Status HubEpochs::load() {
    std::map<std::string, ViewState> views;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare("SELECT feature_view, promised, assignment FROM hub_epochs");
        while (q.step()) {
            ViewState s;
            s.promised = static_cast<uint64_t>(q.int64(1));
            if (!q.isNull(2)) {
                const auto blob = q.blob(2);
                if (!s.assigned.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
                    return absl::DataLossError("hub_epochs: the assignment of '" +
                                               std::string(q.text(0)) + "' does not parse");
            }
            views[std::string(q.text(0))] = std::move(s);
        }
        return q.finish();
    });
    if (!st.ok())
        return st;
    std::lock_guard lock(m_mutex);
    m_views = std::move(views);
    return absl::OkStatus();
}

registry::CatalogPtr HubEpochs::overlay(registry::CatalogPtr raw) const {
    std::lock_guard lock(m_mutex);
    std::shared_ptr<registry::Catalog> patched;
    for (const auto& [key, s] : m_views) {
        if (s.assigned.epoch() < 2)
            continue;
        const auto [project, name] = splitKey(key);
        const auto* object =
            (patched ? patched.get() : raw.get())->find({v1::FEATURE_VIEW, project, name});
        if (!object ||
            object->feature_view().replication().mode() != v1::ReplicationPolicy::HUB_SPOKE ||
            object->feature_view().replication().hub() == s.assigned.hub())
            continue;
        v1::RegistryObject copy = *object;
        copy.mutable_feature_view()->mutable_replication()->set_hub(s.assigned.hub());
        if (!patched)
            patched = std::make_shared<registry::Catalog>(*raw);
        *patched = patched->with(copy);
    }
    if (!patched)
        return raw;
    return patched;
}

uint64_t HubEpochs::epochLocked(const std::string& viewKey) const {
    auto it = m_views.find(viewKey);
    return it == m_views.end() || it->second.assigned.epoch() == 0 ? 1
                                                                   : it->second.assigned.epoch();
}

v1::HubAssignment HubEpochs::assignmentOf(const std::string& viewKey,
                                          const std::string& specHub) const {
    std::lock_guard lock(m_mutex);
    v1::HubAssignment a;
    auto it = m_views.find(viewKey);
    if (it != m_views.end() && it->second.assigned.epoch() >= 2) {
        a = it->second.assigned;
    } else {
        a.set_feature_view(viewKey);
        a.set_hub(specHub);
        a.set_epoch(1);
    }
    if (it != m_views.end())
        a.set_promised_epoch(it->second.promised);
    if (a.hub() == m_self) {
        a.set_gate(gateLocked(viewKey, steadyMs()));
        a.set_accepting_writes(a.gate().empty());
    }
    return a;
}

std::vector<v1::HubAssignment> HubEpochs::assignments(const registry::Catalog& catalog) const {
    std::vector<v1::HubAssignment> out;
    std::set<std::string> seen;
    for (const auto* o : catalog.ofKind(v1::FEATURE_VIEW)) {
        const auto& view = o->feature_view();
        if (view.replication().mode() != v1::ReplicationPolicy::HUB_SPOKE)
            continue;
        const auto key = viewKeyOf(view);
        seen.insert(key);
        out.push_back(assignmentOf(key, view.replication().hub()));
    }
    std::lock_guard lock(m_mutex);
    for (const auto& [key, s] : m_views) {
        if (seen.count(key))
            continue;
        v1::HubAssignment a = s.assigned;
        a.set_feature_view(key);
        a.set_promised_epoch(s.promised);
        out.push_back(std::move(a));
    }
    return out;
}

std::string HubEpochs::gateLocked(const std::string& viewKey, int64_t nowMs) const {
    const uint64_t epoch = epochLocked(viewKey);
    auto it = m_views.find(viewKey);
    if (it != m_views.end()) {
        if (it->second.assigned.epoch() >= 2 && it->second.assigned.hub() != m_self)
            return "its hub is now '" + it->second.assigned.hub() + "' (epoch " +
                   std::to_string(epoch) + "): write to its hub '" + it->second.assigned.hub() +
                   "'";
        if (it->second.promised > epoch)
            return "a promotion to epoch " + std::to_string(it->second.promised) +
                   " is under way: this hub (epoch " + std::to_string(epoch) +
                   ") promised to stop accepting writes";
        if (nowMs < it->second.writesFromMs)
            return "promoted: accepting writes in " +
                   std::to_string(it->second.writesFromMs - nowMs) +
                   " ms, when the old hub's lease has run out";
    }
    const int needed = peersForLease();
    if (needed == 0)
        return {};
    int granted = 0;
    for (const auto& [peer, at] : m_grantedAt) {
        if (at < nowMs - m_leaseMs)
            continue;
        uint64_t theirs = 0;
        if (auto p = m_peerPromised.find(peer); p != m_peerPromised.end())
            if (auto v = p->second.find(viewKey); v != p->second.end())
                theirs = v->second;
        if (theirs <= epoch)
            ++granted;
    }
    if (granted >= needed)
        return {};
    return "hub lease not held: " + std::to_string(granted) + " of the " + std::to_string(needed) +
           " peers it needs answered in the last " + std::to_string(m_leaseMs) + " ms";
}

std::string HubEpochs::gate(const std::string& viewKey) const {
    std::lock_guard lock(m_mutex);
    return gateLocked(viewKey, steadyMs());
}

absl::Status HubEpochs::admitsWrite(const std::string& viewKey) const {
    std::lock_guard lock(m_mutex);
    const uint64_t epoch = epochLocked(viewKey);
    auto it = m_views.find(viewKey);
    const std::string why = gateLocked(viewKey, steadyMs());
    if (why.empty())
        return absl::OkStatus();
    const std::string message =
        "feature view '" + viewKey + "': '" + m_self + "' does not accept writes now: " + why;
    if (it != m_views.end() &&
        (it->second.promised > epoch ||
         (it->second.assigned.epoch() >= 2 && it->second.assigned.hub() != m_self)))
        return absl::FailedPreconditionError(message);
    return absl::UnavailableError(message);
}

void HubEpochs::whenAdmitted(const std::string& viewKey, int64_t timeoutMs,
                             std::function<void(const absl::Status&)> then) {
    auto st = admitsWrite(viewKey);
    // Only a lease not (yet) held, or a new hub's wait, may change by waiting.
    if (st.ok() || st.code() != absl::StatusCode::kUnavailable || timeoutMs <= 0) {
        then(st);
        return;
    }
    std::lock_guard lock(m_waitMutex);
    m_waiters.push_back({viewKey, steadyMs() + timeoutMs, std::move(then)});
}

void HubEpochs::serviceWaiters(bool all) {
    std::vector<std::pair<std::function<void(const absl::Status&)>, absl::Status>> ready;
    {
        std::lock_guard lock(m_waitMutex);
        const int64_t now = steadyMs();
        for (auto it = m_waiters.begin(); it != m_waiters.end();) {
            auto st = admitsWrite(it->viewKey);
            if (all || st.ok() || st.code() != absl::StatusCode::kUnavailable ||
                now >= it->deadlineMs) {
                ready.emplace_back(std::move(it->then), std::move(st));
                it = m_waiters.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& [then, st] : ready)
        then(st);
}

int64_t HubEpochs::msUntilWritesOpen() const {
    {
        std::lock_guard lock(m_waitMutex);
        if (m_waiters.empty())
            return -1;
    }
    std::lock_guard lock(m_mutex);
    const int64_t now = steadyMs();
    int64_t soonest = -1;
    for (const auto& [key, s] : m_views)
        if (s.writesFromMs > now && (soonest < 0 || s.writesFromMs - now < soonest))
            soonest = s.writesFromMs - now;
    return soonest;
}

uint64_t HubEpochs::promisedEpoch(const std::string& viewKey) const {
    std::lock_guard lock(m_mutex);
    auto it = m_views.find(viewKey);
    return it == m_views.end() ? 0 : it->second.promised;
}

uint64_t HubEpochs::highestKnown(const std::string& viewKey) const {
    std::lock_guard lock(m_mutex);
    uint64_t highest = epochLocked(viewKey);
    if (auto it = m_views.find(viewKey); it != m_views.end())
        highest = std::max(highest, it->second.promised);
    for (const auto& [peer, views] : m_peerPromised)
        if (auto v = views.find(viewKey); v != views.end())
            highest = std::max(highest, v->second);
    return highest;
}

std::vector<v1::HubAssignment> HubEpochs::known() const {
    std::lock_guard lock(m_mutex);
    std::vector<v1::HubAssignment> out;
    for (const auto& [key, s] : m_views) {
        v1::HubAssignment a = s.assigned;
        a.set_feature_view(key);
        a.set_promised_epoch(s.promised);
        out.push_back(std::move(a));
    }
    return out;
}

absl::Status HubEpochs::persist(const std::vector<std::pair<std::string, ViewState>>& states) {
    return m_db.write([&](storage::Connection& conn) -> absl::Status {
        for (const auto& [viewKey, s] : states) {
            std::string blob;
            if (s.assigned.epoch() >= 2)
                s.assigned.SerializeToString(&blob);
            auto& q = conn.prepare(
                "INSERT INTO hub_epochs(feature_view, epoch, promised, assignment) "
                "VALUES(?, ?, ?, ?) ON CONFLICT(feature_view) DO UPDATE SET "
                "epoch = excluded.epoch, promised = excluded.promised, "
                "assignment = excluded.assignment");
            q.bind(1, viewKey)
                .bind(2, static_cast<int64_t>(s.assigned.epoch()))
                .bind(3, static_cast<int64_t>(s.promised));
            if (blob.empty())
                q.bindNull(4);
            else
                q.bindBlob(4, blob);
            if (auto st = q.run(); !st.ok())
                return st;
        }
        return absl::OkStatus();
    });
}

absl::StatusOr<bool> HubEpochs::adopt(const std::vector<v1::HubAssignment>& theirs,
                                      const v1::HubAssignment* committing, int64_t writesFromMs) {
    // Updates one at a time; the database is written without m_mutex, which writes' admission
    // takes (a write waiting for the lock must never wait for this).
    std::lock_guard update(m_updateMutex);
    struct Orphaned {
        v1::HubAssignment assignment;
        uint64_t heldEpoch = 0;
    };
    std::vector<std::pair<std::string, ViewState>> next;
    std::vector<Orphaned> orphaned;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& a : theirs) {
            if (a.epoch() < 2 || a.feature_view().empty() || a.hub().empty())
                continue;
            const uint64_t held = epochLocked(a.feature_view());
            uint64_t pending = 0;
            for (const auto& [key, s] : next)
                if (key == a.feature_view())
                    pending = std::max(pending, s.assigned.epoch());
            if (a.epoch() <= std::max(held, pending))
                continue;
            ViewState s;
            if (auto it = m_views.find(a.feature_view()); it != m_views.end())
                s = it->second;
            const bool wasHub = s.assigned.epoch() >= 2 ? s.assigned.hub() == m_self
                                                        : a.previous_hub() == m_self && held == 1;
            s.assigned = a;
            s.assigned.clear_promised_epoch();
            s.assigned.clear_accepting_writes();
            s.assigned.clear_gate();
            s.promised = std::max(s.promised, a.epoch());
            if (committing && a.feature_view() == committing->feature_view())
                s.writesFromMs = writesFromMs;
            next.emplace_back(a.feature_view(), std::move(s));
            if (wasHub && a.hub() != m_self)
                orphaned.push_back({a, held});
        }
    }
    if (next.empty())
        return false;
    if (auto st = persist(next); !st.ok())
        return st;
    {
        std::lock_guard lock(m_mutex);
        for (auto& [key, s] : next) {
            m_views[key] = std::move(s);
            std::fprintf(stderr, "meridian-store: feature view %s: hub is now %s (epoch %llu)\n",
                         key.c_str(), m_views[key].assigned.hub().c_str(),
                         static_cast<unsigned long long>(m_views[key].assigned.epoch()));
        }
    }
    for (const auto& o : orphaned)
        if (auto st = recordOrphans(o.assignment, o.heldEpoch); !st.ok())
            return st;
    return true;
}

absl::Status HubEpochs::recordOrphans(const v1::HubAssignment& a, uint64_t heldEpoch) {
    const auto split = splitKey(a.feature_view());
    const std::string& project = split.first;
    const std::string& name = split.second;
    // When epochs moved on more than once without this region, where its own changes stopped
    // reaching the new hub is not known: every change of the view it still logs is listed.
    const uint64_t after = a.previous_hub() == m_self ? a.previous_applied_seq() : 0;
    std::vector<v1::OrphanedChange> found;
    int64_t total = 0;
    auto& dict = m_db.dictionaries();
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        storage::ChangelogTable log(conn);
        uint64_t from = after;
        for (;;) {
            uint64_t last = from;
            int visited = 0;
            auto scanned = log.readAfter(from, 20'000, dict.views, m_self, [&](v1::Change&& c) {
                last = c.seq();
                ++visited;
                if (c.kind() != v1::Change::FEATURE_ROW || c.project() != project ||
                    c.feature_view() != name)
                    return true;
                ++total;
                if (static_cast<int64_t>(found.size()) < kMaxOrphansListed) {
                    v1::OrphanedChange o;
                    o.set_feature_view(a.feature_view());
                    o.set_seq(c.seq());
                    o.set_entity_key(storage::entityKeyToString(c.entity_key()));
                    o.set_event_timestamp(c.event_timestamp());
                    o.set_commit_ms(c.commit_ms());
                    o.set_epoch(heldEpoch);
                    o.set_new_hub(a.hub());
                    found.push_back(std::move(o));
                }
                return true;
            });
            if (!scanned.ok())
                return scanned;
            if (visited < 20'000)
                return absl::OkStatus();
            from = last;
        }
    });
    if (!st.ok())
        return st;
    if (!found.empty()) {
        st = m_db.write([&](storage::Connection& conn) -> absl::Status {
            for (const auto& o : found) {
                std::string record;
                o.SerializeToString(&record);
                auto& q = conn.prepare(
                    "INSERT OR REPLACE INTO orphaned_changes(feature_view, seq, record) "
                    "VALUES(?, ?, ?)");
                if (auto s = q.bind(1, o.feature_view())
                                 .bind(2, static_cast<int64_t>(o.seq()))
                                 .bindBlob(3, record)
                                 .run();
                    !s.ok())
                    return s;
            }
            return absl::OkStatus();
        });
        if (!st.ok())
            return st;
    }
    std::fprintf(stderr,
                 "meridian-store: feature view %s: stepped down as hub for %s (epoch %llu); %lld "
                 "change(s) written here never reached it\n",
                 a.feature_view().c_str(), a.hub().c_str(),
                 static_cast<unsigned long long>(a.epoch()), static_cast<long long>(total));
    if (m_alerts && total > 0)
        m_alerts->raise("orphaned_changes", a.feature_view(),
                        std::to_string(total) + " change(s) of " + a.feature_view() +
                            " acknowledged here as its hub (epoch " + std::to_string(heldEpoch) +
                            ") never reached '" + a.hub() + "', hub since epoch " +
                            std::to_string(a.epoch()) +
                            ". They are not replicated; `meridianctl hubs --orphans` lists them "
                            "to write again at the new hub.",
                        "critical");
    return absl::OkStatus();
}

absl::StatusOr<bool> HubEpochs::merge(const std::vector<v1::HubAssignment>& theirs) {
    return adopt(theirs, nullptr, 0);
}

absl::StatusOr<bool> HubEpochs::heard(const std::string& peer, int64_t sentMs,
                                      const std::vector<v1::HubAssignment>& theirs) {
    auto changed = adopt(theirs, nullptr, 0);
    if (!changed.ok())
        return changed;
    std::map<std::string, uint64_t> promised;
    for (const auto& a : theirs)
        promised[a.feature_view()] = std::max(a.epoch(), a.promised_epoch());
    std::lock_guard lock(m_mutex);
    m_peerPromised[peer] = std::move(promised);
    m_grantedAt[peer] = std::max(m_grantedAt[peer], sentMs);
    return changed;
}

absl::StatusOr<bool> HubEpochs::promise(const v1::HubAssignment& proposal) {
    if (proposal.epoch() < 2 || proposal.feature_view().empty() || proposal.hub().empty())
        return absl::InvalidArgumentError(
            "a hub proposal names a view, a hub and an epoch above 1");
    std::lock_guard update(m_updateMutex);
    ViewState next;
    {
        std::lock_guard lock(m_mutex);
        const uint64_t held = epochLocked(proposal.feature_view());
        if (auto it = m_views.find(proposal.feature_view()); it != m_views.end())
            next = it->second;
        if (proposal.epoch() <= held || proposal.epoch() < next.promised)
            return false;
        if (proposal.epoch() == next.promised)
            return true;  // asked again (the answer was lost): the same promise
        next.promised = proposal.epoch();
    }
    // Durable before it counts: a region that restarts keeps its promises.
    if (auto st = persist({{proposal.feature_view(), next}}); !st.ok())
        return st;
    std::lock_guard lock(m_mutex);
    m_views[proposal.feature_view()] = std::move(next);
    return true;
}

absl::Status HubEpochs::commit(const v1::HubAssignment& assignment, int64_t writesFromMs) {
    auto changed = adopt({assignment}, &assignment, writesFromMs);
    if (!changed.ok())
        return changed.status();
    if (!*changed) {
        std::lock_guard lock(m_mutex);
        return absl::AbortedError("feature view '" + assignment.feature_view() +
                                  "' is already at epoch " +
                                  std::to_string(epochLocked(assignment.feature_view())));
    }
    return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::OrphanedChange>> HubEpochs::orphans(int limit,
                                                                   int64_t* total) const {
    std::vector<v1::OrphanedChange> out;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        auto count = conn.prepare("SELECT count(*) FROM orphaned_changes").singleInt64();
        if (!count.ok())
            return count.status();
        if (total)
            *total = *count;
        if (limit <= 0)
            return absl::OkStatus();
        auto& q = conn.prepare(
            "SELECT record FROM orphaned_changes ORDER BY feature_view, seq "
            "LIMIT ?");
        q.bind(1, static_cast<int64_t>(limit));
        while (q.step()) {
            const auto blob = q.blob(0);
            v1::OrphanedChange o;
            if (o.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
                out.push_back(std::move(o));
        }
        return q.finish();
    });
    if (!st.ok())
        return st;
    return out;
}

}  // namespace meridian::replication
