// Every rule of registry/validation.cpp, accepted and rejected, with the message naming the
// object and the offending field.

#include <QtTest>

#include "registry/canonical.h"
#include "registry/validation.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;

namespace {

using Mode = v1::ReplicationPolicy;

// The catalog every object is checked against: a demo-like "shop" project.
registry::Catalog baseCatalog() {
    std::vector<v1::RegistryObject> objects;
    objects.push_back(projectObject("shop"));
    objects.push_back(entityObject("shop", "user", {{"user_id", v1::INT64}}));
    objects.push_back(entityObject("shop", "merchant", {{"merchant_id", v1::STRING}}));
    // Shares its join key name with "user": the two cannot key one view together.
    objects.push_back(entityObject("shop", "customer", {{"user_id", v1::STRING}}));
    objects.push_back(sourceObject("shop", "payments", "aws-us-east-1"));
    objects.push_back(sourceObject("shop", "eu_clicks", "aws-eu-west-1"));
    objects.push_back(viewObject(
        "shop", "user_stats", {"user"},
        {{"txn_count", v1::INT64}, {"avg_amount", v1::DOUBLE}, {"country", v1::STRING}}));
    return registry::Catalog(std::move(objects));
}

v1::RegistryObject view() {
    return viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}, {"label", v1::STRING}});
}

v1::RegistryObject replicated(Mode::Mode mode, std::vector<std::string> regions,
                              const std::string& hub = {}) {
    auto o = view();
    auto* r = o.mutable_feature_view()->mutable_replication();
    r->set_mode(mode);
    r->set_hub(hub);
    for (const auto& region : regions)
        r->add_regions(region);
    return o;
}

v1::RegistryObject resident(std::vector<std::string> regions, const std::string& jurisdiction) {
    auto o = view();
    auto* res = o.mutable_feature_view()->mutable_residency();
    for (const auto& region : regions)
        res->add_regions(region);
    res->set_jurisdiction(jurisdiction);
    return o;
}

v1::RegistryObject service(
    std::vector<std::pair<std::string, std::vector<std::string>>> projections,
    std::vector<std::string> models = {"fraud_v1"}) {
    return serviceObject("shop", "scoring", std::move(projections), std::move(models));
}

void addRow(const char* tag, const v1::RegistryObject& object, QStringList problems = {}) {
    QTest::newRow(tag) << toBytes(object) << problems;
}

}  // namespace

class TestRegistryValidation : public QObject {
    Q_OBJECT

private slots:
    void names_data();
    void names();
    void durations_data();
    void durations();

    void projects_data();
    void projects() { checkObject(); }
    void entities_data();
    void entities() { checkObject(); }
    void dataSources_data();
    void dataSources() { checkObject(); }
    void featureViews_data();
    void featureViews() { checkObject(); }
    void replication_data();
    void replication() { checkObject(); }
    void residency_data();
    void residency() { checkObject(); }
    void featureServices_data();
    void featureServices() { checkObject(); }

    void objectWithoutSpec();
    void everyProblemIsListed();
    void featureTypeCannotChange();
    void viewEntitiesCannotChange();
    void joinKeysCannotChange();
    void unchangedPreviousIsAccepted();

private:
    void addObjectColumns();
    void checkObject();
};

void TestRegistryValidation::names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("lower") << "user" << true;
    QTest::newRow("mixed case and digits") << "User2" << true;
    QTest::newRow("leading underscore") << "_private" << true;
    QTest::newRow("dash and underscore") << "aws-us-east-1_b" << true;
    QTest::newRow("single letter") << "a" << true;
    QTest::newRow("128 chars") << QString(128, 'a') << true;
    QTest::newRow("129 chars") << QString(129, 'a') << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("leading digit") << "1user" << false;
    QTest::newRow("leading dash") << "-user" << false;
    QTest::newRow("space") << "user stats" << false;
    QTest::newRow("dot") << "user.stats" << false;
    QTest::newRow("slash") << "shop/user" << false;
    QTest::newRow("colon") << "view:feature" << false;
    QTest::newRow("non-ascii") << QStringLiteral("caf\u00e9") << false;
}

