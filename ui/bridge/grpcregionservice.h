#pragma once
// RegionService over real regions: every request goes to console::ConsoleBackend, whose
// callbacks run on gRPC threads; answers are converted there and re-emitted on the GUI thread
// through queued invocations, carrying the request's token. Destroying it drains the backend.

#include <QHash>

#include <memory>

#include "bridge/regionservice.h"
#include "console/consolebackend.h"

namespace meridian::ui {

class GrpcRegionService : public RegionService {
    Q_OBJECT

public:
    // Polls answer within kPollDeadlineMs so a region that is down shows within seconds.
    static constexpr int kDeadlineMs = 5000;
    static constexpr int kPollDeadlineMs = 1200;
    static constexpr int kJobLimit = 100;

    explicit GrpcRegionService(std::unique_ptr<console::ConsoleBackend> backend,
                               QObject* parent = nullptr);
    ~GrpcRegionService() override;

    QString deploymentName() const;
    QString deploymentPath() const;

    DeploymentSnapshot layout() const override { return m_layout; }
    quint64 poll(qint64 lagHistoryAfterMs = 0) override;
    quint64 listRegistry(const QString& region) override;
    quint64 history(console::ObjectKind kind, const QString& project, const QString& name) override;
    quint64 diff(console::ObjectKind kind, const QString& project, const QString& name,
                 qint64 fromVersion, qint64 toVersion) override;
    quint64 lineage(const QString& project) override;
    quint64 jobs() override;
    quint64 triggerSync(const QString& from, const QString& to, SyncJobInfo::Kind kind,
                        const QStringList& scope) override;
    void watchJob(const QString& region, const QString& id) override;
    quint64 cancelJob(const QString& region, const QString& id) override;
    quint64 cost(qint64 sinceMs, qint64 untilMs) override;
    quint64 alerts(bool includeCleared) override;
    quint64 audit(qint64 sinceMs) override;
    quint64 previewErasure(const QString& entity, const QStringList& views) override;
    quint64 erase(const QString& entity, const QStringList& views) override;
    quint64 erasures() override;
    quint64 routes(qint64 maxStalenessMs) override;
    quint64 checkConsistency() override;
    quint64 hubs() override;
    quint64 promote(const QString& view, const QString& to, bool dryRun) override;
    quint64 whoAmI() override;
    void setToken(const QString& token) override;

    // Entries asked of each region by audit().
    static constexpr int kAuditLimit = 5000;
    // Erasures asked of each region by erasures().
    static constexpr int kErasureLimit = 200;

private:
    // A backend callback that posts `emitAnswer(token, value)` (or failed) to the GUI thread.
    template <typename T, typename Emit>
    console::ConsoleBackend::Callback<T> deliver(quint64 token, const QString& what,
                                                 Emit emitAnswer);
    void postFailure(quint64 token, const QString& what, const absl::Status& status);

    DeploymentSnapshot m_layout;
    quint64 m_next = 0;
    QHash<QString, std::shared_ptr<console::ConsoleBackend::Watch>> m_watches;  // by job id
    // Last so that it is destroyed first: its destructor waits for callbacks in flight.
    std::unique_ptr<console::ConsoleBackend> m_backend;
};

}  // namespace meridian::ui
