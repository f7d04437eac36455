// RegistryPage against the fake service: the tree fills on activate, selecting an object shows
// its details, versions and a diff of the newest two, search filters, stale answers are dropped,
// and the sample repository's EU-only view is marked as such.

#include <QtTest>

#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTreeView>
#include <memory>

#include "common/regionchiprow.h"
#include "registry/registrydetailspane.h"
#include "registry/registrydiffmodel.h"
#include "registry/registryfiltermodel.h"
#include "registry/registrypage.h"
#include "registry/registrytreemodel.h"
#include "registry/registryversionmodel.h"
#include "support/fakeregionservice.h"
#include "support/sampleregistry.h"

using namespace meridian;
using console::ObjectKind;
using ui::RegistryTreeModel;

namespace {

QString key(ObjectKind kind, const QString& project, const QString& name) {
    console::RegistryEntry e;
    e.kind = kind;
    e.project = project.toStdString();
    e.name = name.toStdString();
    return RegistryTreeModel::keyOf(e);
}

}  // namespace

class TestRegistryPage : public QObject {
    Q_OBJECT

private slots:
    void treeFillsOnActivate() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::RegistryPage page(fake.get());
        QVERIFY(!page.hasData());
        page.activate();
        QTRY_VERIFY(page.hasData());
        QCOMPARE(page.treeModel()->rowCount(), 1);
        const QModelIndex commerce = page.filterModel()->index(0, 0);
        QCOMPARE(commerce.data().toString(), "commerce");
        QCOMPARE(page.filterModel()->rowCount(commerce), 4);
        QVERIFY(page.tree()->isExpanded(commerce));
    }

    void selectingShowsDetailsVersionsAndDiff() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::RegistryPage page(fake.get());
        page.resize(1280, 800);
        page.activate();
        QTRY_VERIFY(page.hasData());
        QVERIFY(page.selectKey(
            key(ObjectKind::FeatureView, "commerce", "user_transaction_aggregates")));
        QCOMPARE(page.details()->titleText(), "user_transaction_aggregates");
        QVERIFY(page.details()->fieldCount() > 0);
        QCOMPARE(page.details()->storingChips()->chips().size(), 3);
        QVERIFY(page.specView()->toPlainText().contains("user_transaction_aggregates"));

        // Versions newest first; the newest two are selected and diffed.
        QTRY_COMPARE(page.versionModel()->rowCount(), 3);
        QCOMPARE(page.versionModel()->versionAt(0).version, 3);
        QTRY_COMPARE(page.diffModel()->rowCount(), 2);
        const auto* diff = page.diffModel();
        QCOMPARE(diff->index(0, ui::RegistryDiffModel::PathColumn).data().toString(),
                 "feature_view.ttl_seconds");
        QCOMPARE(diff->index(0, ui::RegistryDiffModel::BeforeColumn).data().toString(), "3600");
        QCOMPARE(diff->index(0, ui::RegistryDiffModel::AfterColumn).data().toString(), "7200");
        QVERIFY(diff->index(1, ui::RegistryDiffModel::ChangeColumn)
                    .data()
                    .toString()
                    .contains("added"));
        // Added and modified rows are told apart by colour too.
        QVERIFY(diff->index(0, 0).data(Qt::ForegroundRole).value<QColor>() !=
                diff->index(1, 0).data(Qt::ForegroundRole).value<QColor>());

        // Any two versions: v1 and v3.
        const int before = fake->requests;
        auto* selection = page.versionTable()->selectionModel();
        selection->clearSelection();
        selection->select(page.versionModel()->index(0, 0),
                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection->select(page.versionModel()->index(2, 0),
                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTRY_VERIFY(fake->requests > before);
        QTRY_COMPARE(page.diffModel()->rowCount(), 2);
    }

    void searchFiltersTheTree() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::RegistryPage page(fake.get());
        page.activate();
        QTRY_VERIFY(page.hasData());
        page.searchField()->setText("eu_user");
        const QModelIndex commerce = page.filterModel()->index(0, 0);
        QCOMPARE(page.filterModel()->rowCount(commerce), 1);
        QCOMPARE(page.filterModel()
                     ->index(0, 0, page.filterModel()->index(0, 0, commerce))
                     .data()
                     .toString(),
                 "eu_user_profile");
    }

    void refreshKeepsSelectionAndDropsStaleAnswers() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        ui::RegistryPage page(fake.get());
        page.activate();
        QTRY_VERIFY(page.hasData());
        const QString k = key(ObjectKind::Entity, "commerce", "merchant");
        QVERIFY(page.selectKey(k));
        // Two refreshes in a row: the first answer is stale and must not count.
        fake->registry.removeIf([](const console::RegistryEntry& e) { return e.name == "user"; });
        page.refresh();
        page.refresh();
        QTRY_COMPARE(page.treeModel()->entries().size(), fake->registry.size());
        QCOMPARE(page.selectedKey(), k);
        QCOMPARE(page.details()->titleText(), "merchant");
    }

    void failureIsShown() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        fake->failAll = true;
        ui::RegistryPage page(fake.get());
        QSignalSpy messages(&page, &ui::Page::message);
        page.activate();
        QTRY_VERIFY(messages.count() >= 2);
        QVERIFY(messages.last().first().toString().contains("fake failure"));
        QVERIFY(!page.hasData());
    }

    void sampleRepositoryEuOnlyView() {
        test::FakeRegionService fake;
        std::string error;
        QVERIFY2(test::loadSampleRegistry(&fake, MERIDIAN_SOURCE_DIR, &error), error.c_str());
        ui::RegistryPage page(&fake);
        page.activate();
        QTRY_VERIFY(page.hasData());
        QVERIFY(page.selectKey(key(ObjectKind::FeatureView, "commerce", "eu_user_profile")));
        QVERIFY2(page.details()->residencyText().contains("EU ONLY"),
                 qPrintable(page.details()->residencyText()));
        const auto& chips = page.details()->storingChips()->chips();
        QCOMPARE(chips.size(), 2);
        for (const auto& chip : chips)
            QCOMPARE(chip.jurisdiction, "eu");
        // The edited view has two versions and a real diff.
        QVERIFY(page.selectKey(
            key(ObjectKind::FeatureView, "commerce", "user_transaction_aggregates")));
        QTRY_COMPARE(page.versionModel()->rowCount(), 2);
        QTRY_VERIFY(page.diffModel()->rowCount() >= 2);
    }
};

QTEST_MAIN(TestRegistryPage)
#include "tst_registrypage.moc"
