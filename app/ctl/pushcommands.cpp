// push: feature rows from a JSON Lines file into a feature view, in batches.

#include <chrono>
#include <cstdio>
#include <memory>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "progressline.h"
#include "rows/rowfile.h"
#include "serving/limits.h"

namespace meridian::ctl {
namespace {

// Batches stay well under the 64 MiB message limit whatever the rows hold.
constexpr size_t kMaxBatchBytes = 32u * 1024 * 1024;

struct PushArgs {
    std::string view;
    std::string file;
    std::string target = "both";
    int batchSize = 5000;
};

v1::WriteTarget targetOf(const std::string& name) {
    if (name == "online")
        return v1::ONLINE;
    if (name == "offline")
        return v1::OFFLINE;
    return v1::ONLINE_AND_OFFLINE;
}

// The view from the region's registry, with a message listing the views there are.
absl::StatusOr<const v1::FeatureView*> findView(CtlOptions& options,
                                                const registry::Catalog& catalog,
                                                const std::string& project,
                                                const std::string& name) {
    const std::string& endpoint = options.endpoint;
    if (!catalog.project(project))
        return client::markFromRegion(
            absl::NotFoundError("project '" + project + "' not found in the region at " + endpoint),
            endpoint);
    if (const auto* view = catalog.featureView(project, name))
        return view;
    std::vector<std::string> names;
    for (const auto* o : catalog.ofKind(v1::FEATURE_VIEW))
        names.push_back(o->feature_view().name());
    return client::markFromRegion(
        absl::NotFoundError("feature view '" + name + "' not found in project '" + project + "' (" +
                            (names.empty() ? std::string("it has no feature views yet")
                                           : "feature views: " + absl::StrJoin(names, ", ")) +
                            ")"),
        endpoint);
}

absl::Status runPush(CtlOptions& options, const PushArgs& args) {
    auto project = options.resolveProject();
    if (!project.ok())
        return project.status();
    auto& region = options.client();
    auto catalog = region.catalog(*project);
    if (!catalog.ok())
        return catalog.status();
    auto view = findView(options, *catalog, *project, args.view);
    if (!view.ok())
        return view.status();
    auto schema = rows::featureRowSchema(*catalog, **view);
    if (!schema.ok())
        return client::markFromRegion(schema.status(), options.endpoint);

    // Every line is checked before the first row is sent: a bad file writes nothing.
    ProgressLine progress;
    auto rows = rows::readFeatureRows(args.file, *schema, [&](size_t done, size_t total) {
        const double percent = 100.0 * static_cast<double>(done) / static_cast<double>(total);
        progress.update("checking " + args.file + ": " + formatFixed(percent, 0) + "%");
    });
    if (!rows.ok()) {
        progress.finish();
        return rows.status();
    }

    const size_t total = rows->size();
    const auto started = std::chrono::steady_clock::now();
    auto elapsedSeconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    v1::WriteFeaturesResponse sum;
    size_t sent = 0;
    int batches = 0;
    while (sent < total) {
        v1::WriteFeaturesRequest request;
        request.set_project(*project);
        request.set_feature_view(args.view);
        request.set_target(targetOf(args.target));
        size_t bytes = 0;
        while (sent + request.rows_size() < total && request.rows_size() < args.batchSize &&
               bytes < kMaxBatchBytes) {
            auto& row = (*rows)[sent + request.rows_size()];
            bytes += row.ByteSizeLong();
            *request.add_rows() = std::move(row);
        }
        auto response = region.writeFeatures(request);
        if (!response.ok()) {
            progress.finish();
            std::string message = std::string(response.status().message());
            if (batches > 0 || sent + request.rows_size() < total)
                message = "batch " + std::to_string(batches + 1) + " (rows " +
                          std::to_string(sent + 1) + " to " +
                          std::to_string(sent + request.rows_size()) + " of " +
                          std::to_string(total) + "): " + message;
            if (sent > 0)
                message += "\nrows 1 to " + std::to_string(sent) +
                           " were written before (version token " + std::to_string(sum.version()) +
                           ")";
            return client::markFromRegion(absl::Status(response.status().code(), message),
                                          options.endpoint);
        }
        ++batches;
        sent += request.rows_size();
        sum.set_rows_written(sum.rows_written() + response->rows_written());
        sum.set_online_applied(sum.online_applied() + response->online_applied());
        sum.set_online_stale(sum.online_stale() + response->online_stale());
        sum.set_offline_appended(sum.offline_appended() + response->offline_appended());
        sum.set_version(std::max(sum.version(), response->version()));
        sum.set_region(response->region());
        const double rate = sent / std::max(elapsedSeconds(), 1e-3);
        progress.update("pushed " + formatCount(static_cast<int64_t>(sent)) + " / " +
                            formatCount(static_cast<int64_t>(total)) + " rows (" +
                            formatFixed(100.0 * sent / total, 0) + "%), " +
                            formatCount(static_cast<int64_t>(rate)) + " rows/s",
                        sent == total);
    }
    progress.finish();
    if (options.json()) {
        printJson(sum);
        return absl::OkStatus();
    }
    std::printf("pushed %s rows to %s/%s in %d batch%s (%s s)\n",
                formatCount(static_cast<int64_t>(total)).c_str(), project->c_str(),
                args.view.c_str(), batches, batches == 1 ? "" : "es",
                formatFixed(elapsedSeconds(), 1).c_str());
    std::printf("  online:  %s applied, %s stale (older than the value already held)\n",
                formatCount(sum.online_applied()).c_str(), formatCount(sum.online_stale()).c_str());
    std::printf("  offline: %s appended\n", formatCount(sum.offline_appended()).c_str());
    std::printf(
        "version token %llu of %s (read your writes: meridianctl get --min-version %llu "
        "--min-version-region %s …)\n",
        static_cast<unsigned long long>(sum.version()), sum.region().c_str(),
        static_cast<unsigned long long>(sum.version()), sum.region().c_str());
    return absl::OkStatus();
}

}  // namespace

void registerPushCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<PushArgs>();
    auto* push = addCommand(
        app, "push", "Write feature rows from a JSON Lines file into a feature view",
        {"meridianctl push user_stats -f rows.jsonl",
         "meridianctl push user_stats -f rows.jsonl --target online --batch-size 1000"},
        "Each line of the file is one JSON object: the join keys, the event time and feature\n"
        "columns, e.g.\n"
        "  {\"user_id\": 42, \"event_timestamp\": \"2026-11-26T09:00:00Z\", \"txn_count\": 7, "
        "\"embedding\": [0.1, 0.2]}\n"
        "The event time column is event_timestamp, or the timestamp field of the view's first "
        "data\n"
        "source; it takes epoch milliseconds or ISO-8601. A feature left out is null. INT64 "
        "values\n"
        "beyond 2^53 go in quotes; BYTES are base64. The whole file is checked before anything is\n"
        "sent, so a bad line writes nothing.");
    push->group("Data");
    push->add_option("view", args->view, "Feature view to write, e.g. user_stats")->required();
    push->add_option("-f,--file", args->file, "JSON Lines file of rows, e.g. -f rows.jsonl")
        ->required()
        ->check(CLI::ExistingFile);
    push->add_option("--target", args->target,
                     "Where rows go: online (latest value), offline (history) or both")
        ->check(CLI::IsMember({"online", "offline", "both"}))
        ->capture_default_str();
    push->add_option("--batch-size", args->batchSize,
                     "Rows per write request, e.g. --batch-size 1000")
        ->check(CLI::Range(1, serving::kMaxRowsPerWrite))
        ->capture_default_str();
    options.setAction(push, [&options, args] { return runPush(options, *args); });
}

}  // namespace meridian::ctl