void TestRegistryValidation::names() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(registry::isValidName(name.toStdString()), valid);
}

void TestRegistryValidation::durations_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qlonglong>("seconds");
    QTest::newRow("seconds") << "90s" << 90LL;
    QTest::newRow("minutes") << "15m" << 900LL;
    QTest::newRow("hours") << "1h" << 3600LL;
    QTest::newRow("days") << "2d" << 172800LL;
    QTest::newRow("zero") << "0s" << 0LL;
    QTest::newRow("empty") << "" << -1LL;
    QTest::newRow("unit only") << "h" << -1LL;
    QTest::newRow("number only") << "10" << -1LL;
    QTest::newRow("unknown unit") << "1w" << -1LL;
    QTest::newRow("negative") << "-1h" << -1LL;
    QTest::newRow("fraction") << "1.5h" << -1LL;
    QTest::newRow("two units") << "1hh" << -1LL;
    QTest::newRow("space") << "1 h" << -1LL;
    QTest::newRow("too large") << "999999999s" << -1LL;
}

void TestRegistryValidation::durations() {
    QFETCH(QString, text);
    QFETCH(qlonglong, seconds);
    QCOMPARE(registry::parseDurationSeconds(text.toStdString()), seconds);
}

void TestRegistryValidation::addObjectColumns() {
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<QStringList>("problems");  // empty: valid
}

void TestRegistryValidation::checkObject() {
    QFETCH(QByteArray, object);
    QFETCH(QStringList, problems);
    const auto o = fromBytes<v1::RegistryObject>(object);
    const auto st = registry::validateObject(o, baseCatalog(), demoRegions());
    if (problems.isEmpty()) {
        MERIDIAN_EXPECT_OK(st);
        return;
    }
    QCOMPARE(st.code(), absl::StatusCode::kInvalidArgument);
    const std::string message(st.message());
    // The message starts with the object it is about.
    const std::string subject = registry::keyOf(o).toString() + ": ";
    QVERIFY2(message.rfind(subject, 0) == 0, message.c_str());
    for (const auto& p : problems) {
        QVERIFY2(message.find(p.toStdString()) != std::string::npos,
                 qPrintable(
                     QStringLiteral("\"%1\" not in: %2").arg(p, QString::fromStdString(message))));
    }
}

void TestRegistryValidation::projects_data() {
    addObjectColumns();
    addRow("valid", projectObject("shop2"));
    addRow("empty name", projectObject(""), {"project name is empty"});
    addRow("bad name", projectObject("9shop"), {"project name '9shop' is not a valid name"});
}

void TestRegistryValidation::entities_data() {
    addObjectColumns();
    addRow("INT64 key", entityObject("shop", "e", {{"id", v1::INT64}}));
    addRow("INT32 key", entityObject("shop", "e", {{"id", v1::INT32}}));
    addRow("STRING key", entityObject("shop", "e", {{"id", v1::STRING}}));
    addRow("BYTES key", entityObject("shop", "e", {{"id", v1::BYTES}}));
    addRow("two keys", entityObject("shop", "e", {{"a", v1::INT64}, {"b", v1::STRING}}));
    addRow("bad name", entityObject("shop", "my entity", {{"id", v1::INT64}}),
           {"entity name 'my entity' is not a valid name"});
    addRow("no project", entityObject("", "e", {{"id", v1::INT64}}), {"no project given"});
    addRow("unknown project", entityObject("nope", "e", {{"id", v1::INT64}}),
           {"unknown project 'nope'"});
    addRow("no join keys", entityObject("shop", "e", {}), {"no join_keys"});
    addRow("DOUBLE key", entityObject("shop", "e", {{"id", v1::DOUBLE}}),
           {"join key 'id' has unsupported type DOUBLE"});
    addRow("FLOAT key", entityObject("shop", "e", {{"id", v1::FLOAT}}),
           {"join key 'id' has unsupported type FLOAT"});
    addRow("BOOL key", entityObject("shop", "e", {{"id", v1::BOOL}}),
           {"join key 'id' has unsupported type BOOL"});
    addRow("list key", entityObject("shop", "e", {{"id", v1::STRING_LIST}}),
           {"join key 'id' has unsupported type STRING_LIST"});
    addRow("untyped key", entityObject("shop", "e", {{"id", v1::VALUE_TYPE_UNSPECIFIED}}),
           {"join key 'id' has unsupported type UNSPECIFIED"});
    addRow("duplicate key", entityObject("shop", "e", {{"id", v1::INT64}, {"id", v1::STRING}}),
           {"duplicate join key 'id'"});
    addRow("bad key name", entityObject("shop", "e", {{"1id", v1::INT64}}),
           {"join key name '1id' is not a valid name"});
}

