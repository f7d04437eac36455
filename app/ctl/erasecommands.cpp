// erase and erasures: an entity erased in every region of the deployment (the right to be
// forgotten), previewed, confirmed, followed until every region has confirmed, and listed.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "interruptflag.h"
#include "multiregion.h"
#include "registry/validation.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct EraseArgs {
    std::string entity;
    std::vector<std::string> views;
    std::string region;  // the coordinator; default: the control region, else the first up
    bool dryRun = false;
    bool yes = false;
    bool detach = false;
    std::string wait = "2m";
    std::string deployment;
};

struct ErasuresArgs {
    std::string id;
    int limit = 20;
    std::string deployment;
};

struct Totals {
    int64_t online = 0, offline = 0, log = 0;
    bool logCounted = false;
};

Totals totalsOf(const v1::RegionErasure& r) {
    Totals t;
    for (const auto& v : r.views()) {
        t.online += v.online_rows();
        t.offline += v.offline_rows();
        if (v.log_entries() >= 0) {
            t.log += v.log_entries();
            t.logCounted = true;
        }
    }
    return t;
}

std::string stateText(const v1::RegionErasure& r) {
    if (r.state() == v1::RegionErasure::ERASED)
        return "erased";
    if (r.attempts() == 0)
        return "pending";
    return "retrying (" + std::to_string(r.attempts()) + " attempts)";
}

int erasedCount(const v1::ErasureJob& job) {
    return static_cast<int>(std::count_if(job.regions().begin(), job.regions().end(), [](auto& r) {
        return r.state() == v1::RegionErasure::ERASED;
    }));
}

std::string jobStateText(const v1::ErasureJob& job) {
    if (job.state() == v1::ErasureJob::DONE)
        return "done in all " + std::to_string(job.regions_size()) + " regions";
    return std::to_string(erasedCount(job)) + " of " + std::to_string(job.regions_size()) +
           " regions";
}

void printRegions(const v1::ErasureJob& job) {
    TextTable t({"REGION", "STATE", "ERASED AT", "ONLINE", "OFFLINE", "LOG", "WAL", "LAST ERROR"});
    for (size_t c = 3; c < 6; ++c)
        t.alignRight(c);
    for (const auto& r : job.regions()) {
        const auto n = totalsOf(r);
        const bool done = r.state() == v1::RegionErasure::ERASED;
        t.addRow({r.region(), stateText(r), formatTime(r.erased_at()),
                  done ? formatCount(n.online) : "", done ? formatCount(n.offline) : "",
                  done ? formatCount(n.log) : "",
                  done ? (r.wal_truncated() ? "cut" : "at next checkpoint") : "",
                  ellipsize(r.last_error(), 60)});
    }
    t.print();
}

// The region that coordinates: --region, else the control region, else the first that
// answered the preview.
std::string coordinatorOf(const EraseArgs& args, const client::RegionDirectory& regions,
                          const std::vector<client::RegionAnswer<v1::RegionErasure>>& answers) {
    if (!args.region.empty())
        return args.region;
    const auto& control = regions.deployment().controlRegion;
    for (const auto& a : answers)
        if (a.answer.ok() && a.region == control)
            return control;
    for (const auto& a : answers)
        if (a.answer.ok())
            return a.region;
    return {};
}

bool confirmed(const EraseArgs& args, int views, int regions) {
    if (args.yes)
        return true;
    if (!isatty(STDIN_FILENO))
        return false;
    std::printf(
        "\nErase %s from %d view%s in %d region%s? This cannot be undone.\n"
        "Type 'erase' to confirm: ",
        args.entity.c_str(), views, views == 1 ? "" : "s", regions, regions == 1 ? "" : "s");
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "erase";
}

