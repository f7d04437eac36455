// routes: which region serves each feature service from each caller location, and why; and
// what get --route/--from share with it.

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "routedreads.h"
#include "texttable.h"

namespace meridian::ctl {

void addRoutingOptions(CLI::App* command, RoutingArgs& args) {
    command
        ->add_option("--route", args.route,
                     "Route the read: 'nearest' (the closest region that holds the data, meets "
                     "--max-staleness and has --min-version), or a region's name")
        ->type_name("nearest|REGION");
    command
        ->add_option("--from", args.from,
                     "Route as a caller in this region would (distances from the emulated links, "
                     "else the regions' coordinates); implies --route nearest")
        ->type_name("REGION");
    addDeploymentOption(command, args.deployment);
}

absl::StatusOr<RoutingSession> openRouting(const CtlOptions& options, const std::string& deployment,
                                           const std::string& from, const std::string& pinned) {
    auto regions = openDeployment(options, deployment);
    if (!regions.ok())
        return regions.status();
    if (!from.empty()) {
        if (auto st = (*regions)->checkRegion(from); !st.ok())
            return absl::InvalidArgumentError("--from: " + std::string(st.message()));
    }
    if (!pinned.empty()) {
        if (auto st = (*regions)->checkRegion(pinned); !st.ok())
            return absl::InvalidArgumentError("--route: " + std::string(st.message()) +
                                              ", or nearest");
    }
    RoutingSession session;
    session.regions = std::move(*regions);
    client::Router::Options routerOptions;
    routerOptions.probeTimeout = std::chrono::milliseconds(
        std::min<int64_t>(2000, static_cast<int64_t>(options.timeoutSeconds * 1000)));
    session.router = std::make_unique<client::Router>(*session.regions, routerOptions);
    session.router->probeNow();

    const auto probes = session.router->probes();
    const std::string& control = session.regions->deployment().controlRegion;
    const client::RegionProbe* best = nullptr;
    for (const auto& p : probes) {
        if (!p.reachable)
            continue;
        if (p.region == control) {
            best = &p;
            break;
        }
        if (!best || p.rttMs < best->rttMs)
            best = &p;
    }
    if (!best) {
        std::vector<std::string> down;
        for (const auto& p : probes)
            down.push_back(p.region + " (" + p.error + ")");
        return withStartHint(
            client::markFromRegion(
                absl::UnavailableError("no region answered: " + absl::StrJoin(down, ", ")), ""),
            *session.regions);
    }
    session.registry = &session.regions->client(best->region);
    return session;
}

absl::StatusOr<int64_t> parseStalenessMs(const std::string& text, const std::string& flag) {
    if (text.empty())
        return 0;
    char* end = nullptr;
    const double n = std::strtod(text.c_str(), &end);
    const std::string unit = end ? std::string(end) : std::string();
    double factor = -1;
    if (unit.empty() || unit == "ms")
        factor = 1;
    else if (unit == "s")
        factor = 1000;
    else if (unit == "m")
        factor = 60'000;
    if (end == text.c_str() || factor < 0 || !std::isfinite(n) || n < 0 || n * factor > 8.64e10)
        return absl::InvalidArgumentError(flag + " '" + text +
                                          "' is not a duration such as 2s, 1.5s, 500ms or 2m");
    return static_cast<int64_t>(std::llround(n * factor));
}

namespace {

struct RoutesArgs {
    std::vector<std::string> from;
    std::vector<std::string> services;
    std::string maxStaleness;
    std::string deployment;
};

std::string skippedText(const std::vector<client::RouteSkip>& skipped) {
    std::vector<std::string> parts;
    for (const auto& s : skipped)
        parts.push_back(s.region + ": " + s.why);
    return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

absl::Status runRoutes(CtlOptions& options, const RoutesArgs& args) {
    auto staleness = parseStalenessMs(args.maxStaleness, "--max-staleness");
    if (!staleness.ok())
        return staleness.status();
    auto session = openRouting(options, args.deployment, {});
    if (!session.ok())
        return session.status();
    const auto& deployment = session->regions->deployment();
    for (const auto& f : args.from) {
        if (auto st = session->regions->checkRegion(f); !st.ok())
            return absl::InvalidArgumentError("--from: " + std::string(st.message()));
    }
    auto project = options.resolveProject(session->registry);
    if (!project.ok())
        return project.status();
    auto catalog = session->registry->catalog(*project);
    if (!catalog.ok())
        return catalog.status();
    std::vector<std::string> services = args.services;
    if (services.empty()) {
        for (const auto* o : catalog->ofKind(v1::FEATURE_SERVICE))
            services.push_back(o->feature_service().name());
    }
    if (services.empty())
        return absl::FailedPreconditionError("project '" + *project +
                                             "' has no feature service to route");
    const std::vector<std::string> locations =
        args.from.empty() ? session->regions->names() : args.from;

    TextTable table({"FROM", "SERVICE", "SERVED BY", "WHY", "NEARER, PASSED OVER"});
    std::string json = "[";
    for (const auto& service : services) {
        v1::GetOnlineFeaturesRequest read;
        read.set_project(*project);
        read.set_feature_service(service);
        auto views = client::viewsOfRead(*catalog, read);
        if (!views.ok())
            return views.status();
        for (const auto& from : locations) {
            client::RouteQuery query;
            query.views = *views;
            query.from = from;
            query.maxStalenessMs = *staleness;
            auto route = session->router->plan(query);
            const std::string region = route.ok() ? route->stops.front().region : "-";
            const std::string why =
                route.ok() ? route->stops.front().reason : std::string(route.status().message());
            const auto nearer =
                route.ok() ? route->nearerSkipped() : std::vector<client::RouteSkip>{};
            table.addRow({from, service, region, why, skippedText(nearer)});
            std::vector<std::string> skippedJson;
            for (const auto& s : nearer)
                skippedJson.push_back(jsonString(s.text()));
            json += std::string(json.size() > 1 ? ",\n  " : "\n  ") +
                    "{\"from\": " + jsonString(from) +
                    ", \"feature_service\": " + jsonString(service) +
                    ", \"region\": " + (route.ok() ? jsonString(region) : std::string("null")) +
                    ", \"distance_ms\": " +
                    (route.ok() && std::isfinite(route->stops.front().distanceMs)
                         ? formatFixed(route->stops.front().distanceMs, 1)
                         : std::string("null")) +
                    ", \"reason\": " + jsonString(why) + ", \"skipped\": [" +
                    absl::StrJoin(skippedJson, ", ") + "]}";
        }
    }
    if (options.json()) {
        std::printf("%s\n]\n", json.c_str());
        return absl::OkStatus();
    }
    table.print();
    std::vector<std::string> probeLines;
    for (const auto& p : session->router->probes())
        probeLines.push_back(p.reachable ? p.region + " " + client::formatRtt(p.rttMs)
                                         : p.region + " down");
    std::printf("\nprobed from here: %s (deployment %s)\n", absl::StrJoin(probeLines, ", ").c_str(),
                deployment.name.c_str());
    return absl::OkStatus();
}

}  // namespace

void registerRouteCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<RoutesArgs>();
    auto* routes = addMultiRegionCommand(
        app, "routes", "Which region serves each feature service from each location, and why",
        {"meridianctl routes", "meridianctl routes --from aws-eu-west-1 --max-staleness 2s",
         "meridianctl routes --service fraud_scoring -o json"},
        "A read goes to the nearest region that holds every view it names (residency and\n"
        "replication policies), meets --max-staleness and is up; else the next nearest; else\n"
        "the views' hub or owner. Distances between regions come from the emulated links (the\n"
        "demo), else from the regions' coordinates; from here they are measured. The nearer\n"
        "regions passed over are listed with why. meridianctl get --route nearest --from REGION\n"
        "reads that way.");
    routes->group("Data");
    routes->add_option("--from", args->from, "Only from these regions (repeat or comma-separate)")
        ->delimiter(',')
        ->type_name("REGION");
    routes->add_option("--service", args->services, "Only these feature services")
        ->delimiter(',')
        ->type_name("NAME");
    routes
        ->add_option("--max-staleness", args->maxStaleness,
                     "Pass over regions lagging more than this, e.g. 2s or 500ms")
        ->type_name("DURATION");
    addDeploymentOption(routes, args->deployment);
    options.setAction(routes, [&options, args] { return runRoutes(options, *args); });
}

}  // namespace meridian::ctl
