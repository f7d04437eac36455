// Lineage at registry scale: a generated 2 000-node graph (100 sources, 300 entities, 1 200
// views, 300 services, 100 consumers, 8 regions) laid out by Graphviz and built into the scene,
// then repainted whole into a 1920x1080 image at fit zoom and at 100%. Medians of several runs,
// printed against the targets (layout + build <= 2 s, repaint <= 50 ms).

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "lineage/lineagelayout.h"
#include "lineage/lineagescene.h"
#include "lineage/lineageview.h"
#include "support/lineagegenerator.h"

using namespace meridian;

namespace {

constexpr int kLayoutRuns = 3;
constexpr int kPaintRuns = 9;
constexpr double kLayoutTargetS = 2.0;
constexpr double kPaintTargetMs = 50.0;
const QSize kScreen(1920, 1080);

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// One full repaint of the view's viewport (its paint event, into an image), in milliseconds.
double repaintMs(ui::LineageView& view) {
    QImage image(view.viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer t;
    t.start();
    view.viewport()->render(&image);
    return t.nsecsElapsed() / 1e6;
}

void row(const char* name, double value, const char* unit, double target = 0) {
    if (target > 0)
        std::printf("  %-46s %8.2f %-3s  target <= %.0f %s  %s\n", name, value, unit, target, unit,
                    value <= target ? "met" : "NOT MET");
    else
        std::printf("  %-46s %8.2f %s\n", name, value, unit);
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const test::LineageShape shape;
    const console::LineageGraph graph = test::generateLineage(shape);
    std::printf(
        "Lineage benchmark: %zu nodes, %zu edges (%d sources, %d entities, %d views, %d "
        "services, %d consumers, %zu regions)\n",
        graph.nodes.size(), graph.edges.size(), shape.sources, shape.entities, shape.views,
        shape.services, shape.consumers, test::generatedRegions().size());

    ui::LineageScene scene;
    std::vector<double> layoutS, buildS, totalS;
    for (int run = 0; run < kLayoutRuns; ++run) {
        QElapsedTimer t;
        t.start();
        const QVector<QSizeF> sizes = scene.nodeSizes(graph);
        const ui::LineageLayoutResult layout = ui::LineageLayout::compute(graph, sizes);
        const double laid = t.nsecsElapsed() / 1e9;
        if (!layout.error.isEmpty()) {
            std::printf("layout failed: %s\n", qPrintable(layout.error));
            return 1;
        }
        scene.build(graph, layout);
        const double total = t.nsecsElapsed() / 1e9;
        layoutS.push_back(laid);
        buildS.push_back(total - laid);
        totalS.push_back(total);
    }
    const QRectF all = scene.sceneRect();
    std::printf("  scene %.0f x %.0f units, %d items\n", all.width(), all.height(),
                static_cast<int>(scene.items().size()));
    row("Graphviz layout (median)", median(layoutS), "s");
    row("scene build, one batch (median)", median(buildS), "s");
    row("layout + build (median)", median(totalS), "s", kLayoutTargetS);

    ui::LineageView view;
    view.setScene(&scene);
    view.setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view.resize(kScreen);
    view.show();
    // A view focused on one node: most items dimmed, its lineage lit.
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1)
            scene.setFocusNode(scene.nodeCount() / 2);
        std::vector<double> fit, actual;
        view.fit();
        const double fitScale = view.zoom();
        repaintMs(view);  // warm caches (glyphs, icon pixmaps)
        for (int run = 0; run < kPaintRuns; ++run)
            fit.push_back(repaintMs(view));
        view.setZoom(1.0);
        view.centerOn(pass ? scene.nodeRect(scene.focusNode()).center() : all.center());
        repaintMs(view);
        for (int run = 0; run < kPaintRuns; ++run)
            actual.push_back(repaintMs(view));
        const QByteArray fitName = QStringLiteral("repaint 1920x1080, fit zoom %1%%2 (median)")
                                       .arg(fitScale * 100, 0, 'f', 1)
                                       .arg(pass ? ", focused" : "")
                                       .toUtf8();
        const QByteArray actualName = QStringLiteral("repaint 1920x1080, 100%%1 (median)")
                                          .arg(pass ? ", focused" : "")
                                          .toUtf8();
        row(fitName.constData(), median(fit), "ms", kPaintTargetMs);
        row(actualName.constData(), median(actual), "ms", kPaintTargetMs);
    }
    return 0;
}
