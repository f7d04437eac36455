// Serving benchmark: GetOnlineFeatures over loopback gRPC against a real meridian-store, next
// to floors measured in the same run — a gRPC Echo of the same response size from the same
// server, and an in-process SQLite primary-key lookup on the same database file.
//
// Usage: bench_serving [--entities N] [--calls N] [--rounds N]

#include <sqlite3.h>

#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
#include <random>

#include "benchrepository.h"
#include "benchstats.h"
#include "client/router.h"
#include "serving/region.h"
#include "storage/database.h"
#include "storage/entitykey.h"
#include "storage/onlinetable.h"
#include "support/storeprocess.h"
#include "support/testclient.h"

using namespace meridian;
using namespace meridian::bench;

namespace {

v1::GetOnlineFeaturesRequest readRequest(int entities, std::mt19937_64& rng, int population) {
    v1::GetOnlineFeaturesRequest r;
    r.set_project("bench");
    r.mutable_features()->add_refs("user_features:*");
    std::uniform_int_distribution<int> pick(1, population);
    for (int i = 0; i < entities; ++i)
        (*r.add_entities()->mutable_keys())["user_id"].set_int64_val(pick(rng));
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int population = argValue(argc, argv, "--entities", 100'000);
    const int calls = argValue(argc, argv, "--calls", 5000);
    const int rounds = argValue(argc, argv, "--rounds", 5);

    QTemporaryDir dir;
    test::StoreProcess store("bench-region", dir.filePath("region"));
    if (!store.start()) {
        std::fprintf(stderr, "bench_serving: meridian-store did not start: %s\n",
                     qPrintable(store.output()));
        return 1;
    }
    test::TestClient client(store.endpoint().toStdString());
    client.waitHealthy();
    {
        v1::ApplyResponse applied;
        auto ctx = client.context();
        if (!client.registry().Apply(ctx.get(), benchRepository(), &applied).ok())
            return 1;
    }
    std::printf(
        "meridian serving benchmark: %d entities x %d features, %d calls per measurement, median "
        "of %d rounds\n",
        population, kFeatures, calls, rounds);
    std::printf("loading %d rows ...\n", population);
    std::mt19937_64 rng(42);
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (int first = 1; first <= population; first += 5000) {
        const auto w = benchRows(first, std::min(first + 4999, population), now, rng);
        v1::WriteFeaturesResponse out;
        auto ctx = client.context(std::chrono::seconds(120));
        if (auto st = client.serving().WriteFeatures(ctx.get(), w, &out); !st.ok()) {
            std::fprintf(stderr, "bench_serving: write failed: %s\n", st.error_message().c_str());
            return 1;
        }
    }

    // --- over gRPC: GetOnlineFeatures vs Echo of the same response size ---
    struct Case {
        int entities;
        int calls;
        std::vector<Figures> online, echo;
        size_t responseBytes = 0;
    };
    std::vector<Case> cases = {{1, calls, {}, {}}, {100, std::max(200, calls / 10), {}, {}}};
    for (auto& c : cases) {
        v1::GetOnlineFeaturesResponse sample;
        auto ctx = client.context();
        auto r = readRequest(c.entities, rng, population);
        client.serving().GetOnlineFeatures(ctx.get(), r, &sample);
        c.responseBytes = sample.ByteSizeLong();
    }
    // Warm up channel and server threads.
    measure(500, [&](int) {
        v1::EchoRequest e;
        v1::EchoResponse out;
        grpc::ClientContext ctx;
        client.admin().Echo(&ctx, e, &out);
    });
    for (int round = 0; round < rounds; ++round) {
        for (auto& c : cases) {
            std::vector<v1::GetOnlineFeaturesRequest> requests;
            for (int i = 0; i < c.calls; ++i)
                requests.push_back(readRequest(c.entities, rng, population));
            v1::EchoRequest echo;
            echo.set_response_bytes(static_cast<int>(c.responseBytes));
            // The request carries the same entity payload, so both directions match in size.
            echo.set_payload(std::string(requests[0].ByteSizeLong(), 'k'));
            c.echo.push_back(measure(c.calls, [&](int) {
                v1::EchoResponse out;
                grpc::ClientContext ctx;
                client.admin().Echo(&ctx, echo, &out);
            }));
            c.online.push_back(measure(c.calls, [&](int i) {
                v1::GetOnlineFeaturesResponse out;
                grpc::ClientContext ctx;
                auto st = client.serving().GetOnlineFeatures(&ctx, requests[i], &out);
                if (!st.ok())
                    std::abort();
            }));
        }
    }

    // --- routed: the same 1 x 20 reads through client::Router (planning each read from its
    // probes, which run in the background as they would in a client) against direct calls of
    // the same RegionClient ---
    std::vector<Figures> directRounds, routedRounds;
    {
        deployment::Deployment d;
        d.name = "bench";
        deployment::RegionEntry entry;
        entry.info.name = "bench-region";
        entry.endpoint = store.endpoint().toStdString();
        d.regions.push_back(entry);
        d.controlRegion = entry.info.name;
        client::RegionDirectory directory(d);
        client::Router router(directory);
        router.start();
        auto catalog = directory.client(entry.info.name).catalog(kProject);
        if (!catalog.ok())
            return 1;
        auto views = client::viewsOfRead(*catalog, readRequest(1, rng, population));
        if (!views.ok())
            return 1;
        // A standalone store keeps every view it is given: here, the region of the deployment.
        for (auto& v : *views)
            v.set_owner_region(entry.info.name);
        client::RouteQuery query;
        query.views = *views;
        for (int round = 0; round < rounds; ++round) {
            std::vector<v1::GetOnlineFeaturesRequest> requests;
            for (int i = 0; i < calls; ++i)
                requests.push_back(readRequest(1, rng, population));
            directRounds.push_back(measure(calls, [&](int i) {
                if (!directory.client(entry.info.name).getOnlineFeatures(requests[i]).ok())
                    std::abort();
            }));
            routedRounds.push_back(measure(calls, [&](int i) {
                if (!router.getOnlineFeatures(requests[i], query, std::chrono::seconds(5)).ok())
                    std::abort();
            }));
        }
    }
    store.terminate();

    // --- in process: the store's own lookup path vs a bare prepared SQLite statement ---
    const std::string dbPath = dir.filePath("region/region.db").toStdString();
    std::vector<std::string> keys;
    for (int i = 0; i < 20'000; ++i) {
        std::vector<storage::KeyPart> parts(1);
        parts[0].first = "user_id";
        parts[0].second.set_int64_val(static_cast<int64_t>(rng() % population) + 1);
        keys.push_back(*storage::encodeEntityKey(parts));
    }
    std::vector<Figures> rawRounds, coreRounds;
    sqlite3* raw = nullptr;
    sqlite3_open_v2(dbPath.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(raw,
                       "SELECT event_ts, write_hlc, origin, deleted, vals FROM online WHERE "
                       "view_id = ? AND entity_key = ?",
                       -1, &stmt, nullptr);
    auto db = storage::Database::open(dbPath);
    if (!db.ok())
        return 1;
    for (int round = 0; round < rounds; ++round) {
        rawRounds.push_back(measure(static_cast<int>(keys.size()), [&](int i) {
            sqlite3_bind_int64(stmt, 1, 1);
            sqlite3_bind_blob(stmt, 2, keys[i].data(), static_cast<int>(keys[i].size()),
                              SQLITE_STATIC);
            if (sqlite3_step(stmt) != SQLITE_ROW)
                std::abort();
            volatile auto bytes = sqlite3_column_bytes(stmt, 4);
            (void)bytes;
            sqlite3_reset(stmt);
        }));
        coreRounds.push_back(measure(static_cast<int>(keys.size()), [&](int i) {
            auto reader = (*db)->read();
            storage::OnlineTable table(**reader);
            storage::OnlineRecordView record;
            if (!*table.get(1, keys[i], record))
                std::abort();
        }));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    db->reset();

    // The whole read path of one request (selection, keys, lookup, answer) without gRPC.
    std::vector<Figures> readRounds;
    {
        serving::RegionOptions options;
        options.name = "bench-region";
        options.dataDir = dir.filePath("region").toStdString();
        auto region = serving::Region::open(options);
        if (!region.ok())
            return 1;
        std::vector<v1::GetOnlineFeaturesRequest> requests;
        for (int i = 0; i < 20'000; ++i)
            requests.push_back(readRequest(1, rng, population));
        for (int round = 0; round < rounds; ++round) {
            readRounds.push_back(measure(static_cast<int>(requests.size()), [&](int i) {
                google::protobuf::Arena arena;
                auto* response =
                    google::protobuf::Arena::CreateMessage<v1::GetOnlineFeaturesResponse>(&arena);
                if (!(*region)->online().read(requests[i], now, response).ok())
                    std::abort();
            }));
        }
    }

    std::printf("\nover loopback gRPC (one client, closed loop):\n");
    for (auto& c : cases) {
        const auto online = medianRound(c.online);
        const auto echo = medianRound(c.echo);
        printRow("GetOnlineFeatures " + std::to_string(c.entities) + " x 20", online);
        printRow("Echo floor, " + std::to_string(c.responseBytes) + " B response", echo);
        c.online = {online};
        c.echo = {echo};
    }
    const auto directFig = medianRound(directRounds);
    const auto routedFig = medianRound(routedRounds);
    printRow("RegionClient::getOnlineFeatures 1 x 20", directFig);
    printRow("Router::getOnlineFeatures 1 x 20 (routed)", routedFig);
    std::printf("\nin process, %zu random keys of %d:\n", keys.size(), population);
    const auto rawFig = medianRound(rawRounds);
    const auto coreFig = medianRound(coreRounds);
    printRow("SQLite prepared PK lookup (floor)", rawFig, "lookups/s");
    printRow("store lookup (reader pool + OnlineTable)", coreFig, "lookups/s");
    printRow("OnlineReader::read 1 x 20 (no gRPC)", medianRound(readRounds), "reads/s");

    std::printf("\nratios:\n");
    const double r1 = cases[0].online[0].p50Us / cases[0].echo[0].p50Us;
    const double r100 = cases[1].online[0].p50Us / cases[1].echo[0].p50Us;
    const double rStore = coreFig.perSecond / rawFig.perSecond;
    printRatio("1 x 20 p50 / echo p50", r1, "<= 1.3x", r1 <= 1.3);
    printRatio("100 x 20 p50 / echo p50", r100, "(report)", true);
    printRatio("store lookup rate / SQLite rate", rStore, ">= 0.8x", rStore >= 0.8);
    const double rRouted = routedFig.p50Us / directFig.p50Us;
    printRatio("routed p50 / direct p50", rRouted, "<= 1.05x", rRouted <= 1.05);
    return 0;
}
