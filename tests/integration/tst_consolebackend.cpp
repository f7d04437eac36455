// console::ConsoleBackend against three real regions: poll sees every region, a killed region is
// reported down within the poll deadline, registry, history, diff, lineage, jobs, sync, watch,
// cost and alerts answer, and destroying the backend with calls in flight is safe.

#include <QElapsedTimer>
#include <QtTest>

#include <atomic>
#include <mutex>
#include <optional>

#include "console/consolebackend.h"
#include "deployment/deployment.h"
#include "support/replicationhelpers.h"
#include "support/testcluster.h"

using namespace meridian;
using namespace meridian::console;
using namespace meridian::test;

namespace {

// An answer delivered on a gRPC thread, read by the test thread.
template <typename T>
class Answer {
public:
    ConsoleBackend::Callback<T> callback() {
        return [this](absl::StatusOr<T> value) {
            std::lock_guard lock(m_mutex);
            m_value = std::move(value);
            ++m_calls;
        };
    }
    bool ready() const {
        std::lock_guard lock(m_mutex);
        return m_value.has_value();
    }
    absl::StatusOr<T> take() {
        std::lock_guard lock(m_mutex);
        auto v = std::move(*m_value);
        m_value.reset();
        return v;
    }
    int calls() const {
        std::lock_guard lock(m_mutex);
        return m_calls;
    }

private:
    mutable std::mutex m_mutex;
    std::optional<absl::StatusOr<T>> m_value;
    int m_calls = 0;
};

const RegionStatus* regionOf(const DeploymentSnapshot& s, const std::string& name) {
    for (const auto& r : s.regions) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

QString text(const absl::Status& status) {
    return QString::fromStdString(status.ToString());
}

}  // namespace

class ConsoleBackendTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void pollSeesEveryRegion();
    void pollWithHistoryBringsTheLastHourOfLag();
    void pollBringsOnlyTheSamplesTakenSinceTheGivenTime();
    void registryHistoryDiffAndLineage();
    void syncJobsAreTriggeredWatchedAndListed();
    void costAndAlertsAnswer();
    void unknownRegionIsAnError();
    void destroyingWithCallsInFlightIsSafe();
    void killedRegionIsReportedDownWithinTheDeadline();

private:
    std::unique_ptr<TestCluster> m_cluster;
    std::unique_ptr<ConsoleBackend> m_backend;
};

void ConsoleBackendTest::initTestCase() {
    m_cluster = std::make_unique<TestCluster>(TestCluster::threeRegions());
    QVERIFY(m_cluster->startAll());
    QVERIFY(m_cluster->apply(MERIDIAN_SOURCE_DIR "/tests/data/replicationrepo.yaml"));
    auto deployment = deployment::loadDeployment(m_cluster->deploymentPath().toStdString());
    QVERIFY2(deployment.ok(), qPrintable(text(deployment.status())));
    m_backend = std::make_unique<ConsoleBackend>(std::move(*deployment), 5000, 1000);
    QTRY_COMPARE_WITH_TIMEOUT(registryCount(m_cluster->client("eu2")), 7, 15000);
}

void ConsoleBackendTest::pollSeesEveryRegion() {
    Answer<DeploymentSnapshot> answer;
    m_backend->poll(false, answer.callback());
    QTRY_VERIFY(answer.ready());
    auto snapshot = answer.take();
    QVERIFY2(snapshot.ok(), qPrintable(text(snapshot.status())));
    QCOMPARE(snapshot->regions.size(), size_t(3));
    for (const auto& r : snapshot->regions) {
        QVERIFY2(r.up, qPrintable(QString::fromStdString(r.name + ": " + r.error)));
        QVERIFY(r.startedAtMs > 0);
        QVERIFY(!r.version.empty());
        QCOMPARE(r.role, std::string(r.name == "us1" ? "control" : "replica"));
    }
    QCOMPARE(regionOf(*snapshot, "eu2")->cloud, std::string("gcp"));
    QCOMPARE(regionOf(*snapshot, "eu1")->providerRegion, std::string("eu-west-1"));
    // Every region pulls from the two others: at least those six whole links are reported.
    int wholeLinks = 0;
    for (const auto& l : snapshot->links)
        wholeLinks += l.view.empty();
    QVERIFY2(wholeLinks >= 6, qPrintable(QString::number(wholeLinks)));
    QVERIFY(snapshot->atMs > 0);
}

