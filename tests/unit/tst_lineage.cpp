// The lineage graph derived from the registry (buildLineage): its nodes and edges, the regions
// that store each view, residency crossings, and the scope of one project.

#include <QtTest>

#include <algorithm>

#include "registry/lineage.h"
#include "support/shopobjects.h"

using namespace meridian;
using namespace meridian::test;

namespace {

using Mode = v1::ReplicationPolicy;

QString edgeText(const v1::LineageEdge& e) {
    return QString::fromStdString(e.from() + " -> " + e.to() + (e.crosses_residency() ? " !" : ""));
}

QSet<QString> edgesOf(const v1::LineageResponse& l) {
    QSet<QString> out;
    for (const auto& e : l.edges())
        out.insert(edgeText(e));
    return out;
}

QSet<QString> nodesOf(const v1::LineageResponse& l) {
    QSet<QString> out;
    for (const auto& n : l.nodes())
        out.insert(QString::fromStdString(n.id()));
    return out;
}

const v1::LineageNode* nodeById(const v1::LineageResponse& l, const std::string& id) {
    for (const auto& n : l.nodes()) {
        if (n.id() == id)
            return &n;
    }
    return nullptr;
}

}  // namespace

class TestLineage : public QObject {
    Q_OBJECT

private slots:
    void lineageGraph();
    void lineageResidencyCrossings();
    void lineageProjectScope();
};

void TestLineage::lineageGraph() {
    const registry::Catalog catalog(shopObjects());
    const auto lineage = registry::buildLineage(catalog, demoRegions());
    QCOMPARE(nodesOf(lineage), QSet<QString>({
                                   "entity:shop/user",
                                   "entity:shop/merchant",
                                   "entity:shop/device",
                                   "data_source:shop/payments",
                                   "data_source:shop/eu_clicks",
                                   "feature_view:shop/user_stats",
                                   "feature_view:shop/merchant_risk",
                                   "feature_view:shop/click_stats",
                                   "feature_service:shop/scoring",
                                   "consumer:shop/fraud_v1",
                                   "region:aws-us-east-1",
                                   "region:aws-eu-west-1",
                               }));
    QCOMPARE(lineage.nodes_size(), 12);  // no duplicates
    QCOMPARE(edgesOf(lineage),
             QSet<QString>({
                 "entity:shop/user -> feature_view:shop/user_stats",
                 "data_source:shop/payments -> feature_view:shop/user_stats",
                 "feature_view:shop/user_stats -> region:aws-us-east-1",
                 "entity:shop/merchant -> feature_view:shop/merchant_risk",
                 "feature_view:shop/merchant_risk -> region:aws-eu-west-1",
                 "feature_view:shop/merchant_risk -> region:aws-us-east-1",
                 "entity:shop/user -> feature_view:shop/click_stats",
                 // EU-born clicks stored in the US.
                 "data_source:shop/eu_clicks -> feature_view:shop/click_stats !",
                 "feature_view:shop/click_stats -> region:aws-us-east-1",
                 "feature_view:shop/user_stats -> feature_service:shop/scoring",
                 "feature_view:shop/merchant_risk -> feature_service:shop/scoring",
                 "feature_service:shop/scoring -> consumer:shop/fraud_v1",
             }));
    QCOMPARE(lineage.edges_size(), 12);

    const auto* risk = nodeById(lineage, "feature_view:shop/merchant_risk");
    QVERIFY(risk);
    QCOMPARE(risk->kind(), v1::LineageNode::FEATURE_VIEW);
    QCOMPARE(risk->project(), std::string("shop"));
    QCOMPARE(risk->name(), std::string("merchant_risk"));
    QCOMPARE(risk->regions_size(), 2);
    QVERIFY(std::find(risk->regions().begin(), risk->regions().end(), kEu) !=
            risk->regions().end());
    const auto* device = nodeById(lineage, "entity:shop/device");
    QVERIFY(device);
    QCOMPARE(device->kind(), v1::LineageNode::ENTITY);
    QCOMPARE(nodeById(lineage, "region:aws-us-east-1")->kind(), v1::LineageNode::REGION);
    QCOMPARE(nodeById(lineage, "consumer:shop/fraud_v1")->kind(), v1::LineageNode::CONSUMER);
    QCOMPARE(registry::lineageId(v1::LineageNode::DATA_SOURCE, "shop", "payments"),
             std::string("data_source:shop/payments"));
}

void TestLineage::lineageResidencyCrossings() {
    auto objects = shopObjects();
    // EU-born data kept in the EU crosses nothing.
    auto gdpr = viewObject("shop", "eu_profile", {"user"}, {{"segment", v1::STRING}}, kEu);
    gdpr.mutable_feature_view()->add_sources("eu_clicks");
    gdpr.mutable_feature_view()->mutable_residency()->set_jurisdiction("eu");
    objects.push_back(gdpr);
    // A view replicated to a region its residency forbids (validation would refuse it; the
    // lineage must still show the breach).
    auto leaky = viewObject("shop", "leaky", {"user"}, {{"segment", v1::STRING}}, kEu);
    leaky.mutable_feature_view()->mutable_residency()->set_jurisdiction("eu");
    leaky.mutable_feature_view()->mutable_replication()->set_mode(Mode::ACTIVE_ACTIVE);
    leaky.mutable_feature_view()->mutable_replication()->add_regions(kEu);
    leaky.mutable_feature_view()->mutable_replication()->add_regions(kUs);
    objects.push_back(leaky);
    const auto lineage = registry::buildLineage(registry::Catalog(objects), demoRegions());
    const auto edges = edgesOf(lineage);
    QVERIFY(edges.contains("data_source:shop/eu_clicks -> feature_view:shop/eu_profile"));
    QVERIFY(edges.contains("feature_view:shop/eu_profile -> region:aws-eu-west-1"));
    QVERIFY(edges.contains("feature_view:shop/leaky -> region:aws-eu-west-1"));
    QVERIFY(edges.contains("feature_view:shop/leaky -> region:aws-us-east-1 !"));
    // Only the allowed copy counts as stored.
    const auto* node = nodeById(lineage, "feature_view:shop/leaky");
    QCOMPARE(node->regions_size(), 1);
    QCOMPARE(node->regions(0), std::string(kEu));
}

void TestLineage::lineageProjectScope() {
    auto objects = shopObjects();
    objects.push_back(projectObject("ads"));
    objects.push_back(entityObject("ads", "campaign", {{"campaign_id", v1::STRING}}));
    objects.push_back(viewObject("ads", "ctr", {"campaign"}, {{"ctr", v1::DOUBLE}}, kEu4));
    const registry::Catalog catalog(objects);
    const auto ads = registry::buildLineage(catalog, demoRegions(), "ads");
    QCOMPARE(nodesOf(ads), QSet<QString>({"entity:ads/campaign", "feature_view:ads/ctr",
                                          "region:gcp-europe-west4"}));
    QCOMPARE(edgesOf(ads), QSet<QString>({"entity:ads/campaign -> feature_view:ads/ctr",
                                          "feature_view:ads/ctr -> region:gcp-europe-west4"}));
    const auto all = registry::buildLineage(catalog, demoRegions());
    QCOMPARE(all.nodes_size(), 15);
    QVERIFY(registry::buildLineage(catalog, demoRegions(), "none").nodes().empty());
}

QTEST_APPLESS_MAIN(TestLineage)
#include "tst_lineage.moc"