absl::Status runErase(CtlOptions& options, const EraseArgs& args) {
    const long long waitSeconds = registry::parseDurationSeconds(args.wait);
    if (waitSeconds <= 0)
        return absl::InvalidArgumentError("--wait '" + args.wait +
                                          "': expected a duration such as 30s, 2m or 1h");
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    if (!args.region.empty())
        if (auto st = (*regions)->checkRegion(args.region); !st.ok())
            return st;
    v1::EraseRequest request;
    request.set_entity(args.entity);
    for (const auto& v : args.views)
        request.add_views(v);

    // The preview: what each region holds. A region that refuses (a bad entity, a role too
    // low) stops everything before anything is erased.
    auto previews = (*regions)->askAll<v1::RegionErasure>(
        [&request](client::RegionClient& c) { return c.previewErasure(request); });
    if (auto st = requireAnswer(previews, **regions); !st.ok())
        return st;
    for (const auto& a : previews)
        if (!a.answer.ok() && !client::isUnreachable(a.answer.status()))
            return a.answer.status();
    const std::string coordinator = coordinatorOf(args, **regions, previews);
    int viewCount = 0;
    if (!options.json() || args.dryRun) {
        if (options.json()) {
            std::string out = "{\n  \"preview\": [";
            bool first = true;
            for (const auto& a : previews)
                if (a.answer.ok()) {
                    out += std::string(first ? "" : ", ") + indented(jsonOf(*a.answer), 4);
                    first = false;
                }
            out += "],\n  \"down\": " + silentRegionsJson(previews) + "\n}\n";
            std::fputs(out.c_str(), stdout);
            return absl::OkStatus();
        }
        std::printf("%s holds, region by region (log entries are counted when erased):\n\n",
                    args.entity.c_str());
        TextTable t({"REGION", "FEATURE VIEW", "ONLINE ROWS", "OFFLINE ROWS"});
        t.alignRight(2);
        t.alignRight(3);
        // Views a region holds nothing of are left out; a region that holds nothing at all
        // says so in one row.
        for (const auto& a : previews) {
            if (!a.answer.ok())
                continue;
            viewCount = a.answer->views_size();
            bool any = false;
            for (const auto& v : a.answer->views()) {
                if (v.online_rows() == 0 && v.offline_rows() == 0)
                    continue;
                any = true;
                t.addRow({a.region, v.project() + "/" + v.feature_view(),
                          formatCount(v.online_rows()), formatCount(v.offline_rows())});
            }
            if (!any)
                t.addRow(
                    {a.region, "(none of the " + std::to_string(viewCount) + " views)", "0", "0"});
        }
        t.print();
        printSilentRegions(previews, "it is erased when it is back (the coordinator retries)");
        if (args.dryRun) {
            std::printf("\nNothing erased (--dry-run). %s would coordinate the erasure.\n",
                        coordinator.c_str());
            return absl::OkStatus();
        }
    }
    if (!confirmed(args, viewCount, static_cast<int>(previews.size())))
        return absl::FailedPreconditionError(
            "nothing erased: an erasure cannot be undone; run it again with --yes");

    request.set_confirm(true);
    auto job = (*regions)->client(coordinator).erase(request);
    if (!job.ok())
        return job.status();
    if (!options.json())
        std::printf(
            "\nErasure %s started by %s, coordinated by %s; records name the entity "
            "%s.\n",
            job->id().c_str(), job->requested_by().c_str(), coordinator.c_str(),
            job->entity().c_str());
    InterruptFlag interrupt;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);
    v1::ErasureJob last = *job;
    int shown = -1;
    while (!args.detach && last.state() != v1::ErasureJob::DONE && !interrupt.raised() &&
           std::chrono::steady_clock::now() < deadline) {
        if (!options.json() && erasedCount(last) != shown) {
            shown = erasedCount(last);
            std::printf("  %s\n", jobStateText(last).c_str());
            std::fflush(stdout);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        v1::ListErasuresRequest follow;
        follow.set_id(job->id());
        auto now = (*regions)->client(coordinator).listErasures(follow);
        if (now.ok() && !now->jobs().empty())
            last = now->jobs(0);
    }
    if (options.json()) {
        printJson(last);
        return absl::OkStatus();
    }
    std::printf("\n");
    printRegions(last);
    if (last.state() == v1::ErasureJob::DONE) {
        std::printf(
            "\nErased in every region. Each keeps only a hash of the key (%s), so that rows "
            "of it written before the erasure are never stored again.\n",
            job->entity().c_str());
    } else {
        std::printf(
            "\n%s: %s keeps sending the erasure to the regions still pending until each "
            "confirms.\nFollow it with `meridianctl erasures %s`.\n",
            jobStateText(last).c_str(), coordinator.c_str(), job->id().c_str());
    }
    return absl::OkStatus();
}

