#pragma once
// What the console shows, as plain structs: no protobuf, no Qt. core/client fills them from the
// wire; ui/ renders them and tests make them up.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "client/hubsummary.h"

namespace meridian::console {

struct RegionStatus {
    std::string name;
    std::string cloud;           // "aws", "gcp", "azure"
    std::string providerRegion;  // "eu-west-1"
    std::string jurisdiction;    // "eu"
    std::string endpoint;
    double latitude = 0;
    double longitude = 0;
    std::string role;  // "control", "replica", "standalone"
    bool up = false;
    std::string error;  // why it is down
    int64_t checkedAtMs = 0;
    int64_t startedAtMs = 0;
    std::string version;
    int64_t onlineRows = 0;
    int64_t offlineRows = 0;
    int64_t registryObjects = 0;
    double writeRate = 0;  // rows/s, last minute
    double readRate = 0;   // entity rows served/s, last minute
    double servingP50Ms = 0;
    double servingP99Ms = 0;
    int64_t dbBytes = 0;         // the database file
    int64_t walBytes = 0;        // its write-ahead log
    int64_t changelogBytes = 0;  // the changelog's share of the database (estimated)
    int64_t changelogLimitBytes = 0;
};

// The state of a replication link, as the region pulling over it reports it.
enum class LinkState {
    Unknown,
    Connecting,      // (re)connecting to the peer
    Streaming,       // pulling the peer's log
    Snapshot,        // paused while a snapshot from the peer is installed
    SnapshotNeeded,  // the peer's log no longer holds the region's place
    Partitioned,     // cut by link emulation
    Down,            // the stream failed; retrying
};

struct LinkStatus {
    std::string from;
    std::string to;
    std::string view;  // "project/view"; empty for the link as a whole
    std::string mode;  // "hub_spoke", "active_active", "batch", "local", or several joined by '+'
    double lagSeconds = 0;
    int64_t changesBehind = 0;
    double applyRate = 0;
    double latencyP50Ms = 0;
    double latencyP99Ms = 0;
    int64_t conflicts = 0;
    int64_t residencyWithheld = 0;
    LinkState state = LinkState::Unknown;  // named by linkStateName() (linkfigures.h)
    bool emulated = false;
    std::string emulation;  // "delay 35 ms ±3 ms"
    int64_t bytesReceived = 0;
    // The lag as the receiving region sampled it (every few seconds, the last hour), oldest
    // first; only in a snapshot polled with history, only the samples asked for, and only on
    // rows of the link as a whole.
    struct Sample {
        int64_t atMs = 0;
        double lagSeconds = 0;
        double latencyP50Ms = 0;
    };
    std::vector<Sample> history;
};

// One poll of every region: what the overview, replication and alerts pages refresh from.
struct DeploymentSnapshot {
    int64_t atMs = 0;
    std::vector<RegionStatus> regions;
    std::vector<LinkStatus> links;  // from every region's Stats, link rows and view rows
};

enum class ObjectKind { Project, Entity, DataSource, FeatureView, FeatureService };

struct RegistryEntry {
    ObjectKind kind = ObjectKind::Project;
    std::string project;
    std::string name;
    int64_t version = 0;
    std::string specHash;
    std::string ownerRegion;
    int64_t createdAtMs = 0;
    int64_t updatedAtMs = 0;
    std::string appliedBy;
    bool deleted = false;
    std::string description;
    std::string owner;
    std::vector<std::pair<std::string, std::string>> fields;  // label -> value, for a details pane
    std::string text;  // the whole spec, readable (YAML-like)
    // Feature views only.
    std::string replicationMode;
    std::vector<std::string> replicationRegions;
    std::string residency;                    // "jurisdiction eu" or "regions a, b" or "anywhere"
    std::vector<std::string> storingRegions;  // where its data lives
};

struct FieldDiff {
    enum class Change { Added, Removed, Modified };
    Change change = Change::Modified;
    std::string path;
    std::string before;
    std::string after;
};

struct LineageNode {
    enum class Kind { Entity, DataSource, FeatureView, FeatureService, Consumer, Region };
    std::string id;
    Kind kind = Kind::Entity;
    std::string project;
    std::string name;
    std::vector<std::string> regions;
};

struct LineageEdge {
    std::string from;
    std::string to;
    bool crossesResidency = false;
};

struct LineageGraph {
    std::vector<LineageNode> nodes;
    std::vector<LineageEdge> edges;
};

struct SyncJobInfo {
    enum class Kind { CatchUp, OfflineBatch, Snapshot, Repair };
    enum class State { Queued, Running, Succeeded, Failed, Cancelled };
    std::string id;
    Kind kind = Kind::CatchUp;
    State state = State::Queued;
    std::string from;
    std::string to;
    std::vector<std::string> scope;
    std::string startedBy;
    int64_t createdAtMs = 0;
    int64_t startedAtMs = 0;
    int64_t finishedAtMs = 0;
    int64_t rows = 0;
    int64_t total = 0;
    int64_t bytes = 0;
    double percent = 0;
    double etaSeconds = 0;
    double estimatedCostUsd = 0;
    double costUsd = 0;
    std::string message;
    int64_t residencyRefused = 0;
    int64_t residencyRows = 0;  // rows of those views withheld, when the job knows
    int64_t keysDiffering = 0;  // repairs: keys found different, and those left unresolved
    int64_t keysUnresolved = 0;
};

struct CostLineInfo {
    std::string from;
    std::string to;
    std::string view;  // empty: registry and control traffic
    std::string kind;  // "stream", "snapshot", "batch", "control"
    int64_t bytes = 0;
    int64_t rawBytes = 0;
    double usd = 0;
    std::string priceClass;
    double usdPerGb = 0;
};

struct CostPoint {
    int64_t minuteMs = 0;
    int64_t bytes = 0;
    double usd = 0;
};

// What every region sent over a window, priced.
struct CostReport {
    int64_t sinceMs = 0;
    int64_t untilMs = 0;
    std::vector<CostLineInfo> lines;
    std::vector<CostPoint> perMinute;  // all regions together
    std::string pricingSource;
};

struct AlertInfo {
    std::string id;
    std::string region;  // the region that raised it ("console" for console-side rules)
    std::string kind;
    std::string subject;
    std::string message;
    std::string severity;  // "warning", "critical"
    int64_t raisedAtMs = 0;
    int64_t clearedAtMs = 0;  // 0 while active
};

// One entry of a region's audit log.
struct AuditEntryInfo {
    int64_t atMs = 0;
    std::string region;
    std::string principal;
    std::string action;
    std::string target;
    std::string result;
    std::string requestId;
    bool denied = false;
};

// What one region holds, or erased, of one view of an entity.
struct ErasedViewInfo {
    std::string view;  // project/view
    int64_t onlineRows = 0;
    int64_t offlineRows = 0;
    int64_t logEntries = -1;  // -1: not counted (previews)
};

// One region's part of an erasure: its preview, or what it deleted.
struct RegionErasureInfo {
    std::string region;
    bool erased = false;
    bool reachable = true;  // previews: false when the region did not answer (`error` says why)
    std::string error;      // jobs: why the last attempt failed
    int attempts = 0;
    int64_t erasedAtMs = 0;
    bool walTruncated = false;
    std::vector<ErasedViewInfo> views;

