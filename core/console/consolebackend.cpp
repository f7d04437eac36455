#include "console/consolebackend.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "access/roles.h"
#include "client/regionchannel.h"
#include "client/regionclient.h"
#include "console/consolebackendimpl.h"
#include "console/consolecalls.h"
#include "console/consoleconvert.h"
#include "console/deploymentlayout.h"
#include "deployment/deployment.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "meridian/v1/registry.grpc.pb.h"
#include "meridian/v1/replication.grpc.pb.h"
#include "registry/objectdiff.h"

namespace meridian::console {
namespace {

constexpr int kAlertLimit = 200;

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

ConsoleBackend::ConsoleBackend(deployment::Deployment deployment, int deadlineMs,
                               int pollDeadlineMs)
    : m_impl(std::make_shared<Impl>(std::move(deployment), deadlineMs, pollDeadlineMs)) {}

ConsoleBackend::~ConsoleBackend() {
    m_impl->calls.close();
}

absl::StatusOr<std::unique_ptr<ConsoleBackend>> ConsoleBackend::open(
    const std::string& deploymentPath, int deadlineMs, int pollDeadlineMs) {
    auto deployment = deployment::loadDeployment(deploymentPath);
    if (!deployment.ok())
        return deployment.status();
    return std::make_unique<ConsoleBackend>(std::move(*deployment), deadlineMs, pollDeadlineMs);
}

void ConsoleBackend::setToken(std::string token) {
    m_impl->calls.setToken(std::move(token));
}

const std::string& ConsoleBackend::name() const {
    return m_impl->deployment.name;
}

const std::string& ConsoleBackend::path() const {
    return m_impl->deployment.path;
}

DeploymentSnapshot ConsoleBackend::layout() const {
    return layoutOf(m_impl->deployment);
}

const deployment::Deployment& ConsoleBackend::deployment() const {
    return m_impl->deployment;
}

void ConsoleBackend::poll(bool withLagHistory, Callback<DeploymentSnapshot> done,
                          int64_t lagHistoryAfterMs) {
    struct Poll {
        std::mutex mutex;
        DeploymentSnapshot snapshot;
        std::vector<absl::Status> health;
        std::vector<absl::Status> stats;
        std::vector<std::vector<LinkStatus>> links;
        size_t remaining = 0;
        Callback<DeploymentSnapshot> done;
    };
    auto& impl = *m_impl;
    auto poll = std::make_shared<Poll>();
    const size_t n = impl.regions.size();
    poll->health.resize(n);
    poll->stats.resize(n);
    poll->links.resize(n);
    poll->remaining = 2 * n;
    poll->done = std::move(done);
    poll->snapshot.regions = layoutOf(impl.deployment).regions;
    for (auto& r : poll->snapshot.regions)
        r.error.clear();  // this poll says what is wrong, if anything
    if (n == 0) {
        poll->snapshot.atMs = nowMs();
        poll->done(std::move(poll->snapshot));
        return;
    }
    // Runs under poll->mutex when the last answer is in.
    auto finish = [](Poll& p) {
        const int64_t now = nowMs();
        p.snapshot.atMs = now;
        for (size_t i = 0; i < p.snapshot.regions.size(); ++i) {
            auto& r = p.snapshot.regions[i];
            r.checkedAtMs = now;
            if (!p.health[i].ok()) {
                r.up = false;
                r.error = std::string(p.health[i].message());
            } else if (!p.stats[i].ok() && r.error.empty()) {
                r.error = "statistics unavailable: " + std::string(p.stats[i].message());
            }
            for (auto& l : p.links[i])
                p.snapshot.links.push_back(std::move(l));
        }
    };
    for (size_t i = 0; i < n; ++i) {
        auto& region = impl.regions[i];
        auto settle = [poll, finish](auto apply) {
            bool last = false;
            {
                std::lock_guard lock(poll->mutex);
                apply(*poll);
                last = --poll->remaining == 0;
                if (last)
                    finish(*poll);
            }
            if (last)
                poll->done(std::move(poll->snapshot));
        };
        impl.unary<v1::HealthRequest, v1::HealthResponse>(
            region, {}, impl.pollDeadlineMs,
            [&region](auto* ctx, auto* req, auto* resp, auto cb) {
                region.admin->async()->Health(ctx, req, resp, std::move(cb));
            },
            [settle, i](absl::StatusOr<v1::HealthResponse> answer) {
                settle([&](Poll& p) {
                    if (answer.ok())
                        applyHealth(*answer, p.snapshot.regions[i]);
                    else
                        p.health[i] = answer.status();
                });
            });
        v1::StatsRequest statsRequest;
        statsRequest.set_with_lag_history(withLagHistory);
        statsRequest.set_lag_history_after(lagHistoryAfterMs);
        impl.unary<v1::StatsRequest, v1::StatsResponse>(
            region, statsRequest, impl.pollDeadlineMs,
            [&region](auto* ctx, auto* req, auto* resp, auto cb) {
                region.admin->async()->Stats(ctx, req, resp, std::move(cb));
            },
            [settle, i](absl::StatusOr<v1::StatsResponse> answer) {
                settle([&](Poll& p) {
                    if (!answer.ok()) {
                        p.stats[i] = answer.status();
                        return;
                    }
                    applyStats(*answer, p.snapshot.regions[i]);
                    for (const auto& l : answer->links())
                        p.links[i].push_back(toLink(l));
                });
            });
    }
}

void ConsoleBackend::listRegistry(const std::string& region,
                                  Callback<std::vector<RegistryEntry>> done) {
    auto& impl = *m_impl;
    auto order = impl.readOrder(region);
    if (!order.ok())
        return done(order.status());
    impl.readFrom<v1::ListObjectsRequest, v1::ListObjectsResponse>(
        *order, 0, v1::ListObjectsRequest(),
        [](auto& r, auto* ctx, auto* req, auto* resp, auto cb) {
            r.registry->async()->ListObjects(ctx, req, resp, std::move(cb));
        },
        [&impl, done = std::move(done)](absl::StatusOr<v1::ListObjectsResponse> answer) {
            if (!answer.ok())
                return done(answer.status());
            std::vector<RegistryEntry> entries;
            entries.reserve(answer->objects_size());
            for (const auto& o : answer->objects())
                entries.push_back(toEntry(o, impl.regionSet));
            done(std::move(entries));
        });
}

namespace {

v1::GetHistoryRequest historyRequest(ObjectKind kind, const std::string& project,
                                     const std::string& name) {
    v1::GetHistoryRequest request;
    request.mutable_ref()->set_kind(toWire(kind));
    request.mutable_ref()->set_project(project);
    request.mutable_ref()->set_name(name);
    return request;
}

}  // namespace

void ConsoleBackend::history(const std::string& region, ObjectKind kind, const std::string& project,
                             const std::string& name, Callback<std::vector<RegistryEntry>> done) {
    auto& impl = *m_impl;
    auto order = impl.readOrder(region);
    if (!order.ok())
        return done(order.status());
    impl.readFrom<v1::GetHistoryRequest, v1::GetHistoryResponse>(
        *order, 0, historyRequest(kind, project, name),
        [](auto& r, auto* ctx, auto* req, auto* resp, auto cb) {
            r.registry->async()->GetHistory(ctx, req, resp, std::move(cb));
        },
        [&impl, done = std::move(done)](absl::StatusOr<v1::GetHistoryResponse> answer) {
            if (!answer.ok())
                return done(answer.status());
            std::vector<RegistryEntry> versions;
            for (const auto& o : answer->versions())
                versions.push_back(toEntry(o, impl.regionSet));
            done(std::move(versions));
        });
}

void ConsoleBackend::diff(const std::string& region, ObjectKind kind, const std::string& project,
                          const std::string& name, int64_t fromVersion, int64_t toVersion,
                          Callback<std::vector<FieldDiff>> done) {
    auto& impl = *m_impl;
    auto order = impl.readOrder(region);
    if (!order.ok())
        return done(order.status());
    const std::string label = project.empty() ? name : project + "/" + name;
    impl.readFrom<v1::GetHistoryRequest, v1::GetHistoryResponse>(
        *order, 0, historyRequest(kind, project, name),
        [](auto& r, auto* ctx, auto* req, auto* resp, auto cb) {
            r.registry->async()->GetHistory(ctx, req, resp, std::move(cb));
        },
        [label, fromVersion, toVersion,
         done = std::move(done)](absl::StatusOr<v1::GetHistoryResponse> answer) {
            if (!answer.ok())
                return done(answer.status());
            const v1::RegistryObject* before = nullptr;
            const v1::RegistryObject* after = nullptr;
            for (const auto& o : answer->versions()) {
                if (o.meta().version() == fromVersion)
                    before = &o;
                if (o.meta().version() == toVersion)
                    after = &o;
            }
            if (!before || !after) {
                const int64_t missing = before ? toVersion : fromVersion;
                return done(absl::NotFoundError(
                    label + " has no version " + std::to_string(missing) + " (it has " +
                    std::to_string(answer->versions_size()) + " versions)"));
            }
            done(toDiffs(registry::diffObjects(*before, *after)));
        });
}

void ConsoleBackend::lineage(const std::string& region, const std::string& project,
                             Callback<LineageGraph> done) {
    auto& impl = *m_impl;
    auto order = impl.readOrder(region);
    if (!order.ok())
        return done(order.status());
    v1::LineageRequest request;
    request.set_project(project);
    impl.readFrom<v1::LineageRequest, v1::LineageResponse>(
        *order, 0, request,
        [](auto& r, auto* ctx, auto* req, auto* resp, auto cb) {
            r.registry->async()->GetLineage(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](absl::StatusOr<v1::LineageResponse> answer) {
            if (!answer.ok())
                return done(answer.status());
            done(toGraph(*answer));
        });
}

void ConsoleBackend::jobs(int limit, Callback<std::vector<SyncJobInfo>> done) {
    v1::ListJobsRequest request;
    request.set_limit(limit);
    m_impl->fanOut<v1::ListJobsRequest, v1::ListJobsResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.replication->async()->ListJobs(ctx, req, resp, std::move(cb));
        },
        [limit, done = std::move(done)](std::vector<absl::StatusOr<v1::ListJobsResponse>> all) {
            std::vector<SyncJobInfo> jobs;
            absl::Status firstError;
            bool any = all.empty();
            for (const auto& answer : all) {
                if (!answer.ok()) {
                    if (firstError.ok())
                        firstError = answer.status();
                    continue;
                }
                any = true;
                for (const auto& j : answer->jobs())
                    jobs.push_back(toJob(j));
            }
            if (!any)
                return done(firstError);
            std::stable_sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) {
                return a.createdAtMs > b.createdAtMs;
            });
            if (limit > 0 && jobs.size() > static_cast<size_t>(limit))
                jobs.resize(limit);
            done(std::move(jobs));
        });
}

