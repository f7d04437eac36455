#include "erasure/erasurejobs.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "absl/strings/str_join.h"
#include "erasure/entityerasure.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "storage/audittable.h"

namespace meridian::erasure {
namespace {

// How long a region may take to apply an order (it reads its whole log once).
constexpr int kApplyDeadlineS = 120;

std::string newId() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device rd;
    std::string id = "erase-";
    for (int i = 0; i < 12; ++i)
        id += kHex[rd() % 16];
    return id;
}

std::string summary(const v1::ErasureJob& job) {
    google::protobuf::RepeatedPtrField<v1::ErasedView> views;
    std::vector<std::string> regions;
    for (const auto& r : job.regions()) {
        regions.push_back(r.region());
        views.MergeFrom(r.views());
    }
    return "erased in " + absl::StrJoin(regions, ", ") + ": " + describeCounts(views);
}

}  // namespace

ErasureJobs::ErasureJobs(storage::Database& db, replication::HybridClock& clock, std::string self,
                         std::vector<std::string> regions, ChannelFor channelFor)
    : m_db(db),
      m_clock(clock),
      m_self(std::move(self)),
      m_regions(std::move(regions)),
      m_channelFor(std::move(channelFor)) {}

ErasureJobs::~ErasureJobs() {
    stop();
}

int64_t ErasureJobs::retryDelayMs(int attempts) {
    if (attempts <= 0)
        return 0;
    return std::min<int64_t>(int64_t{1000} << std::min(attempts - 1, 4), 15'000);
}

absl::Status ErasureJobs::start() {
    std::map<std::string, Pending> loaded;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        auto& q = conn.prepare(
            "SELECT job, pending_order FROM erasure_jobs WHERE pending_order "
            "IS NOT NULL");
        while (q.step()) {
            Pending p;
            const auto job = q.blob(0), order = q.blob(1);
            if (!p.job.ParseFromArray(job.data(), static_cast<int>(job.size())) ||
                !p.order.ParseFromArray(order.data(), static_cast<int>(order.size()))) {
                q.reset();
                return absl::DataLossError("an erasure job in the database does not parse");
            }
            loaded.emplace(p.job.id(), std::move(p));
        }
        return q.finish();
    });
    if (!st.ok())
        return st;
    std::lock_guard lock(m_mutex);
    m_pending = std::move(loaded);
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
    return absl::OkStatus();
}

void ErasureJobs::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (auto* ctx : m_inFlight)
            ctx->TryCancel();
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

absl::StatusOr<v1::ErasureJob> ErasureJobs::erase(v1::ErasureOrder order,
                                                  const std::string& principal) {
    order.set_id(newId());
    order.set_hlc(m_clock.tick());
    order.set_requested_at(replication::wallClockMs());
    order.set_requested_by(principal);
    order.set_coordinator(m_self);

    Pending p;
    p.order = order;
    auto& job = p.job;
    job.set_id(order.id());
    job.set_entity(order.entity());
    for (const auto& v : order.views())
        job.add_views(v.project() + "/" + v.feature_view());
    job.set_requested_by(principal);
    job.set_coordinator(m_self);
    job.set_created_at(order.requested_at());
    job.set_state(v1::ErasureJob::RUNNING);
    for (const auto& region : m_regions) {
        auto* r = job.add_regions();
        r->set_region(region);
        r->set_state(v1::RegionErasure::PENDING);
    }
    // Recorded before anything is deleted anywhere: a coordinator stopped in between finds the
    // job again and carries on.
    if (auto st = save(p, false); !st.ok())
        return st;
    // Here at once (the answer shows it); the other regions from the delivery thread.
    deliver(p, replication::wallClockMs(), /*selfOnly=*/true);
    {
        std::lock_guard lock(m_mutex);
        if (p.job.state() == v1::ErasureJob::RUNNING)
            m_pending[p.job.id()] = p;
    }
    m_wake.notify_all();
    return p.job;
}

absl::StatusOr<v1::RegionErasure> ErasureJobs::send(const std::string& region,
                                                    const v1::ErasureOrder& order) {
    auto channel = m_channelFor(region);
    if (!channel)
        return absl::UnavailableError("no link to region " + region);
    auto stub = v1::Admin::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(kApplyDeadlineS));
    ctx.AddMetadata("x-request-id", order.id());
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return absl::CancelledError("the region is stopping");
        m_inFlight.insert(&ctx);
    }
    v1::RegionErasure answer;
    auto st = stub->ApplyErasure(&ctx, order, &answer);
    {
        std::lock_guard lock(m_mutex);
        m_inFlight.erase(&ctx);
    }
    if (st.ok())
        return answer;
    // A region that is down, in the words an operator reads in `erasures` and the console.
    if (st.error_code() == grpc::StatusCode::UNAVAILABLE ||
        st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
        const std::string& m = st.error_message();
        std::string why = "unreachable";
        if (m.find("Connection refused") != std::string::npos)
            why = "connection refused";
        else if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
            why = "no answer within " + std::to_string(kApplyDeadlineS) + " s";
        return absl::UnavailableError(region + " is down (" + why + "); retrying");
    }
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
}

