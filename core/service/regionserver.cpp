#include "service/regionserver.h"

#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/synchronization/mutex.h"

#include <cstdio>
#include <fstream>

#include "cost/costreport.h"
#include "replication/hybridclock.h"
#include "serving/limits.h"
#include "serving/residencyaudit.h"
#include "storage/audittable.h"
#include "storage/slowdisk.h"

namespace meridian::service {
namespace {

// About 200 MB of audit log at most; at a change a second, eleven days.
constexpr int64_t kAuditEntriesKept = 1'000'000;

client::TlsSettings tlsOf(const StoreConfig& config) {
    return {.caFile = config.tlsCa,
            .certFile = config.tlsCert,
            .keyFile = config.tlsKey,
            .serverName = {}};
}

// TLS when the region has a certificate; plaintext otherwise, and then only on loopback unless
// the operator said otherwise in so many words.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> serverCredentials(
    const StoreConfig& config) {
    if (config.tlsCert.empty() && config.tlsKey.empty()) {
        if (!config.tlsCa.empty())
            return absl::InvalidArgumentError(
                "--tls-ca without --tls-cert and --tls-key: a region serves TLS with a "
                "certificate of its own");
        if (!client::isLoopbackEndpoint(config.listen) && !config.insecurePlaintextOnNetwork)
            return absl::InvalidArgumentError(
                "refusing to serve " + config.listen +
                " without TLS: anyone who can reach it could read and change everything. Give "
                "--tls-cert and --tls-key (and --tls-ca for mutual TLS between regions), listen "
                "on a loopback address, or accept the risk with --insecure-plaintext-on-network");
        return grpc::InsecureServerCredentials();
    }
    const auto tls = tlsOf(config);
    if (auto st = client::checkTlsFiles({.caFile = tls.caFile.empty() ? tls.certFile : tls.caFile,
                                         .certFile = tls.certFile,
                                         .keyFile = tls.keyFile,
                                         .serverName = {}});
        !st.ok())
        return st;
    grpc::SslServerCredentialsOptions ssl(config.tlsCa.empty()
                                              ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                              : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
    if (!config.tlsCa.empty())
        ssl.pem_root_certs = client::readPemFile(config.tlsCa);
    ssl.pem_key_cert_pairs.push_back(
        {client::readPemFile(config.tlsKey), client::readPemFile(config.tlsCert)});
    return grpc::SslServerCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegionServer>> RegionServer::start(const ResolvedStore& store,
                                                                  const std::string& version) {
    // Debian's Abseil checks every mutex acquisition for lock-order cycles, gRPC's included: a
    // debugging aid that cost the write path a few percent of its CPU.
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    const auto& config = store.config;
    if (config.dataDir.empty())
        return absl::InvalidArgumentError("no data directory given (--data-dir)");
    auto credentials = serverCredentials(config);
    if (!credentials.ok())
        return credentials.status();
    if (store.deployment && !config.tlsCert.empty() && config.tlsCa.empty())
        return absl::InvalidArgumentError(
            "--tls-cert in a deployment needs --tls-ca: the CA that checks the peers' "
            "certificates (regions reach each other over mutual TLS)");
    if (config.tokensFile.empty() && !client::isLoopbackEndpoint(config.listen) &&
        !config.insecureNoAuthOnNetwork)
        return absl::InvalidArgumentError(
            "refusing to serve " + config.listen +
            " without --tokens: anyone who can reach it could do anything. Give --tokens FILE "
            "(every call then needs a token), listen on a loopback address, or accept the risk "
            "with --insecure-no-auth-on-network");
    std::unique_ptr<access::TokenFile> tokens;
    if (!config.tokensFile.empty()) {
        auto opened = access::TokenFile::open(config.tokensFile);
        if (!opened.ok())
            return opened.status();
        tokens = std::move(*opened);
        if (store.deployment && store.deployment->regions.size() > 1 && config.tlsCa.empty())
            return absl::InvalidArgumentError(
                "--tokens in a deployment of several regions needs mutual TLS (--tls-cert, "
                "--tls-key, --tls-ca): regions prove who they are to each other by their "
                "certificates");
    }
    auto lock = DataDirLock::acquire(config.dataDir);
    if (!lock.ok())
        return lock.status();
    if (auto st = storage::rehearseDiskLatency(config.diskLatencyMs); !st.ok())
        return st;
    serving::RegionOptions options;
    options.name = config.region;
    options.dataDir = config.dataDir;
    options.durability = config.durability;
    options.maxEventAheadMs = config.maxEventAheadS * 1000;
    options.openCheck = config.startupCheck;
    if (store.deployment) {
        options.regions = store.deployment->regionSet();
        if (store.deployment->controlPlane == deployment::ControlPlaneMode::Centralized)
            options.controlRegion = store.deployment->controlRegion;
        else
            options.federated = true;
    } else {
        options.regions = registry::RegionSet(
            {{config.region, config.cloud, config.providerRegion,
              registry::guessJurisdiction(config.cloud, config.providerRegion), ""}});
    }
    auto region = serving::Region::open(std::move(options));
    if (!region.ok())
        return region.status();

    std::unique_ptr<RegionServer> server(new RegionServer());
    if (store.deployment) {
        server->m_retention.maxAgeSeconds = store.deployment->replication.logRetentionSeconds;
        server->m_retention.maxBytes = store.deployment->replication.logRetentionBytes;
    }
    server->m_lock = std::move(*lock);
    server->m_region = std::move(*region);
    server->m_region->clock().setSkew(config.clockSkewMs);
    RegionIdentity identity;
    identity.cloud = config.cloud;
    identity.providerRegion = config.providerRegion;
    identity.version = version;
    identity.startedAtMs = replication::wallClockMs();
    std::vector<std::string> peers;
    if (store.deployment)
        for (const auto& r : store.deployment->regions)
            if (r.info.name != config.region)
                peers.push_back(r.info.name);
    server->m_auth = std::make_unique<Authorizer>(config.region, std::move(tokens),
                                                  std::move(peers), server->m_region->database());
    server->m_registry = std::make_unique<RegistryServiceImpl>(*server->m_region, server->m_metrics,
                                                               *server->m_auth);
    server->m_serving =
        std::make_unique<ServingServiceImpl>(*server->m_region, server->m_metrics, *server->m_auth);
    server->m_ledger = std::make_unique<cost::EgressLedger>(server->m_region->database());
    if (store.deployment && store.deployment->regions.size() > 1) {
        if (!store.deployment->pricingPath.empty()) {
            auto prices = cost::PriceTable::load(store.deployment->pricingPath);
            if (!prices.ok())
                return prices.status();
            server->m_prices = std::move(*prices);
        }
        auto& r = *server->m_region;
        auto priceFn = [s = server.get()](const std::string& from, const std::string& to) {
            return cost::priceBetween(s->m_prices, s->m_replicator->deployment(), from, to)
                .usdPerGb;
        };
        server->m_replicator = std::make_unique<replication::Replicator>(
            r.database(), r.viewIds(), r.clock(), r.registry(), *store.deployment, config.region,
            priceFn, config.tlsCert.empty() ? client::TlsSettings{} : tlsOf(config));
        // Hubs of hub-and-spoke views as promotions left them: the catalog is published again
        // with them before the region serves.
        if (auto st = server->m_replicator->hubs().load(); !st.ok())
            return st;
        r.registry().setHubs(&server->m_replicator->hubs());
        if (auto st = r.registry().load(); !st.ok())
            return st;
        server->m_replication = std::make_unique<ReplicationServiceImpl>(
            *server->m_replicator, *server->m_ledger, server->m_prices, server->m_metrics,
            *server->m_auth);
        // With mutual TLS a peer's certificate must name the region it says it is.
        server->m_replication->requirePeerCertificates(!config.tlsCa.empty() &&
                                                       !config.tlsCert.empty());
        auto* replicator = server->m_replicator.get();
        r.online().setStaleness([replicator](const v1::FeatureView& view) {
            return replicator->stalenessSeconds(view.project(), view.name(),
                                                replication::wallClockMs());
        });
        r.online().setWatermark(
            [replicator](const std::string& origin) { return replicator->watermark(origin); });
        identity.role =
            store.deployment->controlPlane == deployment::ControlPlaneMode::Federated
                ? "federated"
                : (config.region == store.deployment->controlRegion ? "control" : "replica");
    }
    server->m_admin =
        std::make_unique<AdminServiceImpl>(*server->m_region, server->m_metrics, identity,
                                           server->m_replicator.get(), *server->m_auth);
    server->m_admin->setChangelogLimit(server->m_retention.maxBytes);
    {
        // Erasures go to every region of the deployment, over the links replication keeps.
        std::vector<std::string> regions{config.region};
        if (store.deployment)
            for (const auto& r : store.deployment->regions)
                if (r.info.name != config.region)
                    regions.push_back(r.info.name);
        auto* replicator = server->m_replicator.get();
        auto& r = *server->m_region;
        server->m_erasures = std::make_unique<erasure::ErasureJobs>(
            r.database(), r.clock(), config.region, std::move(regions),
            [replicator](const std::string& region) -> std::shared_ptr<grpc::Channel> {
                auto* link = replicator ? replicator->link(region) : nullptr;
                return link ? link->channel() : nullptr;
            });
        server->m_admin->setErasures(server->m_erasures.get());
    }

    grpc::ServerBuilder builder;
    builder.AddListeningPort(config.listen, *credentials, &server->m_port);
    // gRPC sets SO_REUSEPORT by default, which lets a second store serve on a port already in
    // use; a taken port must fail the start instead.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    // Blocking handlers (writes wait for the group commit that covers them) run on the sync
    // server's threads; gRPC ends a thread as soon as more than MAX_POLLERS are idle, so with the
    // default of 2 every burst of concurrent writes created and destroyed a thread per call.
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
    builder.SetMaxReceiveMessageSize(serving::kTransportMessageBytes);
    builder.SetMaxSendMessageSize(serving::kTransportMessageBytes);
    builder.RegisterService(server->m_registry.get());
    builder.RegisterService(server->m_serving.get());
    builder.RegisterService(server->m_admin.get());
    if (server->m_replication)
        builder.RegisterService(server->m_replication.get());
    server->m_server = builder.BuildAndStart();
    if (!server->m_server || server->m_port == 0)
        return absl::UnavailableError("cannot listen on " + config.listen +
                                      " (address in use or not valid)");
    if (server->m_replicator)
        server->m_replicator->start();
    if (auto st = server->m_erasures->start(); !st.ok())
        return st;
    server->m_maintenance = std::thread([s = server.get()] {
        std::unique_lock lock(s->m_maintenanceMutex);
        while (!s->m_stopping) {
            s->m_maintenanceWake.wait_for(lock, std::chrono::seconds(5));
            if (s->m_stopping)
                break;
            lock.unlock();
            s->maintain(replication::wallClockMs());
            lock.lock();
        }
    });
    if (!config.portFile.empty()) {
        // Written to a temporary name and renamed, so a watcher never reads half a number.
        const std::string tmp = config.portFile + ".tmp";
        std::ofstream(tmp) << server->m_port << "\n";
        std::rename(tmp.c_str(), config.portFile.c_str());
    }
    return server;
}

void RegionServer::maintain(int64_t nowMs) {
    auto& db = m_region->database();
    // Retention runs with peers or without: the log is bounded either way.
    auto log = storage::trimChangelog(db, m_retention, nowMs);
    if (!log.ok()) {
        std::fprintf(stderr, "meridian-store: log retention failed: %s\n",
                     std::string(log.status().message()).c_str());
        log = storage::LogExtent{};
    }
    if (m_replicator) {
        m_replicator->maintain(nowMs, *log);
        watchStorage(*log);
        // At once when the registry changed, at every pass while a violation stands (so that a
        // purge clears it soon), else every 30 s: the audit reads only counters.
        if (m_maintenancePasses % 6 == 0 || !m_residencyAlerts.empty() ||
            m_region->registry().catalog() != m_auditedCatalog)
            watchResidency();
    }
    // The audit log keeps its newest entries; refusals are rate-limited where they are written.
    if (m_maintenancePasses % 12 == 0) {
        auto trimmed = db.write([](storage::Connection& conn) {
            return storage::AuditTable(conn).trim(kAuditEntriesKept).status();
        });
        if (!trimmed.ok())
            std::fprintf(stderr, "meridian-store: audit retention failed: %s\n",
                         std::string(trimmed.message()).c_str());
    }
    m_auth->flushWrites(nowMs);
    ++m_maintenancePasses;
    m_ledger->flush().IgnoreError();
}

void RegionServer::watchStorage(const storage::LogExtent& log) {
    // Retention trims the log at every pass and commits restart the WAL: either one staying past
    // its limit means something keeps it from doing so.
    auto& alerts = m_replicator->alerts();
    const auto figures = m_region->database().figures();
    const std::string self = m_region->name();
    if (figures.walBytes > 2 * figures.walLimitBytes) {
        alerts.raise("storage_wal", self,
                     "write-ahead log of '" + self + "' is " +
                         std::to_string(figures.walBytes >> 20) + " MiB, past its limit of " +
                         std::to_string(figures.walLimitBytes >> 20) +
                         " MiB: a reader has held the database for " +
                         std::to_string(figures.oldestReadMs / 1000) + " s",
                     "critical");
    } else {
        alerts.clear("storage_wal", self);
    }
    if (log.bytes > m_retention.maxBytes + m_retention.maxBytes / 4) {
        alerts.raise("storage_changelog", self,
                     "changelog of '" + self + "' holds about " + std::to_string(log.bytes >> 20) +
                         " MiB, past its retention of " +
                         std::to_string(m_retention.maxBytes >> 20) + " MiB",
                     "critical");
    } else {
        alerts.clear("storage_changelog", self);
    }
}

void RegionServer::watchResidency() {
    const auto catalog = m_region->registry().catalog();
    m_auditedCatalog = catalog;
    auto found = serving::findNonResident(m_region->database(), *catalog,
                                          m_region->registry().regions(), m_region->name(),
                                          /*countChangelog=*/false);
    if (!found.ok()) {
        std::fprintf(stderr, "meridian-store: residency audit failed: %s\n",
                     std::string(found.status().message()).c_str());
        return;
    }
    auto& alerts = m_replicator->alerts();
    std::set<std::string> now;
    for (const auto& f : *found) {
        const std::string view = f.project() + "/" + f.feature_view();
        now.insert(view);
        alerts.raise("residency_violation", view,
                     "'" + m_region->name() + "' holds " + std::to_string(f.online_rows()) +
                         " online and " + std::to_string(f.offline_rows()) + " offline rows of " +
                         view + ", whose residency (" + f.residency() +
                         ") does not allow this region: review with 'meridianctl residency', "
                         "delete with 'meridianctl residency purge --view " +
                         view + " --confirm'",
                     "critical");
    }
    for (const auto& view : m_residencyAlerts) {
        if (!now.count(view))
            alerts.clear("residency_violation", view);
    }
    m_residencyAlerts = std::move(now);
}

RegionServer::~RegionServer() {
    shutdown();
}

void RegionServer::wait() {
    if (m_server)
        m_server->Wait();
}

void RegionServer::shutdown() {
    {
        std::lock_guard lock(m_maintenanceMutex);
        if (m_stopping)
            return;
        m_stopping = true;
    }
    m_maintenanceWake.notify_all();
    if (m_maintenance.joinable())
        m_maintenance.join();
    // Erasures first: they send over the replicator's links. Then incoming links, so no batch
    // is half-way through when the database closes.
    if (m_erasures)
        m_erasures->stop();
    if (m_replicator)
        m_replicator->stop();
    if (m_server)
        m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    if (m_ledger)
        m_ledger->flush().IgnoreError();
    if (m_auth)
        m_auth->flushWrites(replication::wallClockMs(), /*all=*/true);
}

}  // namespace meridian::service
