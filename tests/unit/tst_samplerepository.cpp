// The sample feature repository (resources/examples/) applies cleanly against the demo
// deployment and shows what it claims: every replication mode, an EU-only view, services
// with consumers, and an entity row file and README that match it.

#include <QtTest>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "deployment/deployment.h"
#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"

using namespace meridian;

namespace {

const std::string kSourceDir = MERIDIAN_SOURCE_DIR;
const std::string kRepositoryPath = kSourceDir + "/resources/examples/feature_repo.yaml";
const std::string kDeploymentPath = kSourceDir + "/resources/demo/deployment.yaml";

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// Every non-blank line parsed as a JSON object; a line that does not parse fails the test.
std::vector<google::protobuf::Struct> readJsonLines(const std::string& path) {
    std::istringstream lines(readText(path));
    std::vector<google::protobuf::Struct> out;
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty())
            continue;
        google::protobuf::Struct row;
        if (!google::protobuf::util::JsonStringToMessage(line, &row).ok()) {
            qWarning("%s: not a JSON object: %s", path.c_str(), line.c_str());
            return {};
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::set<std::string> columnsOf(const google::protobuf::Struct& row) {
    std::set<std::string> out;
    for (const auto& [name, value] : row.fields())
        out.insert(name);
    return out;
}

// "2026-11-25T09:05:58Z" or with milliseconds.
bool isIsoTime(const std::string& text) {
    static const std::regex kIso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z)");
    return std::regex_match(text, kIso);
}

}  // namespace

class TestSampleRepository : public QObject {
    Q_OBJECT

private:
    deployment::Deployment m_deployment;
    registry::RegionSet m_regions;
    v1::FeatureRepository m_repository;
    std::vector<registry::PlannedChange> m_plan;
    registry::Catalog m_catalog;

    registry::ApplyContext context() const {
        registry::ApplyContext c;
        c.region = "aws-us-east-1";
        c.principal = "tst_samplerepository";
        c.nowMs = 1'790'000'000'000;
        return c;
    }

    std::vector<const v1::FeatureView*> views() const {
        std::vector<const v1::FeatureView*> out;
        for (const auto* o : m_catalog.ofKind(v1::FEATURE_VIEW))
            out.push_back(&o->feature_view());
        return out;
    }

private slots:
    void initTestCase() {
        auto d = deployment::loadDeployment(kDeploymentPath);
        QVERIFY2(d.ok(), qPrintable(q(d.status().ToString())));
        m_deployment = *d;
        m_regions = m_deployment.regionSet();

        auto repo = deployment::loadRepositoryFile(kRepositoryPath);
        QVERIFY2(repo.ok(), qPrintable(q(repo.status().ToString())));
        m_repository = *repo;

        auto plan = registry::planApply(registry::Catalog(), registry::objectsOf(m_repository),
                                        m_regions, context());
        QVERIFY2(plan.ok(), qPrintable(q(plan.status().ToString())));
        m_plan = *plan;
        std::vector<v1::RegistryObject> objects;
        for (const auto& change : m_plan)
            objects.push_back(change.object);
        m_catalog = registry::Catalog(std::move(objects));
    }

    void appliesAsNewObjects() {
        QVERIFY(!m_plan.empty());
        for (const auto& change : m_plan) {
            QCOMPARE(change.action, v1::ApplyResult::CREATED);
            QCOMPARE(change.object.meta().version(), int64_t(1));
            QVERIFY(!change.object.meta().spec_hash().empty());
        }
        QCOMPARE(m_catalog.ofKind(v1::PROJECT).size(), size_t(1));
        QCOMPARE(m_catalog.size(), m_plan.size());
    }

    // Applying the same file again changes nothing: the file is its own fixed point.
    void reapplyIsUnchanged() {
        auto again =
            registry::planApply(m_catalog, registry::objectsOf(m_repository), m_regions, context());
        QVERIFY2(again.ok(), qPrintable(q(again.status().ToString())));
        for (const auto& change : *again) {
            QVERIFY2(change.action == v1::ApplyResult::UNCHANGED,
                     qPrintable(q(registry::keyOf(change.object).toString())));
        }
    }

    void entitiesAndSources() {
        std::map<std::string, std::pair<std::string, v1::ValueType>> expected = {
            {"user", {"user_id", v1::INT64}},
            {"merchant", {"merchant_id", v1::INT64}},
            {"item", {"item_id", v1::STRING}}};
        for (const auto& [name, key] : expected) {
            const auto* e = m_catalog.entity("commerce", name);
            QVERIFY2(e, name.c_str());
            QCOMPARE(e->join_keys_size(), 1);
            QCOMPARE(e->join_keys(0).name(), key.first);
            QCOMPARE(e->join_keys(0).value_type(), key.second);
        }
        std::set<v1::DataSource::Kind> kinds;
        for (const auto* o : m_catalog.ofKind(v1::DATA_SOURCE)) {
            const auto& s = o->data_source();
            kinds.insert(s.kind());
            QVERIFY2(!s.timestamp_field().empty(), s.name().c_str());
            if (s.kind() == v1::DataSource::STREAM) {
                QVERIFY2(s.schema_size() > 0, s.name().c_str());
                QVERIFY2(m_regions.contains(s.origin_region()), s.name().c_str());
            }
        }
        QVERIFY(kinds.count(v1::DataSource::STREAM));
        QVERIFY(kinds.count(v1::DataSource::BATCH));
        QVERIFY(kinds.count(v1::DataSource::PUSH));
    }

