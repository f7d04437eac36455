// sync, repair and jobs: sync jobs between regions (catch-up, offline batch, snapshot, repair)
// started, watched live, cancelled, and their history across every region.

#include <algorithm>
#include <cstdio>
#include <memory>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "interruptflag.h"
#include "multiregion.h"
#include "progressline.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct SyncArgs {
    std::string from;
    std::string to;
    std::string kind = "catch-up";
    std::vector<std::string> views;
    bool detach = false;
    std::string deployment;
};

struct JobsArgs {
    int limit = 20;
    std::string id;
    std::string deployment;
};

v1::SyncJob::Kind kindOf(const std::string& name) {
    if (name == "offline-batch")
        return v1::SyncJob::OFFLINE_BATCH;
    if (name == "snapshot")
        return v1::SyncJob::SNAPSHOT;
    if (name == "repair")
        return v1::SyncJob::REPAIR;
    return v1::SyncJob::CATCH_UP;
}

std::string kindName(v1::SyncJob::Kind kind) {
    switch (kind) {
        case v1::SyncJob::CATCH_UP:
            return "catch-up";
        case v1::SyncJob::OFFLINE_BATCH:
            return "offline-batch";
        case v1::SyncJob::SNAPSHOT:
            return "snapshot";
        case v1::SyncJob::REPAIR:
            return "repair";
        default:
            return "?";
    }
}

std::string stateName(v1::SyncJob::State state) {
    switch (state) {
        case v1::SyncJob::QUEUED:
            return "queued";
        case v1::SyncJob::RUNNING:
            return "running";
        case v1::SyncJob::SUCCEEDED:
            return "succeeded";
        case v1::SyncJob::FAILED:
            return "FAILED";
        case v1::SyncJob::CANCELLED:
            return "cancelled";
        default:
            return "?";
    }
}

bool finished(const v1::SyncJob& job) {
    return job.state() == v1::SyncJob::SUCCEEDED || job.state() == v1::SyncJob::FAILED ||
           job.state() == v1::SyncJob::CANCELLED;
}

// What a job counts as done: changes applied (catch-up), partitions compared (offline batch)
// or bytes of the snapshot file (snapshot).
std::string amountOf(const v1::SyncJob& job, bool withTotal = true) {
    const bool total = withTotal && job.total() > 0;
    switch (job.kind()) {
        case v1::SyncJob::SNAPSHOT:
            return formatBytes(job.rows()) + (total ? " of " + formatBytes(job.total()) : "") +
                   " of snapshot";
        case v1::SyncJob::OFFLINE_BATCH:
            return formatCount(job.rows()) + (total ? " of " + formatCount(job.total()) : "") +
                   (job.rows() == 1 && !total ? " partition" : " partitions");
        case v1::SyncJob::REPAIR:
            return formatCount(job.rows()) + " of " + formatCount(job.keys_differing()) +
                   " differing keys repaired";
        default:
            return formatCount(job.rows()) + (total ? " of " + formatCount(job.total()) : "") +
                   (job.rows() == 1 && !total ? " change" : " changes");
    }
}

std::string durationText(int64_t ms) {
    return ms < 1000 ? std::to_string(ms) + " ms"
                     : formatFixed(static_cast<double>(ms) / 1000.0, 1) + " s";
}

std::string progressText(const v1::SyncJob& job) {
    std::string text = kindName(job.kind()) + " " + linkName(job.from_region(), job.to_region()) +
                       ": " + stateName(job.state()) + ", " + amountOf(job) + ", " +
                       formatBytes(job.bytes()) + " sent";
    if (job.percent() > 0)
        text += ", " + formatFixed(job.percent(), 0) + "%";
    if (job.eta_seconds() >= 1)
        text += ", eta " + formatElapsed(static_cast<int64_t>(job.eta_seconds() * 1000));
    const double estimate =
        job.estimated_cost_usd() > 0 ? job.estimated_cost_usd() : job.cost_usd();
    text += ", est. " + formatUsd(estimate);
    return text;
}

