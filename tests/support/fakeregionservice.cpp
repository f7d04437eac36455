#include "support/fakeregionservice.h"

#include <QDateTime>
#include <QTimer>

namespace meridian::test {

using namespace meridian::console;

QString FakeRegionService::versionKey(ObjectKind kind, const QString& project,
                                      const QString& name) {
    return QString::number(static_cast<int>(kind)) + ":" + project + "/" + name;
}

template <typename Emit>
quint64 FakeRegionService::answer(const QString& what, Emit emitAnswer) {
    const quint64 token = ++m_next;
    ++requests;
    QTimer::singleShot(0, this, [this, token, what, emitAnswer] {
        if (failAll)
            emit failed(token, what, QStringLiteral("fake failure"));
        else
            emitAnswer(token);
    });
    return token;
}

quint64 FakeRegionService::poll(qint64 lagHistoryAfterMs) {
    return answer("poll", [this, lagHistoryAfterMs](quint64 t) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        // As a region does at each maintenance pass, every link's lag goes into its record of
        // the last hour.
        for (auto& l : snapshot.links) {
            if (!l.view.empty())
                continue;
            std::erase_if(l.history, [&](const auto& h) { return h.atMs < now - 3'600'000; });
            if (l.history.empty() || l.history.back().atMs < now)
                l.history.push_back({now, l.lagSeconds, l.latencyP50Ms});
        }
        auto s = snapshot;
        for (auto& l : s.links)
            std::erase_if(l.history, [&](const auto& h) { return h.atMs <= lagHistoryAfterMs; });
        s.atMs = now;
        emit polled(t, s);
    });
}

quint64 FakeRegionService::listRegistry(const QString&) {
    return answer("registry", [this](quint64 t) { emit registryListed(t, registry); });
}

quint64 FakeRegionService::history(ObjectKind kind, const QString& project, const QString& name) {
    const auto key = versionKey(kind, project, name);
    return answer("history",
                  [this, key](quint64 t) { emit historyLoaded(t, versions.value(key)); });
}

quint64 FakeRegionService::diff(ObjectKind, const QString&, const QString&, qint64, qint64) {
    return answer("diff", [this](quint64 t) { emit diffLoaded(t, diffAnswer); });
}

quint64 FakeRegionService::lineage(const QString&) {
    return answer("lineage", [this](quint64 t) { emit lineageLoaded(t, graph); });
}

quint64 FakeRegionService::jobs() {
    return answer("jobs", [this](quint64 t) { emit jobsListed(t, jobList); });
}

quint64 FakeRegionService::triggerSync(const QString& from, const QString& to,
                                       SyncJobInfo::Kind kind, const QStringList& scope) {
    SyncJobInfo job;
    job.id = "job-fake-" + std::to_string(m_next + 1);
    job.kind = kind;
    job.state = SyncJobInfo::State::Running;
    job.from = from.toStdString();
    job.to = to.toStdString();
    for (const auto& s : scope)
        job.scope.push_back(s.toStdString());
    job.startedBy = "fake";
    job.createdAtMs = job.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    job.total = 100;
    jobList.prepend(job);
    return answer("sync", [this, job](quint64 t) { emit syncStarted(t, job); });
}

void FakeRegionService::watchJob(const QString&, const QString& id) {
    // Three progress steps, then done.
    for (int step = 1; step <= 4; ++step) {
        QTimer::singleShot(step * 10, this, [this, id, step] {
            for (auto& j : jobList) {
                if (QString::fromStdString(j.id) != id)
                    continue;
                j.rows = step * 25;
                j.percent = step * 25.0;
                j.bytes = step * 1'000'000;
                j.estimatedCostUsd = 0.02;
                if (step == 4) {
                    j.state = SyncJobInfo::State::Succeeded;
                    j.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
                    j.message = "done";
                    emit jobFinished(j);
                } else {
                    emit jobUpdated(j);
                }
            }
        });
    }
}

quint64 FakeRegionService::cancelJob(const QString&, const QString& id) {
    return answer("cancel", [this, id](quint64) {
        for (auto& j : jobList) {
            if (QString::fromStdString(j.id) == id) {
                j.state = SyncJobInfo::State::Cancelled;
                emit jobFinished(j);
            }
        }
    });
}

quint64 FakeRegionService::cost(qint64, qint64) {
    return answer("cost", [this](quint64 t) { emit costLoaded(t, report); });
}

