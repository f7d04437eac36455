#include "replication/syncjobs.h"

#include <algorithm>
#include <cstdio>

#include "meridian/v1/admin.grpc.pb.h"
#include "replication/batchsync.h"
#include "replication/consistency.h"
#include "replication/hybridclock.h"
#include "replication/replicationpolicy.h"
#include "storage/recordtable.h"

namespace meridian::replication {
namespace {

constexpr int64_t kSaveEveryMs = 1000;
constexpr double kBytesPerGb = 1e9;

const char* kindName(v1::SyncJob::Kind kind) {
    switch (kind) {
        case v1::SyncJob::CATCH_UP:
            return "catch-up";
        case v1::SyncJob::OFFLINE_BATCH:
            return "offline batch";
        case v1::SyncJob::SNAPSHOT:
            return "snapshot";
        case v1::SyncJob::REPAIR:
            return "repair";
        default:
            return "sync";
    }
}

bool finished(v1::SyncJob::State s) {
    return s == v1::SyncJob::SUCCEEDED || s == v1::SyncJob::FAILED || s == v1::SyncJob::CANCELLED;
}

// Percent, eta and cost from what is done so far.
void refreshEstimates(v1::SyncJob& job, double usdPerGb) {
    const int64_t now = wallClockMs();
    if (job.total() > 0)
        job.set_percent(std::min(
            100.0, 100.0 * static_cast<double>(job.rows()) / static_cast<double>(job.total())));
    const double elapsed = static_cast<double>(now - job.started_at()) / 1000.0;
    if (job.percent() > 0 && job.percent() < 100 && elapsed > 0)
        job.set_eta_seconds(elapsed * (100.0 - job.percent()) / job.percent());
    else
        job.set_eta_seconds(0);
    job.set_cost_usd(static_cast<double>(job.bytes()) / kBytesPerGb * usdPerGb);
    const double fraction = job.percent() > 0 ? job.percent() / 100.0 : 0;
    if (fraction > 0.02)
        job.set_estimated_cost_usd(job.cost_usd() / fraction);
}

}  // namespace

SyncJobs::SyncJobs(storage::Database& db, storage::ViewIds& viewIds, RegistryReplica& registry,
                   SnapshotInstaller& installer, const PeerLinks& links, std::string self,
                   PriceFn price)
    : m_db(db),
      m_viewIds(viewIds),
      m_registry(registry),
      m_installer(installer),
      m_links(links),
      m_self(std::move(self)),
      m_price(std::move(price)) {}

SyncJobs::~SyncJobs() {
    stop();
}

void SyncJobs::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (auto& [id, r] : m_running)
            r->cancelled = true;
        threads.swap(m_threads);
    }
    m_changed.notify_all();
    for (auto& t : threads) {
        if (t.joinable())
            t.join();
    }
}

double SyncJobs::price(const v1::SyncJob& job) const {
    return m_price ? m_price(job.from_region(), job.to_region()) : 0.0;
}

PeerLink* SyncJobs::linkFrom(const std::string& peer) const {
    auto it = m_links.find(peer);
    return it == m_links.end() ? nullptr : it->second.get();
}

void SyncJobs::save(const v1::SyncJob& job) {
    auto st =
        m_db.write([&](storage::Connection& conn) { return storage::JobTable(conn).put(job); });
    if (!st.ok())
        std::fprintf(stderr, "meridian-store: cannot record sync job %s: %s\n", job.id().c_str(),
                     std::string(st.message()).c_str());
}

void SyncJobs::update(Running& r, const std::function<void(v1::SyncJob&)>& change, bool forceSave) {
    v1::SyncJob copy;
    bool saveNow = false;
    {
        std::lock_guard lock(m_mutex);
        change(r.job);
        refreshEstimates(r.job, price(r.job));
        ++r.version;
        const int64_t now = wallClockMs();
        saveNow = forceSave || now - r.lastSavedMs >= kSaveEveryMs;
        if (saveNow) {
            r.lastSavedMs = now;
            copy = r.job;
        }
    }
    m_changed.notify_all();
    if (saveNow)
        save(copy);
}