void ConsoleBackend::triggerSync(const std::string& from, const std::string& to,
                                 SyncJobInfo::Kind kind, const std::vector<std::string>& scope,
                                 const std::string& principal, Callback<SyncJobInfo> done) {
    auto& impl = *m_impl;
    if (to.empty())
        return done(absl::InvalidArgumentError("a sync needs a region to run at ('to')"));
    auto r = impl.find(to);
    if (!r.ok())
        return done(r.status());
    v1::TriggerSyncRequest request;
    request.set_from_region(from);
    request.set_to_region(to);
    for (const auto& s : scope)
        request.add_scope(s);
    request.set_kind(toWire(kind));
    request.set_principal(principal.empty() ? impl.calls.principal() : principal);
    impl.unary<v1::TriggerSyncRequest, v1::SyncJob>(
        **r, request, impl.deadlineMs,
        [r = *r](auto* ctx, auto* req, auto* resp, auto cb) {
            r->replication->async()->TriggerSync(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](absl::StatusOr<v1::SyncJob> answer) {
            if (!answer.ok())
                return done(answer.status());
            done(toJob(*answer));
        });
}

std::unique_ptr<ConsoleBackend::Watch> ConsoleBackend::watchJob(
    const std::string& region, const std::string& id,
    std::function<void(const SyncJobInfo&)> update,
    std::function<void(const absl::Status&)> finished) {
    auto r = m_impl->find(region);
    if (!r.ok()) {
        finished(r.status());
        return std::make_unique<NoWatch>();
    }
    auto* watch = new JobWatch(&m_impl->calls, kWatchDeadlineMs, (*r)->name, (*r)->endpoint, id,
                               std::move(update), std::move(finished));
    auto shared = watch->shared();
    if (!watch->start(*(*r)->replication))
        return std::make_unique<NoWatch>();
    return std::make_unique<JobWatch::Handle>(std::move(shared));
}

void ConsoleBackend::cancelJob(const std::string& region, const std::string& id,
                               Callback<SyncJobInfo> done) {
    auto& impl = *m_impl;
    auto r = impl.find(region);
    if (!r.ok())
        return done(r.status());
    v1::JobRef request;
    request.set_id(id);
    impl.unary<v1::JobRef, v1::SyncJob>(
        **r, request, impl.deadlineMs,
        [r = *r](auto* ctx, auto* req, auto* resp, auto cb) {
            r->replication->async()->CancelJob(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](absl::StatusOr<v1::SyncJob> answer) {
            if (!answer.ok())
                return done(answer.status());
            done(toJob(*answer));
        });
}

void ConsoleBackend::cost(int64_t sinceMs, int64_t untilMs, Callback<CostReport> done) {
    v1::CostRequest request;
    request.set_since_ms(sinceMs);
    request.set_until_ms(untilMs);
    m_impl->fanOut<v1::CostRequest, v1::CostResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.replication->async()->GetCost(ctx, req, resp, std::move(cb));
        },
        [sinceMs, untilMs,
         done = std::move(done)](std::vector<absl::StatusOr<v1::CostResponse>> all) {
            std::vector<v1::CostResponse> answers;
            absl::Status firstError;
            for (auto& answer : all) {
                if (answer.ok())
                    answers.push_back(std::move(*answer));
                else if (firstError.ok())
                    firstError = answer.status();
            }
            if (answers.empty() && !firstError.ok())
                return done(firstError);
            done(mergeCost(answers, sinceMs, untilMs));
        });
}