quint64 FakeRegionService::alerts(bool) {
    return answer("alerts", [this](quint64 t) { emit alertsListed(t, alertList); });
}

quint64 FakeRegionService::audit(qint64 sinceMs) {
    return answer("audit", [this, sinceMs](quint64 t) {
        QVector<console::AuditEntryInfo> out;
        for (const auto& e : auditList)
            if (e.atMs >= sinceMs)
                out.push_back(e);
        emit auditListed(t, out);
    });
}

quint64 FakeRegionService::previewErasure(const QString& entity, const QStringList&) {
    return answer("erasure preview", [this, entity](quint64 t) {
        auto preview = erasurePreview;
        preview.entity = entity.toStdString();
        emit erasurePreviewed(t, preview);
    });
}

quint64 FakeRegionService::erase(const QString& entity, const QStringList& views) {
    erasedEntity = entity;
    erasedViews = views;
    return answer("erasure", [this](quint64 t) {
        console::ErasureJobInfo job;
        job.id = "erase-" + std::to_string(100 + erasureList.size());
        job.entity = "user_id (sha256 3fa2c1d0e9b8)";
        job.requestedBy = identity.principal;
        job.coordinator = snapshot.regions.empty() ? "" : snapshot.regions.front().name;
        job.createdAtMs = QDateTime::currentMSecsSinceEpoch();
        for (const auto& r : erasurePreview.regions) {
            auto done = r;
            done.erased = &r == &erasurePreview.regions.front();
            done.erasedAtMs = done.erased ? job.createdAtMs : 0;
            job.regions.push_back(done);
        }
        erasureList.push_front(job);
        emit erasureStarted(t, job);
    });
}

quint64 FakeRegionService::erasures() {
    return answer("erasures", [this](quint64 t) { emit erasuresListed(t, erasureList); });
}

quint64 FakeRegionService::routes(qint64 maxStalenessMs) {
    routedStalenessMs = maxStalenessMs;
    return answer("routes", [this, maxStalenessMs](quint64 t) {
        auto table = routing;
        table.maxStalenessMs = maxStalenessMs;
        emit routesPlanned(t, table);
    });
}

quint64 FakeRegionService::checkConsistency() {
    return answer("consistency check",
                  [this](quint64 t) { emit consistencyChecked(t, consistency); });
}

quint64 FakeRegionService::hubs() {
    return answer("hubs", [this](quint64 t) { emit hubsListed(t, hubTable); });
}

quint64 FakeRegionService::promote(const QString& view, const QString& to, bool dryRun) {
    promotedView = view;
    promotedTo = to;
    promotedDry = dryRun;
    return answer(dryRun ? "promotion plan" : "promotion", [this, to, dryRun](quint64 t) {
        auto report = dryRun ? promotionPlan : promotion;
        report.toRegion = to.toStdString();
        emit promoted(t, report);
    });
}

quint64 FakeRegionService::whoAmI() {
    const quint64 t = ++m_next;
    ++requests;
    QMetaObject::invokeMethod(
        this,
        [this, t] {
            if (failAll)
                emit failed(t, QStringLiteral("identity"), QStringLiteral("fake failure"));
            else if (!requiredToken.isEmpty() && token != requiredToken) {
                console::Identity refused;
                refused.credentialsRequired = true;
                refused.refusal = token.isEmpty()
                                      ? "aws-us-east-1: region 'aws-us-east-1' requires a token"
                                      : "aws-us-east-1: token is not valid here";
                emit identified(t, refused);
            } else
                emit identified(t, identity);
        },
        Qt::QueuedConnection);
    return t;
}