absl::StatusOr<v1::SyncJob> SyncJobs::trigger(const v1::TriggerSyncRequest& request) {
    const std::string& self = m_self;
    if (!request.to_region().empty() && request.to_region() != self)
        return absl::InvalidArgumentError("this is region '" + self + "'; ask '" +
                                          request.to_region() + "' to run a sync into it");
    if (request.from_region().empty())
        return absl::InvalidArgumentError("from_region is missing");
    if (request.from_region() == self)
        return absl::InvalidArgumentError("a region does not sync from itself");
    if (!linkFrom(request.from_region()))
        return absl::NotFoundError("'" + request.from_region() + "' is not a peer of region '" +
                                   self + "'");
    if (request.kind() == v1::SyncJob::KIND_UNSPECIFIED)
        return absl::InvalidArgumentError(
            "kind is missing (CATCH_UP, OFFLINE_BATCH, SNAPSHOT or REPAIR)");
    const auto catalog = m_registry.catalog();
    for (const auto& scope : request.scope()) {
        const auto slash = scope.find('/');
        if (slash == std::string::npos)
            return absl::InvalidArgumentError("scope '" + scope +
                                              "' is not of the form project/view");
        if (!catalog->featureView(scope.substr(0, slash), scope.substr(slash + 1)))
            return absl::NotFoundError("feature view '" + scope + "' not found");
    }
    auto running = std::make_shared<Running>();
    auto& job = running->job;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return absl::UnavailableError("region is shutting down");
        for (const auto& [id, r] : m_running) {
            if (!finished(r->job.state()) && r->job.kind() == request.kind() &&
                r->job.from_region() == request.from_region())
                return absl::AlreadyExistsError("a " + std::string(kindName(request.kind())) +
                                                " from '" + request.from_region() +
                                                "' is already running: " + id);
        }
        job.set_id("job-" + std::to_string(wallClockMs()) + "-" + std::to_string(++m_counter));
    }
    job.set_kind(request.kind());
    job.set_from_region(request.from_region());
    job.set_to_region(self);
    for (const auto& s : request.scope())
        job.add_scope(s);
    job.set_started_by(request.principal().empty() ? "unknown" : request.principal());
    job.set_created_at(wallClockMs());
    job.set_state(v1::SyncJob::QUEUED);
    save(job);
    {
        std::lock_guard lock(m_mutex);
        m_running[job.id()] = running;
        m_threads.emplace_back([this, running] { run(running); });
    }
    return job;
}

void SyncJobs::run(std::shared_ptr<Running> r) {
    update(
        *r,
        [](v1::SyncJob& j) {
            j.set_state(v1::SyncJob::RUNNING);
            j.set_started_at(wallClockMs());
        },
        true);
    absl::Status st;
    switch (r->job.kind()) {
        case v1::SyncJob::CATCH_UP:
            st = runCatchUp(*r);
            break;
        case v1::SyncJob::SNAPSHOT:
            st = runSnapshot(*r);
            break;
        case v1::SyncJob::OFFLINE_BATCH:
            st = runBatch(*r);
            break;
        case v1::SyncJob::REPAIR:
            st = runRepair(*r);
            break;
        default:
            st = absl::InvalidArgumentError("unknown job kind");
    }
    update(
        *r,
        [&](v1::SyncJob& j) {
            j.set_finished_at(wallClockMs());
            if (r->cancelled) {
                j.set_state(v1::SyncJob::CANCELLED);
                j.set_message("cancelled after " + std::to_string(j.rows()) + " rows");
            } else if (st.ok()) {
                j.set_state(v1::SyncJob::SUCCEEDED);
                j.set_percent(100);
                if (j.message().empty())
                    j.set_message("done");
            } else {
                j.set_state(v1::SyncJob::FAILED);
                j.set_message(std::string(st.message()));
            }
            j.set_eta_seconds(0);
        },
        true);
}

