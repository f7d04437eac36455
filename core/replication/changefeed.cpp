#include "replication/changefeed.h"

#include <map>
#include <set>

#include "replication/codec.h"
#include "replication/hybridclock.h"
#include "replication/replicationpolicy.h"
#include "storage/changelogtable.h"

namespace meridian::replication {
namespace {

bool isRegistry(v1::Change::Kind kind) {
    return kind == v1::Change::REGISTRY_PUT || kind == v1::Change::REGISTRY_DELETE;
}

// One pass over the log meets the same few views again and again: each view's name and
// delivery are worked out once per pass (the catalog does not change during it), and its
// figures kept with it. Registry changes go everywhere, unless the region filters them
// (federated: each to the regions its object is published to).
class ViewsSeen {
public:
    struct View {
        std::string project;
        std::string name;
        Delivery delivery = Delivery::Send;
        int64_t rawBytes = 0;
        int64_t count = 0;  // changes sent (next) or pending (backlog)
        int64_t oldestCommitMs = 0;
        std::string key() const { return project.empty() ? std::string() : project + "/" + name; }
    };

    ViewsSeen(storage::Connection& conn, storage::ViewIds& ids, const registry::Catalog& catalog,
              const RegistryReplica& registry, const std::string& requester)
        : m_conn(conn),
          m_ids(ids),
          m_catalog(catalog),
          m_registry(registry),
          m_sender(registry.region()),
          m_requester(requester),
          m_regions(registry.regions()) {}

    absl::StatusOr<View*> of(const storage::LogEntry& e) {
        const int64_t id = isRegistry(e.kind) ? 0 : e.viewId;
        if (m_last && id == m_lastId)
            return m_last;
        auto [it, added] = m_views.try_emplace(id);
        if (added && id != 0) {
            auto name = m_ids.nameOf(m_conn, id);
            if (!name.ok())
                return name.status();
            it->second.project = name->first;
            it->second.name = name->second;
            const auto* view = m_catalog.featureView(name->first, name->second);
            // A view deleted since: its data goes nowhere any more.
            it->second.delivery =
                view ? deliveryOf(*view, m_sender, m_requester, m_regions) : Delivery::NotReplica;
        }
        m_last = &it->second;
        m_lastId = id;
        return m_last;
    }
    const std::map<int64_t, View>& views() const { return m_views; }

    // Whether entry `e`, of `view` (of(e)), goes to the requester.
    bool sends(const storage::LogEntry& e, const View& view) const {
        if (view.delivery != Delivery::Send)
            return false;
        if (!isRegistry(e.kind) || !m_registry.filtersRegistry())
            return true;
        v1::Change change;
        if (!change.ParseFromArray(e.body.data(), static_cast<int>(e.body.size())))
            return true;  // the peer reports what does not parse
        return m_registry.sendsTo(change.object(), m_requester);
    }

private:
    storage::Connection& m_conn;
    storage::ViewIds& m_ids;
    const registry::Catalog& m_catalog;
    const RegistryReplica& m_registry;
    const std::string& m_sender;
    const std::string& m_requester;
    const registry::RegionSet& m_regions;
    std::map<int64_t, View> m_views;  // by view id; 0 for registry changes
    View* m_last = nullptr;
    int64_t m_lastId = -1;
};

}  // namespace

ChangeFeed::ChangeFeed(storage::Database& db, RegistryReplica& registry, HybridClock& clock)
    : m_db(db), m_registry(registry), m_clock(clock) {}

absl::StatusOr<v1::ChangeBatch> ChangeFeed::next(const std::string& requester, uint64_t after,
                                                 const Options& options) {
    v1::ChangeBatch batch;
    std::string raw;
    std::set<uint32_t> schemaIds;
    auto& dict = m_db.dictionaries();
    // One snapshot for the head, the range and the look-ahead; a batch's worth of reading.
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        storage::ChangelogTable log(conn);
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
                                         " fell off the log (oldest kept: " +
                                         std::to_string(*first) + "); a snapshot is needed");