void TestRegistryValidation::dataSources_data() {
    addObjectColumns();
    auto withSchema = [](v1::ValueType tsType) {
        auto o = sourceObject("shop", "s");
        addField(o.mutable_data_source()->mutable_schema(), "user_id", v1::INT64);
        addField(o.mutable_data_source()->mutable_schema(), "event_timestamp", tsType);
        return o;
    };
    addRow("push without schema", sourceObject("shop", "s"));
    addRow("with origin", sourceObject("shop", "s", "gcp-europe-west4"));
    addRow("UNIX_TIMESTAMP timestamp", withSchema(v1::UNIX_TIMESTAMP));
    addRow("INT64 timestamp", withSchema(v1::INT64));
    {
        auto o = sourceObject("shop", "s");
        o.mutable_data_source()->set_kind(v1::DataSource::KIND_UNSPECIFIED);
        addRow("no kind", o, {"kind is missing (BATCH, STREAM or PUSH)"});
    }
    for (auto kind : {v1::DataSource::BATCH, v1::DataSource::STREAM}) {
        auto o = sourceObject("shop", "s");
        o.mutable_data_source()->set_kind(kind);
        addRow(kind == v1::DataSource::BATCH ? "batch" : "stream", o);
    }
    {
        auto o = sourceObject("shop", "s");
        o.mutable_data_source()->clear_timestamp_field();
        addRow("no timestamp field", o, {"timestamp_field is missing"});
    }
    {
        auto o = withSchema(v1::UNIX_TIMESTAMP);
        o.mutable_data_source()->set_timestamp_field("ts");
        addRow("timestamp field not in schema", o, {"timestamp_field 'ts' is not in the schema"});
    }
    addRow("STRING timestamp", withSchema(v1::STRING),
           {"timestamp_field 'event_timestamp' is STRING, expected UNIX_TIMESTAMP or INT64"});
    {
        auto o = withSchema(v1::UNIX_TIMESTAMP);
        addField(o.mutable_data_source()->mutable_schema(), "user_id", v1::STRING);
        addRow("duplicate schema field", o, {"duplicate schema field 'user_id'"});
    }
    {
        auto o = withSchema(v1::UNIX_TIMESTAMP);
        addField(o.mutable_data_source()->mutable_schema(), "amount", v1::VALUE_TYPE_UNSPECIFIED);
        addRow("untyped schema field", o, {"schema field 'amount' has no supported value_type"});
    }
    addRow("unknown origin", sourceObject("shop", "s", "mars-1"),
           {"origin_region 'mars-1' is not a region of this deployment"});
    addRow("unknown project", sourceObject("nope", "s"), {"unknown project 'nope'"});
    addRow("bad name", sourceObject("shop", "s!"), {"data source name 's!' is not a valid name"});
}

