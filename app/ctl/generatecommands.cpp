// generate: realistic feature rows (core/datagen) pushed where each view accepts writes, kept
// coming at a steady rate, or written to JSON Lines files.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "datagen/jsonline.h"
#include "demo/samplewriter.h"
#include "deployment/repositoryfile.h"
#include "interruptflag.h"
#include "multiregion.h"
#include "registry/applyplan.h"
#include "rows/eventtime.h"

namespace meridian::ctl {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSpanMs = 10 * 60 * 1000;

struct GenerateArgs {
    std::vector<std::string> views;
    int rows = 1000;
    bool follow = false;
    double rate = 50;
    std::string deployment;
    std::string repository;
    std::string out;
    uint64_t seed = 42;
};

// The registry from the repository file (as the control region would store it), else from
// the control region, else from any region that answers.
absl::StatusOr<registry::Catalog> catalogFor(const GenerateArgs& args,
                                             client::RegionDirectory& regions) {
    const auto& deployment = regions.deployment();
    if (!args.repository.empty()) {
        auto repo = deployment::loadRepositoryFile(args.repository);
        if (!repo.ok())
            return repo.status();
        registry::ApplyContext context;
        context.region = deployment.controlRegion.empty() ? deployment.regions.front().info.name
                                                          : deployment.controlRegion;
        context.nowMs = rows::nowMs();
        auto plan = registry::planApply(registry::Catalog(), registry::objectsOf(*repo),
                                        deployment.regionSet(), context);
        if (!plan.ok())
            return absl::InvalidArgumentError(args.repository + ": " +
                                              std::string(plan.status().message()));
        std::vector<v1::RegistryObject> objects;
        for (auto& change : *plan)
            objects.push_back(std::move(change.object));
        return registry::Catalog(std::move(objects));
    }
    std::vector<std::string> order{deployment.controlRegion};
    for (const auto& n : regions.names())
        order.push_back(n);
    absl::Status last = absl::UnavailableError("no region");
    for (const auto& name : order) {
        if (name.empty() || !regions.contains(name))
            continue;
        auto catalog = regions.client(name).catalog("");
        if (catalog.ok())
            return catalog;
        last = catalog.status();
        if (!client::isUnreachable(last))
            return last;
    }
    return withStartHint(
        client::markFromRegion(
            absl::UnavailableError("no region answered, so there is no registry to take the "
                                   "feature views from (last: " +
                                   std::string(last.message()) + "); or give --repository FILE"),
            deployment.regions.front().endpoint),
        regions);
}

absl::Status writeFiles(const GenerateArgs& args, demo::SampleWriter& writer) {
    const auto& views = writer.views();
    const bool oneFile = views.size() == 1 && !fs::is_directory(args.out);
    if (!oneFile) {
        std::error_code ec;
        fs::create_directories(args.out, ec);
        if (ec || !fs::is_directory(args.out))
            return absl::InvalidArgumentError(
                "--out " + args.out + " must be a directory when rows of several views are " +
                "written (one VIEW.jsonl each); or choose one view with --view");
    }
    for (const auto& view : views) {
        const std::string path =
            oneFile
                ? args.out
                : (fs::path(args.out) / (view.view.project() + "." + view.view.name() + ".jsonl"))
                      .string();
        std::ofstream out(path, std::ios::trunc);
        if (!out)
            return absl::InvalidArgumentError("cannot write " + path);
        for (const auto& row : writer.rows(view, args.rows, kSpanMs))
            out << datagen::toJsonLine(row, view.schema.timeColumn) << '\n';
        out.flush();
        if (!out)
            return absl::InvalidArgumentError("cannot write " + path);
        std::printf("wrote %s rows of %s to %s (push them: meridianctl push %s -f %s)\n",
                    formatCount(args.rows).c_str(), view.key.c_str(), path.c_str(),
                    view.view.name().c_str(), path.c_str());
    }
    return absl::OkStatus();
}

absl::Status follow(const GenerateArgs& args, demo::SampleWriter& writer) {
    std::map<std::string, std::vector<std::string>> perRegion;
    for (const auto& v : writer.views()) {
        for (const auto& w : v.writers)
            perRegion[w].push_back(v.key);
    }
    std::vector<std::string> where;
    for (const auto& [region, views] : perRegion)
        where.push_back(region + " (" + std::to_string(views.size()) + " view" +
                        (views.size() == 1 ? "" : "s") + ")");
    InterruptFlag interrupt;
    // The local demo waits for this line (kGeneratorReady in core/client/localdemo.cpp).
    std::fprintf(
        stderr, "generating %s rows/s per region into %s; stop with Ctrl-C or SIGTERM\n",
        formatFixed(args.rate, args.rate == static_cast<int64_t>(args.rate) ? 0 : 1).c_str(),
        absl::StrJoin(where, ", ").c_str());
    std::fflush(stderr);
    std::atomic<bool> stop{false};
    std::thread watcher([&] {
        while (!interrupt.raised())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        stop = true;
    });
    const auto started = std::chrono::steady_clock::now();
    const int64_t written = writer.follow(args.rate, stop, [](const std::string& line) {
        std::fprintf(stderr, "%s %s\n", formatTime(rows::nowMs()).c_str(), line.c_str());
        std::fflush(stderr);
    });
    watcher.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "stopped (%s): wrote %s rows in %s\n",
                 interrupt.lastSignal() == SIGTERM ? "SIGTERM" : "Ctrl-C",
                 formatCount(written).c_str(),
                 formatElapsed(static_cast<int64_t>(seconds * 1000)).c_str());
    return absl::OkStatus();
}

