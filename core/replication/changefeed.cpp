#include "replication/changefeed.h"

#include <map>

#include "replication/codec.h"
#include "replication/hybridclock.h"
#include "replication/replicationpolicy.h"
#include "storage/changelogtable.h"

namespace meridian::replication {
namespace {

bool isRegistry(v1::Change::Kind kind) {
    return kind == v1::Change::REGISTRY_PUT || kind == v1::Change::REGISTRY_DELETE;
}

std::string viewKey(const storage::LogEntry& e) {
    if (isRegistry(e.kind))
        return {};
    std::string key(e.project);
    key += '/';
    key += e.featureView;
    return key;
}

// The decision for one entry; registry changes go everywhere (every region keeps a replica).
Delivery decide(const storage::LogEntry& e, const registry::Catalog& catalog,
                const std::string& sender, const std::string& requester,
                const registry::RegionSet& regions) {
    if (isRegistry(e.kind))
        return Delivery::Send;
    const auto* view = catalog.featureView(e.project, e.featureView);
    // A view deleted since: its data goes nowhere any more.
    if (!view)
        return Delivery::NotReplica;
    return deliveryOf(*view, sender, requester, regions);
}

// One pass over the log meets the same few views again and again: each view's delivery is
// decided once per pass (the catalog does not change during it), and its figures kept with it.
class ViewsSeen {
public:
    struct View {
        Delivery delivery = Delivery::Send;
        int64_t rawBytes = 0;
        int64_t count = 0;  // changes sent (next) or pending (backlog)
        int64_t oldestCommitMs = 0;
    };

    ViewsSeen(const registry::Catalog& catalog, const std::string& sender,
              const std::string& requester, const registry::RegionSet& regions)
        : m_catalog(catalog), m_sender(sender), m_requester(requester), m_regions(regions) {}