namespace {

// The last seq of the peer's log as the peer says it now (0 if it does not answer in 2 s).
uint64_t logHeadOf(PeerLink& link) {
    auto admin = v1::Admin::NewStub(link.channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::StatsResponse stats;
    if (!admin->Stats(&context, v1::StatsRequest{}, &stats).ok())
        return 0;
    return static_cast<uint64_t>(stats.changelog_seq());
}

}  // namespace

absl::Status SyncJobs::runCatchUp(Running& r) {
    auto* link = linkFrom(r.job.from_region());
    if (link->emulation().partitioned)
        return absl::FailedPreconditionError("the link from '" + r.job.from_region() +
                                             "' is partitioned (emulated); heal it first");
    // Catch up to where the peer's log is now: the link hears of it only with the batches it
    // reads, which a slow link reads late.
    uint64_t peerHead = logHeadOf(*link);
    if (peerHead == 0) {
        // The peer did not say: wait for the link to learn its head (every heartbeat tells).
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (link->senderHead() == 0 && std::chrono::steady_clock::now() < until && !r.cancelled)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const uint64_t start = link->cursor();
    const uint64_t target = std::max({peerHead, link->senderHead(), start});
    update(r, [&](v1::SyncJob& j) { j.set_total(static_cast<int64_t>(target - start)); });
    if (target == start) {
        update(r, [&](v1::SyncJob& j) {
            j.set_message("already caught up at seq " + std::to_string(start));
        });
        return absl::OkStatus();
    }
    const int64_t bytesBefore = link->stats(wallClockMs()).front().bytes_received();
    const bool reached = link->waitForCursor(
        target,
        [&](uint64_t cursor) {
            const int64_t bytes = link->stats(wallClockMs()).front().bytes_received() - bytesBefore;
            update(r, [&](v1::SyncJob& j) {
                j.set_rows(static_cast<int64_t>(cursor - start));
                j.set_bytes(bytes);
            });
            return !r.cancelled.load();
        },
        10 * 60 * 1000);
    if (r.cancelled)
        return absl::CancelledError("cancelled");
    if (!reached)
        return absl::DeadlineExceededError("the link from '" + r.job.from_region() +
                                           "' did not reach seq " + std::to_string(target));
    const int64_t bytes = link->stats(wallClockMs()).front().bytes_received() - bytesBefore;
    update(r, [&](v1::SyncJob& j) {
        j.set_rows(static_cast<int64_t>(target - start));
        j.set_bytes(bytes);
        j.set_message("caught up to seq " + std::to_string(target));
    });
    return absl::OkStatus();
}

absl::Status SyncJobs::runSnapshot(Running& r) {
    auto* link = linkFrom(r.job.from_region());
    if (link->emulation().partitioned)
        return absl::FailedPreconditionError("the link from '" + r.job.from_region() +
                                             "' is partitioned (emulated); heal it first");
    link->setPaused(true);
    struct Resume {
        PeerLink* link;
        ~Resume() { link->setPaused(false); }
    } resume{link};
    auto stub = v1::Replication::NewStub(link->channel());
    std::string snapshotId;
    int attempts = 0;
    while (true) {
        v1::SnapshotRequest request;
        request.set_requester(m_self);
        request.set_snapshot_id(snapshotId);
        request.set_from_chunk(snapshotId.empty() ? 0 : m_installer.nextChunk(snapshotId));
        request.set_job_id(r.job.id());
        for (const auto& s : r.job.scope())
            request.add_feature_views(s);
        grpc::ClientContext ctx;
        auto reader = stub->Snapshot(&ctx, request);
        v1::SnapshotChunk chunk;
        bool done = false;
        while (reader->Read(&chunk)) {
            if (r.cancelled) {
                ctx.TryCancel();
                break;
            }
            snapshotId = chunk.snapshot_id();
            if (auto st = m_installer.receive(chunk); !st.ok()) {
                ctx.TryCancel();
                reader->Finish();
                return st;
            }
            const int64_t size = static_cast<int64_t>(chunk.ByteSizeLong()) + 5;
            update(r, [&](v1::SyncJob& j) {
                j.set_total(chunk.total_bytes());
                j.set_rows(std::min(chunk.total_bytes(), (chunk.index() + 1) * chunk.raw_bytes()));
                j.set_bytes(j.bytes() + size);
                j.set_residency_refused(chunk.residency_refused());
                j.set_residency_rows(chunk.residency_rows());
            });
            done = chunk.index() + 1 == chunk.total_chunks();
        }
        auto st = reader->Finish();
        if (r.cancelled)
            return absl::CancelledError("cancelled");
        if (done)
            break;
        if (st.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
            st.error_code() == grpc::StatusCode::NOT_FOUND ||
            st.error_code() == grpc::StatusCode::INVALID_ARGUMENT || ++attempts > 5)
            return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
        // A broken stream resumes from the next chunk.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    auto merged = m_installer.install(r.job.from_region(), snapshotId);
    if (!merged.ok())
        return merged.status();
    link->reloadCursor();
    update(r, [&](v1::SyncJob& j) {
        j.set_rows(j.total());
        std::string message = "merged " + std::to_string(*merged) +
                              " rows; the log resumes from seq " + std::to_string(link->cursor());
        if (j.residency_refused() > 0)
            message += "; withheld for residency: " + std::to_string(j.residency_refused()) +
                       " views, " + std::to_string(j.residency_rows()) + " rows";
        j.set_message(message);
    });
    return absl::OkStatus();
}

absl::Status SyncJobs::runBatch(Running& r) {
    auto* link = linkFrom(r.job.from_region());
    if (link->emulation().partitioned)
        return absl::FailedPreconditionError("the link from '" + r.job.from_region() +
                                             "' is partitioned (emulated); heal it first");
    std::vector<std::string> views(r.job.scope().begin(), r.job.scope().end());
    if (views.empty()) {
        // Every batch-mode view this region holds and the peer owns.
        const auto catalog = m_registry.catalog();
        for (const auto* o : catalog->ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            if (v.replication().mode() == v1::ReplicationPolicy::BATCH &&
                v.owner_region() == r.job.from_region() &&
                copyOf(v, m_self, m_registry.regions()) == Delivery::Send)
                views.push_back(v.project() + "/" + v.name());
        }
        if (views.empty()) {
            update(r, [](v1::SyncJob& j) {
                j.set_message("no batch-mode views to copy from this peer");
            });
            return absl::OkStatus();
        }
    }
    auto stub = v1::Replication::NewStub(link->channel());
    BatchSyncProgress totals;
    int64_t refused = 0;
    std::string firstRefusal;
    for (const auto& view : views) {
        auto st = syncPartitions(
            m_db, m_viewIds, *stub, m_self, view,
            [&](const BatchSyncProgress& p) {
                update(r, [&](v1::SyncJob& j) {
                    j.set_total(p.partitionsTotal);
                    j.set_rows(p.partitionsCompared);
                    j.set_partitions_compared(p.partitionsCompared);
                    j.set_partitions_copied(p.partitionsCopied);
                    j.set_bytes(p.bytes);
                });
                return !r.cancelled.load();
            },
            totals);
        if (st.code() == absl::StatusCode::kPermissionDenied) {
            // Residency: this view's data may not come here; the rest of the job goes on.
            ++refused;
            if (firstRefusal.empty())
                firstRefusal = std::string(st.message());
            continue;
        }
        if (!st.ok())
            return st;
    }
    update(r, [&](v1::SyncJob& j) {
        j.set_residency_refused(refused);
        j.set_rows(totals.partitionsCompared);
        j.set_message("copied " + std::to_string(totals.partitionsCopied) + " of " +
                      std::to_string(totals.partitionsCompared) + " partitions (" +
                      std::to_string(totals.rows) + " rows)" +
                      (refused ? "; refused: " + firstRefusal : ""));
    });
    if (refused == static_cast<int64_t>(views.size()))
        return absl::PermissionDeniedError(firstRefusal);
    return absl::OkStatus();
}

absl::StatusOr<v1::SyncJob> SyncJobs::get(const std::string& id) {
    {
        std::lock_guard lock(m_mutex);
        if (auto it = m_running.find(id); it != m_running.end())
            return it->second->job;
    }
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto job = storage::JobTable(**reader).get(id);
    if (!job.ok())
        return job.status();
    if (!*job)
        return absl::NotFoundError("sync job '" + id + "' not found in region '" + m_self + "'");
    return **job;
}

absl::StatusOr<v1::SyncJob> SyncJobs::cancel(const std::string& id) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_running.find(id);
        if (it != m_running.end() && !finished(it->second->job.state())) {
            it->second->cancelled = true;
            return it->second->job;
        }
    }
    auto job = get(id);
    if (!job.ok())
        return job.status();
    return absl::FailedPreconditionError("sync job '" + id + "' already finished (" +
                                         v1::SyncJob::State_Name(job->state()) + ")");
}

absl::StatusOr<std::vector<v1::SyncJob>> SyncJobs::list(int limit) {
    auto reader = m_db.read();
    if (!reader.ok())
        return reader.status();
    auto jobs = storage::JobTable(**reader).latest(limit > 0 ? limit : 50);
    if (!jobs.ok())
        return jobs.status();
    // Running jobs show their live figures.
    std::lock_guard lock(m_mutex);
    for (auto& j : *jobs) {
        if (auto it = m_running.find(j.id()); it != m_running.end())
            j = it->second->job;
    }
    return jobs;
}

absl::StatusOr<std::pair<v1::SyncJob, uint64_t>> SyncJobs::waitChange(const std::string& id,
                                                                      uint64_t version,
                                                                      int timeoutMs) {
    std::unique_lock lock(m_mutex);
    auto it = m_running.find(id);
    if (it == m_running.end()) {
        lock.unlock();
        auto job = get(id);
        if (!job.ok())
            return job.status();
        return std::make_pair(*job, uint64_t{0});
    }
    auto running = it->second;
    m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                       [&] { return running->version != version || m_stopping; });
    return std::make_pair(running->job, running->version);
}

}  // namespace meridian::replication