absl::Status runGenerate(CtlOptions& options, const GenerateArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    auto catalog = catalogFor(args, **regions);
    if (!catalog.ok())
        return catalog.status();
    // Rows for files need no region that accepts them.
    auto views = demo::sampleViewsOf(
        *catalog, args.out.empty() ? &(*regions)->deployment() : nullptr, args.views);
    if (!views.ok())
        return views.status();
    if (views->empty())
        return absl::FailedPreconditionError(
            "no feature view to write: the registry holds none that a region of the deployment "
            "accepts writes of; apply a repository first (meridianctl apply -f repo.yaml)");
    if (!args.out.empty() && args.follow)
        return absl::InvalidArgumentError("--out and --follow do not go together");
    demo::SampleWriter writer(regions->get(), std::move(*views), args.seed);
    if (!args.out.empty())
        return writeFiles(args, writer);
    if (args.follow)
        return follow(args, writer);
    std::fprintf(stderr, "writing %s rows to each of %zu feature views:\n",
                 formatCount(args.rows).c_str(), writer.views().size());
    const auto started = std::chrono::steady_clock::now();
    auto written = writer.seed(args.rows, kSpanMs, [](const std::string& line) {
        std::fprintf(stderr, "%s\n", line.c_str());
    });
    if (!written.ok())
        return written.status();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("wrote %s rows to %zu feature views in %s s\n", formatCount(*written).c_str(),
                writer.views().size(), formatFixed(seconds, 1).c_str());
    return absl::OkStatus();
}

}  // namespace

void registerGenerateCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<GenerateArgs>();
    auto* generate = addMultiRegionCommand(
        app, "generate", "Write realistic feature rows where each view accepts writes",
        {"meridianctl generate --rows 5000",
         "meridianctl generate --view commerce/merchant_risk --rows 100",
         "meridianctl generate --follow --rate 100",
         "meridianctl generate --view user_profile --rows 1000 --out user_profile.jsonl",
         "meridianctl generate --repository repo.yaml --out rows/"},
        "Rows come from Meridian's row generator: skewed entity populations and values that\n"
        "fit each feature's name and type. They go to the hub of a hub-and-spoke view, to each\n"
        "member of an active-active view in turn, to the owner of a local or batch view; batch\n"
        "views are written offline, views without offline storage online only. Event times are\n"
        "spread over the last 10 minutes, or now with --follow, which writes RATE rows a second\n"
        "to every writing region (shared among its views) in a batch every 200 ms until Ctrl-C\n"
        "or SIGTERM, and keeps trying a region that is down. With --out nothing is sent: the\n"
        "rows go to a JSON Lines file (one view) or a directory (PROJECT.VIEW.jsonl per view)\n"
        "that `meridianctl push` reads.");
    generate->group("Data");
    generate
        ->add_option("--view", args->views,
                     "Feature view to write, project/view or view (repeatable); default: all")
        ->type_name("VIEW");
    auto* rows = generate->add_option("--rows", args->rows, "Rows per feature view")
                     ->check(CLI::Range(1, 10'000'000))
                     ->capture_default_str();
    auto* followFlag = generate->add_flag("--follow", args->follow,
                                          "Keep writing at --rate until Ctrl-C or SIGTERM");
    generate
        ->add_option("--rate", args->rate, "With --follow: rows per second to each writing region")
        ->check(CLI::Range(0.1, 1'000'000.0))
        ->needs(followFlag)
        ->capture_default_str();
    followFlag->excludes(rows);
    addDeploymentOption(generate, args->deployment);
    generate
        ->add_option("--repository", args->repository,
                     "Take the views from this repository file instead of the registry")
        ->type_name("FILE")
        ->check(CLI::ExistingFile.description(""));
    auto* out = generate
                    ->add_option("--out", args->out,
                                 "Write JSON Lines here instead of pushing (a directory for "
                                 "several views)")
                    ->type_name("PATH");
    out->excludes(followFlag);
    generate
        ->add_option("--seed", args->seed, "Seed of the generator: the same seed, the same rows")
        ->capture_default_str();
    options.setAction(generate, [&options, args] { return runGenerate(options, *args); });
}

}  // namespace meridian::ctl