// Each region samples its links' lag at every maintenance pass (5 s); a poll that asks for it
// gets those samples on the rows of whole links, oldest first, and a plain poll does not.
void ConsoleBackendTest::pollWithHistoryBringsTheLastHourOfLag() {
    auto pollOnce = [&](bool withHistory) {
        Answer<DeploymentSnapshot> answer;
        m_backend->poll(withHistory, answer.callback());
        if (!QTest::qWaitFor([&] { return answer.ready(); }, 10000))
            return DeploymentSnapshot{};
        auto snapshot = answer.take();
        return snapshot.ok() ? *snapshot : DeploymentSnapshot{};
    };
    auto samplesOf = [](const DeploymentSnapshot& s, const std::string& from,
                        const std::string& to) -> std::vector<LinkStatus::Sample> {
        for (const auto& l : s.links) {
            if (l.from == from && l.to == to && l.view.empty())
                return l.history;
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(samplesOf(pollOnce(true), "us1", "eu1").size() >= 2, 20000);
    const auto snapshot = pollOnce(true);
    const auto samples = samplesOf(snapshot, "us1", "eu1");
    QVERIFY(samples.size() >= 2);
    for (size_t i = 1; i < samples.size(); ++i)
        QVERIFY(samples[i].atMs > samples[i - 1].atMs);
    QVERIFY(samples.back().atMs <= snapshot.atMs);
    QVERIFY(samples.front().atMs >= snapshot.atMs - 3'600'000);
    for (const auto& l : snapshot.links) {
        if (!l.view.empty())
            QVERIFY(l.history.empty());
    }
    for (const auto& l : pollOnce(false).links)
        QVERIFY(l.history.empty());
}

// The console fetches each region's record a little at a time: a poll asking for the samples
// after a time gets those and no older ones.
void ConsoleBackendTest::pollBringsOnlyTheSamplesTakenSinceTheGivenTime() {
    auto samplesAfter = [&](int64_t after) {
        Answer<DeploymentSnapshot> answer;
        m_backend->poll(true, answer.callback(), after);
        std::vector<LinkStatus::Sample> samples;
        if (!QTest::qWaitFor([&] { return answer.ready(); }, 10000))
            return samples;
        auto snapshot = answer.take();
        for (const auto& l : snapshot.ok() ? snapshot->links : std::vector<LinkStatus>{}) {
            if (l.from == "us1" && l.to == "eu1" && l.view.empty())
                samples = l.history;
        }
        return samples;
    };
    QTRY_VERIFY_WITH_TIMEOUT(samplesAfter(0).size() >= 2, 20000);
    const auto all = samplesAfter(0);
    QVERIFY(all.size() >= 2);
    QVERIFY(all.size() <= 720);  // what a region keeps of a link (admin.proto, StatsRequest)
    const int64_t after = all[all.size() - 2].atMs;
    const auto newer = samplesAfter(after);
    QVERIFY(!newer.empty());  // the newest of `all` at least
    QCOMPARE(newer.front().atMs, all.back().atMs);
    for (const auto& s : newer)
        QVERIFY(s.atMs > after);
}

void ConsoleBackendTest::registryHistoryDiffAndLineage() {
    Answer<std::vector<RegistryEntry>> listed;
    m_backend->listRegistry({}, listed.callback());
    QTRY_VERIFY(listed.ready());
    auto entries = listed.take();
    QVERIFY2(entries.ok(), qPrintable(text(entries.status())));
    QCOMPARE(entries->size(), size_t(7));
    const RegistryEntry* eu = nullptr;
    for (const auto& e : *entries) {
        if (e.kind == ObjectKind::FeatureView && e.name == "eu_view")
            eu = &e;
    }
    QVERIFY(eu);
    QCOMPARE(eu->project, std::string("rep"));
    QCOMPARE(eu->replicationMode, std::string("active_active"));
    QCOMPARE(eu->residency, std::string("jurisdiction eu"));
    QCOMPARE(eu->storingRegions, (std::vector<std::string>{"eu1", "eu2"}));
    QVERIFY(eu->text.find("eu_view") != std::string::npos);
    QVERIFY(!eu->fields.empty());
    QVERIFY(!eu->specHash.empty());

    // A second version of the view, so that there is something to diff.
    v1::ListObjectsRequest listRequest;
    listRequest.set_kind(v1::FEATURE_VIEW);
    v1::ListObjectsResponse objects;
    auto ctx = m_cluster->client("us1").context();
    QVERIFY(m_cluster->client("us1").registry().ListObjects(ctx.get(), listRequest, &objects).ok());
    v1::ApplyRequest apply;
    for (const auto& o : objects.objects()) {
        if (o.feature_view().name() == "hs_view") {
            auto* changed = apply.add_objects();
            *changed->mutable_feature_view() = o.feature_view();
            changed->mutable_feature_view()->set_description("scores, now described");
            changed->mutable_meta()->set_kind(v1::FEATURE_VIEW);
        }
    }
    v1::ApplyResponse applied;
    auto applyCtx = m_cluster->client("us1").context();
    QVERIFY(m_cluster->client("us1").registry().Apply(applyCtx.get(), apply, &applied).ok());

    Answer<std::vector<RegistryEntry>> history;
    m_backend->history({}, ObjectKind::FeatureView, "rep", "hs_view", history.callback());
    QTRY_VERIFY(history.ready());
    auto versions = history.take();
    QVERIFY2(versions.ok(), qPrintable(text(versions.status())));
    QCOMPARE(versions->size(), size_t(2));
    QCOMPARE(versions->back().version, int64_t(2));

    Answer<std::vector<FieldDiff>> diff;
    m_backend->diff({}, ObjectKind::FeatureView, "rep", "hs_view", 1, 2, diff.callback());
    QTRY_VERIFY(diff.ready());
    auto changes = diff.take();
    QVERIFY2(changes.ok(), qPrintable(text(changes.status())));
    QCOMPARE(changes->size(), size_t(1));
    QVERIFY(changes->front().change != FieldDiff::Change::Removed);
    QVERIFY(changes->front().path.find("description") != std::string::npos);
    QVERIFY(changes->front().after.find("now described") != std::string::npos);

    Answer<std::vector<FieldDiff>> missing;
    m_backend->diff({}, ObjectKind::FeatureView, "rep", "hs_view", 1, 9, missing.callback());
    QTRY_VERIFY(missing.ready());
    const auto notFound = missing.take();
    QCOMPARE(notFound.status().code(), absl::StatusCode::kNotFound);
    QVERIFY(std::string(notFound.status().message()).find("no version 9") != std::string::npos);

    Answer<LineageGraph> lineage;
    m_backend->lineage("eu1", "rep", lineage.callback());
    QTRY_VERIFY(lineage.ready());
    auto graph = lineage.take();
    QVERIFY2(graph.ok(), qPrintable(text(graph.status())));
    QVERIFY(graph->nodes.size() >= 6);
    QVERIFY(!graph->edges.empty());
    QVERIFY(std::any_of(graph->nodes.begin(), graph->nodes.end(), [](const LineageNode& n) {
        return n.kind == LineageNode::Kind::FeatureView && n.name == "eu_view";
    }));
}

void ConsoleBackendTest::syncJobsAreTriggeredWatchedAndListed() {
    Answer<SyncJobInfo> started;
    m_backend->triggerSync("us1", "eu1", SyncJobInfo::Kind::CatchUp, {}, "tester",
                           started.callback());
    QTRY_VERIFY(started.ready());
    auto job = started.take();
    QVERIFY2(job.ok(), qPrintable(text(job.status())));
    QVERIFY(!job->id.empty());
    QCOMPARE(job->from, std::string("us1"));
    QCOMPARE(job->to, std::string("eu1"));

    std::mutex mutex;
    std::vector<SyncJobInfo> updates;
    std::optional<absl::Status> finished;
    auto watch = m_backend->watchJob(
        "eu1", job->id,
        [&](const SyncJobInfo& j) {
            std::lock_guard lock(mutex);
            updates.push_back(j);
        },
        [&](const absl::Status& s) {
            std::lock_guard lock(mutex);
            finished = s;
        });
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 std::lock_guard lock(mutex);
                                 return finished.has_value();
                             }()),
                             20000);
    {
        std::lock_guard lock(mutex);
        QVERIFY2(finished->ok(), qPrintable(text(*finished)));
        QVERIFY(!updates.empty());
        QCOMPARE(updates.back().state, SyncJobInfo::State::Succeeded);
    }
    watch.reset();

    Answer<std::vector<SyncJobInfo>> listed;
    m_backend->jobs(20, listed.callback());
    QTRY_VERIFY(listed.ready());
    auto jobs = listed.take();
    QVERIFY2(jobs.ok(), qPrintable(text(jobs.status())));
    QVERIFY(std::any_of(jobs->begin(), jobs->end(),
                        [&](const SyncJobInfo& j) { return j.id == job->id; }));
    for (size_t i = 1; i < jobs->size(); ++i)
        QVERIFY((*jobs)[i - 1].createdAtMs >= (*jobs)[i].createdAtMs);

    // Cancelling a finished job answers (with the job, or with the region's refusal).
    Answer<SyncJobInfo> cancelled;
    m_backend->cancelJob("eu1", job->id, cancelled.callback());
    QTRY_VERIFY(cancelled.ready());
}