    View& of(const storage::LogEntry& e) {
        const bool registry = isRegistry(e.kind);
        if (m_last && registry == m_lastRegistry && e.project == m_lastProject &&
            e.featureView == m_lastView)
            return *m_last;
        auto [it, added] = m_views.try_emplace(viewKey(e));
        if (added)
            it->second.delivery = decide(e, m_catalog, m_sender, m_requester, m_regions);
        m_last = &it->second;
        m_lastRegistry = registry;
        m_lastProject = e.project;
        m_lastView = e.featureView;
        return it->second;
    }
    // By view key ("project/view"; "" for registry changes).
    const std::map<std::string, View>& views() const { return m_views; }

private:
    const registry::Catalog& m_catalog;
    const std::string& m_sender;
    const std::string& m_requester;
    const registry::RegionSet& m_regions;
    std::map<std::string, View> m_views;
    View* m_last = nullptr;
    bool m_lastRegistry = false;
    // Copies: the entry's views point into SQLite rows that the next step replaces.
    std::string m_lastProject;
    std::string m_lastView;
};

// A ChangeList on the wire is its changes one after another, each as field 1 (tag 0x0a, length,
// bytes): the stored changes are concatenated without being parsed again.
void appendListEntry(std::string& out, std::string_view change) {
    out.push_back(0x0a);
    uint64_t n = change.size();
    while (n >= 0x80) {
        out.push_back(static_cast<char>(n | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
    out.append(change);
}

}  // namespace

ChangeFeed::ChangeFeed(storage::Database& db, RegistryReplica& registry, HybridClock& clock)
    : m_db(db), m_registry(registry), m_clock(clock) {}

absl::StatusOr<v1::ChangeBatch> ChangeFeed::next(const std::string& requester, uint64_t after,
                                                 const Options& options) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    storage::ChangelogTable log(**reader);
    // One snapshot for the head, the range and the look-ahead.
    if (auto st = (*reader)->exec("BEGIN"); !st.ok())
        return st;
    struct EndRead {
        storage::Connection& c;
        ~EndRead() { c.exec("COMMIT").IgnoreError(); }
    } endRead{**reader};

    auto head = log.lastSeq();
    if (!head.ok())
        return head.status();
    auto first = log.firstSeq();
    if (!first.ok())
        return first.status();
    if (after > *head)
        return absl::FailedPreconditionError(
            "cursor " + std::to_string(after) + " is ahead of this region's log (" +
            std::to_string(*head) + "): the peer's database does not belong to this log");
    // Entries after `after` must still be in the log.
    // (An empty log with a head beyond the cursor means retention removed everything since.)
    const bool behind = after < *head;
    const bool gone = *first == 0 || *first > after + 1;
    if (behind && gone)
        return absl::OutOfRangeError("cursor " + std::to_string(after) +
                                     " fell off the log (oldest kept: " + std::to_string(*first) +
                                     "); a snapshot is needed");

    const auto catalog = m_registry.catalog();
    const auto& regions = m_registry.regions();
    const std::string& sender = m_registry.region();

    v1::ChangeBatch batch;
    batch.set_first_seq(after + 1);
    batch.set_last_seq(after);
    std::string raw;
    ViewsSeen seen(*catalog, sender, requester, regions);
    int sent = 0;
    // Withheld entries cost nothing to send, so look further ahead for entries to send.
    auto st = log.scanAfter(after, options.maxChanges * 8, [&](const storage::LogEntry& e) {
        auto& view = seen.of(e);
        batch.set_last_seq(e.seq);
        if (view.delivery != Delivery::Send) {
            batch.set_skipped(batch.skipped() + 1);
            if (view.delivery == Delivery::Residency)
                batch.set_residency_skipped(batch.residency_skipped() + 1);
            return true;
        }
        const size_t before = raw.size();
        appendListEntry(raw, e.change);
        view.rawBytes += static_cast<int64_t>(raw.size() - before);
        view.count += 1;
        return ++sent < options.maxChanges;
    });
    if (!st.ok())
        return st;

    batch.set_change_count(sent);
    batch.set_raw_bytes(static_cast<int64_t>(raw.size()));
    batch.set_codec(options.codec);
    *batch.mutable_payload() = encodePayload(raw, options.codec);
    batch.set_sender_last_seq(*head);
    batch.set_sender_hlc(m_clock.reading());
    batch.set_sender_wall_ms(m_clock.wallMs());
    batch.set_sent_at_ms(wallClockMs());

    // Commit time of the first entry after this batch: how old the peer's backlog is.
    if (batch.last_seq() < *head) {
        auto st2 = log.scanAfter(batch.last_seq(), 1, [&](const storage::LogEntry& e) {
            batch.set_next_commit_ms(e.commitMs);
            return false;
        });
        if (!st2.ok())
            return st2;
    }
    // Attribute the compressed payload to views in proportion to their raw bytes.
    const double ratio =
        raw.empty() ? 0.0
                    : static_cast<double>(batch.payload().size()) / static_cast<double>(raw.size());
    for (const auto& [key, view] : seen.views()) {
        if (view.count == 0)
            continue;
        auto* vb = batch.add_view_bytes();
        vb->set_feature_view(key);
        vb->set_bytes(static_cast<int64_t>(static_cast<double>(view.rawBytes) * ratio + 0.5));
        vb->set_changes(view.count);
        vb->set_raw_bytes(view.rawBytes);
    }
    if (options.withBacklog && batch.last_seq() < *head) {
        auto b = backlog(requester, batch.last_seq(), 50'000);
        if (!b.ok())
            return b.status();
        for (auto& v : *b)
            *batch.add_backlog() = std::move(v);
    }
    return batch;
}

absl::StatusOr<std::vector<v1::ViewBacklog>> ChangeFeed::backlog(const std::string& requester,
                                                                 uint64_t after, int cap) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    const auto catalog = m_registry.catalog();
    ViewsSeen seen(*catalog, m_registry.region(), requester, m_registry.regions());
    auto st =
        storage::ChangelogTable(**reader).scanAfter(after, cap, [&](const storage::LogEntry& e) {
            auto& view = seen.of(e);
            if (view.delivery != Delivery::Send)
                return true;
            if (view.count == 0)
                view.oldestCommitMs = e.commitMs;
            view.count += 1;
            return true;
        });
    if (!st.ok())
        return st;
    std::vector<v1::ViewBacklog> out;
    for (const auto& [key, view] : seen.views()) {
        if (view.count == 0)
            continue;
        auto& b = out.emplace_back();
        b.set_feature_view(key);
        b.set_oldest_commit_ms(view.oldestCommitMs);
        b.set_pending(view.count);
    }
    return out;
}

}  // namespace meridian::replication
