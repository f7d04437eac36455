// get and historical: feature values of entities, now (online) or at points in time (offline).

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "routedreads.h"
#include "rows/entityargument.h"
#include "rows/rowfile.h"
#include "rows/valueconversion.h"
#include "serving/limits.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

// Entity rows per historical request, well under the region's limit.
constexpr int kHistoricalBatchRows = 10'000;
// Values wider than this are cut in tables (JSON output has them whole).
constexpr size_t kMaxCellWidth = 48;

struct ReadArgs {
    std::string service;
    std::vector<std::string> features;
    std::vector<std::string> entities;
    std::string entitiesFile;
    std::string out;
    std::string maxStaleness;
    uint64_t minVersion = 0;
    std::string minVersionRegion;
    RoutingArgs routing;
};

// What a read selects, resolved against the region's registry.
struct ReadPlan {
    std::string project;
    std::vector<v1::JoinKey> joinKeys;
    registry::Catalog catalog;
};

// `registry`: the region whose registry resolves the read (default: the one at --endpoint).
absl::StatusOr<ReadPlan> planRead(CtlOptions& options, const ReadArgs& args,
                                  client::RegionClient* registry = nullptr) {
    if (args.service.empty() == args.features.empty())
        return absl::InvalidArgumentError(
            "give either --service NAME or --features view:feature,… (exactly one of them)");
    if (!registry)
        registry = &options.client();
    auto project = options.resolveProject(registry);
    if (!project.ok())
        return project.status();
    auto catalog = registry->catalog(*project);
    if (!catalog.ok())
        return catalog.status();
    auto keys = rows::joinKeysForRead(*catalog, *project, args.service, args.features);
    if (!keys.ok()) {
        // Unknown project, service, view or feature: the region's registry says no.
        if (keys.status().code() == absl::StatusCode::kInvalidArgument)
            return keys.status();
        return client::markFromRegion(keys.status(), registry->endpoint());
    }
    return ReadPlan{*project, std::move(*keys), std::move(*catalog)};
}

template <typename Request>
void selectFeatures(Request& request, const ReadArgs& args) {
    if (!args.service.empty()) {
        request.set_feature_service(args.service);
    } else {
        for (const auto& ref : args.features)
            request.mutable_features()->add_refs(ref);
    }
}

std::string entityText(const google::protobuf::Map<std::string, v1::Value>& keys,
                       const std::vector<v1::JoinKey>& joinKeys) {
    std::vector<std::string> parts;
    for (const auto& k : joinKeys) {
        auto it = keys.find(k.name());
        if (it != keys.end())
            parts.push_back(k.name() + "=" + formatValue(it->second));
    }
    return absl::StrJoin(parts, ",");
}

std::string statusName(v1::FieldStatus status) {
    return v1::FieldStatus_Name(status);
}

// A historical cell: the value, or why there is none.
std::string cellText(const v1::FeatureValue& v) {
    switch (v.status()) {
        case v1::PRESENT:
            return ellipsize(formatValue(v.value()), kMaxCellWidth);
        case v1::NULL_VALUE:
            return "null";
        case v1::OUTSIDE_MAX_AGE:
            return "expired";
        default:
            return "-";
    }
}