    void viewsCoverEveryReplicationMode() {
        const auto all = views();
        QVERIFY2(all.size() >= 6, qPrintable(QString::number(all.size())));
        std::set<v1::ReplicationPolicy::Mode> modes;
        for (const auto* v : all)
            modes.insert(v->replication().mode());
        QVERIFY(modes.count(v1::ReplicationPolicy::LOCAL));
        QVERIFY(modes.count(v1::ReplicationPolicy::HUB_SPOKE));
        QVERIFY(modes.count(v1::ReplicationPolicy::ACTIVE_ACTIVE));
        QVERIFY(modes.count(v1::ReplicationPolicy::BATCH));
        for (const auto* v : all) {
            if (v->replication().mode() == v1::ReplicationPolicy::BATCH)
                QVERIFY2(!v->replication().schedule().empty(), v->name().c_str());
        }
    }

    // Residency never silently drops a region the replication policy lists: the sample says
    // what it means.
    void storingRegionsAreWhatReplicationSays() {
        for (const auto* v : views()) {
            std::set<std::string> wanted(v->replication().regions().begin(),
                                         v->replication().regions().end());
            if (v->replication().mode() == v1::ReplicationPolicy::LOCAL)
                wanted = {v->owner_region()};
            QCOMPARE(m_regions.storingRegions(*v), wanted);
            QVERIFY2(!v->owner().empty() && !v->description().empty(), v->name().c_str());
            QVERIFY2(v->ttl_seconds() > 0, v->name().c_str());
        }
    }

    void hasAnEuOnlyView() {
        int euOnly = 0;
        for (const auto* v : views()) {
            if (v->residency().jurisdiction() != "eu")
                continue;
            const auto stored = m_regions.storingRegions(*v);
            QVERIFY2(stored.size() >= 2, v->name().c_str());
            for (const auto& region : stored) {
                QVERIFY2(m_regions.find(region)->jurisdiction == "eu", region.c_str());
            }
            QCOMPARE(m_regions.find(v->owner_region())->jurisdiction, std::string("eu"));
            ++euOnly;
        }
        QVERIFY(euOnly >= 1);
    }

    void servicesHaveConsumers() {
        const auto services = m_catalog.ofKind(v1::FEATURE_SERVICE);
        QVERIFY(services.size() >= 2);
        for (const auto* o : services) {
            const auto& s = o->feature_service();
            QVERIFY2(s.consumers_size() >= 1, s.name().c_str());
            for (const auto& c : s.consumers()) {
                QVERIFY2(!c.model().empty() && !c.team().empty(), s.name().c_str());
            }
        }
    }

    // entity_rows.jsonl is a training set for fraud_scoring: its join keys and a time per row.
    void entityRowsMatchTheFraudService() {
        const auto* service = m_catalog.featureService("commerce", "fraud_scoring");
        QVERIFY(service);
        std::set<std::string> expected = {"event_timestamp"};
        for (const auto& projection : service->features()) {
            const auto* view = m_catalog.featureView("commerce", projection.feature_view());
            for (const auto& e : view->entities())
                for (const auto& k : m_catalog.entity("commerce", e)->join_keys())
                    expected.insert(k.name());
        }
        const auto rows = readJsonLines(kSourceDir + "/resources/examples/entity_rows.jsonl");
        QVERIFY(rows.size() >= 5);
        for (const auto& row : rows) {
            QCOMPARE(columnsOf(row), expected);
            QVERIFY(row.fields().at("user_id").has_number_value());
            QVERIFY(row.fields().at("merchant_id").has_number_value());
            QVERIFY(isIsoTime(row.fields().at("event_timestamp").string_value()));
        }
    }

    // Each rows/<view>.jsonl has the view's join keys, the time column of its first source and
    // every feature, so that `meridianctl push <view>` takes it as it is.
    void pushFilesMatchTheirViews() {
        int files = 0;
        for (const char* name : {"user_transaction_aggregates", "merchant_risk", "user_profile"}) {
            const auto* view = m_catalog.featureView("commerce", name);
            QVERIFY2(view, name);
            std::set<std::string> expected;
            for (const auto& e : view->entities())
                for (const auto& k : m_catalog.entity("commerce", e)->join_keys())
                    expected.insert(k.name());
            const auto* source = m_catalog.dataSource("commerce", view->sources(0));
            expected.insert(source->timestamp_field());
            for (const auto& f : view->features())
                expected.insert(f.name());
            const auto rows = readJsonLines(kSourceDir + "/resources/examples/rows/" +
                                            std::string(name) + ".jsonl");
            QVERIFY2(rows.size() >= 5, name);
            for (const auto& row : rows) {
                QCOMPARE(columnsOf(row), expected);
                QVERIFY(isIsoTime(row.fields().at(source->timestamp_field()).string_value()));
            }
            ++files;
        }
        QCOMPARE(files, 3);
    }

    void readmeNamesEveryView() {
        const std::string readme = readText(kSourceDir + "/resources/examples/README.md");
        QVERIFY(!readme.empty());
        for (const auto* v : views())
            QVERIFY2(readme.find(v->name()) != std::string::npos, v->name().c_str());
    }
};

QTEST_APPLESS_MAIN(TestSampleRepository)
#include "tst_samplerepository.moc"