void TestRegistryValidation::featureViews_data() {
    addObjectColumns();
    addRow("valid", view());
    {
        auto o = view();
        o.mutable_feature_view()->add_entities("merchant");
        o.mutable_feature_view()->add_sources("payments");
        o.mutable_feature_view()->set_ttl_seconds(3600);
        addRow("two entities, a source, a ttl", o);
    }
    {
        auto o = view();
        o.mutable_feature_view()->set_online(false);
        addRow("offline only", o);
    }
    {
        auto o = view();
        o.mutable_feature_view()->set_offline(false);
        addRow("online only", o);
    }
    {
        auto o = view();
        o.mutable_feature_view()->set_name("bad name");
        addRow("bad name", o, {"feature view name 'bad name' is not a valid name"});
    }
    addRow("unknown project", viewObject("nope", "v", {"user"}, {{"score", v1::DOUBLE}}),
           {"unknown project 'nope'"});
    addRow("unknown entity", viewObject("shop", "v", {"ghost"}, {{"score", v1::DOUBLE}}),
           {"unknown entity 'ghost' referenced"});
    addRow("no entities", viewObject("shop", "v", {}, {{"score", v1::DOUBLE}}), {"no entities"});
    addRow("entity twice", viewObject("shop", "v", {"user", "user"}, {{"score", v1::DOUBLE}}),
           {"entity 'user' listed twice"});
    addRow("join key from two entities",
           viewObject("shop", "v", {"user", "customer"}, {{"score", v1::DOUBLE}}),
           {"join key 'user_id' comes from two entities"});
    addRow("no features", viewObject("shop", "v", {"user"}, {}), {"no features"});
    addRow("duplicate feature",
           viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}, {"score", v1::INT64}}),
           {"duplicate feature 'score'"});
    addRow("untyped feature",
           viewObject("shop", "v", {"user"}, {{"score", v1::VALUE_TYPE_UNSPECIFIED}}),
           {"feature 'score' has no supported value_type"});
    addRow("undefined type number",
           viewObject("shop", "v", {"user"}, {{"score", static_cast<v1::ValueType>(9)}}),
           {"feature 'score' has no supported value_type"});
    addRow("every list type", viewObject("shop", "v", {"user"},
                                         {{"a", v1::INT64_LIST},
                                          {"b", v1::DOUBLE_LIST},
                                          {"c", v1::FLOAT_LIST},
                                          {"d", v1::STRING_LIST},
                                          {"e", v1::BOOL},
                                          {"f", v1::UNIX_TIMESTAMP},
                                          {"g", v1::BYTES},
                                          {"h", v1::FLOAT},
                                          {"i", v1::INT32}}));
    addRow("bad feature name", viewObject("shop", "v", {"user"}, {{"my score", v1::DOUBLE}}),
           {"feature name 'my score' is not a valid name"});
    addRow("feature named like a join key",
           viewObject("shop", "v", {"user"}, {{"user_id", v1::INT64}}),
           {"feature 'user_id' has the name of a join key"});
    {
        auto o = view();
        o.mutable_feature_view()->add_sources("ghost");
        addRow("unknown source", o, {"unknown data source 'ghost' referenced"});
    }
    {
        auto o = view();
        o.mutable_feature_view()->set_ttl_seconds(-1);
        addRow("negative ttl", o, {"ttl_seconds is negative"});
    }
    {
        auto o = view();
        o.mutable_feature_view()->set_online(false);
        o.mutable_feature_view()->set_offline(false);
        addRow("online and offline false", o, {"online and offline are both false"});
    }
    addRow("unknown owner region",
           viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}}, "mars-1"),
           {"owner_region 'mars-1' is not a region of this deployment (aws-us-east-1, "
            "aws-eu-west-1, gcp-europe-west4, azure-southeastasia)"});
    addRow("no owner region", viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}}, ""),
           {"owner_region is missing"});
}

