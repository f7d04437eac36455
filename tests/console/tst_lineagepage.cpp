// LineagePage against the fake service: the graph is laid out off the GUI thread ("laying
// out…" meanwhile) and built into the scene; a click focuses a node (details, upstream and
// downstream lit, the rest dimmed); search centres a node; residency crossings are flagged and
// explained with the jurisdiction they cross into.

#include <QtTest>

#include <QLineEdit>
#include <QScrollBar>
#include <memory>

#include "lineage/lineagedetailspane.h"
#include "lineage/lineagepage.h"
#include "lineage/lineagescene.h"
#include "lineage/lineageview.h"
#include "support/fakeregionservice.h"
#include "support/lineagegenerator.h"
#include "support/sampleregistry.h"

using namespace meridian;
using ui::LineageRole;

namespace {

void clickNode(ui::LineagePage& page, int index) {
    auto* view = page.view();
    const QPointF center = page.scene()->nodeRect(index).center();
    view->centerOn(center);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(center));
}

// Shows the page at `size`, opens it as the window does, and waits for its graph.
void showGraph(ui::LineagePage& page, QSize size, int timeoutMs = 10000) {
    page.resize(size);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QSignalSpy shown(&page, &ui::LineagePage::graphShown);
    page.activate();
    QVERIFY(shown.wait(timeoutMs));
}

}  // namespace

