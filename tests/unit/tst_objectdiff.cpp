// Field-by-field differences between two versions of a registry object (diffObjects), as the
// console shows them: paths, old and new values, order and metadata ignored.

#include <QtTest>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "registry/objectdiff.h"
#include "support/shopobjects.h"

using namespace meridian;
using namespace meridian::test;

class TestObjectDiff : public QObject {
    Q_OBJECT

private slots:
    void diffChangedFeatureType();
    void diffAddedFeatureAndTtl();
    void diffReplicationRegions();
    void diffIgnoresOrderAndMeta();
    void diffNamesMapKeys();
};

void TestObjectDiff::diffChangedFeatureType() {
    const auto before = objectNamed("user_stats");
    auto after = before;
    after.mutable_feature_view()->mutable_features(1)->set_value_type(v1::FLOAT);
    after.mutable_meta()->set_version(2);
    const auto changes = registry::diffObjects(before, after);
    QCOMPARE(changes.size(), size_t(1));
    QCOMPARE(changes[0].kind, registry::FieldChange::Kind::Modified);
    QCOMPARE(changes[0].path, std::string("feature_view.features[1].value_type"));
    QCOMPARE(changes[0].oldValue, std::string("DOUBLE"));
    QCOMPARE(changes[0].newValue, std::string("FLOAT"));
}

void TestObjectDiff::diffAddedFeatureAndTtl() {
    const auto before = objectNamed("user_stats");
    auto after = before;
    addField(after.mutable_feature_view()->mutable_features(), "refunds", v1::INT64);
    after.mutable_feature_view()->set_ttl_seconds(7200);
    const auto changes = registry::diffObjects(before, after);
    QCOMPARE(changes.size(), size_t(2));
    const registry::FieldChange* added = nullptr;
    const registry::FieldChange* ttl = nullptr;
    for (const auto& c : changes) {
        if (c.kind == registry::FieldChange::Kind::Added)
            added = &c;
        if (c.kind == registry::FieldChange::Kind::Modified)
            ttl = &c;
    }
    QVERIFY(added && ttl);
    QCOMPARE(added->path, std::string("feature_view.features[3]"));
    QVERIFY(added->oldValue.empty());
    QVERIFY2(added->newValue.find("refunds") != std::string::npos, added->newValue.c_str());
    QVERIFY2(added->newValue.find("INT64") != std::string::npos, added->newValue.c_str());
    QCOMPARE(ttl->path, std::string("feature_view.ttl_seconds"));
    QCOMPARE(ttl->oldValue, std::string("3600"));
    QCOMPARE(ttl->newValue, std::string("7200"));

    // A ttl set from or back to 0 (proto3's default, no presence) is a change of value too.
    v1::RegistryObject noExpiry = before;
    noExpiry.mutable_feature_view()->set_ttl_seconds(0);
    for (const auto& [from, to, oldText, newText] :
         {std::tuple{&std::as_const(noExpiry), &before, "0", "3600"},
          std::tuple{&before, &std::as_const(noExpiry), "3600", "0"}}) {
        const auto c = registry::diffObjects(*from, *to);
        QCOMPARE(c.size(), size_t(1));
        QCOMPARE(c[0].kind, registry::FieldChange::Kind::Modified);
        QCOMPARE(c[0].path, std::string("feature_view.ttl_seconds"));
        QCOMPARE(c[0].oldValue, std::string(oldText));
        QCOMPARE(c[0].newValue, std::string(newText));
    }

    // A removed feature is reported with its old value.
    auto removed = before;
    removed.mutable_feature_view()->mutable_features()->DeleteSubrange(0, 1);
    const auto gone = registry::diffObjects(before, removed);
    QCOMPARE(gone.size(), size_t(1));
    QCOMPARE(gone[0].kind, registry::FieldChange::Kind::Removed);
    QCOMPARE(gone[0].path, std::string("feature_view.features[0]"));
    QVERIFY2(gone[0].oldValue.find("txn_count") != std::string::npos, gone[0].oldValue.c_str());
    QVERIFY(gone[0].newValue.empty());
}