void TestRegistryValidation::replication_data() {
    addObjectColumns();
    addRow("LOCAL listing its owner", replicated(Mode::LOCAL, {"aws-us-east-1"}));
    addRow("LOCAL with another region", replicated(Mode::LOCAL, {"aws-us-east-1", "aws-eu-west-1"}),
           {"replication mode LOCAL keeps data in its owner region 'aws-us-east-1'; list no other "
            "regions"});
    addRow("LOCAL listing only another region", replicated(Mode::LOCAL, {"aws-eu-west-1"}),
           {"replication mode LOCAL keeps data in its owner region 'aws-us-east-1'"});
    addRow("LOCAL with a hub", replicated(Mode::LOCAL, {}, "aws-us-east-1"),
           {"replication mode LOCAL takes no hub"});

    addRow("HUB_SPOKE",
           replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "aws-eu-west-1"}, "aws-us-east-1"));
    addRow("HUB_SPOKE hub is a spoke of the owner",
           replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "aws-eu-west-1"}, "aws-eu-west-1"));
    addRow("HUB_SPOKE without hub", replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "aws-eu-west-1"}),
           {"replication mode HUB_SPOKE needs a hub"});
    addRow("HUB_SPOKE unknown hub",
           replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "aws-eu-west-1"}, "mars-1"),
           {"hub 'mars-1' is not a region of this deployment"});
    addRow("HUB_SPOKE hub outside the region set",
           replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "aws-eu-west-1"}, "gcp-europe-west4"),
           {"hub 'gcp-europe-west4' is not in the replication regions [aws-us-east-1, "
            "aws-eu-west-1]"});
    addRow("HUB_SPOKE single region",
           replicated(Mode::HUB_SPOKE, {"aws-us-east-1"}, "aws-us-east-1"),
           {"replication mode HUB_SPOKE needs the hub and at least one spoke"});

    addRow("ACTIVE_ACTIVE",
           replicated(Mode::ACTIVE_ACTIVE, {"aws-us-east-1", "azure-southeastasia"}));
    addRow("ACTIVE_ACTIVE with a hub",
           replicated(Mode::ACTIVE_ACTIVE, {"aws-us-east-1", "aws-eu-west-1"}, "aws-us-east-1"),
           {"replication mode ACTIVE_ACTIVE takes no hub"});
    addRow("ACTIVE_ACTIVE one region", replicated(Mode::ACTIVE_ACTIVE, {"aws-us-east-1"}),
           {"replication mode ACTIVE_ACTIVE needs at least two regions"});

    {
        auto o = replicated(Mode::BATCH, {"aws-us-east-1", "aws-eu-west-1"});
        addRow("BATCH without schedule", o);
        o.mutable_feature_view()->mutable_replication()->set_schedule("1h");
        addRow("BATCH hourly", o);
        o.mutable_feature_view()->mutable_replication()->set_schedule("15x");
        addRow("BATCH bad schedule", o, {"schedule '15x' is not a duration such as 15m, 1h or 1d"});
        o.mutable_feature_view()->mutable_replication()->set_schedule("0m");
        addRow("BATCH zero schedule", o, {"schedule '0m' is not a duration"});
    }
    {
        auto o = replicated(Mode::BATCH, {"aws-us-east-1", "aws-eu-west-1"});
        o.mutable_feature_view()->set_offline(false);
        addRow("BATCH not offline", o,
               {"replication mode BATCH copies offline data, but the view is not offline"});
    }
    addRow("BATCH one region", replicated(Mode::BATCH, {"aws-us-east-1"}),
           {"replication mode BATCH needs at least two regions"});
    addRow("unknown replication region",
           replicated(Mode::ACTIVE_ACTIVE, {"aws-us-east-1", "mars-1"}),
           {"replication region 'mars-1' is not a region of this deployment"});
    addRow("owner not replicated",
           replicated(Mode::ACTIVE_ACTIVE, {"aws-eu-west-1", "gcp-europe-west4"}),
           {"owner_region 'aws-us-east-1' is not in the replication regions [aws-eu-west-1, "
            "gcp-europe-west4]"});
    addRow("unknown mode", replicated(static_cast<Mode::Mode>(9), {"aws-us-east-1"}),
           {"unknown replication mode"});
}