class TestLineagePage : public QObject {
    Q_OBJECT

private slots:
    void sceneBuiltOffTheGuiThread() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::LineagePage page(fake.get());
        bool sawLayingOut = false;
        // Runs right after the page took the answer: the layout has started, not finished.
        connect(fake.get(), &ui::RegionService::lineageLoaded, &page, [&] {
            sawLayingOut = page.isLayingOut() &&
                           page.view()->overlayText().startsWith(QStringLiteral("Laying out"));
        });
        QSignalSpy shown(&page, &ui::LineagePage::graphShown);
        page.activate();
        QVERIFY(shown.wait(10000));
        QVERIFY(sawLayingOut);
        QVERIFY(page.hasData());
        QVERIFY(!page.isLayingOut());
        QVERIFY(page.view()->overlayText().isEmpty());
        QCOMPARE(page.scene()->nodeCount(), 8);
        QCOMPARE(page.scene()->edgeCount(), 8);
        QVERIFY(!page.scene()->sceneRect().isEmpty());
        for (int i = 0; i < page.scene()->nodeCount(); ++i)
            QVERIFY(page.scene()->sceneRect().contains(page.scene()->nodeRect(i)));
    }

    void clickShowsDetailsAndLineage() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::LineagePage page(fake.get());
        showGraph(page, {1280, 800});
        if (QTest::currentTestFailed())
            return;
        auto* scene = page.scene();
        const int view = scene->indexOf("feature_view:commerce/user_transaction_aggregates");
        QVERIFY(view >= 0);
        clickNode(page, view);
        QCOMPARE(scene->focusNode(), view);
        QCOMPARE(page.details()->titleText(), "user_transaction_aggregates");
        QVERIFY(page.details()->bodyText().contains("Feature view"));
        QVERIFY(page.details()->bodyText().contains("residency crossing"));

        auto role = [&](const char* id) { return scene->nodeItem(scene->indexOf(id))->role(); };
        QCOMPARE(role("feature_view:commerce/user_transaction_aggregates"), LineageRole::Focus);
        QCOMPARE(role("entity:commerce/user"), LineageRole::Related);
        QCOMPARE(role("data_source:commerce/transactions_stream"), LineageRole::Related);
        QCOMPARE(role("feature_service:commerce/fraud_scoring"), LineageRole::Related);
        QCOMPARE(role("consumer:commerce/fraud_model_v7"), LineageRole::Related);
        QCOMPARE(role("region:aws-us-east-1"), LineageRole::Related);
        QCOMPARE(role("feature_view:commerce/eu_user_profile"), LineageRole::Dimmed);
        QCOMPARE(role("region:aws-eu-west-1"), LineageRole::Dimmed);
        int related = 0;
        int dimmed = 0;
        for (const auto* edge : scene->edgeItems()) {
            related += edge->role() == LineageRole::Related ? 1 : 0;
            dimmed += edge->role() == LineageRole::Dimmed ? 1 : 0;
        }
        // user->view, source->view, view->service, service->consumer, view->region.
        QCOMPARE(related, 5);
        QCOMPARE(dimmed, 3);

        // The background clears the focus.
        const QPointF empty = scene->sceneRect().topLeft() + QPointF(5, 5);
        page.view()->centerOn(empty);
        QTest::mouseClick(page.view()->viewport(), Qt::LeftButton, {},
                          page.view()->mapFromScene(empty));
        QCOMPARE(scene->focusNode(), -1);
        QCOMPARE(role("feature_view:commerce/eu_user_profile"), LineageRole::Normal);
        QCOMPARE(page.details()->shownNode(), -1);
    }

    void searchCentresANode() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        fake->graph = test::generateLineage();
        ui::LineagePage page(fake.get());
        showGraph(page, {1280, 800}, 60000);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(page.scene()->nodeCount() >= 2000);

        page.searchField()->setText("scoring_157");
        QTest::keyClick(page.searchField(), Qt::Key_Return);
        const int hit = page.scene()->focusNode();
        QVERIFY(hit >= 0);
        QCOMPARE(page.scene()->node(hit).name.find("scoring_157") != std::string::npos, true);
        auto* view = page.view();
        QCOMPARE(view->zoom(), 1.0);
        const QPointF centre = view->mapToScene(view->viewport()->rect().center());
        const QPointF node = page.scene()->nodeRect(hit).center();
        QVERIFY2(QLineF(centre, node).length() < 3,
                 qPrintable(QStringLiteral("centre %1,%2 node %3,%4")
                                .arg(centre.x())
                                .arg(centre.y())
                                .arg(node.x())
                                .arg(node.y())));
        QCOMPARE(page.details()->titleText(), QString::fromStdString(page.scene()->node(hit).name));

        // Enter again goes to the next match; an unknown name changes nothing.
        QVERIFY(page.findNode("aws-eu-west-1"));
        QCOMPARE(page.scene()->node(page.scene()->focusNode()).id,
                 std::string("region:aws-eu-west-1"));
        QVERIFY(!page.findNode("no-such-node"));
        QCOMPARE(page.scene()->node(page.scene()->focusNode()).id,
                 std::string("region:aws-eu-west-1"));
    }

    void residencyEdgeFlagged() {
        test::FakeRegionService fake;
        std::string error;
        QVERIFY2(test::loadSampleRegistry(&fake, MERIDIAN_SOURCE_DIR, &error), error.c_str());
        ui::LineagePage page(&fake);
        QSignalSpy shown(&page, &ui::LineagePage::graphShown);
        page.activate();
        QVERIFY(shown.wait(10000));
        auto* scene = page.scene();
        const int source = scene->indexOf("data_source:commerce/transactions");
        const int view = scene->indexOf("feature_view:commerce/user_transaction_aggregates");
        const int euSource = scene->indexOf("data_source:commerce/eu_user_profiles");
        QVERIFY(source >= 0 && view >= 0 && euSource >= 0);
        // The registry answer (source origins) may come after the layout: wait for it.
        const ui::LineageEdgeItem* crossing = nullptr;
        for (const auto* edge : scene->edgeItems()) {
            if (edge->from() == source && edge->to() == view)
                crossing = edge;
            if (edge->from() == euSource)
                QVERIFY(!edge->crossesResidency());  // EU data stays in the EU
        }
        QVERIFY(crossing);
        QVERIFY(crossing->crossesResidency());
        QTRY_VERIFY2(crossing->toolTip().contains("originates in aws-us-east-1 (jurisdiction us)"),
                     qPrintable(crossing->toolTip()));
        QVERIFY(crossing->toolTip().contains("jurisdiction apac, eu"));
        // Drawn in the crossing colour and dashed: render the edge's midpoint and look.
        QImage image(200, 200, QImage::Format_ARGB32);
        image.fill(Qt::transparent);
        {
            QPainter painter(&image);
            const QPointF mid = crossing->midPoint();
            scene->render(&painter, image.rect(), QRectF(mid - QPointF(50, 50), QSizeF(100, 100)));
        }
        const QColor red = scene->colors().crossing;
        int reddish = 0;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                reddish += qAbs(c.red() - red.red()) < 30 && qAbs(c.green() - red.green()) < 30 &&
                                   qAbs(c.blue() - red.blue()) < 30
                               ? 1
                               : 0;
            }
        }
        QVERIFY2(reddish > 20, qPrintable(QString::number(reddish)));
        int total = 0;
        for (const auto* edge : scene->edgeItems())
            total += edge->crossesResidency() ? 1 : 0;
        QVERIFY(total >= 3);
    }

    void zoomControls() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::LineagePage page(fake.get());
        showGraph(page, {1000, 700});
        if (QTest::currentTestFailed())
            return;
        auto* view = page.view();
        view->setZoom(1.0);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Plus);
        QVERIFY(view->zoom() > 1.2);
        QTest::keyClick(view, Qt::Key_Minus);
        QTest::keyClick(view, Qt::Key_Minus);
        QVERIFY(view->zoom() < 0.9);
        QTest::keyClick(view, Qt::Key_0);
        const QRectF visible = view->mapToScene(view->viewport()->rect()).boundingRect();
        QVERIFY(visible.adjusted(-2, -2, 2, 2).contains(page.scene()->itemsBoundingRect()));
    }
};

QTEST_MAIN(TestLineagePage)
#include "tst_lineagepage.moc"