void printResult(const v1::SyncJob& job) {
    const int64_t ms =
        job.finished_at() > 0 && job.started_at() > 0 ? job.finished_at() - job.started_at() : 0;
    std::printf("job %s %s in %s: %s %s\n", job.id().c_str(), stateName(job.state()).c_str(),
                durationText(ms).c_str(), kindName(job.kind()).c_str(),
                linkName(job.from_region(), job.to_region()).c_str());
    if (job.kind() == v1::SyncJob::OFFLINE_BATCH)
        std::printf("  partitions: %s compared, %s copied\n",
                    formatCount(job.partitions_compared()).c_str(),
                    formatCount(job.partitions_copied()).c_str());
    else if (job.kind() == v1::SyncJob::REPAIR)
        std::printf("  keys:       %s differing, %s repaired in %s, %s unresolved\n",
                    formatCount(job.keys_differing()).c_str(), formatCount(job.rows()).c_str(),
                    job.to_region().c_str(), formatCount(job.keys_unresolved()).c_str());
    else
        std::printf("  done:       %s\n", amountOf(job).c_str());
    std::printf("  sent:       %s, cost %s\n", formatBytes(job.bytes()).c_str(),
                formatUsd(job.cost_usd()).c_str());
    if (job.residency_refused() > 0)
        std::printf("  residency:  %s views withheld%s (their data may not be stored in %s)\n",
                    formatCount(job.residency_refused()).c_str(),
                    job.residency_rows() > 0
                        ? (", " + formatCount(job.residency_rows()) + " rows").c_str()
                        : "",
                    job.to_region().c_str());
    std::printf("  scope:      %s\n", job.scope().empty()
                                          ? "everything the link carries"
                                          : absl::StrJoin(job.scope(), ", ").c_str());
    if (!job.message().empty())
        std::printf("  result:     %s\n", job.message().c_str());
}

// The job's final state as the command's outcome: only success exits 0.
absl::Status outcomeOf(const v1::SyncJob& job, const std::string& endpoint) {
    if (job.state() == v1::SyncJob::SUCCEEDED)
        return absl::OkStatus();
    const std::string what = "sync job " + job.id() + " " + stateName(job.state()) +
                             (job.message().empty() ? "" : ": " + job.message());
    return client::markFromRegion(job.state() == v1::SyncJob::CANCELLED ? absl::CancelledError(what)
                                                                        : absl::AbortedError(what),
                                  endpoint);
}

absl::Status runSync(CtlOptions& options, const SyncArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    for (const auto& r : {args.from, args.to}) {
        if (auto st = (*regions)->checkRegion(r); !st.ok())
            return st;
    }
    if (args.from == args.to)
        return absl::InvalidArgumentError("--from and --to are both '" + args.from +
                                          "': a sync copies from one region into another");
    for (const auto& v : args.views) {
        if (v.find('/') == std::string::npos)
            return absl::InvalidArgumentError("--view '" + v +
                                              "' must be project/view (e.g. commerce/" + v + ")");
    }
    auto& to = (*regions)->client(args.to);
    v1::TriggerSyncRequest request;
    request.set_from_region(args.from);
    request.set_to_region(args.to);
    request.set_kind(kindOf(args.kind));
    request.set_principal(to.principal());
    for (const auto& v : args.views)
        request.add_scope(v);
    auto job = to.triggerSync(request);
    if (!job.ok())
        return job.status();
    if (args.detach) {
        if (options.json()) {
            printJson(*job);
            return absl::OkStatus();
        }
        std::printf("%s\n", job->id().c_str());
        std::fprintf(stderr,
                     "started %s %s as job %s; follow it with `meridianctl jobs`, stop it with "
                     "`meridianctl jobs cancel %s`\n",
                     args.kind.c_str(), linkName(args.from, args.to).c_str(), job->id().c_str(),
                     job->id().c_str());
        return absl::OkStatus();
    }

    InterruptFlag interrupt;
    ProgressLine progress;
    auto show = [&](const v1::SyncJob& j) { progress.update(progressText(j), finished(j)); };
    show(*job);
    auto last = to.watchJob(job->id(), show, [&] { return interrupt.raised(); });
    if (!last.ok() && absl::IsCancelled(last.status()) && interrupt.raised()) {
        progress.finish();
        std::fprintf(stderr, "interrupted: cancelling job %s at %s…\n", job->id().c_str(),
                     args.to.c_str());
        auto cancelled = to.cancelJob(job->id());
        if (!cancelled.ok() && !absl::IsFailedPrecondition(cancelled.status()))
            return cancelled.status();
        // The job stops at its next step; a second Ctrl-C stops waiting for that.
        last = to.watchJob(job->id(), show, [&] { return interrupt.count() > 1; });
        if (last.ok() && last->state() == v1::SyncJob::CANCELLED)
            std::fprintf(stderr, "job %s cancelled (Ctrl-C)\n", job->id().c_str());
    }
    progress.finish();
    if (!last.ok())
        return last.status();
    if (options.json())
        printJson(*last);
    else
        printResult(*last);
    return outcomeOf(*last, to.endpoint());
}

struct RepairArgs {
    std::vector<std::string> between;
    std::vector<std::string> views;
    bool detach = false;
    std::string deployment;
};

