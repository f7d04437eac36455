#pragma once
// The console's view of a deployment: pages ask through this interface and are answered by
// signals on the GUI thread. GrpcRegionService talks to real regions (through
// console::ConsoleBackend on gRPC threads); tests use a fake. Every request carries a token and
// a page ignores answers to requests it has since superseded.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include "console/consoledata.h"

namespace meridian::ui {

using console::AlertInfo;
using console::AuditEntryInfo;
using console::ConsistencyCheckInfo;
using console::CostReport;
using console::DeploymentSnapshot;
using console::ErasureJobInfo;
using console::ErasurePreview;
using console::FieldDiff;
using console::Identity;
using console::LineageGraph;
using console::RegistryEntry;
using console::RoutingTable;
using console::SyncJobInfo;

class RegionService : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;
    ~RegionService() override = default;

    // False while the console settles its credentials (MainWindow): pages ask nothing until
    // ready() is emitted, so that no request goes out without the token. True by default.
    bool isReady() const { return m_ready; }
    void setReady(bool ready) {
        const bool became = ready && !m_ready;
        m_ready = ready;
        if (became)
            emit this->ready();
    }

    // Static facts about the deployment (names, clouds, locations) before any answer arrives.
    virtual DeploymentSnapshot layout() const = 0;

    // Each returns a token that the matching signal carries back.
    // Link rows also carry the lag samples their region took after `lagHistoryAfterMs` (ms
    // since epoch; 0: the region's whole record, the last hour).
    virtual quint64 poll(qint64 lagHistoryAfterMs = 0) = 0;
    virtual quint64 listRegistry(const QString& region) = 0;
    virtual quint64 history(console::ObjectKind kind, const QString& project,
                            const QString& name) = 0;
    virtual quint64 diff(console::ObjectKind kind, const QString& project, const QString& name,
                         qint64 fromVersion, qint64 toVersion) = 0;
    virtual quint64 lineage(const QString& project) = 0;
    virtual quint64 jobs() = 0;
    virtual quint64 triggerSync(const QString& from, const QString& to, SyncJobInfo::Kind kind,
                                const QStringList& scope) = 0;
    // Progress of one job arrives as jobUpdated until jobFinished; cancelJob asks the region to
    // stop it.
    virtual void watchJob(const QString& region, const QString& id) = 0;
    virtual quint64 cancelJob(const QString& region, const QString& id) = 0;
    virtual quint64 cost(qint64 sinceMs, qint64 untilMs) = 0;
    virtual quint64 alerts(bool includeCleared) = 0;
    // Every region's audit log since `sinceMs`, newest first.
    virtual quint64 audit(qint64 sinceMs) = 0;
    // Erasure of an entity ("user_id=1042") in `views` (empty: every view keyed by exactly its
    // join keys): what every region holds of it, the erasure (coordinated by the control
    // region), and the erasures of every region, newest first.
    virtual quint64 previewErasure(const QString& entity, const QStringList& views) = 0;
    virtual quint64 erase(const QString& entity, const QStringList& views) = 0;
    virtual quint64 erasures() = 0;
    // For a caller in each region and each feature service, the region a routed read goes to
    // and why, passing over regions that lag more than `maxStalenessMs` (0: any lag).
    virtual quint64 routes(qint64 maxStalenessMs) = 0;
    // Every pair of regions' online stores compared (reads every row on both sides).
    virtual quint64 checkConsistency() = 0;
    // Every region's view of who hubs each hub-and-spoke view; a promotion of `view` to `to`
    // (`dryRun`: only what it would lose).
    virtual quint64 hubs() = 0;
    virtual quint64 promote(const QString& view, const QString& to, bool dryRun) = 0;
    // Who the regions take the console for: identified, with a refusal when they require a
    // token the console does not have (or one they do not accept); failed when none answers.
    virtual quint64 whoAmI() = 0;
    // The bearer token sent with every request from now on (empty: none).
    virtual void setToken(const QString& token) = 0;

signals:
    void polled(quint64 token, const meridian::console::DeploymentSnapshot& snapshot);
    void registryListed(quint64 token, const QVector<meridian::console::RegistryEntry>& entries);
    void historyLoaded(quint64 token, const QVector<meridian::console::RegistryEntry>& versions);
    void diffLoaded(quint64 token, const QVector<meridian::console::FieldDiff>& changes);
    void lineageLoaded(quint64 token, const meridian::console::LineageGraph& graph);
    void jobsListed(quint64 token, const QVector<meridian::console::SyncJobInfo>& jobs);
    void syncStarted(quint64 token, const meridian::console::SyncJobInfo& job);
    void jobUpdated(const meridian::console::SyncJobInfo& job);
    void jobFinished(const meridian::console::SyncJobInfo& job);
    void costLoaded(quint64 token, const meridian::console::CostReport& report);
    void alertsListed(quint64 token, const QVector<meridian::console::AlertInfo>& alerts);
    void auditListed(quint64 token, const QVector<meridian::console::AuditEntryInfo>& entries);
    void identified(quint64 token, const meridian::console::Identity& identity);
    void erasurePreviewed(quint64 token, const meridian::console::ErasurePreview& preview);
    void erasureStarted(quint64 token, const meridian::console::ErasureJobInfo& job);
    void erasuresListed(quint64 token, const QVector<meridian::console::ErasureJobInfo>& jobs);
    void routesPlanned(quint64 token, const meridian::console::RoutingTable& table);
    void consistencyChecked(quint64 token,
                            const QVector<meridian::console::ConsistencyCheckInfo>& pairs);
    void hubsListed(quint64 token, const meridian::console::HubTable& table);
    void promoted(quint64 token, const meridian::console::PromotionInfo& report);
    // Any request that failed: what was asked, and why, for the status bar.
    void failed(quint64 token, const QString& what, const QString& message);
    // The console has its credentials: requests may go out.
    void ready();

private:
    bool m_ready = true;
};

}  // namespace meridian::ui

Q_DECLARE_METATYPE(meridian::console::DeploymentSnapshot)
Q_DECLARE_METATYPE(meridian::console::LineageGraph)
Q_DECLARE_METATYPE(meridian::console::SyncJobInfo)
Q_DECLARE_METATYPE(meridian::console::CostReport)
Q_DECLARE_METATYPE(meridian::console::Identity)
Q_DECLARE_METATYPE(meridian::console::ErasurePreview)
Q_DECLARE_METATYPE(meridian::console::ErasureJobInfo)
Q_DECLARE_METATYPE(meridian::console::RoutingTable)
Q_DECLARE_METATYPE(meridian::console::HubTable)
Q_DECLARE_METATYPE(meridian::console::PromotionInfo)
