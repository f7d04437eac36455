#include "bridge/grpcregionservice.h"

#include <QMetaObject>
#include <QPointer>

#include <mutex>

#include "common/qtstrings.h"

namespace meridian::ui {
namespace {

template <typename T>
QVector<T> toVector(std::vector<T>&& items) {
    QVector<T> out;
    out.reserve(static_cast<qsizetype>(items.size()));
    for (auto& item : items)
        out.push_back(std::move(item));
    return out;
}

}  // namespace

GrpcRegionService::GrpcRegionService(std::unique_ptr<console::ConsoleBackend> backend,
                                     QObject* parent)
    : RegionService(parent), m_layout(backend->layout()), m_backend(std::move(backend)) {}

GrpcRegionService::~GrpcRegionService() {
    m_watches.clear();
    // Waits for callbacks in flight; what they posted to this object is discarded with it.
    m_backend.reset();
}

QString GrpcRegionService::deploymentName() const {
    return qs(m_backend->name());
}

QString GrpcRegionService::deploymentPath() const {
    return qs(m_backend->path());
}

void GrpcRegionService::postFailure(quint64 token, const QString& what,
                                    const absl::Status& status) {
    const QString message = qs(std::string(status.message()));
    QMetaObject::invokeMethod(
        this, [this, token, what, message] { emit failed(token, what, message); },
        Qt::QueuedConnection);
}

template <typename T, typename Emit>
console::ConsoleBackend::Callback<T> GrpcRegionService::deliver(quint64 token, const QString& what,
                                                                Emit emitAnswer) {
    // Runs on a gRPC thread: convert there, emit on the GUI thread. `this` outlives the
    // callback because the destructor drains the backend first.
    return [this, token, what, emitAnswer](absl::StatusOr<T> answer) {
        if (!answer.ok())
            return postFailure(token, what, answer.status());
        auto value = emitAnswer.convert(std::move(*answer));
        QMetaObject::invokeMethod(
            this,
            [this, token, emitAnswer, value = std::move(value)] {
                emitAnswer.emitTo(this, token, value);
            },
            Qt::QueuedConnection);
    };
}

namespace {

// How each answer is converted off the GUI thread and which signal carries it.
template <typename From, typename To, auto Signal>
struct Delivery {
    To convert(From&& value) const {
        if constexpr (std::is_same_v<From, To>)
            return std::move(value);
        else
            return toVector(std::move(value));
    }
    void emitTo(GrpcRegionService* service, quint64 token, const To& value) const {
        // Signals are public member functions: emitting through a pointer is `emit` by hand.
        (service->*Signal)(token, value);
    }
};

}  // namespace

quint64 GrpcRegionService::poll(qint64 lagHistoryAfterMs) {
    const quint64 token = ++m_next;
    m_backend->poll(true,
                    deliver<DeploymentSnapshot>(
                        token, QStringLiteral("poll"),
                        Delivery<DeploymentSnapshot, DeploymentSnapshot, &RegionService::polled>{}),
                    lagHistoryAfterMs);
    return token;
}

quint64 GrpcRegionService::listRegistry(const QString& region) {
    const quint64 token = ++m_next;
    m_backend->listRegistry(region.toStdString(),
                            deliver<std::vector<RegistryEntry>>(
                                token, QStringLiteral("registry"),
                                Delivery<std::vector<RegistryEntry>, QVector<RegistryEntry>,
                                         &RegionService::registryListed>{}));
    return token;
}

quint64 GrpcRegionService::history(console::ObjectKind kind, const QString& project,
                                   const QString& name) {
    const quint64 token = ++m_next;
    m_backend->history({}, kind, project.toStdString(), name.toStdString(),
                       deliver<std::vector<RegistryEntry>>(
                           token, QStringLiteral("history"),
                           Delivery<std::vector<RegistryEntry>, QVector<RegistryEntry>,
                                    &RegionService::historyLoaded>{}));
    return token;
}

quint64 GrpcRegionService::diff(console::ObjectKind kind, const QString& project,
                                const QString& name, qint64 fromVersion, qint64 toVersion) {
    const quint64 token = ++m_next;
    m_backend->diff(
        {}, kind, project.toStdString(), name.toStdString(), fromVersion, toVersion,
        deliver<std::vector<FieldDiff>>(
            token, QStringLiteral("diff"),
            Delivery<std::vector<FieldDiff>, QVector<FieldDiff>, &RegionService::diffLoaded>{}));
    return token;
}

quint64 GrpcRegionService::lineage(const QString& project) {
    const quint64 token = ++m_next;
    m_backend->lineage({}, project.toStdString(),
                       deliver<LineageGraph>(
                           token, QStringLiteral("lineage"),
                           Delivery<LineageGraph, LineageGraph, &RegionService::lineageLoaded>{}));
    return token;
}

quint64 GrpcRegionService::jobs() {
    const quint64 token = ++m_next;
    m_backend->jobs(kJobLimit, deliver<std::vector<SyncJobInfo>>(
                                   token, QStringLiteral("jobs"),
                                   Delivery<std::vector<SyncJobInfo>, QVector<SyncJobInfo>,
                                            &RegionService::jobsListed>{}));
    return token;
}

quint64 GrpcRegionService::triggerSync(const QString& from, const QString& to,
                                       SyncJobInfo::Kind kind, const QStringList& scope) {
    const quint64 token = ++m_next;
    m_backend->triggerSync(
        from.toStdString(), to.toStdString(), kind, stdStrings(scope), {},
        deliver<SyncJobInfo>(token, QStringLiteral("sync"),
                             Delivery<SyncJobInfo, SyncJobInfo, &RegionService::syncStarted>{}));
    return token;
}

void GrpcRegionService::watchJob(const QString& region, const QString& id) {
    if (m_watches.contains(id))
        return;
    struct Last {
        std::mutex mutex;
        SyncJobInfo job;
        bool seen = false;
    };
    auto last = std::make_shared<Last>();
    auto watch = m_backend->watchJob(
        region.toStdString(), id.toStdString(),
        [this, last](const SyncJobInfo& job) {
            {
                std::lock_guard lock(last->mutex);
                last->job = job;
                last->seen = true;
            }
            QMetaObject::invokeMethod(
                this, [this, job] { emit jobUpdated(job); }, Qt::QueuedConnection);
        },
        [this, last, id](const absl::Status& status) {
            SyncJobInfo job;
            bool seen = false;
            {
                std::lock_guard lock(last->mutex);
                job = last->job;
                seen = last->seen;
            }
            const QString message = qs(std::string(status.message()));
            QMetaObject::invokeMethod(
                this,
                [this, id, job, seen, ok = status.ok(), message] {
                    m_watches.remove(id);
                    if (ok && seen)
                        emit jobFinished(job);
                    else if (!ok)
                        emit failed(0, QStringLiteral("watch:") + id, message);
                },
                Qt::QueuedConnection);
        });
    m_watches.insert(id, std::shared_ptr<console::ConsoleBackend::Watch>(std::move(watch)));
}

quint64 GrpcRegionService::cancelJob(const QString& region, const QString& id) {
    const quint64 token = ++m_next;
    // The watch reports the cancelled state as the job's last update.
    m_backend->cancelJob(region.toStdString(), id.toStdString(),
                         [this, token](absl::StatusOr<SyncJobInfo> answer) {
                             if (!answer.ok())
                                 postFailure(token, QStringLiteral("cancel"), answer.status());
                         });
    return token;
}

quint64 GrpcRegionService::cost(qint64 sinceMs, qint64 untilMs) {
    const quint64 token = ++m_next;
    m_backend->cost(
        sinceMs, untilMs,
        deliver<CostReport>(token, QStringLiteral("cost"),
                            Delivery<CostReport, CostReport, &RegionService::costLoaded>{}));
    return token;
}

quint64 GrpcRegionService::alerts(bool includeCleared) {
    const quint64 token = ++m_next;
    m_backend->alerts(
        includeCleared,
        deliver<std::vector<AlertInfo>>(
            token, QStringLiteral("alerts"),
            Delivery<std::vector<AlertInfo>, QVector<AlertInfo>, &RegionService::alertsListed>{}));
    return token;
}

quint64 GrpcRegionService::audit(qint64 sinceMs) {
    const quint64 token = ++m_next;
    m_backend->audit(sinceMs, kAuditLimit,
                     deliver<std::vector<AuditEntryInfo>>(
                         token, QStringLiteral("audit"),
                         Delivery<std::vector<AuditEntryInfo>, QVector<AuditEntryInfo>,
                                  &RegionService::auditListed>{}));
    return token;
}

quint64 GrpcRegionService::previewErasure(const QString& entity, const QStringList& views) {
    const quint64 token = ++m_next;
    m_backend->previewErasure(
        entity.toStdString(), stdStrings(views),
        deliver<ErasurePreview>(
            token, QStringLiteral("erasure preview"),
            Delivery<ErasurePreview, ErasurePreview, &RegionService::erasurePreviewed>{}));
    return token;
}

quint64 GrpcRegionService::erase(const QString& entity, const QStringList& views) {
    const quint64 token = ++m_next;
    m_backend->erase(
        {}, entity.toStdString(), stdStrings(views),
        deliver<ErasureJobInfo>(
            token, QStringLiteral("erasure"),
            Delivery<ErasureJobInfo, ErasureJobInfo, &RegionService::erasureStarted>{}));
    return token;
}

quint64 GrpcRegionService::erasures() {
    const quint64 token = ++m_next;
    m_backend->erasures(kErasureLimit,
                        deliver<std::vector<ErasureJobInfo>>(
                            token, QStringLiteral("erasures"),
                            Delivery<std::vector<ErasureJobInfo>, QVector<ErasureJobInfo>,
                                     &RegionService::erasuresListed>{}));
    return token;
}

quint64 GrpcRegionService::routes(qint64 maxStalenessMs) {
    const quint64 token = ++m_next;
    m_backend->routes(maxStalenessMs,
                      deliver<RoutingTable>(
                          token, QStringLiteral("routes"),
                          Delivery<RoutingTable, RoutingTable, &RegionService::routesPlanned>{}));
    return token;
}

quint64 GrpcRegionService::checkConsistency() {
    const quint64 token = ++m_next;
    m_backend->checkConsistency(deliver<std::vector<ConsistencyCheckInfo>>(
        token, QStringLiteral("consistency check"),
        Delivery<std::vector<ConsistencyCheckInfo>, QVector<ConsistencyCheckInfo>,
                 &RegionService::consistencyChecked>{}));
    return token;
}

quint64 GrpcRegionService::hubs() {
    const quint64 token = ++m_next;
    m_backend->hubs(deliver<console::HubTable>(
        token, QStringLiteral("hubs"),
        Delivery<console::HubTable, console::HubTable, &RegionService::hubsListed>{}));
    return token;
}

quint64 GrpcRegionService::promote(const QString& view, const QString& to, bool dryRun) {
    const quint64 token = ++m_next;
    m_backend->promote(
        view.toStdString(), to.toStdString(), dryRun,
        deliver<console::PromotionInfo>(
            token, dryRun ? QStringLiteral("promotion plan") : QStringLiteral("promotion"),
            Delivery<console::PromotionInfo, console::PromotionInfo, &RegionService::promoted>{}));
    return token;
}

quint64 GrpcRegionService::whoAmI() {
    const quint64 token = ++m_next;
    m_backend->whoAmI(
        deliver<Identity>(token, QStringLiteral("identity"),
                          Delivery<Identity, Identity, &RegionService::identified>{}));
    return token;
}

void GrpcRegionService::setToken(const QString& token) {
    m_backend->setToken(token.toStdString());
}

}  // namespace meridian::ui