bool ErasureJobs::deliver(Pending& p, int64_t nowMs, bool selfOnly) {
    std::vector<int> due;
    for (int i = 0; i < p.job.regions_size(); ++i) {
        const auto& r = p.job.regions(i);
        if (r.state() == v1::RegionErasure::ERASED || (selfOnly && r.region() != m_self) ||
            r.last_attempt_at() + retryDelayMs(r.attempts()) > nowMs)
            continue;
        due.push_back(i);
    }
    std::vector<absl::StatusOr<v1::RegionErasure>> answers(due.size(),
                                                           absl::UnavailableError("not attempted"));
    std::vector<std::thread> calls;
    for (size_t k = 0; k < due.size(); ++k) {
        const std::string& region = p.job.regions(due[k]).region();
        if (region == m_self)
            answers[k] = applyErasure(m_db, p.order, m_self);
        else
            calls.emplace_back(
                [this, &answers, k, region, &p] { answers[k] = send(region, p.order); });
    }
    for (auto& t : calls)
        t.join();
    bool changed = !due.empty();
    for (size_t k = 0; k < due.size(); ++k) {
        auto& r = *p.job.mutable_regions(due[k]);
        const int attempts = r.attempts() + 1;
        const std::string region = r.region();
        if (answers[k].ok()) {
            r = std::move(*answers[k]);
            r.set_region(region);
            r.clear_last_error();
        } else {
            r.set_last_error(std::string(answers[k].status().message()));
        }
        r.set_attempts(attempts);
        r.set_last_attempt_at(nowMs);
    }
    const bool all = std::all_of(p.job.regions().begin(), p.job.regions().end(), [](const auto& r) {
        return r.state() == v1::RegionErasure::ERASED;
    });
    if (all && p.job.state() != v1::ErasureJob::DONE) {
        p.job.set_state(v1::ErasureJob::DONE);
        p.job.set_finished_at(replication::wallClockMs());
        changed = true;
    }
    if (changed) {
        if (auto st = save(p, all); !st.ok())
            std::fprintf(stderr, "meridian-store: erasure %s not saved: %s\n", p.job.id().c_str(),
                         std::string(st.message()).c_str());
    }
    return changed;
}

absl::Status ErasureJobs::save(const Pending& p, bool done) {
    auto st = m_db.write([&](storage::Connection& conn) -> absl::Status {
        // Once done, the order (the entity's key) goes, its bytes zeroed.
        return storage::withSecureDelete(conn, [&]() -> absl::Status {
            auto& q = conn.prepare(
                "INSERT INTO erasure_jobs(id, created_ms, job, pending_order) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET job = excluded.job, "
                "pending_order = excluded.pending_order");
            const std::string job = p.job.SerializeAsString();
            const std::string order = done ? std::string() : p.order.SerializeAsString();
            q.bind(1, p.job.id()).bind(2, p.job.created_at()).bindBlob(3, job);
            if (done)
                q.bindNull(4);
            else
                q.bindBlob(4, order);
            if (auto s = q.run(); !s.ok())
                return s;
            if (!done)
                return absl::OkStatus();
            return storage::AuditTable(conn).record({.atMs = replication::wallClockMs(),
                                                     .principal = p.job.requested_by(),
                                                     .action = "erase_done",
                                                     .target = p.job.entity(),
                                                     .result = summary(p.job),
                                                     .requestId = p.job.id()});
        });
    });
    if (!st.ok() || !done)
        return st;
    // The WAL still holds the order as it was written: copied back and cut.
    m_db.truncateWalBeforeNextCommit();
    return m_db.write([](storage::Connection&) { return absl::OkStatus(); });
}

void ErasureJobs::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        const int64_t now = replication::wallClockMs();
        int64_t nextMs = now + 15'000;
        std::vector<std::string> due;
        for (const auto& [id, p] : m_pending) {
            for (const auto& r : p.job.regions()) {
                if (r.state() == v1::RegionErasure::ERASED)
                    continue;
                const int64_t at = r.last_attempt_at() + retryDelayMs(r.attempts());
                if (at <= now)
                    due.push_back(id);
                nextMs = std::min(nextMs, at);
            }
        }
        for (const auto& id : due) {
            auto it = m_pending.find(id);
            if (it == m_pending.end())
                continue;
            Pending p = it->second;
            lock.unlock();
            deliver(p, replication::wallClockMs());
            lock.lock();
            if (p.job.state() == v1::ErasureJob::DONE)
                m_pending.erase(id);
            else
                m_pending[id] = std::move(p);
            if (m_stopping)
                return;
        }
        if (due.empty())
            m_wake.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(nextMs - now, 50)));
    }
}

absl::StatusOr<std::vector<v1::ErasureJob>> ErasureJobs::list(const std::string& id, int limit) {
    std::vector<v1::ErasureJob> out;
    auto st = m_db.read([&](storage::Connection& conn) -> absl::Status {
        auto& q =
            id.empty()
                ? conn.prepare("SELECT job FROM erasure_jobs ORDER BY created_ms DESC LIMIT ?")
                : conn.prepare("SELECT job FROM erasure_jobs WHERE id = ? LIMIT ?");
        if (id.empty())
            q.bind(1, int64_t{limit});
        else
            q.bind(1, id).bind(2, int64_t{limit});
        while (q.step()) {
            v1::ErasureJob job;
            const auto blob = q.blob(0);
            if (job.ParseFromArray(blob.data(), static_cast<int>(blob.size())))
                out.push_back(std::move(job));
        }
        return q.finish();
    });
    if (!st.ok())
        return st;
    return out;
}

}  // namespace meridian::erasure