void TestObjectDiff::diffReplicationRegions() {
    const auto before = objectNamed("merchant_risk");  // [aws-us-east-1, aws-eu-west-1]
    auto after = before;
    auto* regions = after.mutable_feature_view()->mutable_replication()->mutable_regions();
    regions->Clear();
    after.mutable_feature_view()->mutable_replication()->add_regions(kUs);
    after.mutable_feature_view()->mutable_replication()->add_regions(kEu4);
    const auto changes = registry::diffObjects(before, after);
    QCOMPARE(changes.size(), size_t(2));
    const registry::FieldChange* added = nullptr;
    const registry::FieldChange* removed = nullptr;
    for (const auto& c : changes) {
        if (c.kind == registry::FieldChange::Kind::Added)
            added = &c;
        if (c.kind == registry::FieldChange::Kind::Removed)
            removed = &c;
    }
    QVERIFY(added && removed);
    QCOMPARE(added->path, std::string("feature_view.replication.regions[1]"));
    QVERIFY2(added->newValue.find(kEu4) != std::string::npos, added->newValue.c_str());
    QCOMPARE(removed->path, std::string("feature_view.replication.regions[1]"));
    QVERIFY2(removed->oldValue.find(kEu) != std::string::npos, removed->oldValue.c_str());
}

void TestObjectDiff::diffIgnoresOrderAndMeta() {
    const auto before = objectNamed("user_stats");
    auto after = before;
    auto* features = after.mutable_feature_view()->mutable_features();
    std::reverse(features->begin(), features->end());
    after.mutable_meta()->set_version(9);
    after.mutable_meta()->set_spec_hash("different");
    QVERIFY(registry::diffObjects(before, after).empty());
    QVERIFY(registry::diffObjects(before, before).empty());
}

void TestObjectDiff::diffNamesMapKeys() {
    auto before = objectNamed("user_stats");
    (*before.mutable_feature_view()->mutable_tags())["team"] = "risk";
    (*before.mutable_feature_view()->mutable_tags())["tier"] = "gold";
    (*before.mutable_feature_view()->mutable_features(0)->mutable_tags())["pii"] = "no";
    auto after = before;
    (*after.mutable_feature_view()->mutable_tags())["team"] = "fraud";
    after.mutable_feature_view()->mutable_tags()->erase("tier");
    (*after.mutable_feature_view()->mutable_tags())["owner"] = "ana";
    (*after.mutable_feature_view()->mutable_features(0)->mutable_tags())["pii"] = "yes";
    std::map<std::string, registry::FieldChange> byPath;
    for (const auto& c : registry::diffObjects(before, after))
        byPath.emplace(c.path, c);
    QCOMPARE(byPath.size(), size_t(4));
    const auto check = [&](const std::string& path, registry::FieldChange::Kind kind,
                           const std::string& oldValue, const std::string& newValue) {
        auto it = byPath.find(path);
        QVERIFY2(it != byPath.end(), path.c_str());
        QCOMPARE(it->second.kind, kind);
        QCOMPARE(it->second.oldValue, oldValue);
        QCOMPARE(it->second.newValue, newValue);
    };
    using K = registry::FieldChange::Kind;
    check("feature_view.tags[\"team\"]", K::Modified, "\"risk\"", "\"fraud\"");
    check("feature_view.tags[\"tier\"]", K::Removed, "\"gold\"", "");
    check("feature_view.tags[\"owner\"]", K::Added, "", "\"ana\"");
    check("feature_view.features[0].tags[\"pii\"]", K::Modified, "\"no\"", "\"yes\"");
}

QTEST_APPLESS_MAIN(TestObjectDiff)
#include "tst_objectdiff.moc"