absl::Status runErasures(CtlOptions& options, const ErasuresArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    v1::ListErasuresRequest request;
    request.set_id(args.id);
    request.set_limit(args.limit);
    auto answers = (*regions)->askAll<v1::ListErasuresResponse>(
        [&request](client::RegionClient& c) { return c.listErasures(request); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    // The coordinator's record of a job is whole; a job whose coordinator is down is pieced
    // together from the regions that applied it.
    std::map<std::string, v1::ErasureJob> jobs;
    for (const auto& a : answers)
        if (a.answer.ok())
            for (const auto& j : a.answer->jobs())
                jobs[j.id()] = j;
    std::map<std::string, v1::ErasureJob> pieced;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        for (const auto& r : a.answer->applied()) {
            if (jobs.count(r.erasure_id()))
                continue;
            auto& j = pieced[r.erasure_id()];
            j.set_id(r.erasure_id());
            j.set_entity(r.entity());
            j.set_requested_by(r.requested_by());
            j.set_coordinator(r.coordinator() + " (down)");
            j.set_created_at(j.created_at() ? std::min(j.created_at(), r.erased_at())
                                            : r.erased_at());
            *j.add_regions() = r;
        }
    }
    jobs.merge(pieced);
    std::vector<v1::ErasureJob> list;
    for (auto& [id, j] : jobs)
        list.push_back(std::move(j));
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.created_at() > b.created_at(); });
    if (list.size() > static_cast<size_t>(args.limit))
        list.resize(static_cast<size_t>(args.limit));
    if (options.json()) {
        std::string out = "{\n  \"erasures\": [";
        for (size_t i = 0; i < list.size(); ++i)
            out += std::string(i ? ", " : "") + indented(jsonOf(list[i]), 4);
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    if (!args.id.empty()) {
        if (list.empty())
            return absl::NotFoundError("no region knows erasure '" + args.id +
                                       "'; list them with `meridianctl erasures`");
        const auto& j = list.front();
        std::printf(
            "Erasure %s of %s\n  requested by %s at %s, coordinated by %s\n  views: %s\n"
            "  state: %s%s\n\n",
            j.id().c_str(), j.entity().c_str(), j.requested_by().c_str(),
            formatTime(j.created_at()).c_str(), j.coordinator().c_str(),
            j.views().empty() ? "-" : absl::StrJoin(j.views(), ", ").c_str(),
            j.state() == v1::ErasureJob::STATE_UNSPECIFIED ? "unknown (coordinator down)"
                                                           : jobStateText(j).c_str(),
            j.finished_at() ? (", finished " + formatTime(j.finished_at())).c_str() : "");
        printRegions(j);
    } else if (list.empty()) {
        std::printf("No erasures.\n");
    } else {
        TextTable t({"ID", "ENTITY", "REQUESTED BY", "AT", "COORDINATOR", "STATE"});
        for (const auto& j : list)
            t.addRow({j.id(), j.entity(), j.requested_by(), formatTime(j.created_at()),
                      j.coordinator(),
                      j.state() == v1::ErasureJob::STATE_UNSPECIFIED
                          ? "applied in " + std::to_string(j.regions_size()) + " (coordinator down)"
                          : jobStateText(j)});
        t.print();
    }
    printSilentRegions(answers, "its erasures are not listed");
    return absl::OkStatus();
}

}  // namespace

void registerEraseCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<EraseArgs>();
    auto* erase = addMultiRegionCommand(
        app, "erase", "Erase an entity's data in every region (right to be forgotten)",
        {"meridianctl erase --entity user_id=1042 --dry-run",
         "meridianctl erase --entity user_id=1042 --yes",
         "meridianctl erase --entity user_id=1042,merchant_id=7 --view commerce/pair_stats --yes"},
        "Deletes the entity's online rows, offline history and changelog entries in every\n"
        "region of the deployment, with its freed pages zeroed and each region's write-ahead\n"
        "log cut, so that nothing of it is left in the SQLite files. One region (--region, else\n"
        "the control region) coordinates: it erases its own copy at once and sends the\n"
        "erasure to every other region until each confirms, a region that is down included\n"
        "once it is back. Regions keep only a SHA-256 of the key, so that rows of the entity\n"
        "written before the erasure are never stored again, however they come back (a late\n"
        "replication, a snapshot, a replayed write). The views are those keyed by exactly the\n"
        "join keys given, or --view. A preview shows what each region holds; the erasure\n"
        "needs --yes (or typing 'erase' at the prompt). Needs an admin token.");
    erase->group("Access");
    erase->add_option("--entity", args->entity, "The entity: join keys as key=value[,key=value]")
        ->required()
        ->type_name("KEY=VALUE");
    erase
        ->add_option("--view", args->views,
                     "Only this feature view, project/view (repeatable); default: every view "
                     "keyed by exactly these join keys")
        ->type_name("PROJECT/VIEW");
    erase->add_option("--region", args->region, "The region that coordinates the erasure")
        ->type_name("REGION");
    erase->add_flag("--dry-run", args->dryRun, "Show what each region holds; erase nothing");
    erase->add_flag("--yes", args->yes, "Erase without asking");
    erase->add_flag("--detach", args->detach, "Return once started, without following it");
    erase->add_option("--wait", args->wait, "Follow the erasure at most this long")
        ->capture_default_str()
        ->type_name("DURATION");
    addDeploymentOption(erase, args->deployment);
    options.setAction(erase, [&options, args] { return runErase(options, *args); });

    auto largs = std::make_shared<ErasuresArgs>();
    auto* erasures = addMultiRegionCommand(
        app, "erasures", "List erasures and where each is confirmed",
        {"meridianctl erasures", "meridianctl erasures erase-3fa2c1d0e9b8",
         "meridianctl erasures -o json"},
        "Every erasure with who asked for it, its coordinator and how many regions have\n"
        "confirmed it; with an ID, per region what was deleted and when, or why it is still\n"
        "pending. Entities are named by their join keys and a hash, never by their values.");
    erasures->group("Access");
    erasures->add_option("id", largs->id, "One erasure, as `meridianctl erasures` lists it");
    erasures->add_option("--limit", largs->limit, "Most erasures to list")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    addDeploymentOption(erasures, largs->deployment);
    options.setAction(erasures, [&options, largs] { return runErasures(options, *largs); });
}

}  // namespace meridian::ctl
