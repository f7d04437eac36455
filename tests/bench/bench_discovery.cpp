// Federated registry benchmark on four real meridian-store processes over loopback, each region
// owning a registry of its own (10 000 objects by default: 1 project, entities, sources, views
// of 12 features, services).
// - apply: one request of the whole registry per region, timed at the client (issue #13's
//   target: 10 000 objects in under 2 s);
// - discovery: every region's catalogue (Registry.Discover) fetched in parallel and merged into
//   the global view, against fetching every region's full registry (ListObjects) the same way;
//   the bytes of both, as the wire carries them (before gRPC framing);
// - the floor: a gRPC echo round trip, in the same run.
// Medians of the rounds.
//
// Usage: bench_discovery [--objects N] [--rounds R]

#include <QCoreApplication>

#include <chrono>
#include <future>

#include "benchstats.h"
#include "meridian/v1/admin.grpc.pb.h"
#include "registry/globalregistry.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::test;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// A team's registry of about `objects` objects owned by `region`, in project `project`.
v1::ApplyRequest teamRegistry(const std::string& project, const std::string& region, int objects) {
    v1::ApplyRequest request;
    auto* p = request.add_objects()->mutable_project();
    p->set_name(project);
    p->set_owner(project + "-team");
    const int entities = std::max(1, objects / 10);
    const int sources = std::max(1, objects / 20);
    const int services = std::max(1, objects / 10);
    const int views = std::max(1, objects - 1 - entities - sources - services);
    for (int i = 0; i < entities; ++i) {
        auto* e = request.add_objects()->mutable_entity();
        e->set_name("entity_" + std::to_string(i));
        e->set_project(project);
        auto* k = e->add_join_keys();
        k->set_name("id_" + std::to_string(i));
        k->set_value_type(v1::INT64);
        e->set_description("Join key of the " + std::to_string(i) + "th entity");
    }
    for (int i = 0; i < sources; ++i) {
        auto* s = request.add_objects()->mutable_data_source();
        s->set_name("source_" + std::to_string(i));
        s->set_project(project);
        s->set_kind(v1::DataSource::PUSH);
        s->set_timestamp_field("event_timestamp");
    }
    for (int i = 0; i < views; ++i) {
        auto* v = request.add_objects()->mutable_feature_view();
        v->set_name("view_" + std::to_string(i));
        v->set_project(project);
        v->add_entities("entity_" + std::to_string(i % entities));
        v->add_sources("source_" + std::to_string(i % sources));
        v->set_owner_region(region);
        v->set_owner(project + "-team@example.com");
        v->set_description("Activity aggregates, window " + std::to_string(i % 30 + 1) + "d");
        (*v->mutable_tags())["tier"] = i % 3 == 0 ? "gold" : "silver";
        for (int f = 0; f < 12; ++f) {
            auto* field = v->add_features();
            field->set_name("feature_" + std::to_string(f) + "_" + std::to_string(i % 7) + "d");
            field->set_value_type(f % 3 == 0 ? v1::DOUBLE : v1::INT64);
        }
    }
    for (int i = 0; i < services; ++i) {
        auto* s = request.add_objects()->mutable_feature_service();
        s->set_name("service_" + std::to_string(i));
        s->set_project(project);
        s->add_features()->set_feature_view("view_" + std::to_string(i % views));
        s->add_features()->set_feature_view("view_" + std::to_string((i + 1) % views));
        auto* c = s->add_consumers();
        c->set_model("model_" + std::to_string(i));
        c->set_team(project + "-team");
    }
    return request;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int objects = bench::argValue(argc, argv, "--objects", 10000);
    const int rounds = bench::argValue(argc, argv, "--rounds", 7);
    const std::vector<std::string> regions{"us1", "eu1", "eu2", "ap1"};
    auto clusterRegions = TestCluster::threeRegions();
    clusterRegions.push_back({"ap1", "gcp", "asia-southeast1", "apac"});
    TestCluster cluster(clusterRegions);
    cluster.setFederated(true);
    if (!cluster.startAll()) {
        std::fprintf(stderr, "the regions did not start\n");
        return 1;
    }
    std::printf("bench_discovery: 4 regions (federated), %d objects owned by each\n\n", objects);

    // Apply: each region its own registry, one request.
    std::vector<double> applyMs;
    int applied = 0;
    for (const auto& r : regions) {
        const auto request = teamRegistry("team_" + r, r, objects);
        applied = request.objects_size();
        v1::ApplyResponse response;
        auto ctx = cluster.client(r).context(std::chrono::seconds(300));
        const auto start = Clock::now();
        const auto st = cluster.client(r).registry().Apply(ctx.get(), request, &response);
        applyMs.push_back(msSince(start));
        if (!st.ok()) {
            std::fprintf(stderr, "apply at %s failed: %s\n", r.c_str(),
                         st.error_message().substr(0, 400).c_str());
            return 1;
        }
        std::printf("  apply of %d objects at %s: %.0f ms (%.3f ms per object)\n", applied,
                    r.c_str(), applyMs.back(), applyMs.back() / applied);
    }
    // Then every region publishes a tenth of its views to every other region, so that each
    // catalogue holds copies as well.
    for (const auto& r : regions) {
        for (int i = 0; i < objects / 100; ++i) {
            v1::PublishRequest request;
            request.mutable_ref()->set_kind(v1::FEATURE_VIEW);
            request.mutable_ref()->set_project("team_" + r);
            request.mutable_ref()->set_name("view_" + std::to_string(i));
            request.set_all_regions(true);
            v1::PublishResponse response;
            auto ctx = cluster.client(r).context();
            if (const auto st = cluster.client(r).registry().Publish(ctx.get(), request, &response);
                !st.ok()) {
                std::fprintf(stderr, "publish failed: %s\n", st.error_message().c_str());
                return 1;
            }
        }
    }

    // Discovery against full registries, fetched the same way (all regions in parallel).
    std::vector<double> discoverMs, listMs, mergeMs;
    size_t catalogueBytes = 0, registryBytes = 0, entries = 0, merged = 0;
    for (int round = 0; round < rounds; ++round) {
        auto start = Clock::now();
        std::vector<std::future<v1::DiscoverResponse>> pending;
        for (const auto& r : regions)
            pending.push_back(std::async(std::launch::async, [&cluster, r] {
                v1::DiscoverResponse out;
                auto ctx = cluster.client(r).context(std::chrono::seconds(60));
                cluster.client(r).registry().Discover(ctx.get(), v1::DiscoverRequest{}, &out);
                return out;
            }));
        std::vector<v1::DiscoverResponse> catalogues;
        for (auto& p : pending)
            catalogues.push_back(p.get());
        const auto mergeStart = Clock::now();
        const auto global = registry::mergeCatalogues(catalogues);
        mergeMs.push_back(msSince(mergeStart));
        discoverMs.push_back(msSince(start));
        catalogueBytes = entries = 0;
        for (const auto& c : catalogues) {
            catalogueBytes += c.ByteSizeLong();
            entries += registry::catalogueItems(c).size();
        }
        merged = global.objects.size();

        start = Clock::now();
        std::vector<std::future<v1::ListObjectsResponse>> lists;
        for (const auto& r : regions)
            lists.push_back(std::async(std::launch::async, [&cluster, r] {
                v1::ListObjectsResponse out;
                auto ctx = cluster.client(r).context(std::chrono::seconds(60));
                cluster.client(r).registry().ListObjects(ctx.get(), v1::ListObjectsRequest{}, &out);
                return out;
            }));
        registryBytes = 0;
        for (auto& l : lists)
            registryBytes += l.get().ByteSizeLong();
        listMs.push_back(msSince(start));
    }

    auto echo = bench::measure(2000, [&](int) {
        v1::EchoRequest request;
        request.set_payload(std::string(64, 'x'));
        v1::EchoResponse response;
        auto ctx = cluster.client("eu1").context();
        cluster.client("eu1").admin().Echo(ctx.get(), request, &response);
    });

    const double applyMedian = median(applyMs);
    const double discoverMedian = median(discoverMs);
    std::printf("\n  %-62s %9.0f ms\n", "apply, median of the 4 regions", applyMedian);
    std::printf("  %-62s %9.3f ms\n", "apply, per object", applyMedian / applied);
    std::printf("  %-62s %9zu\n", "catalogue entries fetched (4 regions)", entries);
    std::printf("  %-62s %9zu\n", "objects in the merged global view", merged);
    std::printf("  %-62s %9.1f ms\n", "discovery: 4 catalogues fetched and merged, median",
                discoverMedian);
    std::printf("  %-62s %9.1f ms\n", "  of which the merge", median(mergeMs));
    std::printf("  %-62s %9.1f ms\n", "full registries of the 4 regions fetched, median",
                median(listMs));
    std::printf("  %-62s %9.2f MB\n", "catalogue bytes (4 regions)", catalogueBytes / 1e6);
    std::printf("  %-62s %9.2f MB\n", "full registry bytes (4 regions)", registryBytes / 1e6);
    std::printf("  %-62s %9.3f ms\n", "gRPC echo round trip, p50 (floor)", echo.p50Us / 1000);
    std::printf("\n");
    const double applyRatio = applyMedian / 2000.0 * (10000.0 / applied);
    const double bytesRatio =
        static_cast<double>(catalogueBytes) / static_cast<double>(registryBytes);
    bench::printRatio("apply of 10 000 objects / 2 s", applyRatio, "< 1", applyRatio < 1);
    bench::printRatio("discovery / 1 s", discoverMedian / 1000.0, "< 1", discoverMedian < 1000);
    bench::printRatio("catalogue bytes / full registry bytes", bytesRatio, "< 0.10",
                      bytesRatio < 0.10);
    std::printf("  %-44s %6.2fx   (reported)\n", "discovery / full registry fetch",
                discoverMedian / median(listMs));
    std::printf("  %-44s %6.0fx   (reported)\n", "discovery / echo round trip",
                discoverMedian / (echo.p50Us / 1000));
    return 0;
}
