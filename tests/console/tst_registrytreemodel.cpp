// RegistryTreeModel and RegistryFilterModel: projects -> kinds -> objects, a well-behaved model
// (QAbstractItemModelTester), and a search over name, owner, tags and description that keeps
// the parents of every match.

#include <QAbstractItemModelTester>
#include <QtTest>

#include <memory>

#include "registry/registryfiltermodel.h"
#include "registry/registrytreemodel.h"
#include "support/fakeregionservice.h"

using namespace meridian;
using console::ObjectKind;
using ui::RegistryTreeModel;

namespace {

console::RegistryEntry entry(ObjectKind kind, const std::string& project, const std::string& name,
                             const std::string& owner = {}, const std::string& tags = {},
                             const std::string& description = {}) {
    console::RegistryEntry e;
    e.kind = kind;
    e.project = kind == ObjectKind::Project ? "" : project;
    e.name = name;
    e.version = 1;
    e.owner = owner;
    e.description = description;
    if (!tags.empty())
        e.fields.emplace_back("Tags", tags);
    return e;
}

QVector<console::RegistryEntry> twoProjects() {
    return {entry(ObjectKind::Project, "", "commerce", "ml-platform"),
            entry(ObjectKind::FeatureView, "commerce", "merchant_risk", "payments-risk",
                  "use_case=fraud", "Chargeback history"),
            entry(ObjectKind::Entity, "commerce", "user", "identity-team"),
            entry(ObjectKind::FeatureView, "commerce", "eu_user_profile", "identity-team-eu",
                  "gdpr=true, pii=personal", "Consent flags of EU customers"),
            entry(ObjectKind::DataSource, "commerce", "transactions", "payments-platform"),
            entry(ObjectKind::FeatureService, "commerce", "fraud_scoring", "risk-ml"),
            // A project nobody declared: it still gets a row.
            entry(ObjectKind::Entity, "ads", "campaign", "ads-team", "", "An ad campaign")};
}

QStringList childNames(const QAbstractItemModel& m, const QModelIndex& parent) {
    QStringList names;
    for (int r = 0; r < m.rowCount(parent); ++r)
        names << m.index(r, 0, parent).data().toString();
    return names;
}

}  // namespace

class TestRegistryTreeModel : public QObject {
    Q_OBJECT

private slots:
    void structure() {
        RegistryTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEntries(twoProjects());
        QCOMPARE(childNames(model, {}), (QStringList{"ads", "commerce"}));
        const QModelIndex commerce = model.index(1, 0);
        QCOMPARE(commerce.data(RegistryTreeModel::EntryRole).toInt(), 0);
        QCOMPARE(childNames(model, commerce),
                 (QStringList{"Entities", "Data sources", "Feature views", "Feature services"}));
        const QModelIndex views = model.index(2, 0, commerce);
        QCOMPARE(views.data(RegistryTreeModel::NodeTypeRole).toInt(),
                 static_cast<int>(RegistryTreeModel::NodeType::Group));
        // Objects sorted by name, with their version, owner and kind.
        QCOMPARE(childNames(model, views), (QStringList{"eu_user_profile", "merchant_risk"}));
        const QModelIndex risk = model.index(1, 0, views);
        QCOMPARE(risk.parent(), views);
        QCOMPARE(model.index(1, RegistryTreeModel::VersionColumn, views).data().toString(), "v1");
        QCOMPARE(model.index(1, RegistryTreeModel::OwnerColumn, views).data().toString(),
                 "payments-risk");
        QCOMPARE(risk.data(RegistryTreeModel::KindRole).toInt(),
                 static_cast<int>(ObjectKind::FeatureView));
        QCOMPARE(model.entryAt(risk)->name, std::string("merchant_risk"));
        QVERIFY(!risk.data(Qt::DecorationRole).value<QIcon>().isNull());
        // The undeclared project has no entry but holds its objects.
        const QModelIndex ads = model.index(0, 0);
        QCOMPARE(ads.data(RegistryTreeModel::EntryRole).toInt(), -1);
        QCOMPARE(model.rowCount(model.index(0, 0, ads)), 1);
        // Keys find rows again after a refresh.
        const QString key = RegistryTreeModel::keyOf(*model.entryAt(risk));
        model.setEntries(twoProjects());
        QCOMPARE(model.indexOfKey(key).data().toString(), "merchant_risk");
        model.setEntries({});
        QCOMPARE(model.rowCount(), 0);
    }

    void demoData() {
        std::unique_ptr<test::FakeRegionService> fake(test::FakeRegionService::demo());
        RegistryTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEntries(fake->registry);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowCount(model.index(0, 0)), 4);
    }

    void searchKeepsParents() {
        RegistryTreeModel model;
        ui::RegistryFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEntries(twoProjects());

        // By tag: only eu_user_profile, with its project and group above it.
        filter.setSearchText("gdpr");
        QCOMPARE(childNames(filter, {}), QStringList{"commerce"});
        const QModelIndex commerce = filter.index(0, 0);
        QCOMPARE(childNames(filter, commerce), QStringList{"Feature views (1)"});
        QCOMPARE(childNames(filter, filter.index(0, 0, commerce)), QStringList{"eu_user_profile"});

        // By owner, across kinds: user (entity) and eu_user_profile (view).
        filter.setSearchText("identity-team");
        QCOMPARE(childNames(filter, filter.index(0, 0)),
                 (QStringList{"Entities (1)", "Feature views (1)"}));

        // By description, case-insensitive, every word must match.
        filter.setSearchText("CHARGEBACK");
        QCOMPARE(childNames(filter, filter.index(0, 0)), QStringList{"Feature views (1)"});
        filter.setSearchText("consent eu");
        QCOMPARE(childNames(filter, filter.index(0, 0, filter.index(0, 0))),
                 QStringList{"eu_user_profile"});
        filter.setSearchText("consent chargeback");
        QCOMPARE(filter.rowCount(), 0);

        // A group name alone matches nothing; clearing shows everything again.
        filter.setSearchText("feature views");
        QCOMPARE(filter.rowCount(), 0);
        filter.setSearchText("");
        QCOMPARE(filter.rowCount(), 2);
        QCOMPARE(filter.rowCount(filter.index(1, 0)), 4);

        // The filter follows a new listing.
        filter.setSearchText("campaign");
        model.setEntries(twoProjects());
        QCOMPARE(childNames(filter, {}), QStringList{"ads"});
    }
};

QTEST_MAIN(TestRegistryTreeModel)
#include "tst_registrytreemodel.moc"