absl::Status runGet(CtlOptions& options, const ReadArgs& args) {
    auto staleness = parseStalenessMs(args.maxStaleness, "--max-staleness");
    if (!staleness.ok())
        return staleness.status();
    std::optional<RoutingSession> routing;
    if (args.routing.routed()) {
        auto session =
            openRouting(options, args.routing.deployment, args.routing.from, args.routing.pinned());
        if (!session.ok())
            return session.status();
        routing = std::move(*session);
    }
    auto plan = planRead(options, args, routing ? routing->registry : nullptr);
    if (!plan.ok())
        return plan.status();
    v1::GetOnlineFeaturesRequest request;
    request.set_project(plan->project);
    selectFeatures(request, args);
    for (const auto& text : args.entities) {
        auto row = rows::parseEntityArgument(text, plan->joinKeys);
        if (!row.ok())
            return row.status();
        *request.add_entities() = std::move(*row);
    }
    request.set_max_staleness_ms(*staleness);
    request.set_min_version(args.minVersion);
    request.set_min_version_region(args.minVersionRegion);
    std::optional<client::RoutedRead> routed;
    absl::StatusOr<v1::GetOnlineFeaturesResponse> response;
    if (routing) {
        client::RouteQuery query;
        auto views = client::viewsOfRead(plan->catalog, request);
        if (!views.ok())
            return views.status();
        query.views = std::move(*views);
        query.from = args.routing.from;
        query.pinned = args.routing.pinned();
        query.maxStalenessMs = *staleness;
        query.minVersion = args.minVersion;
        query.minVersionRegion = args.minVersionRegion;
        auto read = routing->router->getOnlineFeatures(
            request, query,
            std::chrono::milliseconds(static_cast<int64_t>(options.timeoutSeconds * 1000)));
        if (!read.ok())
            return read.status();
        response = read->response;
        routed = std::move(*read);
    } else {
        response = options.client().getOnlineFeatures(request);
    }
    if (!response.ok())
        return response.status();
    if (options.json()) {
        if (!routed) {
            printJson(*response);
            return absl::OkStatus();
        }
        std::vector<std::string> skipped;
        for (const auto& s : routed->skipped)
            skipped.push_back(jsonString(s));
        std::printf(
            "{\n  \"route\": {\"region\": %s, \"reason\": %s, \"skipped\": [%s]},\n  "
            "\"response\": %s\n}\n",
            jsonString(routed->region).c_str(), jsonString(routed->reason).c_str(),
            absl::StrJoin(skipped, ", ").c_str(), indented(jsonOf(*response), 2).c_str());
        return absl::OkStatus();
    }
    TextTable table({"ENTITY", "FEATURE", "VALUE", "STATUS", "EVENT TIME"});
    for (int r = 0; r < response->rows_size(); ++r) {
        const std::string entity = entityText(request.entities(r).keys(), plan->joinKeys);
        const auto& row = response->rows(r);
        for (int c = 0; c < row.values_size() && c < response->feature_names_size(); ++c) {
            const auto& v = row.values(c);
            table.addRow(
                {entity, response->feature_names(c),
                 v.status() == v1::PRESENT ? ellipsize(formatValue(v.value()), kMaxCellWidth) : "-",
                 statusName(v.status()), formatTime(v.event_timestamp())});
        }
    }
    table.print();
    std::printf("\nserved by region %s%s, watermark %s (version %llu)\n",
                response->serving_region().c_str(),
                routed ? (" (" + routed->reason + ")").c_str() : "",
                formatHlc(response->watermark()).c_str(),
                static_cast<unsigned long long>(response->watermark()));
    if (routed) {
        for (const auto& s : routed->skipped)
            std::printf("  %s\n", s.c_str());
    }
    return absl::OkStatus();
}

absl::Status writeJsonLines(std::FILE* out, const v1::GetHistoricalFeaturesResponse& response,
                            const std::vector<v1::JoinKey>& joinKeys) {
    auto quoted = [](const std::string& s) {
        v1::Value v;
        v.set_string_val(s);
        return rows::valueToJson(v);
    };
    for (const auto& row : response.rows()) {
        std::string line = "{";
        for (const auto& k : joinKeys) {
            auto it = row.keys().find(k.name());
            if (it == row.keys().end())
                continue;
            line += quoted(k.name()) + ":" + rows::valueToJson(it->second) + ",";
        }
        line += quoted(std::string(rows::kEventTimeColumn)) + ":" +
                quoted(formatTime(row.event_timestamp()));
        for (int c = 0; c < row.values_size() && c < response.feature_names_size(); ++c) {
            const auto& v = row.values(c);
            line += "," + quoted(response.feature_names(c)) + ":" +
                    (v.status() == v1::PRESENT ? rows::valueToJson(v.value()) : "null");
        }
        line += "}\n";
        if (std::fwrite(line.data(), 1, line.size(), out) != line.size())
            return absl::DataLossError("writing the results failed");
    }
    return absl::OkStatus();
}

absl::Status runHistorical(CtlOptions& options, const ReadArgs& args) {
    auto plan = planRead(options, args);
    if (!plan.ok())
        return plan.status();
    auto entities = rows::readEntityRows(args.entitiesFile,
                                         {plan->joinKeys, std::string(rows::kEventTimeColumn)});
    if (!entities.ok())
        return entities.status();

    v1::GetHistoricalFeaturesResponse all;
    for (size_t first = 0; first < entities->size(); first += kHistoricalBatchRows) {
        v1::GetHistoricalFeaturesRequest request;
        request.set_project(plan->project);
        selectFeatures(request, args);
        const size_t last = std::min(entities->size(), first + kHistoricalBatchRows);
        for (size_t i = first; i < last; ++i)
            *request.add_entities() = (*entities)[i];
        auto response = options.client().getHistoricalFeatures(request);
        if (!response.ok())
            return response.status();
        if (all.feature_names().empty())
            *all.mutable_feature_names() = response->feature_names();
        for (auto& row : *response->mutable_rows())
            *all.add_rows() = std::move(row);
    }

    if (!args.out.empty()) {
        std::FILE* out = args.out == "-" ? stdout : std::fopen(args.out.c_str(), "w");
        if (!out)
            return absl::PermissionDeniedError("cannot write results to '" + args.out + "'");
        absl::Status st = writeJsonLines(out, all, plan->joinKeys);
        if (out != stdout && std::fclose(out) != 0 && st.ok())
            st = absl::DataLossError("writing '" + args.out + "' failed");
        if (!st.ok())
            return st;
        if (out != stdout)
            std::printf("wrote %s point-in-time rows to %s\n", formatCount(all.rows_size()).c_str(),
                        args.out.c_str());
        return absl::OkStatus();
    }
    if (options.json()) {
        printJson(all);
        return absl::OkStatus();
    }
    std::vector<std::string> headers;
    for (const auto& k : plan->joinKeys)
        headers.push_back(k.name());
    headers.push_back("EVENT TIME");
    headers.insert(headers.end(), all.feature_names().begin(), all.feature_names().end());
    TextTable table(headers);
    bool missing = false;
    for (const auto& row : all.rows()) {
        std::vector<std::string> cells;
        for (const auto& k : plan->joinKeys) {
            auto it = row.keys().find(k.name());
            cells.push_back(it == row.keys().end() ? "" : formatValue(it->second));
        }
        cells.push_back(formatTime(row.event_timestamp()));
        for (const auto& v : row.values()) {
            cells.push_back(cellText(v));
            missing = missing || v.status() != v1::PRESENT;
        }
        table.addRow(std::move(cells));
    }
    table.print();
    if (missing)
        std::printf(
            "\n-: no value at or before that time; null: the value was null; expired: older "
            "than the view's ttl\n");
    return absl::OkStatus();
}

