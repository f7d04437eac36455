#include "console/consoleconvert.h"
#include "replication/replicationpolicy.h"

#include <google/protobuf/util/json_util.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

namespace meridian::console {
namespace {

std::string join(const std::vector<std::string>& parts, const std::string& separator = ", ") {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty())
            out += separator;
        out += p;
    }
    return out;
}

template <typename Repeated>
std::vector<std::string> strings(const Repeated& repeated) {
    return std::vector<std::string>(repeated.begin(), repeated.end());
}

std::string tagsText(const google::protobuf::Map<std::string, std::string>& tags) {
    // Sorted, so that the text does not change between two identical answers.
    std::map<std::string, std::string> sorted(tags.begin(), tags.end());
    std::vector<std::string> parts;
    for (const auto& [k, v] : sorted)
        parts.push_back(k + "=" + v);
    return join(parts);
}

std::string typeName(v1::ValueType type) {
    std::string name = v1::ValueType_Name(type);
    return name.empty() ? "UNKNOWN" : name;
}

std::string fieldsText(const google::protobuf::RepeatedPtrField<v1::Field>& fields) {
    std::vector<std::string> parts;
    for (const auto& f : fields)
        parts.push_back(f.name() + " " + typeName(f.value_type()));
    return join(parts);
}

std::string residencyText(const v1::ResidencyPolicy& residency) {
    if (!residency.jurisdiction().empty())
        return "jurisdiction " + residency.jurisdiction();
    if (residency.regions_size() > 0)
        return "regions " + join(strings(residency.regions()));
    return "anywhere";
}

std::string ttlText(int64_t seconds) {
    if (seconds <= 0)
        return "never expires";
    if (seconds % 86400 == 0)
        return std::to_string(seconds / 86400) + " d";
    if (seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + " h";
    if (seconds % 60 == 0)
        return std::to_string(seconds / 60) + " min";
    return std::to_string(seconds) + " s";
}

std::string sourceKindName(v1::DataSource::Kind kind) {
    switch (kind) {
        case v1::DataSource::BATCH:
            return "batch";
        case v1::DataSource::STREAM:
            return "stream";
        case v1::DataSource::PUSH:
            return "push";
        default:
            return "unspecified";
    }
}

// Block style all the way down: the JSON mapping parses as flow style.
void makeBlock(YAML::Node node) {
    if (node.IsMap() || node.IsSequence()) {
        node.SetStyle(YAML::EmitterStyle::Block);
        for (auto it = node.begin(); it != node.end(); ++it)
            makeBlock(node.IsMap() ? it->second : *it);
    }
}

// The spec as readable YAML, through protobuf's JSON mapping with the proto field names.
std::string specText(const google::protobuf::Message& spec) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(spec, &json, options).ok())
        return spec.ShortDebugString();
    try {
        YAML::Node node = YAML::Load(json);
        makeBlock(node);
        YAML::Emitter out;
        out << node;
        return std::string(out.c_str()) + "\n";
    } catch (const YAML::Exception&) {
        return json;
    }
}

void addField(RegistryEntry& e, const std::string& label, const std::string& value) {
    if (!value.empty())
        e.fields.emplace_back(label, value);
}

void fillView(const v1::FeatureView& v, const registry::RegionSet& regions, RegistryEntry& e) {
    e.description = v.description();
    e.owner = v.owner();
    e.replicationMode = replication::modeName(v.replication().mode());
    e.replicationRegions = strings(v.replication().regions());
    e.residency = residencyText(v.residency());
    const auto storing = regions.storingRegions(v);
    e.storingRegions.assign(storing.begin(), storing.end());
    addField(e, "Entities", join(strings(v.entities())));
    addField(e, "Features", fieldsText(v.features()));
    addField(e, "Sources", join(strings(v.sources())));
    addField(e, "TTL", ttlText(v.ttl_seconds()));
    std::string stores;
    if (!v.has_online() || v.online())
        stores = "online";
    if (!v.has_offline() || v.offline())
        stores += stores.empty() ? "offline" : " + offline";
    addField(e, "Stores", stores.empty() ? "none" : stores);
    std::string replication = e.replicationMode;
    if (!v.replication().hub().empty())
        replication += ", hub " + v.replication().hub();
    if (!e.replicationRegions.empty())
        replication += " across " + join(e.replicationRegions);
    if (!v.replication().schedule().empty())
        replication += ", every " + v.replication().schedule();
    addField(e, "Replication", replication);
    addField(e, "Residency", e.residency);
    addField(e, "Stored in", join(e.storingRegions));
    addField(e, "Owner region", v.owner_region());
}