// A repair job in each region of the pair, one after the other: each takes the other's rows
// that win by the conflict rule.
absl::Status runRepair(CtlOptions& options, const RepairArgs& args) {
    if (args.between.size() != 2 || args.between[0] == args.between[1])
        return absl::InvalidArgumentError("--between takes two different regions");
    absl::Status first;
    for (int i = 0; i < 2; ++i) {
        SyncArgs sync;
        sync.from = args.between[1 - i];
        sync.to = args.between[i];
        sync.kind = "repair";
        sync.views = args.views;
        sync.detach = args.detach;
        sync.deployment = args.deployment;
        auto st = runSync(options, sync);
        // A region that refuses (down, say) stops nothing: the other side is still repaired.
        if (!st.ok() && first.ok())
            first = st;
        if (!st.ok() && !client::isFromRegion(st))
            return st;  // bad input: the same for both
    }
    return first;
}

std::string ago(int64_t ms) {
    if (ms <= 0)
        return "-";
    return formatElapsed(std::max<int64_t>(0, rows::nowMs() - ms)) + " ago";
}

absl::Status runJobs(CtlOptions& options, const JobsArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const int limit = args.limit;
    auto answers = (*regions)->askAll<std::vector<v1::SyncJob>>(
        [limit](client::RegionClient& c) { return c.listJobs(limit); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    std::vector<v1::SyncJob> jobs;
    for (auto& a : answers) {
        if (a.answer.ok())
            jobs.insert(jobs.end(), a.answer->begin(), a.answer->end());
    }
    std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) {
        return a.created_at() != b.created_at() ? a.created_at() > b.created_at() : a.id() > b.id();
    });
    if (static_cast<int>(jobs.size()) > limit)
        jobs.resize(static_cast<size_t>(limit));
    if (options.json()) {
        std::string out = "{\n  \"jobs\": [";
        for (size_t i = 0; i < jobs.size(); ++i)
            out += std::string(i ? ", " : "") + indented(jsonOf(jobs[i]), 4);
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    if (jobs.empty()) {
        std::printf("No sync jobs yet. Start one: meridianctl sync --from REGION --to REGION\n");
    } else {
        TextTable t({"ID", "KIND", "FROM → TO", "SCOPE", "STARTED BY", "WHEN", "STATE", "DONE",
                     "BYTES", "COST", "MESSAGE"});
        for (size_t c : {8, 9})
            t.alignRight(c);
        for (const auto& j : jobs) {
            const std::string amount = amountOf(j, false);
            std::string state = stateName(j.state());
            if (j.state() == v1::SyncJob::RUNNING && j.percent() > 0)
                state += " " + formatFixed(j.percent(), 0) + "%";
            t.addRow(
                {j.id(), kindName(j.kind()), linkName(j.from_region(), j.to_region()),
                 j.scope().empty() ? "everything" : ellipsize(absl::StrJoin(j.scope(), ","), 32),
                 j.started_by(), ago(j.created_at()), state, amount, formatBytes(j.bytes()),
                 formatUsd(j.cost_usd()), ellipsize(j.message(), 48)});
        }
        t.print();
    }
    printSilentRegions(answers, "its jobs are not listed");
    return absl::OkStatus();
}

absl::Status runCancel(CtlOptions& options, const JobsArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const std::string id = args.id;
    auto answers =
        (*regions)->askAll<v1::SyncJob>([id](client::RegionClient& c) { return c.cancelJob(id); });
    if (auto st = requireAnswer(answers, **regions); !st.ok()) {
        // Every region refused or was silent: show the most telling answer.
        for (const auto& a : answers) {
            if (!a.answer.ok() && !absl::IsNotFound(a.answer.status()) &&
                !client::isUnreachable(a.answer.status()))
                return a.answer.status();
        }
        bool anyAnswered = false;
        for (const auto& a : answers)
            anyAnswered = anyAnswered || !client::isUnreachable(a.answer.status());
        if (!anyAnswered)
            return st;
        std::vector<std::string> silent;
        for (const auto& a : answers) {
            if (client::isUnreachable(a.answer.status()))
                silent.push_back(a.region);
        }
        return client::markFromRegion(
            absl::NotFoundError("no region holds sync job '" + id + "'" +
                                (silent.empty()
                                     ? std::string()
                                     : " (not asked, down: " + absl::StrJoin(silent, ", ") + ")") +
                                "; list them with `meridianctl jobs`"),
            answers.front().endpoint);
    }
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        if (options.json()) {
            printJson(*a.answer);
        } else {
            std::printf("cancelling job %s at %s (%s %s, %s so far); it stops at its next step\n",
                        id.c_str(), a.region.c_str(), kindName(a.answer->kind()).c_str(),
                        linkName(a.answer->from_region(), a.answer->to_region()).c_str(),
                        amountOf(*a.answer).c_str());
        }
    }
    return absl::OkStatus();
}

}  // namespace