void addSelection(CLI::App* command, ReadArgs& args) {
    command->add_option("--service", args.service,
                        "Feature service to read, e.g. --service scoring");
    command
        ->add_option("--features", args.features,
                     "Features to read instead of a service, e.g. "
                     "--features user_stats:txn_count,user_stats:avg_amount (view:* for all)")
        ->delimiter(',')
        ->type_name("VIEW:FEATURE[,…]")
        ->allow_extra_args(false);
}

}  // namespace

void registerReadCommands(CLI::App& app, CtlOptions& options) {
    auto getArgs = std::make_shared<ReadArgs>();
    auto* get = addCommand(
        app, "get", "Read the latest feature values of entities from the online store",
        {"meridianctl get --service scoring --entity user_id=42,merchant_id=m7",
         "meridianctl get --features user_stats:* --entity user_id=1 --entity user_id=2",
         "meridianctl get --features user_stats:txn_count --entity user_id=42 --min-version 1177…",
         "meridianctl get --service scoring --entity user_id=42 --route nearest --from "
         "aws-eu-west-1 --max-staleness 2s"},
        "Each value comes with its status: PRESENT, NOT_FOUND (no row for the entity), NULL_VALUE\n"
        "(the row holds no value for it) or OUTSIDE_MAX_AGE (older than the view's ttl).\n"
        "With --route (or --from) the read goes to the nearest region of the deployment that\n"
        "holds the data, meets --max-staleness and has --min-version, else the next nearest;\n"
        "a region that fails is passed over within --timeout. The answer says which region\n"
        "served it and why, and the nearer regions passed over (see meridianctl routes).");
    get->group("Data");
    addSelection(get, *getArgs);
    get->add_option("--entity", getArgs->entities,
                    "An entity: its join keys as key=value pairs, e.g. --entity user_id=42; repeat "
                    "for more entities")
        ->type_name("KEY=VALUE[,KEY=VALUE]")
        ->required()
        ->allow_extra_args(false);
    get->add_option("--max-staleness", getArgs->maxStaleness,
                    "Refuse the read if the region's copy lags more than this, e.g. 2s or 500ms "
                    "(a bare number is milliseconds); with --route, pass over such regions")
        ->type_name("DURATION");
    get->add_option(
        "--min-version", getArgs->minVersion,
        "Read your writes: the version token a push printed; refused until applied here");
    get->add_option("--min-version-region", getArgs->minVersionRegion,
                    "The region the push wrote to (a push prints it); without it the read waits "
                    "until every region's log has reached --min-version")
        ->needs("--min-version");
    addRoutingOptions(get, getArgs->routing);
    options.setAction(get, [&options, getArgs] { return runGet(options, *getArgs); });

    auto histArgs = std::make_shared<ReadArgs>();
    auto* historical = addCommand(
        app, "historical", "Point-in-time correct feature values for training sets",
        {"meridianctl historical --service scoring --entities entities.jsonl",
         "meridianctl historical --features user_stats:* --entities entities.jsonl --out "
         "train.jsonl"},
        "For each entity row, the latest value at or before its event time and within the view's\n"
        "ttl. Entity rows are JSON Lines with the join keys and event_timestamp, e.g.\n"
        "  {\"user_id\": 42, \"event_timestamp\": \"2026-11-26T09:00:00Z\"}");
    historical->group("Data");
    addSelection(historical, *histArgs);
    historical
        ->add_option("--entities", histArgs->entitiesFile,
                     "JSON Lines file of entity rows: join keys and event_timestamp (epoch ms "
                     "or ISO-8601), e.g. --entities entities.jsonl")
        ->required()
        ->check(CLI::ExistingFile);
    historical->add_option("--out", histArgs->out,
                           "Write the results as JSON Lines to this file ('-' for stdout), e.g. "
                           "--out train.jsonl");
    options.setAction(historical,
                      [&options, histArgs] { return runHistorical(options, *histArgs); });
}

}  // namespace meridian::ctl