void fillService(const v1::FeatureService& s, RegistryEntry& e) {
    e.description = s.description();
    e.owner = s.owner();
    std::vector<std::string> projections;
    for (const auto& p : s.features())
        projections.push_back(p.features_size() == 0
                                  ? p.feature_view() + " (all)"
                                  : p.feature_view() + " (" + join(strings(p.features())) + ")");
    addField(e, "Features", join(projections, "; "));
    std::vector<std::string> consumers;
    for (const auto& c : s.consumers())
        consumers.push_back(c.team().empty() ? c.model() : c.model() + " (" + c.team() + ")");
    addField(e, "Consumers", join(consumers));
}

}  // namespace

v1::ObjectKind toWire(ObjectKind kind) {
    switch (kind) {
        case ObjectKind::Project:
            return v1::PROJECT;
        case ObjectKind::Entity:
            return v1::ENTITY;
        case ObjectKind::DataSource:
            return v1::DATA_SOURCE;
        case ObjectKind::FeatureView:
            return v1::FEATURE_VIEW;
        case ObjectKind::FeatureService:
            return v1::FEATURE_SERVICE;
    }
    return v1::OBJECT_KIND_UNSPECIFIED;
}

ObjectKind fromWire(v1::ObjectKind kind) {
    switch (kind) {
        case v1::ENTITY:
            return ObjectKind::Entity;
        case v1::DATA_SOURCE:
            return ObjectKind::DataSource;
        case v1::FEATURE_VIEW:
            return ObjectKind::FeatureView;
        case v1::FEATURE_SERVICE:
            return ObjectKind::FeatureService;
        default:
            return ObjectKind::Project;
    }
}

LinkState fromWire(v1::LinkState state) {
    switch (state) {
        case v1::LINK_STATE_CONNECTING:
            return LinkState::Connecting;
        case v1::LINK_STATE_STREAMING:
            return LinkState::Streaming;
        case v1::LINK_STATE_SNAPSHOT:
            return LinkState::Snapshot;
        case v1::LINK_STATE_SNAPSHOT_NEEDED:
            return LinkState::SnapshotNeeded;
        case v1::LINK_STATE_PARTITIONED:
            return LinkState::Partitioned;
        case v1::LINK_STATE_DOWN:
            return LinkState::Down;
        default:
            return LinkState::Unknown;
    }
}

v1::SyncJob::Kind toWire(SyncJobInfo::Kind kind) {
    switch (kind) {
        case SyncJobInfo::Kind::CatchUp:
            return v1::SyncJob::CATCH_UP;
        case SyncJobInfo::Kind::OfflineBatch:
            return v1::SyncJob::OFFLINE_BATCH;
        case SyncJobInfo::Kind::Snapshot:
            return v1::SyncJob::SNAPSHOT;
        case SyncJobInfo::Kind::Repair:
            return v1::SyncJob::REPAIR;
    }
    return v1::SyncJob::KIND_UNSPECIFIED;
}

void applyHealth(const v1::HealthResponse& health, RegionStatus& region) {
    region.up = health.status() == v1::HealthResponse::SERVING ||
                health.status() == v1::HealthResponse::DEGRADED;
    if (health.status() == v1::HealthResponse::DEGRADED)
        region.error = "degraded";
    if (!health.cloud().empty())
        region.cloud = health.cloud();
    if (!health.provider_region().empty())
        region.providerRegion = health.provider_region();
    if (!health.role().empty())
        region.role = health.role();
    region.version = health.version();
    region.startedAtMs = health.started_at();
}

void applyStats(const v1::StatsResponse& stats, RegionStatus& region) {
    region.onlineRows = stats.online_rows();
    region.offlineRows = stats.offline_rows();
    region.registryObjects = stats.registry_objects();
    region.writeRate = stats.write_rate();
    region.readRate = stats.read_rate();
    region.servingP50Ms = stats.serving_p50_ms();
    region.servingP99Ms = stats.serving_p99_ms();
    region.dbBytes = stats.db_bytes();
    region.walBytes = stats.wal_bytes();
    region.changelogBytes = stats.changelog_bytes();
    region.changelogLimitBytes = stats.changelog_limit_bytes();
}