void ConsoleBackendTest::costAndAlertsAnswer() {
    const int64_t now = QDateTime::currentMSecsSinceEpoch();
    Answer<CostReport> cost;
    m_backend->cost(now - 3'600'000, now + 60'000, cost.callback());
    QTRY_VERIFY(cost.ready());
    auto report = cost.take();
    QVERIFY2(report.ok(), qPrintable(text(report.status())));
    QCOMPARE(report->sinceMs, now - 3'600'000);
    // Replication has moved the registry and the sync above between regions.
    QVERIFY(!report->lines.empty());
    for (const auto& l : report->lines)
        QVERIFY(!l.from.empty() && !l.to.empty());

    Answer<std::vector<AlertInfo>> alerts;
    m_backend->alerts(true, alerts.callback());
    QTRY_VERIFY(alerts.ready());
    auto list = alerts.take();
    QVERIFY2(list.ok(), qPrintable(text(list.status())));
    for (const auto& a : *list)
        QVERIFY(a.kind != "region_down");
}

void ConsoleBackendTest::unknownRegionIsAnError() {
    Answer<std::vector<RegistryEntry>> listed;
    m_backend->listRegistry("mars1", listed.callback());
    QVERIFY(listed.ready());  // answered at once, without a call
    const auto status = listed.take().status();
    QCOMPARE(status.code(), absl::StatusCode::kNotFound);
    QVERIFY(std::string(status.message()).find("mars1") != std::string::npos);
}

void ConsoleBackendTest::destroyingWithCallsInFlightIsSafe() {
    auto deployment = deployment::loadDeployment(m_cluster->deploymentPath().toStdString());
    QVERIFY(deployment.ok());
    std::atomic<int> callbacks{0};
    std::atomic<bool> destroyed{false};
    std::atomic<int> late{0};
    auto count = [&](auto&&) {
        if (destroyed)
            ++late;
        ++callbacks;
    };
    std::unique_ptr<ConsoleBackend::Watch> watch;
    {
        ConsoleBackend backend(*deployment, 5000, 1000);
        for (int i = 0; i < 20; ++i) {
            backend.poll(false, count);
            backend.listRegistry({}, count);
            backend.jobs(10, count);
            backend.cost(0, 0, count);
            backend.alerts(false, count);
        }
        watch = backend.watchJob(
            "eu1", "no-such-job", [&](const SyncJobInfo&) { ++callbacks; },
            [&](const absl::Status&) { ++callbacks; });
    }
    destroyed = true;
    watch->cancel();
    watch.reset();
    QCOMPARE(late.load(), 0);
    QVERIFY(callbacks.load() <= 101);
}

void ConsoleBackendTest::killedRegionIsReportedDownWithinTheDeadline() {
    m_cluster->kill("eu2");
    QElapsedTimer timer;
    timer.start();
    Answer<DeploymentSnapshot> answer;
    m_backend->poll(false, answer.callback());
    QTRY_VERIFY_WITH_TIMEOUT(answer.ready(), 3000);
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    auto snapshot = answer.take();
    QVERIFY(snapshot.ok());
    const auto* eu2 = regionOf(*snapshot, "eu2");
    QVERIFY(!eu2->up);
    QVERIFY2(eu2->error.find("eu2") != std::string::npos, eu2->error.c_str());
    QVERIFY(regionOf(*snapshot, "us1")->up);
    QVERIFY(regionOf(*snapshot, "eu1")->up);

    // Alerts still answer, with the console's own word on the region that is down.
    Answer<std::vector<AlertInfo>> alerts;
    m_backend->alerts(false, alerts.callback());
    QTRY_VERIFY_WITH_TIMEOUT(alerts.ready(), 7000);
    auto list = alerts.take();
    QVERIFY(list.ok());
    QVERIFY(std::any_of(list->begin(), list->end(), [](const AlertInfo& a) {
        return a.kind == "region_down" && a.subject == "eu2" && a.region == "console";
    }));
    // So do jobs and cost, from the regions that are up.
    Answer<std::vector<SyncJobInfo>> jobs;
    m_backend->jobs(10, jobs.callback());
    QTRY_VERIFY_WITH_TIMEOUT(jobs.ready(), 7000);
    QVERIFY(jobs.take().ok());
}

QTEST_MAIN(ConsoleBackendTest)
#include "tst_consolebackend.moc"