void registerSyncCommands(CLI::App& app, CtlOptions& options) {
    auto sargs = std::make_shared<SyncArgs>();
    auto* sync = addMultiRegionCommand(
        app, "sync", "Copy data from one region into another now, watching its progress",
        {"meridianctl sync --from aws-us-east-1 --to aws-eu-west-1",
         "meridianctl sync --from gcp-europe-west4 --to aws-us-east-1 --kind offline-batch "
         "--view commerce/item_catalog",
         "meridianctl sync --from aws-us-east-1 --to azure-southeastasia --kind snapshot --detach"},
        "The receiving region (--to) runs the job: catch-up applies the sender's log up to its\n"
        "head now; offline-batch compares offline day partitions by digest and copies the ones\n"
        "that differ; snapshot takes a residency-filtered copy of the sender's data, then its\n"
        "log; repair compares the online store with the sender's (meridianctl check) and takes\n"
        "its rows that win by the conflict rule. Residency always holds: data a view may not\n"
        "store in --to is withheld and counted.\n"
        "A progress line shows what is done, bytes sent, percent, eta and estimated cost, then\n"
        "the result. "
        "Ctrl-C cancels the job; --detach prints its id and returns at once. Exit code 1 when\n"
        "the job fails or is cancelled.");
    sync->group("Replication");
    sync->add_option("--from", sargs->from, "Region to copy from")->required()->type_name("REGION");
    sync->add_option("--to", sargs->to, "Region to copy into (it runs the job)")
        ->required()
        ->type_name("REGION");
    sync->add_option("--kind", sargs->kind, "catch-up, offline-batch, snapshot or repair")
        ->check(CLI::IsMember({"catch-up", "offline-batch", "snapshot", "repair"}))
        ->capture_default_str();
    sync->add_option("--view", sargs->views,
                     "Only this feature view, project/view (repeatable); default: everything")
        ->type_name("PROJECT/VIEW");
    sync->add_flag("--detach", sargs->detach, "Print the job id and return without waiting");
    addDeploymentOption(sync, sargs->deployment);
    options.setAction(sync, [&options, sargs] { return runSync(options, *sargs); });

    auto rargs = std::make_shared<RepairArgs>();
    auto* repair = addMultiRegionCommand(
        app, "repair", "Repair the online store of two regions where they differ",
        {"meridianctl repair --between aws-us-east-1 aws-eu-west-1",
         "meridianctl repair --between aws-eu-west-1 gcp-europe-west4 --view "
         "commerce/eu_user_profile"},
        "Runs a repair job in each of the two regions (as `sync --kind repair` would), one after\n"
        "the other: each compares its online store with the other's, view by view (as\n"
        "`meridianctl check` does), and takes the other's rows that win by the conflict rule —\n"
        "never a blind copy. A key whose two copies have the same version but different values\n"
        "(changed behind the store's back) takes the copy of the region that wrote it; when\n"
        "neither did, it is counted as unresolved and left. Rows written in the last 5 s are\n"
        "left alone as possibly in flight. Only the online store is repaired.");
    repair->group("Replication");
    repair->add_option("--between", rargs->between, "The two regions")
        ->required()
        ->expected(2)
        ->type_name("REGION REGION");
    repair
        ->add_option("--view", rargs->views,
                     "Only this feature view, project/view (repeatable); default: every online "
                     "view both hold")
        ->type_name("PROJECT/VIEW");
    repair->add_flag("--detach", rargs->detach, "Print the two job ids and return");
    addDeploymentOption(repair, rargs->deployment);
    options.setAction(repair, [&options, rargs] { return runRepair(options, *rargs); });

    auto jargs = std::make_shared<JobsArgs>();
    auto* jobs = addMultiRegionCommand(
        app, "jobs", "List sync jobs of every region, newest first (or cancel one)",
        {"meridianctl jobs", "meridianctl jobs --limit 5 -o json",
         "meridianctl jobs cancel job-1764147600000-3"},
        "Each job with its kind, link, scope, who started it, when, state, rows, bytes, cost\n"
        "and result. `jobs cancel ID` finds the region running the job and cancels it.");
    jobs->group("Replication");
    jobs->add_option("--limit", jargs->limit, "Most jobs to list")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    addDeploymentOption(jobs, jargs->deployment);
    auto* cancel = addMultiRegionCommand(*jobs, "cancel", "Cancel a running sync job",
                                         {"meridianctl jobs cancel job-1764147600000-3"});
    cancel->add_option("id", jargs->id, "Job id, as `meridianctl jobs` lists it")->required();
    addDeploymentOption(cancel, jargs->deployment);
    // CLI11 runs the parent's callback after the subcommand's: one action for both.
    options.setAction(jobs, [&options, jargs, cancel] {
        return cancel->parsed() ? runCancel(options, *jargs) : runJobs(options, *jargs);
    });
}

}  // namespace meridian::ctl