LinkStatus toLink(const v1::LinkStats& l) {
    LinkStatus s;
    s.from = l.from_region();
    s.to = l.to_region();
    s.view = l.feature_view();
    s.mode = l.mode();
    s.lagSeconds = l.lag_seconds();
    s.changesBehind = l.changes_behind();
    s.applyRate = l.apply_rate();
    s.latencyP50Ms = l.latency_p50_ms();
    s.latencyP99Ms = l.latency_p99_ms();
    s.conflicts = l.conflicts();
    s.residencyWithheld = l.residency_skipped();
    s.state = fromWire(l.state());
    s.emulated = l.emulated();
    s.emulation = l.emulation();
    s.bytesReceived = l.bytes_received();
    s.history.reserve(static_cast<size_t>(l.lag_history_size()));
    for (const auto& h : l.lag_history())
        s.history.push_back({h.at(), h.lag_seconds(), h.latency_p50_ms()});
    return s;
}

RegistryEntry toEntry(const v1::RegistryObject& object, const registry::RegionSet& regions) {
    const auto& m = object.meta();
    RegistryEntry e;
    e.kind = fromWire(m.kind());
    e.project = m.project();
    e.name = m.name();
    e.version = m.version();
    e.specHash = m.spec_hash();
    e.ownerRegion = m.owner_region();
    e.createdAtMs = m.created_at();
    e.updatedAtMs = m.updated_at();
    e.appliedBy = m.applied_by();
    e.deleted = m.deleted();
    switch (object.spec_case()) {
        case v1::RegistryObject::kProject: {
            const auto& p = object.project();
            e.description = p.description();
            e.owner = p.owner();
            e.text = specText(p);
            break;
        }
        case v1::RegistryObject::kEntity: {
            const auto& en = object.entity();
            e.description = en.description();
            e.owner = en.owner();
            std::vector<std::string> keys;
            for (const auto& k : en.join_keys())
                keys.push_back(k.name() + " " + typeName(k.value_type()));
            addField(e, "Join keys", join(keys));
            e.text = specText(en);
            break;
        }
        case v1::RegistryObject::kDataSource: {
            const auto& d = object.data_source();
            e.description = d.description();
            e.owner = d.owner();
            addField(e, "Kind", sourceKindName(d.kind()));
            addField(e, "Schema", fieldsText(d.schema()));
            addField(e, "Timestamp field", d.timestamp_field());
            addField(e, "Origin region", d.origin_region());
            addField(e, "URI", d.uri());
            e.text = specText(d);
            break;
        }
        case v1::RegistryObject::kFeatureView:
            fillView(object.feature_view(), regions, e);
            e.text = specText(object.feature_view());
            break;
        case v1::RegistryObject::kFeatureService:
            fillService(object.feature_service(), e);
            e.text = specText(object.feature_service());
            break;
        default:
            break;
    }
    addField(e, "Owner", e.owner);
    addField(e, "Description", e.description);
    const google::protobuf::Map<std::string, std::string>* tags = nullptr;
    switch (object.spec_case()) {
        case v1::RegistryObject::kProject:
            tags = &object.project().tags();
            break;
        case v1::RegistryObject::kEntity:
            tags = &object.entity().tags();
            break;
        case v1::RegistryObject::kDataSource:
            tags = &object.data_source().tags();
            break;
        case v1::RegistryObject::kFeatureView:
            tags = &object.feature_view().tags();
            break;
        case v1::RegistryObject::kFeatureService:
            tags = &object.feature_service().tags();
            break;
        default:
            break;
    }
    if (tags)
        addField(e, "Tags", tagsText(*tags));
    return e;
}

std::vector<FieldDiff> toDiffs(const std::vector<registry::FieldChange>& changes) {
    std::vector<FieldDiff> out;
    out.reserve(changes.size());
    for (const auto& c : changes) {
        FieldDiff d;
        d.change = c.kind == registry::FieldChange::Kind::Added     ? FieldDiff::Change::Added
                   : c.kind == registry::FieldChange::Kind::Removed ? FieldDiff::Change::Removed
                                                                    : FieldDiff::Change::Modified;
        d.path = c.path;
        d.before = c.oldValue;
        d.after = c.newValue;
        out.push_back(std::move(d));
    }
    return out;
}