void ConsoleBackend::alerts(bool includeCleared, Callback<std::vector<AlertInfo>> done) {
    v1::ListAlertsRequest request;
    request.set_include_cleared(includeCleared);
    request.set_limit(kAlertLimit);
    std::vector<std::string> names;
    for (const auto& r : m_impl->regions)
        names.push_back(r.name);
    m_impl->fanOut<v1::ListAlertsRequest, v1::ListAlertsResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.replication->async()->ListAlerts(ctx, req, resp, std::move(cb));
        },
        [names, done = std::move(done)](std::vector<absl::StatusOr<v1::ListAlertsResponse>> all) {
            std::vector<AlertInfo> alerts;
            const int64_t now = nowMs();
            for (size_t i = 0; i < all.size(); ++i) {
                if (!all[i].ok()) {
                    AlertInfo a;
                    a.id = "region_down:" + names[i];
                    a.region = "console";
                    a.kind = "region_down";
                    a.subject = names[i];
                    a.message = std::string(all[i].status().message());
                    a.severity = "critical";
                    a.raisedAtMs = now;
                    alerts.push_back(std::move(a));
                    continue;
                }
                for (const auto& a : all[i]->alerts())
                    alerts.push_back(toAlert(a, names[i]));
            }
            std::stable_sort(alerts.begin(), alerts.end(), [](const auto& a, const auto& b) {
                return a.raisedAtMs > b.raisedAtMs;
            });
            done(std::move(alerts));
        });
}