void TestRegistryValidation::residency_data() {
    addObjectColumns();
    addRow("open", resident({}, ""));
    addRow("us jurisdiction", resident({}, "us"));
    addRow("listed owner", resident({"aws-us-east-1", "aws-eu-west-1"}, ""));
    addRow("unknown region", resident({"aws-us-east-1", "mars-1"}, ""),
           {"residency region 'mars-1' is not a region of this deployment"});
    addRow("unknown jurisdiction", resident({}, "mars"),
           {"residency jurisdiction 'mars' has no region in this deployment"});
    addRow("excludes the owner", resident({}, "eu"),
           {"residency excludes the owner region 'aws-us-east-1' (allowed: aws-eu-west-1, "
            "gcp-europe-west4)"});
    addRow("excludes the owner by region list", resident({"azure-southeastasia"}, ""),
           {"residency excludes the owner region 'aws-us-east-1' (allowed: azure-southeastasia)"});
    {
        auto o = viewObject("shop", "v", {"user"}, {{"score", v1::DOUBLE}}, "aws-eu-west-1");
        auto* fv = o.mutable_feature_view();
        fv->mutable_residency()->set_jurisdiction("eu");
        fv->mutable_replication()->set_mode(Mode::ACTIVE_ACTIVE);
        fv->mutable_replication()->add_regions("aws-eu-west-1");
        fv->mutable_replication()->add_regions("gcp-europe-west4");
        addRow("eu view replicated in the eu", o);
        fv->mutable_replication()->add_regions("aws-us-east-1");
        addRow("eu view replicated to the us", o,
               {"replication to 'aws-us-east-1' breaks residency (allowed: aws-eu-west-1, "
                "gcp-europe-west4)"});
    }
    {
        auto o =
            replicated(Mode::HUB_SPOKE, {"aws-us-east-1", "azure-southeastasia"}, "aws-us-east-1");
        o.mutable_feature_view()->mutable_residency()->add_regions("aws-us-east-1");
        addRow("hub-spoke to a region residency forbids", o,
               {"replication to 'azure-southeastasia' breaks residency (allowed: aws-us-east-1)"});
    }
}

void TestRegistryValidation::featureServices_data() {
    addObjectColumns();
    addRow("valid", service({{"user_stats", {"txn_count", "avg_amount"}}}));
    addRow("whole view", service({{"user_stats", {}}}));
    addRow("no consumers", service({{"user_stats", {}}}, {}));
    addRow("unknown project", serviceObject("nope", "scoring", {{"user_stats", {}}}),
           {"unknown project 'nope'"});
    addRow("no projections", service({}),
           {"no features: list at least one feature view projection"});
    addRow("unknown view", service({{"ghost", {}}}), {"unknown feature view 'ghost' referenced"});
    addRow("unknown feature", service({{"user_stats", {"txn_count", "ghost"}}}),
           {"feature view 'user_stats' has no feature 'ghost'"});
    addRow("view projected twice",
           service({{"user_stats", {"txn_count"}}, {"user_stats", {"country"}}}),
           {"feature view 'user_stats' projected twice"});
    addRow("feature projected twice", service({{"user_stats", {"txn_count", "txn_count"}}}),
           {"feature 'txn_count' projected twice"});
    {
        auto o = service({{"user_stats", {}}});
        o.mutable_feature_service()->add_consumers()->set_team("risk");
        addRow("consumer without model", o, {"a consumer has no model name"});
    }
    addRow("bad name", serviceObject("shop", "scoring v2", {{"user_stats", {}}}),
           {"feature service name 'scoring v2' is not a valid name"});
}

void TestRegistryValidation::objectWithoutSpec() {
    v1::RegistryObject o;
    MERIDIAN_EXPECT_ERROR(registry::validateObject(o, baseCatalog(), demoRegions()),
                          absl::StatusCode::kInvalidArgument, "registry object has no spec");
}