    int64_t onlineRows() const;
    int64_t offlineRows() const;
    int64_t logEntries() const;  // those counted
};

// What every region holds of an entity, before it is erased.
struct ErasurePreview {
    std::string entity;                      // as asked, e.g. "user_id=1042"
    std::vector<RegionErasureInfo> regions;  // deployment order
};

// An erasure, as its coordinator follows it.
struct ErasureJobInfo {
    std::string id;
    std::string entity;  // join keys and a hash: "user_id (sha256 3fa2c1d0e9b8)"
    std::vector<std::string> views;
    std::string requestedBy;
    std::string coordinator;  // "… (down)" when pieced together from the regions that applied it
    int64_t createdAtMs = 0;
    int64_t finishedAtMs = 0;
    bool done = false;
    std::vector<RegionErasureInfo> regions;

    int erasedRegions() const;
};

// The online stores of two regions compared (meridianctl check): per view what was compared,
// and each key that differs with both versions and the one the conflict rule keeps.
struct ViewCheckInfo {
    std::string view;  // "project/view"
    int64_t rowsFirst = 0;
    int64_t rowsSecond = 0;
    int64_t inFlight = 0;  // left out as written within the lag bound
    int64_t differing = 0;
    int64_t bytesExchanged = 0;
    double seconds = 0;
    std::string error;  // the view could not be compared
};

struct KeyDifferenceInfo {
    std::string view;
    std::string entity;  // "user_id=7"
    std::string first;   // each region's version as text: values, event time, writer
    std::string second;
    std::string kept;  // the region whose copy the conflict rule keeps; empty: unresolved
    std::string reason;
};

struct ConsistencyCheckInfo {
    std::string first;   // the region that compared
    std::string second;  // its peer
    int64_t checkedAtMs = 0;
    std::string error;  // the pair could not be compared
    int64_t fullCopyBytes = 0;
    std::vector<ViewCheckInfo> views;
    std::vector<KeyDifferenceInfo> differences;  // at most 100 a view