namespace meridian::replication {

absl::Status SyncJobs::runRepair(Running& r) {
    const std::string peer = r.job.from_region();
    auto* link = linkFrom(peer);
    if (link->emulation().partitioned)
        return absl::FailedPreconditionError("the link from '" + peer +
                                             "' is partitioned (emulated); heal it first");
    std::vector<v1::FeatureView> views;
    if (r.job.scope().empty()) {
        views = sharedViews(m_registry, m_self, peer);
    } else {
        const auto catalog = m_registry.catalog();
        for (const auto& scope : r.job.scope()) {
            const auto slash = scope.find('/');
            if (const auto* v =
                    catalog->featureView(scope.substr(0, slash), scope.substr(slash + 1)))
                views.push_back(*v);
        }
    }
    if (views.empty()) {
        update(r, [&](v1::SyncJob& j) {
            j.set_message("no online view held by both '" + m_self + "' and '" + peer + "'");
        });
        return absl::OkStatus();
    }
    auto stub = v1::Replication::NewStub(link->channel());
    int64_t differing = 0, repaired = 0, unresolved = 0, bytes = 0, refused = 0;
    std::string firstRefusal;
    update(r, [&](v1::SyncJob& j) { j.set_total(static_cast<int64_t>(views.size())); });
    for (size_t i = 0; i < views.size() && !r.cancelled; ++i) {
        RepairSet set;
        auto checked =
            checkView(m_db, m_viewIds, views[i], m_self, peer, *stub, CheckOptions{}, &set);
        if (checked.status().code() == absl::StatusCode::kPermissionDenied) {
            ++refused;
            if (firstRefusal.empty())
                firstRefusal = std::string(checked.status().message());
            continue;
        }
        if (!checked.ok())
            return checked.status();
        auto applied = applyRepairs(m_db, m_viewIds, views[i], set);
        if (!applied.ok())
            return applied.status();
        differing += checked->differences_total();
        repaired += *applied;
        unresolved += set.unresolved;
        bytes += checked->bytes_exchanged();
        update(r, [&](v1::SyncJob& j) {
            j.set_partitions_compared(static_cast<int64_t>(i + 1));
            j.set_rows(repaired);
            j.set_bytes(bytes);
            j.set_keys_differing(differing);
            j.set_keys_unresolved(unresolved);
        });
    }
    update(r, [&](v1::SyncJob& j) {
        j.set_residency_refused(refused);
        std::string message = "compared " + std::to_string(views.size()) + " view" +
                              (views.size() == 1 ? "" : "s") + ": " + std::to_string(differing) +
                              " key" + (differing == 1 ? "" : "s") + " differing, " +
                              std::to_string(repaired) + " repaired here from '" + peer + "'";
        if (unresolved > 0)
            message += ", " + std::to_string(unresolved) +
                       " unresolved (same version, different values, written elsewhere)";
        if (refused > 0)
            message += "; refused: " + firstRefusal;
        j.set_message(message);
    });
    return absl::OkStatus();
}

}  // namespace meridian::replication
