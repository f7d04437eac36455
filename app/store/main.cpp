// meridian-store: one region's feature store service (registry, online and offline store,
// serving API, replication) behind gRPC.

#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "service/regionserver.h"

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int sig) {
    const unsigned char byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] auto n = write(g_signalPipe[1], &byte, 1);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace meridian;
    // Everything the store creates — its database, log, snapshots, token file — is its user's
    // alone.
    ::umask(077);
    CLI::App app{
        "meridian-store: the regional store service of Meridian, a multi-region feature store.\n"
        "Serves the registry, online and offline store and replication of one region over gRPC."};
    app.set_version_flag("--version", std::string("meridian-store ") + MERIDIAN_VERSION);
    service::StoreConfig config;
    std::string configFile, durability;
    app.add_option("-c,--config", configFile,
                   "YAML file with the settings below (flags override it)")
        ->check(CLI::ExistingFile);
    app.add_option("--region", config.region, "Region name (e.g. aws-us-east-1)");
    app.add_option("--cloud", config.cloud, "Cloud provider of the region (aws, gcp, azure, …)");
    app.add_option("--provider-region", config.providerRegion,
                   "The cloud's name for the region (e.g. us-east-1)");
    app.add_option(
        "--listen", config.listen,
        "Address to serve on, host:port (default: the deployment's endpoint, else 127.0.0.1:7400)");
    app.add_option("--data-dir", config.dataDir,
                   "Directory of the region's database (default: meridian-data/REGION)");
    app.add_option("--deployment", config.deploymentPath, "Deployment file listing every region")
        ->check(CLI::ExistingFile);
    app.add_option("--durability", durability,
                   "full: fsync every commit (default); normal: survive crashes, not power loss")
        ->check(CLI::IsMember({"full", "normal"}));
    app.add_option(
        "--clock-skew-ms", config.clockSkewMs,
        "Rehearse a skewed clock: run this region's clock the given ms ahead (or behind)");
    app.add_option("--rehearse-disk-latency-ms", config.diskLatencyMs,
                   "Rehearse a slow disk: every sync of the region's files waits this many ms")
        ->check(CLI::Range(0, 60'000));
    app.add_option("--tls-cert", config.tlsCert,
                   "This region's TLS certificate (PEM); with --tls-key, every endpoint is TLS")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-key", config.tlsKey, "The private key of --tls-cert (PEM)")
        ->check(CLI::ExistingFile);
    app.add_option("--tls-ca", config.tlsCa,
                   "CA (PEM) that checks peers' certificates (mutual TLS between regions) and "
                   "clients' when they present one")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure-plaintext-on-network", config.insecurePlaintextOnNetwork,
                 "Serve without TLS on an address other than loopback: anyone who can reach the "
                 "port can read and change everything");
    app.add_option("--tokens", config.tokensFile,
                   "The region's token file (hashes only; created on the first token): every "
                   "call then needs a bearer token, or a peer region's certificate. Tokens are "
                   "made with 'meridianctl token create'");
    app.add_flag("--insecure-no-auth-on-network", config.insecureNoAuthOnNetwork,
                 "Serve without --tokens on an address other than loopback: anyone who can "
                 "reach the port may do anything");
    app.add_option("--port-file", config.portFile,
                   "Write the bound port to this file once serving");
    int64_t maxEventAheadS = 0;
    app.add_option("--max-event-ahead-s", maxEventAheadS,
                   "Refuse rows whose event time is more than this many seconds ahead of the "
                   "region's clock (default 86400: a day)")
        ->check(CLI::PositiveNumber);
    std::string startupCheck;
    app.add_option("--startup-check", startupCheck,
                   "How region.db is checked before the store serves from it: quick (PRAGMA "
                   "quick_check, the default), full (PRAGMA integrity_check) or none. Both read "
                   "the whole file, seconds per GB; a damaged database is refused")
        ->check(CLI::IsMember({"quick", "full", "none"}));
    CLI11_PARSE(app, argc, argv);

    service::StoreConfig merged;
    if (!configFile.empty()) {
        if (auto st = service::readStoreConfigFile(configFile, merged); !st.ok()) {
            std::fprintf(stderr, "meridian-store: %s\n", std::string(st.message()).c_str());
            return 2;
        }
    }
    // Flags given on the command line win over the file.
    auto take = [](std::string& into, const std::string& flag) {
        if (!flag.empty())
            into = flag;
    };
    take(merged.region, config.region);
    take(merged.cloud, config.cloud);
    take(merged.providerRegion, config.providerRegion);
    take(merged.listen, config.listen);
    take(merged.dataDir, config.dataDir);
    take(merged.deploymentPath, config.deploymentPath);
    take(merged.portFile, config.portFile);
    take(merged.tlsCert, config.tlsCert);
    take(merged.tlsKey, config.tlsKey);
    take(merged.tlsCa, config.tlsCa);
    take(merged.tokensFile, config.tokensFile);
    merged.insecurePlaintextOnNetwork |= config.insecurePlaintextOnNetwork;
    merged.insecureNoAuthOnNetwork |= config.insecureNoAuthOnNetwork;
    if (config.clockSkewMs != 0)
        merged.clockSkewMs = config.clockSkewMs;
    if (config.diskLatencyMs > 0)
        merged.diskLatencyMs = config.diskLatencyMs;
    if (maxEventAheadS > 0)
        merged.maxEventAheadS = maxEventAheadS;
    if (!durability.empty())
        merged.durability = *service::durabilityFromName(durability);
    if (!startupCheck.empty())
        merged.startupCheck = *service::openCheckFromName(startupCheck);

    auto resolved = service::resolveStoreConfig(merged);
    if (!resolved.ok()) {
        std::fprintf(stderr, "meridian-store: %s\n",
                     std::string(resolved.status().message()).c_str());
        return 2;
    }

    // gRPC may start threads before main, so signals cannot be masked for all of them: the
    // handler writes the signal to a pipe and a thread shuts the server down outside it.
    if (pipe(g_signalPipe) != 0)
        return 1;
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // A write past the file size limit (RLIMIT_FSIZE) raises SIGXFSZ, whose default action
    // kills the process. Ignored, the write fails with EFBIG instead: SQLite reports it, the
    // write is refused as for a full disk, and reads go on.
    std::signal(SIGXFSZ, SIG_IGN);

    auto server = service::RegionServer::start(*resolved, MERIDIAN_VERSION);
    if (!server.ok()) {
        std::fprintf(stderr, "meridian-store: %s\n",
                     std::string(server.status().message()).c_str());
        return 1;
    }
    const auto& c = resolved->config;
    std::fprintf(stderr, "meridian-store %s: region %s (%s %s) serving on port %d, data in %s\n",
                 MERIDIAN_VERSION, c.region.c_str(), c.cloud.empty() ? "-" : c.cloud.c_str(),
                 c.providerRegion.empty() ? "-" : c.providerRegion.c_str(), (*server)->port(),
                 c.dataDir.c_str());

    std::thread waiter([&] {
        unsigned char sig = 0;
        while (read(g_signalPipe[0], &sig, 1) < 0 && errno == EINTR) {
        }
        if (sig != 0)
            std::fprintf(stderr, "meridian-store: %s received, shutting down\n",
                         sig == SIGINT ? "SIGINT" : "SIGTERM");
        (*server)->shutdown();
    });
    (*server)->wait();
    // Wake the waiter if shutdown came from elsewhere.
    const unsigned char none = 0;
    if (write(g_signalPipe[1], &none, 1) < 0)
        std::perror("meridian-store");
    waiter.join();
    return 0;
}