    int64_t differing() const {
        int64_t n = 0;
        for (const auto& v : views)
            n += v.differing;
        return n;
    }
};

// Which region serves a feature service to a caller in one region, and why (client/routing.h
// decides, as meridianctl get --route does).
struct RouteInfo {
    std::string from;       // the caller's region
    std::string service;    // "project/service"
    std::string region;     // the region that serves it; empty when none qualifies
    double distanceMs = 0;  // the round trip assumed between the two
    std::string reason;     // "nearest: 0.4 ms (local)", or why no region qualifies
    // The nearer regions passed over, with why: "aws-eu-west-1: lag 4.2 s > max_staleness 2 s".
    std::vector<std::string> passedOver;
};

struct RoutingTable {
    int64_t atMs = 0;
    int64_t maxStalenessMs = 0;     // what the routes were planned for (0: any lag)
    std::vector<RouteInfo> routes;  // by service, then by caller in the deployment's order
};

// The hub of a hub-and-spoke view as the regions report it (Replication.ListHubs of each,
// merged as meridianctl hubs merges them).
using HubInfo = client::HubSummary;

struct HubTable {
    int64_t atMs = 0;
    std::vector<HubInfo> views;
    // Regions that keep changes they acknowledged as an old hub and never sent, with how many.
    std::vector<std::pair<std::string, int64_t>> orphans;
    std::vector<std::string> silent;  // regions that did not answer
};

// What a promotion did (or, dry, would do) to one view.
struct PromotionViewInfo {
    std::string view;
    std::string oldHub;
    uint64_t oldEpoch = 0;
    uint64_t newEpoch = 0;
    bool oldHubReachable = false;
    int64_t notApplied = 0;  // the old hub's changes the new hub has not applied
    std::string lossWindow;  // the same in words
    bool committed = false;
    std::string error;
    std::vector<std::string> promised;  // regions that promised the new epoch
    int64_t writesAfterMs = 0;          // the new hub takes writes this long after the commit
};

struct PromotionInfo {
    std::string toRegion;
    bool dryRun = false;
    int64_t elapsedMs = 0;
    int regions = 0;
    int majority = 0;
    std::vector<PromotionViewInfo> views;
    std::vector<std::string> unreachable;
};

// Who the console is to the deployment's regions.
struct Identity {
    std::string principal;
    std::string role;  // "viewer", "operator", "admin"; "admin" when no credentials are asked
    bool credentialsRequired = false;
    std::string region;  // the region that answered
    // Set when the regions refused the console's credentials (UNAUTHENTICATED): what they said.
    std::string refusal;
};

}  // namespace meridian::console
