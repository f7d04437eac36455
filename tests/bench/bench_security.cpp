// The cost of security on the serving path: GetOnlineFeatures p50 against a store serving TLS
// that requires a bearer token on every call, next to the same reads from a store serving
// plaintext without credentials — the floor — measured in the same run on the same rows. Both
// clients keep one channel (one TLS session) for the whole run, as a serving client would.
//
// Usage: bench_security [--calls N] [--rounds N] [--entities N]

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <random>

#include "access/tokens.h"
#include "benchrepository.h"
#include "benchstats.h"
#include "client/regionchannel.h"
#include "demo/localca.h"
#include "support/storeprocess.h"
#include "support/testclient.h"

using namespace meridian;
using namespace meridian::bench;

namespace {

v1::GetOnlineFeaturesRequest readRequest(std::mt19937_64& rng, int population) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("bench");
    r.mutable_features()->add_refs("user_features:*");
    std::uniform_int_distribution<int> pick(1, population);
    (*r.add_entities()->mutable_keys())["user_id"].set_int64_val(pick(rng));
    return r;
}

bool load(test::TestClient& client, int population) {
    v1::ApplyResponse applied;
    auto ctx = client.context();
    if (auto st = client.registry().Apply(ctx.get(), benchRepository(), &applied); !st.ok()) {
        std::fprintf(stderr, "bench_security: apply failed: %s\n", st.error_message().c_str());
        return false;
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::mt19937_64 rng(11);
    for (int first = 1; first <= population; first += 5000) {
        const auto w = benchRows(first, std::min(first + 4999, population), now, rng);
        v1::WriteFeaturesResponse out;
        auto ctx = client.context(std::chrono::seconds(120));
        if (auto st = client.serving().WriteFeatures(ctx.get(), w, &out); !st.ok()) {
            std::fprintf(stderr, "bench_security: write failed: %s\n", st.error_message().c_str());
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int calls = argValue(argc, argv, "--calls", 5000);
    const int rounds = argValue(argc, argv, "--rounds", 5);
    const int population = argValue(argc, argv, "--entities", 20'000);

    QTemporaryDir dir;
    auto ca = demo::makeLocalCa(dir.filePath("pki").toStdString(), {"bench-tls"}, {},
                                "Meridian bench CA");
    if (!ca.ok()) {
        std::fprintf(stderr, "bench_security: %s\n", std::string(ca.status().message()).c_str());
        return 1;
    }
    auto token = access::makeToken("bench", v1::ROLE_ADMIN, "bench_security", 0);
    const std::string tokenPath = dir.filePath("tokens.yaml").toStdString();
    auto tokens = access::TokenFile::open(tokenPath);
    if (!token.ok() || !tokens.ok() || !(*tokens)->add(token->record).ok())
        return 1;

    test::StoreProcess plain("bench-plain", dir.filePath("plain"));
    const auto& files = ca->regions.at("bench-tls");
    // TLS without tokens: what each of the two costs.
    test::StoreProcess tlsOnly(
        "bench-tls", dir.filePath("tls-only"),
        {QStringLiteral("--tls-cert"), QString::fromStdString(files.certFile),
         QStringLiteral("--tls-key"), QString::fromStdString(files.keyFile)});
    test::StoreProcess secured(
        "bench-tls", dir.filePath("tls"),
        {QStringLiteral("--tls-cert"), QString::fromStdString(files.certFile),
         QStringLiteral("--tls-key"), QString::fromStdString(files.keyFile),
         QStringLiteral("--tokens"), QString::fromStdString(tokenPath)});
    if (!plain.start() || !secured.start() || !tlsOnly.start()) {
        std::fprintf(stderr, "bench_security: a store did not start:\n%s\n%s\n%s\n",
                     qPrintable(plain.output()), qPrintable(secured.output()),
                     qPrintable(tlsOnly.output()));
        return 1;
    }
    test::TestClient plainClient(plain.endpoint().toStdString());
    client::RegionChannelOptions tls;
    tls.tls = {.caFile = ca->caFile, .certFile = {}, .keyFile = {}, .serverName = "bench-tls"};
    test::TestClient securedClient(
        client::makeRegionChannel(secured.endpoint().toStdString(), tls));
    securedClient.setToken(token->token);
    test::TestClient tlsOnlyClient(
        client::makeRegionChannel(tlsOnly.endpoint().toStdString(), tls));
    if (!plainClient.waitHealthy() || !securedClient.waitHealthy() || !tlsOnlyClient.waitHealthy())
        return 1;
    std::printf(
        "meridian security benchmark: GetOnlineFeatures 1 entity x %d features, %d "
        "entities, %d calls per measurement, median of %d rounds\n",
        kFeatures, population, calls, rounds);
    std::printf("loading %d rows into each store ...\n", population);
    if (!load(plainClient, population) || !load(securedClient, population) ||
        !load(tlsOnlyClient, population))
        return 1;

    std::mt19937_64 rng(7);
    std::vector<v1::GetOnlineFeaturesRequest> requests;
    for (int i = 0; i < calls; ++i)
        requests.push_back(readRequest(rng, population));
    auto readAll = [&](test::TestClient& client) {
        return measure(calls, [&](int i) {
            v1::GetOnlineFeaturesResponse out;
            auto ctx = client.context();
            if (!client.serving().GetOnlineFeatures(ctx.get(), requests[i], &out).ok())
                std::abort();
        });
    };
    // Warm both channels and servers, then alternate so that noise hits both alike.
    readAll(plainClient);
    readAll(securedClient);
    readAll(tlsOnlyClient);
    std::vector<Figures> plainRounds, securedRounds, tlsOnlyRounds;
    for (int round = 0; round < rounds; ++round) {
        plainRounds.push_back(readAll(plainClient));
        tlsOnlyRounds.push_back(readAll(tlsOnlyClient));
        securedRounds.push_back(readAll(securedClient));
    }
    const auto p = medianRound(plainRounds);
    const auto t = medianRound(tlsOnlyRounds);
    const auto s = medianRound(securedRounds);
    std::printf("\nover loopback gRPC (one client, closed loop):\n");
    printRow("plaintext, no credentials (floor)", p);
    printRow("TLS, no credentials", t);
    printRow("TLS + bearer token checked per call", s);
    std::printf("\nratios:\n");
    const double ratio = s.p50Us / p.p50Us;
    printRatio("TLS p50 / plaintext p50", t.p50Us / p.p50Us, "(report)", true);
    printRatio("TLS + token p50 / TLS p50", s.p50Us / t.p50Us, "(report)", true);
    printRatio("TLS + token p50 / plaintext p50", ratio, "<= 1.15x", ratio <= 1.15);
    return 0;
}