        const auto catalog = m_registry.catalog();
        const std::string& sender = m_registry.region();
        batch.set_first_seq(after + 1);
        batch.set_last_seq(after);
        ViewsSeen seen(conn, dict.views, *catalog, m_registry, requester);
        int sent = 0;
        absl::Status failed;
        // Withheld entries cost nothing to send, so look further ahead for entries to send.
        auto scanned =
            log.scanAfter(after, options.maxChanges * 8, [&](const storage::LogEntry& e) {
                auto view = seen.of(e);
                if (!view.ok()) {
                    failed = view.status();
                    return false;
                }
                batch.set_last_seq(e.seq);
                if (!seen.sends(e, **view)) {
                    batch.set_skipped(batch.skipped() + 1);
                    if ((*view)->delivery == Delivery::Residency)
                        batch.set_residency_skipped(batch.residency_skipped() + 1);
                    return true;
                }
                const size_t before = raw.size();
                storage::appendWireChange(raw, e, sender, (*view)->project, (*view)->name);
                if (e.schemaId)
                    schemaIds.insert(e.schemaId);
                (*view)->rawBytes += static_cast<int64_t>(raw.size() - before);
                (*view)->count += 1;
                return ++sent < options.maxChanges;
            });
        if (!scanned.ok())
            return scanned;
        if (!failed.ok())
            return failed;

        batch.set_change_count(sent);
        batch.set_raw_bytes(static_cast<int64_t>(raw.size()));
        batch.set_codec(options.codec);
        *batch.mutable_payload() = encodePayload(raw, options.codec);
        batch.set_sender_last_seq(*head);
        batch.set_epoch(m_db.logEpoch());
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
        const double ratio = raw.empty() ? 0.0
                                         : static_cast<double>(batch.payload().size()) /
                                               static_cast<double>(raw.size());
        for (const auto& [id, view] : seen.views()) {
            if (view.count == 0)
                continue;
            auto* vb = batch.add_view_bytes();
            vb->set_feature_view(view.key());
            vb->set_bytes(static_cast<int64_t>(static_cast<double>(view.rawBytes) * ratio + 0.5));
            vb->set_changes(view.count);
            vb->set_raw_bytes(view.rawBytes);
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    // The row schemas the batch's values name, so that the peer can read them.
    for (uint32_t id : schemaIds) {
        auto schema = dict.schemas.find(id);
        if (!schema)
            return absl::DataLossError("changelog names row schema " + std::to_string(id) +
                                       ", which this database does not have");
        auto* def = batch.add_schemas();
        def->set_id(id);
        def->set_fields(schema->encode());
    }
    if (options.withBacklog && batch.last_seq() < batch.sender_last_seq()) {
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
    std::vector<v1::ViewBacklog> out;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        const auto catalog = m_registry.catalog();
        ViewsSeen seen(conn, m_db.viewIds(), *catalog, m_registry, requester);
        absl::Status failed;
        auto scanned =
            storage::ChangelogTable(conn).scanAfter(after, cap, [&](const storage::LogEntry& e) {
                auto view = seen.of(e);
                if (!view.ok()) {
                    failed = view.status();
                    return false;
                }
                if (!seen.sends(e, **view))
                    return true;
                if ((*view)->count == 0)
                    (*view)->oldestCommitMs = e.commitMs;
                (*view)->count += 1;
                return true;
            });
        if (!scanned.ok())
            return scanned;
        if (!failed.ok())
            return failed;
        for (const auto& [id, view] : seen.views()) {
            if (view.count == 0)
                continue;
            auto& b = out.emplace_back();
            b.set_feature_view(view.key());
            b.set_oldest_commit_ms(view.oldestCommitMs);
            b.set_pending(view.count);
        }
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return out;
}

}  // namespace meridian::replication