FakeRegionService* FakeRegionService::demo(QObject* parent) {
    auto* f = new FakeRegionService(parent);
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    struct R {
        const char *name, *cloud, *provider, *jurisdiction;
        double lat, lon;
    };
    const R regions[] = {{"aws-us-east-1", "aws", "us-east-1", "us", 38.9, -77.4},
                         {"aws-eu-west-1", "aws", "eu-west-1", "eu", 53.3, -6.3},
                         {"gcp-europe-west4", "gcp", "europe-west4", "eu", 53.4, 6.8},
                         {"azure-southeastasia", "azure", "southeastasia", "apac", 1.35, 103.8}};
    int port = 7401;
    for (const auto& r : regions) {
        RegionStatus s;
        s.name = r.name;
        s.cloud = r.cloud;
        s.providerRegion = r.provider;
        s.jurisdiction = r.jurisdiction;
        s.endpoint = "127.0.0.1:" + std::to_string(port++);
        s.latitude = r.lat;
        s.longitude = r.lon;
        s.role = s.name == "aws-us-east-1" ? "control" : "replica";
        s.up = true;
        s.checkedAtMs = now;
        s.startedAtMs = now - 3'600'000;
        s.version = "0.1.0";
        s.onlineRows = 120'000 + port * 13;
        s.offlineRows = 480'000 + port * 17;
        s.registryObjects = 21;
        s.writeRate = 50;
        s.readRate = 12;
        s.servingP50Ms = 0.2;
        s.servingP99Ms = 0.9;
        s.dbBytes = 80'000'000;
        s.walBytes = 4'200'000;
        s.changelogBytes = 31'000'000;
        s.changelogLimitBytes = 512ll << 20;
        f->snapshot.regions.push_back(s);
    }
    const double lags[4][4] = {
        {0, 0.04, 0.05, 0.12}, {0.04, 0, 0.01, 0.09}, {0.05, 0.01, 0, 0.08}, {0.12, 0.09, 0.08, 0}};
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            if (i == j)
                continue;
            LinkStatus l;
            l.from = regions[i].name;
            l.to = regions[j].name;
            l.mode = "active_active+hub_spoke";
            l.lagSeconds = lags[i][j];
            l.applyRate = 40;
            l.latencyP50Ms = lags[i][j] * 1000;
            l.latencyP99Ms = lags[i][j] * 1400;
            l.state = LinkState::Streaming;
            l.emulated = true;
            l.emulation = "delay " + std::to_string(static_cast<int>(lags[i][j] * 1000)) + " ms";
            l.bytesReceived = 5'000'000;
            f->snapshot.links.push_back(l);
        }
    }
    f->snapshot.atMs = now;

    auto entry = [&](ObjectKind kind, const char* name, int64_t version) {
        RegistryEntry e;
        e.kind = kind;
        e.project = kind == ObjectKind::Project ? "" : "commerce";
        e.name = name;
        e.version = version;
        e.specHash = "3f2a9c0d41be7788aa01c2d3e4f50617";
        e.ownerRegion = "aws-us-east-1";
        e.createdAtMs = now - 86'400'000;
        e.updatedAtMs = now - 3'600'000;
        e.appliedBy = "alice";
        e.description = std::string("The ") + name;
        e.owner = "risk-team";
        e.fields = {{"Owner", "risk-team"}, {"Version", std::to_string(version)}};
        e.text = std::string("name: ") + name + "\n";
        return e;
    };
    f->registry.push_back(entry(ObjectKind::Project, "commerce", 1));
    f->registry.push_back(entry(ObjectKind::Entity, "user", 1));
    f->registry.push_back(entry(ObjectKind::Entity, "merchant", 1));
    f->registry.push_back(entry(ObjectKind::DataSource, "transactions_stream", 1));
    auto view = entry(ObjectKind::FeatureView, "user_transaction_aggregates", 3);
    view.replicationMode = "active_active";
    view.replicationRegions = {"aws-us-east-1", "aws-eu-west-1", "azure-southeastasia"};
    view.residency = "anywhere";
    view.storingRegions = view.replicationRegions;
    f->registry.push_back(view);
    auto eu = entry(ObjectKind::FeatureView, "eu_user_profile", 2);
    eu.replicationMode = "active_active";
    eu.ownerRegion = "aws-eu-west-1";
    eu.replicationRegions = {"aws-eu-west-1", "gcp-europe-west4"};
    eu.residency = "jurisdiction eu";
    eu.storingRegions = eu.replicationRegions;
    f->registry.push_back(eu);
    f->registry.push_back(entry(ObjectKind::FeatureService, "fraud_scoring", 2));
    for (int v = 1; v <= 3; ++v) {
        auto e = view;
        e.version = v;
        f->versions[versionKey(ObjectKind::FeatureView, "commerce", "user_transaction_aggregates")]
            .push_back(e);
    }
    f->diffAnswer = {{FieldDiff::Change::Modified, "feature_view.ttl_seconds", "3600", "7200"},
                     {FieldDiff::Change::Added, "feature_view.features[txn_count_7d]", "",
                      "name: \"txn_count_7d\""}};

    auto node = [](LineageNode::Kind kind, const std::string& id, const std::string& name,
                   std::vector<std::string> regions = {}) {
        LineageNode n;
        n.kind = kind;
        n.id = id;
        n.project = kind == LineageNode::Kind::Region ? "" : "commerce";
        n.name = name;
        n.regions = std::move(regions);
        return n;
    };
    f->graph.nodes = {
        node(LineageNode::Kind::Entity, "entity:commerce/user", "user"),
        node(LineageNode::Kind::DataSource, "data_source:commerce/transactions_stream",
             "transactions_stream"),
        node(LineageNode::Kind::FeatureView, "feature_view:commerce/user_transaction_aggregates",
             "user_transaction_aggregates", view.storingRegions),
        node(LineageNode::Kind::FeatureView, "feature_view:commerce/eu_user_profile",
             "eu_user_profile", eu.storingRegions),
        node(LineageNode::Kind::FeatureService, "feature_service:commerce/fraud_scoring",
             "fraud_scoring"),
        node(LineageNode::Kind::Consumer, "consumer:commerce/fraud_model_v7", "fraud_model_v7"),
        node(LineageNode::Kind::Region, "region:aws-us-east-1", "aws-us-east-1"),
        node(LineageNode::Kind::Region, "region:aws-eu-west-1", "aws-eu-west-1")};
    f->graph.edges = {
        {"entity:commerce/user", "feature_view:commerce/user_transaction_aggregates", false},
        {"entity:commerce/user", "feature_view:commerce/eu_user_profile", false},
        {"data_source:commerce/transactions_stream",
         "feature_view:commerce/user_transaction_aggregates", true},
        {"feature_view:commerce/user_transaction_aggregates",
         "feature_service:commerce/fraud_scoring", false},
        {"feature_view:commerce/eu_user_profile", "feature_service:commerce/fraud_scoring", false},
        {"feature_service:commerce/fraud_scoring", "consumer:commerce/fraud_model_v7", false},
        {"feature_view:commerce/user_transaction_aggregates", "region:aws-us-east-1", false},
        {"feature_view:commerce/eu_user_profile", "region:aws-eu-west-1", false}};

    SyncJobInfo job;
    job.id = "job-1";
    job.kind = SyncJobInfo::Kind::Snapshot;
    job.state = SyncJobInfo::State::Succeeded;
    job.from = "aws-us-east-1";
    job.to = "azure-southeastasia";
    job.startedBy = "alice";
    job.createdAtMs = job.startedAtMs = now - 600'000;
    job.finishedAtMs = now - 590'000;
    job.rows = job.total = 120'000;
    job.bytes = 14'000'000;
    job.percent = 100;
    job.costUsd = 0.00126;
    job.message = "merged 120000 rows";
    f->jobList.push_back(job);

    f->report.sinceMs = now - 3'600'000;
    f->report.untilMs = now;
    f->report.pricingSource = "resources/pricing.yaml";
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            if (i == j)
                continue;
            CostLineInfo l;
            l.from = regions[i].name;
            l.to = regions[j].name;
            l.view = "commerce/user_transaction_aggregates";
            l.kind = "stream";
            l.bytes = 40'000'000 + i * 7'000'000;
            l.rawBytes = l.bytes * 3;
            l.usdPerGb = std::string(regions[i].cloud) == regions[j].cloud ? 0.02 : 0.09;
            l.usd = static_cast<double>(l.bytes) / 1e9 * l.usdPerGb;
            l.priceClass = l.usdPerGb == 0.02 ? "aws inter-region" : "internet egress";
            f->report.lines.push_back(l);
        }
    }
    for (int m = 0; m < 60; ++m) {
        CostPoint p;
        p.minuteMs = now - (60 - m) * 60'000;
        p.bytes = 6'000'000 + (m % 7) * 500'000;
        p.usd = static_cast<double>(p.bytes) / 1e9 * 0.05;
        f->report.perMinute.push_back(p);
    }

    AlertInfo a;
    a.id = "clock_offset:gcp-europe-west4:1";
    a.region = "aws-eu-west-1";
    a.kind = "clock_offset";
    a.subject = "gcp-europe-west4";
    a.message =
        "clock of region 'gcp-europe-west4' runs 900 ms ahead of 'aws-eu-west-1' (max 500 ms)";
    a.severity = "critical";
    a.raisedAtMs = now - 120'000;
    f->alertList.push_back(a);

    // An audit trail: changes, a sync, and refusals.
    f->auditList = {
        {now - 30'000, "aws-us-east-1", "vera", "Replication.TriggerSync", "",
         "PERMISSION_DENIED: vera is a viewer; Replication.TriggerSync needs an operator",
         "aws-us-east-1-412", true},
        {now - 95'000, "aws-eu-west-1", "otto", "sync", "aws-us-east-1 → aws-eu-west-1",
         "job 7f3e2a", "aws-eu-west-1-88", false},
        {now - 240'000, "aws-us-east-1", "root", "registry.apply", "feature_view:shop/user_stats",
         "version 3", "aws-us-east-1-301", false},
        {now - 600'000, "gcp-europe-west4", "unauthenticated", "Registry.Apply", "",
         "UNAUTHENTICATED: token 0123456789ab is not known to this region", "gcp-europe-west4-9",
         true},
        {now - 3'600'000, "aws-us-east-1", "root", "token_create",
         "vera (viewer, token 5d1c09a2b7e4)", "created", "aws-us-east-1-12", false},
    };

    // What the regions hold of user_id=1042 (one region down), and two erasures: one done
    // everywhere, one waiting for a region that is down.
    auto holding = [](const std::string& region, int64_t online, int64_t offline) {
        console::RegionErasureInfo r;
        r.region = region;
        r.views = {{"commerce/user_profile", online, offline, -1},
                   {"commerce/user_transaction_aggregates", online, offline * 4, -1}};
        return r;
    };
    f->erasurePreview.regions = {holding(regions[0].name, 1, 12), holding(regions[1].name, 1, 12),
                                 holding(regions[2].name, 0, 0), holding(regions[3].name, 1, 3)};
    f->erasurePreview.regions[3].reachable = false;
    f->erasurePreview.regions[3].views.clear();
    f->erasurePreview.regions[3].error = "unreachable at 127.0.0.1:7404";
    auto erased = [](console::RegionErasureInfo r, int64_t atMs) {
        r.erased = true;
        r.reachable = true;
        r.erasedAtMs = atMs;
        r.walTruncated = true;
        r.attempts = 1;
        for (auto& v : r.views)
            v.logEntries = v.onlineRows + v.offlineRows;
        return r;
    };
    console::ErasureJobInfo old;
    old.id = "erase-5b0e7c1f9a24";
    old.entity = "user_id (sha256 9c41d7e0b35a)";
    old.views = {"commerce/user_profile", "commerce/user_transaction_aggregates"};
    old.requestedBy = "alice";
    old.coordinator = regions[0].name;
    old.createdAtMs = now - 86'400'000;
    old.finishedAtMs = now - 86'395'000;
    old.done = true;
    for (int i = 0; i < 4; ++i)
        old.regions.push_back(erased(holding(regions[i].name, 1, 6), now - 86'398'000 + i * 500));
    console::ErasureJobInfo running = old;
    running.id = "erase-e21f0a9c6d38";
    running.entity = "user_id (sha256 3fa2c1d0e9b8)";
    running.createdAtMs = now - 40'000;
    running.finishedAtMs = 0;
    running.done = false;
    running.regions.clear();
    for (int i = 0; i < 3; ++i)
        running.regions.push_back(erased(holding(regions[i].name, 1, 12), now - 39'000 + i * 300));
    console::RegionErasureInfo pending;
    pending.region = regions[3].name;
    pending.attempts = 4;
    pending.error = "unreachable at 127.0.0.1:7404: connection refused";
    running.regions.push_back(pending);
    f->erasureList = {running, old};

    // Routes of the demo's two services (as client::planRoute decides them for the demo).
    const std::string rUs = regions[0].name, rEu = regions[1].name, rNl = regions[2].name,
                      rSg = regions[3].name;
    auto route = [](std::string from, std::string service, std::string region, double ms,
                    std::string reason, std::vector<std::string> passedOver = {}) {
        return console::RouteInfo{std::move(from),   "commerce/" + std::move(service),
                                  std::move(region), ms,
                                  std::move(reason), std::move(passedOver)};
    };
    const std::string notUta = ": not a replica of user_transaction_aggregates";
    f->routing.atMs = now;
    f->routing.routes = {
        route(rUs, "fraud_scoring", rUs, 0, "nearest: the caller's own region"),
        route(rEu, "fraud_scoring", rUs, 70, "nearest qualifying: 70 ms (emulated link)",
              {rEu + ": residency keeps user_profile in " + rUs + ", " + rSg}),
        route(rNl, "fraud_scoring", rUs, 84, "nearest qualifying: 84 ms (emulated link)",
              {rNl + notUta, rEu + ": residency keeps user_profile in " + rUs + ", " + rSg}),
        route(rSg, "fraud_scoring", rSg, 0, "nearest: the caller's own region"),
        route(rUs, "fraud_scoring_eu", rEu, 70, "nearest qualifying: 70 ms (emulated link)",
              {rUs + ": residency keeps eu_user_profile in jurisdiction eu"}),
        route(rEu, "fraud_scoring_eu", rEu, 0, "nearest: the caller's own region"),
        route(rNl, "fraud_scoring_eu", rEu, 18, "nearest qualifying: 18 ms (emulated link)",
              {rNl + notUta}),
        route(rSg, "fraud_scoring_eu", rEu, 176, "nearest qualifying: 176 ms (emulated link)",
              {rSg + ": residency keeps eu_user_profile in jurisdiction eu", rNl + notUta}),
    };

    // Three pairs checked: one row of merchant_risk differs between Virginia and Dublin.
    auto pair = [&](int a, int b) {
        console::ConsistencyCheckInfo c;
        c.first = regions[a].name;
        c.second = regions[b].name;
        c.checkedAtMs = now - 95'000;
        c.fullCopyBytes = 182'400'000;
        c.views = {{"commerce/merchant_risk", 250'000, 250'000, 412, 0, 21'840, 0.61, ""},
                   {"commerce/user_transaction_aggregates", 1'200'000, 1'200'000, 1'930, 0, 26'112,
                    2.2, ""}};
        return c;
    };
    auto diverged = pair(0, 1);
    diverged.views[0].differing = 1;
    diverged.views[0].bytesExchanged = 24'020;
    diverged.differences = {
        {"commerce/merchant_risk", "merchant_id=m-10442",
         "risk_score=0.82 · 09:14:02 UTC in aws-us-east-1",
         "risk_score=0.08 · 09:14:02 UTC in aws-us-east-1", regions[0].name,
         "same version, different values: aws-us-east-1 wrote it, its copy stands"}};
    auto down = pair(1, 3);
    down.views.clear();
    down.error =
        "region 'azure-southeastasia': cannot reach region at 127.0.0.1:7404: connection "
        "refused";
    f->consistency = {diverged, pair(0, 2), down};

    // Two hub-and-spoke views; merchant_risk was promoted from Virginia to Dublin, and Virginia
    // keeps 37 changes it never sent.
    console::HubInfo risk;
    risk.view = "commerce/merchant_risk";
    risk.hub = regions[1].name;
    risk.epoch = 2;
    risk.sinceMs = now - 600'000;
    risk.previousHub = regions[0].name;
    risk.agreeing = 4;
    risk.answering = 4;
    risk.hubAnswered = true;
    risk.acceptsWrites = true;
    console::HubInfo spend;
    spend.view = "commerce/user_spend";
    spend.hub = regions[0].name;
    spend.epoch = 1;
    spend.agreeing = 3;
    spend.answering = 4;
    spend.notAgreeing = {regions[3].name};
    spend.hubAnswered = true;
    spend.acceptsWrites = false;
    spend.gate =
        "a promotion to epoch 2 is under way: this hub (epoch 1) promised to stop "
        "accepting writes";
    f->hubTable.atMs = now;
    f->hubTable.views = {risk, spend};
    f->hubTable.orphans = {{regions[0].name, 37}};
    console::PromotionViewInfo planned;
    planned.view = "commerce/user_spend";
    planned.oldHub = regions[0].name;
    planned.oldEpoch = 1;
    planned.newEpoch = 2;
    planned.oldHubReachable = true;
    planned.notApplied = 12;
    planned.lossWindow = "12 change(s) written at '" + std::string(regions[0].name) +
                         "' are not applied at the new hub yet";
    f->promotionPlan.dryRun = true;
    f->promotionPlan.regions = 4;
    f->promotionPlan.majority = 3;
    f->promotionPlan.views = {planned};
    auto done = planned;
    done.committed = true;
    done.promised = {regions[0].name, regions[1].name, regions[2].name};
    f->promotion = f->promotionPlan;
    f->promotion.dryRun = false;
    f->promotion.views = {done};
    return f;
}

}  // namespace meridian::test