void TestRegistryValidation::everyProblemIsListed() {
    auto o = viewObject("shop", "v", {"ghost"}, {{"score", v1::DOUBLE}, {"score", v1::DOUBLE}},
                        "mars-1");
    o.mutable_feature_view()->set_ttl_seconds(-5);
    MERIDIAN_EXPECT_ERROR(
        registry::validateObject(o, baseCatalog(), demoRegions()),
        absl::StatusCode::kInvalidArgument, "feature view shop/v: ", "unknown entity 'ghost'",
        "duplicate feature 'score'", "ttl_seconds is negative", "owner_region 'mars-1'");
}

void TestRegistryValidation::featureTypeCannotChange() {
    const auto catalog = baseCatalog();
    const auto* previous = catalog.find({v1::FEATURE_VIEW, "shop", "user_stats"});
    QVERIFY(previous);
    auto next = *previous;
    next.mutable_feature_view()->mutable_features(0)->set_value_type(v1::DOUBLE);
    MERIDIAN_EXPECT_ERROR(registry::validateObject(next, catalog, demoRegions(), previous),
                          absl::StatusCode::kInvalidArgument, "feature view shop/user_stats",
                          "feature 'txn_count' changes type from INT64 to DOUBLE");
    // Without the previous version the same spec is fine.
    MERIDIAN_EXPECT_OK(registry::validateObject(next, catalog, demoRegions()));
    // Adding and removing features is allowed.
    auto added = *previous;
    registry::normalize(added, {});
    addField(added.mutable_feature_view()->mutable_features(), "extra", v1::BOOL);
    added.mutable_feature_view()->mutable_features()->DeleteSubrange(1, 1);
    MERIDIAN_EXPECT_OK(registry::validateObject(added, catalog, demoRegions(), previous));
}

void TestRegistryValidation::viewEntitiesCannotChange() {
    const auto catalog = baseCatalog();
    const auto* previous = catalog.find({v1::FEATURE_VIEW, "shop", "user_stats"});
    QVERIFY(previous);
    auto next = *previous;
    next.mutable_feature_view()->add_entities("merchant");
    MERIDIAN_EXPECT_ERROR(registry::validateObject(next, catalog, demoRegions(), previous),
                          absl::StatusCode::kInvalidArgument,
                          "entities cannot change once defined");
}

void TestRegistryValidation::joinKeysCannotChange() {
    const auto catalog = baseCatalog();
    const auto* previous = catalog.find({v1::ENTITY, "shop", "user"});
    QVERIFY(previous);
    auto retyped = entityObject("shop", "user", {{"user_id", v1::STRING}});
    MERIDIAN_EXPECT_ERROR(registry::validateObject(retyped, catalog, demoRegions(), previous),
                          absl::StatusCode::kInvalidArgument, "entity shop/user",
                          "join keys cannot change once defined");
    auto renamed = entityObject("shop", "user", {{"uid", v1::INT64}});
    MERIDIAN_EXPECT_ERROR(registry::validateObject(renamed, catalog, demoRegions(), previous),
                          absl::StatusCode::kInvalidArgument, "join keys cannot change");
    auto more = entityObject("shop", "user", {{"user_id", v1::INT64}, {"tenant", v1::STRING}});
    MERIDIAN_EXPECT_ERROR(registry::validateObject(more, catalog, demoRegions(), previous),
                          absl::StatusCode::kInvalidArgument, "join keys cannot change");
}

void TestRegistryValidation::unchangedPreviousIsAccepted() {
    const auto catalog = baseCatalog();
    for (const auto& [key, object] : catalog.objects()) {
        MERIDIAN_EXPECT_OK(registry::validateObject(object, catalog, demoRegions(), &object));
    }
}

QTEST_APPLESS_MAIN(TestRegistryValidation)
#include "tst_registryvalidation.moc"