void ConsoleBackend::audit(int64_t sinceMs, int limit, Callback<std::vector<AuditEntryInfo>> done) {
    v1::ListAuditRequest request;
    request.set_since(sinceMs);
    request.set_limit(limit);
    m_impl->fanOut<v1::ListAuditRequest, v1::ListAuditResponse>(
        request,
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.admin->async()->ListAudit(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](std::vector<absl::StatusOr<v1::ListAuditResponse>> all) {
            std::vector<AuditEntryInfo> entries;
            absl::Status firstError;
            bool any = all.empty();
            for (const auto& answer : all) {
                if (!answer.ok()) {
                    if (firstError.ok())
                        firstError = answer.status();
                    continue;
                }
                any = true;
                for (const auto& r : answer->records())
                    entries.push_back({r.at(), r.region(), r.principal(), r.action(), r.target(),
                                       r.result(), r.request_id(), r.denied()});
            }
            if (!any)
                return done(firstError);
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto& a, const auto& b) { return a.atMs > b.atMs; });
            done(std::move(entries));
        });
}

void ConsoleBackend::whoAmI(Callback<Identity> done) {
    m_impl->fanOut<v1::WhoAmIRequest, v1::WhoAmIResponse>(
        v1::WhoAmIRequest{},
        [](auto& region, auto* ctx, auto* req, auto* resp, auto cb) {
            region.admin->async()->WhoAmI(ctx, req, resp, std::move(cb));
        },
        [done = std::move(done)](std::vector<absl::StatusOr<v1::WhoAmIResponse>> all) {
            absl::Status firstError = absl::UnavailableError("the deployment lists no region");
            const absl::Status* refusal = nullptr;
            for (const auto& answer : all) {
                if (answer.ok()) {
                    Identity who;
                    who.principal = answer->principal();
                    who.role = access::roleName(answer->role());
                    who.credentialsRequired = answer->credentials_required();
                    who.region = answer->region();
                    return done(std::move(who));
                }
                if (!refusal && answer.status().code() == absl::StatusCode::kUnauthenticated)
                    refusal = &answer.status();
                if (&answer == &all.front())
                    firstError = answer.status();
            }
            // Regions that refuse the credentials answered: that is an answer, not a failure.
            if (refusal) {
                Identity who;
                who.credentialsRequired = true;
                who.refusal = std::string(refusal->message());
                return done(std::move(who));
            }
            done(firstError);
        });
}

}  // namespace meridian::console
