// LineageLayout: Graphviz places every node, left to right by role (sources and entities, then
// views, then services, then consumers), routes every edge, and copes with a 2 000-node registry.

#include <QtTest>

#include <cmath>
#include <map>

#include "lineage/lineagelayout.h"
#include "support/fakeregionservice.h"
#include "support/lineagegenerator.h"
#include "support/sampleregistry.h"

using namespace meridian;
using Kind = console::LineageNode::Kind;

namespace {

QVector<QSizeF> uniformSizes(const console::LineageGraph& g) {
    return QVector<QSizeF>(static_cast<int>(g.nodes.size()), QSizeF(180, 44));
}

// The largest x of any node of `kind` and the smallest, over the layout.
std::pair<double, double> xRange(const console::LineageGraph& g, const ui::LineageLayoutResult& r,
                                 Kind kind) {
    double lo = 1e18;
    double hi = -1e18;
    for (int i = 0; i < static_cast<int>(g.nodes.size()); ++i) {
        if (g.nodes[i].kind != kind)
            continue;
        lo = std::min(lo, r.centers[i].x());
        hi = std::max(hi, r.centers[i].x());
    }
    return {lo, hi};
}

void verifyPlacedAndOrdered(const console::LineageGraph& g, const ui::LineageLayoutResult& r) {
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.centers.size(), static_cast<int>(g.nodes.size()));
    const QRectF bounds = r.bounds.adjusted(-1, -1, 1, 1);
    for (int i = 0; i < r.centers.size(); ++i) {
        const QPointF c = r.centers[i];
        QVERIFY2(std::isfinite(c.x()) && std::isfinite(c.y()), g.nodes[i].id.c_str());
        QVERIFY2(bounds.contains(c), g.nodes[i].id.c_str());
    }
    // Left to right: inputs, views, services, consumers; every node of a stage to the right of
    // every node of the stage before it.
    const auto sources = xRange(g, r, Kind::DataSource);
    const auto entities = xRange(g, r, Kind::Entity);
    const auto views = xRange(g, r, Kind::FeatureView);
    const auto services = xRange(g, r, Kind::FeatureService);
    const auto consumers = xRange(g, r, Kind::Consumer);
    QVERIFY(std::max(sources.second, entities.second) < views.first);
    QVERIFY(views.second < services.first);
    QVERIFY(services.second < consumers.first);
    // Nodes of one rank do not overlap.
    std::map<int, std::vector<int>> byRank;
    for (int i = 0; i < r.centers.size(); ++i)
        byRank[r.ranks[i]].push_back(i);
    for (auto& [rank, members] : byRank) {
        std::sort(members.begin(), members.end(),
                  [&](int a, int b) { return r.centers[a].y() < r.centers[b].y(); });
        for (size_t k = 1; k < members.size(); ++k) {
            const int a = members[k - 1];
            const int b = members[k];
            const double gap = (r.centers[b].y() - r.sizes[b].height() / 2) -
                               (r.centers[a].y() + r.sizes[a].height() / 2);
            QVERIFY2(gap >= -0.5, qPrintable(QStringLiteral("rank %1 overlaps").arg(rank)));
        }
    }
}

}  // namespace

class TestLineageLayout : public QObject {
    Q_OBJECT

private slots:
    void demoGraph() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        const auto& g = fake->graph;
        const auto r = ui::LineageLayout::compute(g, uniformSizes(g));
        verifyPlacedAndOrdered(g, r);
        QCOMPARE(r.edges.size(), static_cast<int>(g.edges.size()));
        int crossing = 0;
        for (const auto& e : r.edges) {
            QVERIFY(!e.path.isEmpty());
            // The arrow ends at the head's box, not at its centre.
            const QRectF head(
                r.centers[e.to] - QPointF(r.sizes[e.to].width() / 2, r.sizes[e.to].height() / 2),
                r.sizes[e.to]);
            QVERIFY(head.adjusted(-2, -2, 2, 2).contains(e.arrowTip));
            QVERIFY(!head.adjusted(4, 4, -4, -4).contains(e.arrowTip));
            crossing += e.crossesResidency ? 1 : 0;
        }
        QCOMPARE(crossing, 1);
    }

    void sampleRepository() {
        test::FakeRegionService fake;
        std::string error;
        QVERIFY2(test::loadSampleRegistry(&fake, MERIDIAN_SOURCE_DIR, &error), error.c_str());
        const auto& g = fake.graph;
        QVERIFY(g.nodes.size() > 20);
        const auto r = ui::LineageLayout::compute(g, uniformSizes(g));
        verifyPlacedAndOrdered(g, r);
    }

    void emptyGraph() {
        const auto r = ui::LineageLayout::compute({}, {});
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.centers.isEmpty());
    }

    void edgesToUnknownNodesAreLeftOut() {
        console::LineageGraph g;
        g.nodes.push_back({"entity:p/a", Kind::Entity, "p", "a", {}});
        g.nodes.push_back({"feature_view:p/b", Kind::FeatureView, "p", "b", {}});
        g.edges.push_back({"entity:p/a", "feature_view:p/b", false});
        g.edges.push_back({"entity:p/a", "feature_view:p/missing", false});
        g.edges.push_back({"entity:p/a", "feature_view:p/b", true});  // duplicate: flags merge
        const auto r = ui::LineageLayout::compute(g, uniformSizes(g));
        QCOMPARE(r.edges.size(), 1);
        QVERIFY(r.edges[0].crossesResidency);
    }

    void twoThousandNodes() {
        const auto g = test::generateLineage();
        QVERIFY(g.nodes.size() >= 2000);
        const auto r = ui::LineageLayout::compute(g, uniformSizes(g));
        verifyPlacedAndOrdered(g, r);
        QVERIFY(r.edges.size() > 5000);
        qInfo("2 000-node layout: %d nodes, %d edges in %.2f s", static_cast<int>(r.centers.size()),
              static_cast<int>(r.edges.size()), r.seconds);
    }
};

QTEST_GUILESS_MAIN(TestLineageLayout)
#include "tst_lineagelayout.moc"
