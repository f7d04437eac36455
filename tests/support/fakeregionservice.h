#pragma once
// A RegionService with canned answers, for page and model tests without a network: set the
// data, call a request, and the matching signal arrives on the next event-loop turn.

#include <QMap>

#include "bridge/regionservice.h"

namespace meridian::test {

class FakeRegionService : public ui::RegionService {
    Q_OBJECT

public:
    using RegionService::RegionService;

    // A four-region deployment (the demo's names and places) with links, registry, lineage, jobs,
    // cost and alerts filled with plausible values.
    static FakeRegionService* demo(QObject* parent = nullptr);

    console::DeploymentSnapshot snapshot;
    QVector<console::RegistryEntry> registry;
    QMap<QString, QVector<console::RegistryEntry>> versions;  // "kind:project/name" -> versions
    QVector<console::FieldDiff> diffAnswer;
    console::LineageGraph graph;
    QVector<console::SyncJobInfo> jobList;
    console::CostReport report;
    QVector<console::AlertInfo> alertList;
    QVector<console::AuditEntryInfo> auditList;
    // What previewErasure answers (its entity is the one asked about), the erasures listed,
    // and what erase() was last asked.
    console::ErasurePreview erasurePreview;
    QVector<console::ErasureJobInfo> erasureList;
    QString erasedEntity;
    // What routes() answers, and the max_staleness it was last asked for.
    console::RoutingTable routing;
    qint64 routedStalenessMs = -1;
    // What checkConsistency() answers.
    QVector<console::ConsistencyCheckInfo> consistency;
    QStringList erasedViews;
    // What hubs() answers; what promote() answers (a dry run: `promotionPlan`), and what it was
    // last asked.
    console::HubTable hubTable;
    console::PromotionInfo promotionPlan;
    console::PromotionInfo promotion;
    QString promotedView, promotedTo;
    bool promotedDry = false;
    // Who the console is; with `requiredToken` set, whoAmI answers a refusal until setToken
    // gives it.
    console::Identity identity{"alice", "admin", true, "aws-us-east-1", ""};
    QString requiredToken;
    QString token;
    bool failAll = false;  // every request fails instead
    int requests = 0;

    console::DeploymentSnapshot layout() const override { return snapshot; }
    // Records each link's lag, as a region would, then answers with the samples asked for.
    quint64 poll(qint64 lagHistoryAfterMs = 0) override;
    quint64 listRegistry(const QString& region) override;
    quint64 history(console::ObjectKind kind, const QString& project, const QString& name) override;
    quint64 diff(console::ObjectKind kind, const QString& project, const QString& name,
                 qint64 fromVersion, qint64 toVersion) override;
    quint64 lineage(const QString& project) override;
    quint64 jobs() override;
    quint64 triggerSync(const QString& from, const QString& to, console::SyncJobInfo::Kind kind,
                        const QStringList& scope) override;
    void watchJob(const QString& region, const QString& id) override;
    quint64 cancelJob(const QString& region, const QString& id) override;
    quint64 cost(qint64 sinceMs, qint64 untilMs) override;
    quint64 alerts(bool includeCleared) override;
    quint64 audit(qint64 sinceMs) override;
    quint64 previewErasure(const QString& entity, const QStringList& views) override;
    // Adds a job to erasureList, erased at the first region and pending at the others.
    quint64 erase(const QString& entity, const QStringList& views) override;
    quint64 erasures() override;
    quint64 routes(qint64 maxStalenessMs) override;
    quint64 checkConsistency() override;
    quint64 hubs() override;
    quint64 promote(const QString& view, const QString& to, bool dryRun) override;
    quint64 whoAmI() override;
    void setToken(const QString& t) override { token = t; }

    static QString versionKey(console::ObjectKind kind, const QString& project,
                              const QString& name);

private:
    template <typename Emit>
    quint64 answer(const QString& what, Emit emitAnswer);
    quint64 m_next = 0;
};

}  // namespace meridian::test