LineageGraph toGraph(const v1::LineageResponse& response) {
    LineageGraph g;
    for (const auto& n : response.nodes()) {
        LineageNode node;
        node.id = n.id();
        switch (n.kind()) {
            case v1::LineageNode::DATA_SOURCE:
                node.kind = LineageNode::Kind::DataSource;
                break;
            case v1::LineageNode::FEATURE_VIEW:
                node.kind = LineageNode::Kind::FeatureView;
                break;
            case v1::LineageNode::FEATURE_SERVICE:
                node.kind = LineageNode::Kind::FeatureService;
                break;
            case v1::LineageNode::CONSUMER:
                node.kind = LineageNode::Kind::Consumer;
                break;
            case v1::LineageNode::REGION:
                node.kind = LineageNode::Kind::Region;
                break;
            default:
                node.kind = LineageNode::Kind::Entity;
                break;
        }
        node.project = n.project();
        node.name = n.name();
        node.regions = strings(n.regions());
        g.nodes.push_back(std::move(node));
    }
    for (const auto& e : response.edges())
        g.edges.push_back({e.from(), e.to(), e.crosses_residency()});
    return g;
}

SyncJobInfo toJob(const v1::SyncJob& j) {
    SyncJobInfo s;
    s.id = j.id();
    switch (j.kind()) {
        case v1::SyncJob::OFFLINE_BATCH:
            s.kind = SyncJobInfo::Kind::OfflineBatch;
            break;
        case v1::SyncJob::SNAPSHOT:
            s.kind = SyncJobInfo::Kind::Snapshot;
            break;
        case v1::SyncJob::REPAIR:
            s.kind = SyncJobInfo::Kind::Repair;
            break;
        default:
            s.kind = SyncJobInfo::Kind::CatchUp;
            break;
    }
    switch (j.state()) {
        case v1::SyncJob::RUNNING:
            s.state = SyncJobInfo::State::Running;
            break;
        case v1::SyncJob::SUCCEEDED:
            s.state = SyncJobInfo::State::Succeeded;
            break;
        case v1::SyncJob::FAILED:
            s.state = SyncJobInfo::State::Failed;
            break;
        case v1::SyncJob::CANCELLED:
            s.state = SyncJobInfo::State::Cancelled;
            break;
        default:
            s.state = SyncJobInfo::State::Queued;
            break;
    }
    s.from = j.from_region();
    s.to = j.to_region();
    s.scope = strings(j.scope());
    s.startedBy = j.started_by();
    s.createdAtMs = j.created_at();
    s.startedAtMs = j.started_at();
    s.finishedAtMs = j.finished_at();
    s.rows = j.rows();
    s.total = j.total();
    s.bytes = j.bytes();
    s.percent = j.percent();
    s.etaSeconds = j.eta_seconds();
    s.estimatedCostUsd = j.estimated_cost_usd();
    s.costUsd = j.cost_usd();
    s.message = j.message();
    s.residencyRefused = j.residency_refused();
    s.residencyRows = j.residency_rows();
    s.keysDiffering = j.keys_differing();
    s.keysUnresolved = j.keys_unresolved();
    return s;
}

CostLineInfo toCostLine(const v1::CostLine& l) {
    CostLineInfo c;
    c.from = l.from_region();
    c.to = l.to_region();
    c.view = l.feature_view();
    c.kind = l.kind();
    c.bytes = l.bytes();
    c.rawBytes = l.raw_bytes();
    c.usd = l.usd();
    c.priceClass = l.price_class();
    c.usdPerGb = l.usd_per_gb();
    return c;
}

AlertInfo toAlert(const v1::Alert& a, const std::string& region) {
    AlertInfo out;
    out.id = a.id();
    out.region = region;
    out.kind = a.kind();
    out.subject = a.subject();
    out.message = a.message();
    out.severity = a.severity();
    out.raisedAtMs = a.raised_at();
    out.clearedAtMs = a.cleared_at();
    return out;
}

CostReport mergeCost(const std::vector<v1::CostResponse>& responses, int64_t sinceMs,
                     int64_t untilMs) {
    CostReport report;
    report.sinceMs = sinceMs;
    report.untilMs = untilMs;
    std::map<int64_t, CostPoint> minutes;
    for (const auto& r : responses) {
        if (report.pricingSource.empty())
            report.pricingSource = r.pricing_source();
        if (report.sinceMs == 0 || (r.since_ms() > 0 && r.since_ms() < report.sinceMs))
            report.sinceMs = r.since_ms();
        report.untilMs = std::max(report.untilMs, r.until_ms());
        for (const auto& l : r.lines())
            report.lines.push_back(toCostLine(l));
        for (const auto& b : r.buckets()) {
            auto& p = minutes[b.minute_ms()];
            p.minuteMs = b.minute_ms();
            p.bytes += b.bytes();
            p.usd += b.usd();
        }
    }
    for (auto& [minute, point] : minutes)
        report.perMinute.push_back(point);
    return report;
}

}  // namespace meridian::console
