// Row files and command-line input of the client library: JSON Lines feature and entity rows
// converted to the declared value types, times (ISO-8601, epoch ms, relative), --entity
// arguments, and every error path with its file:line and column.

#include <QtTest>

#include <cmath>

#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "registry/canonical.h"
#include "rows/entityargument.h"
#include "rows/eventtime.h"
#include "rows/rowfile.h"
#include "rows/valueconversion.h"

using namespace meridian;

namespace {

// One view with a feature of every value type, one whose source names its own time column,
// and a service joining two entities.
const char* kRepository = R"(
project: {name: shop}
entities:
  - name: user
    join_keys: [{name: user_id, value_type: INT64}]
  - name: merchant
    join_keys: [{name: merchant_id, value_type: STRING}]
data_sources:
  - name: payments
    kind: PUSH
  - name: clicks
    kind: PUSH
    timestamp_field: ts
feature_views:
  - name: all_types
    entities: [user]
    sources: [payments]
    features:
      - {name: i64, value_type: INT64}
      - {name: i32, value_type: INT32}
      - {name: amount, value_type: DOUBLE}
      - {name: f, value_type: FLOAT}
      - {name: s, value_type: STRING}
      - {name: raw, value_type: BYTES}
      - {name: flag, value_type: BOOL}
      - {name: seen_at, value_type: UNIX_TIMESTAMP}
      - {name: ids, value_type: INT64_LIST}
      - {name: scores, value_type: DOUBLE_LIST}
      - {name: embedding, value_type: FLOAT_LIST}
      - {name: tags, value_type: STRING_LIST}
  - name: click_stats
    entities: [user]
    sources: [clicks]
    features: [{name: clicks, value_type: INT64}]
  - name: merchant_risk
    entities: [merchant]
    features: [{name: rate, value_type: DOUBLE}]
feature_services:
  - name: scoring
    features:
      - {feature_view: all_types, features: [amount]}
      - {feature_view: merchant_risk}
)";

constexpr int64_t kT0 = 1795683600000;  // 2026-11-26T09:00:00Z

registry::Catalog shopCatalog() {
    auto repo = deployment::parseRepository(kRepository, "repo.yaml");
    if (!repo.ok())
        qFatal("test repository: %s", std::string(repo.status().message()).c_str());
    std::vector<v1::RegistryObject> objects;
    for (auto& o : registry::objectsOf(*repo)) {
        registry::normalize(o, {"shop", "local"});
        objects.push_back(std::move(o));
    }
    return registry::Catalog(std::move(objects));
}

rows::FeatureRowSchema schemaOf(const registry::Catalog& catalog, const char* view) {
    auto schema = rows::featureRowSchema(catalog, *catalog.featureView("shop", view));
    if (!schema.ok())
        qFatal("schema: %s", std::string(schema.status().message()).c_str());
    return *schema;
}

QString messageOf(const absl::Status& status) {
    return QString::fromStdString(std::string(status.message()));
}

}  // namespace

class TestRowFile : public QObject {
    Q_OBJECT

private slots:
    void isoTimes_data();
    void isoTimes();
    void badTimes_data();
    void badTimes();
    void formatsTimes();
    void relativeTimes();

    void convertsEveryType();
    void nullAndMissingFeatures();
    void timeColumnFromSource();
    void int64BeyondJsonPrecision();
    void featureErrors_data();
    void featureErrors();
    void blankLinesKeepLineNumbers();
    void readsFilesAndNamesThem();
    void entityRows();
    void entityRowErrors();

    void entityArgument();
    void entityArgumentErrors_data();
    void entityArgumentErrors();
    void joinKeysForRead();
    void valuesToJson();
};

void TestRowFile::isoTimes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("utc") << "2026-11-26T09:00:00Z" << qint64(kT0);
    QTest::newRow("lowercase") << "2026-11-26t09:00:00z" << qint64(kT0);
    QTest::newRow("millis") << "2026-11-26T09:00:00.250Z" << qint64(kT0 + 250);
    QTest::newRow("one digit fraction") << "2026-11-26T09:00:00.5Z" << qint64(kT0 + 500);
    QTest::newRow("nanos truncated") << "2026-11-26T09:00:00.123456789Z" << qint64(kT0 + 123);
    QTest::newRow("plus offset") << "2026-11-26T10:00:00+01:00" << qint64(kT0);
    QTest::newRow("minus offset") << "2026-11-26T03:30:00-0530" << qint64(kT0);
    QTest::newRow("offset and fraction") << "2026-11-26T10:00:00.1+01:00" << qint64(kT0 + 100);
    QTest::newRow("no seconds") << "2026-11-26T09:00Z" << qint64(kT0);
    QTest::newRow("space separator") << "2026-11-26 09:00:00Z" << qint64(kT0);
    QTest::newRow("date is midnight utc") << "2026-11-26" << qint64(kT0 - 9 * 3600 * 1000);
    QTest::newRow("leap day") << "2028-02-29T00:00:00Z" << qint64(1835395200000);
    QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
    QTest::newRow("before epoch") << "1969-12-31T23:59:59Z" << qint64(-1000);
    QTest::newRow("epoch ms") << "1795683600000" << qint64(kT0);
}

void TestRowFile::isoTimes() {
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    auto t = rows::parseTimestamp(text.toStdString());
    QVERIFY2(t.ok(), qPrintable(messageOf(t.status())));
    QCOMPARE(*t, ms);
}

void TestRowFile::badTimes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no zone") << "2026-11-26T09:00:00"
                             << "no time zone; add Z";
    QTest::newRow("month") << "2026-13-01T00:00:00Z"
                           << "month must be 01 to 12";
    QTest::newRow("day") << "2026-02-29T00:00:00Z"
                         << "day 29 does not exist in month 02";
    QTest::newRow("hour") << "2026-11-26T24:00:00Z"
                          << "out of range";
    QTest::newRow("offset") << "2026-11-26T09:00:00+25:00"
                            << "offset +25:00 is out of range";
    QTest::newRow("seconds for ms") << "1795683600"
                                    << "looks like seconds since the epoch";
    QTest::newRow("words") << "yesterday"
                           << "expected ISO-8601";
    QTest::newRow("empty") << ""
                           << "the time is empty";
    QTest::newRow("trailing junk") << "2026-11-26T09:00:00Zx"
                                   << "expected ISO-8601";
}

void TestRowFile::badTimes() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    auto t = rows::parseTimestamp(text.toStdString());
    QVERIFY(!t.ok());
    QCOMPARE(t.status().code(), absl::StatusCode::kInvalidArgument);
    QVERIFY2(messageOf(t.status()).contains(expected), qPrintable(messageOf(t.status())));
}

void TestRowFile::formatsTimes() {
    QCOMPARE(rows::formatTimestamp(kT0), std::string("2026-11-26T09:00:00Z"));
    QCOMPARE(rows::formatTimestamp(kT0 + 7), std::string("2026-11-26T09:00:00.007Z"));
    QCOMPARE(rows::formatTimestamp(-1000), std::string("1969-12-31T23:59:59Z"));
    QCOMPARE(rows::formatTimestamp(-1), std::string("1969-12-31T23:59:59.999Z"));
    // What is printed reads back.
    for (int64_t ms : {kT0, kT0 + 999, int64_t(951782400000) /* 2000-02-29 */}) {
        auto back = rows::parseTimestamp(rows::formatTimestamp(ms));
        QVERIFY(back.ok());
        QCOMPARE(*back, ms);
    }
}

void TestRowFile::relativeTimes() {
    const int64_t now = kT0;
    QCOMPARE(*rows::parseTimeArgument("now", now), now);
    QCOMPARE(*rows::parseTimeArgument("-24h", now), now - 24 * 3600 * 1000);
    QCOMPARE(*rows::parseTimeArgument("+1d", now), now + 86400 * 1000);
    QCOMPARE(*rows::parseTimeArgument("now-90s", now), now - 90 * 1000);
    QCOMPARE(*rows::parseTimeArgument("-15m", now), now - 15 * 60 * 1000);
    QCOMPARE(*rows::parseTimeArgument("2026-11-26T09:00:00Z", 0), kT0);
    QCOMPARE(*rows::parseTimeArgument("1795683600000", 0), kT0);
    auto bad = rows::parseTimeArgument("-24x", now);
    QVERIFY(!bad.ok());
    QVERIFY2(messageOf(bad.status()).contains("offset from now"),
             qPrintable(messageOf(bad.status())));
    auto words = rows::parseTimeArgument("yesterday", now);
    QVERIFY(!words.ok());
    QVERIFY(messageOf(words.status()).contains("-24h"));
}

void TestRowFile::convertsEveryType() {
    const auto catalog = shopCatalog();
    const auto schema = schemaOf(catalog, "all_types");
    QCOMPARE(schema.timeColumn, std::string("event_timestamp"));
    const std::string line =
        R"({"user_id": 42, "event_timestamp": 1795683600000, "i64": -7, "i32": 2147483647,)"
        R"( "amount": 12.5, "f": 0.25, "s": "Zürich", "raw": "AAEC/w==", "flag": true,)"
        R"( "seen_at": "2026-11-26T10:00:00+01:00", "ids": [1, "2", 3], "scores": [0.5, 1e3],)"
        R"( "embedding": [0.1, -0.2], "tags": ["a", "b"]})";
    auto rows = rows::parseFeatureRows(line, "rows.jsonl", schema);
    QVERIFY2(rows.ok(), qPrintable(messageOf(rows.status())));
    QCOMPARE(rows->size(), size_t(1));
    const auto& row = rows->front();
    QCOMPARE(row.keys().at("user_id").int64_val(), int64_t(42));
    QCOMPARE(row.event_timestamp(), kT0);
    const auto& v = row.values();
    QCOMPARE(v.at("i64").int64_val(), int64_t(-7));
    QCOMPARE(v.at("i32").int32_val(), 2147483647);
    QCOMPARE(v.at("amount").double_val(), 12.5);
    QCOMPARE(v.at("f").float_val(), 0.25f);
    QCOMPARE(v.at("s").string_val(), std::string("Zürich"));
    QCOMPARE(v.at("raw").bytes_val(), std::string("\x00\x01\x02\xff", 4));
    QCOMPARE(v.at("flag").bool_val(), true);
    QCOMPARE(v.at("seen_at").unix_timestamp_val(), kT0);
    QCOMPARE(v.at("ids").int64_list_val().val_size(), 3);
    QCOMPARE(v.at("ids").int64_list_val().val(1), int64_t(2));
    QCOMPARE(v.at("scores").double_list_val().val(1), 1000.0);
    QCOMPARE(v.at("embedding").float_list_val().val(1), -0.2f);
    QCOMPARE(v.at("tags").string_list_val().val(0), std::string("a"));

    // ISO event time, decimal-string join key, an empty list is a value and not null.
    auto second = rows::parseFeatureRows(
        R"({"user_id": "43", "event_timestamp": "2026-11-26T09:00:00.5Z", "tags": []})", "r",
        schema);
    QVERIFY2(second.ok(), qPrintable(messageOf(second.status())));
    QCOMPARE(second->front().keys().at("user_id").int64_val(), int64_t(43));
    QCOMPARE(second->front().event_timestamp(), kT0 + 500);
    QVERIFY(second->front().values().at("tags").has_string_list_val());
    QCOMPARE(second->front().values().at("tags").string_list_val().val_size(), 0);

    // Numbers: the special spellings of the JSON mapping are accepted for DOUBLE.
    auto nan = rows::parseFeatureRows(
        R"({"user_id": 1, "event_timestamp": 1795683600000, "amount": "NaN"})", "r", schema);
    QVERIFY(nan.ok());
    QVERIFY(std::isnan(nan->front().values().at("amount").double_val()));
}

void TestRowFile::nullAndMissingFeatures() {
    const auto catalog = shopCatalog();
    const auto schema = schemaOf(catalog, "all_types");
    auto rows = rows::parseFeatureRows(
        R"({"user_id": 1, "event_timestamp": 1795683600000, "amount": null, "s": "x"})", "r",
        schema);
    QVERIFY(rows.ok());
    // Null and absent features are both left out of the row: the region stores them as null.
    QVERIFY(!rows->front().values().contains("amount"));
    QVERIFY(!rows->front().values().contains("i64"));
    QCOMPARE(rows->front().values().size(), size_t(1));
}

void TestRowFile::timeColumnFromSource() {
    const auto catalog = shopCatalog();
    const auto schema = schemaOf(catalog, "click_stats");
    QCOMPARE(schema.timeColumn, std::string("ts"));
    auto rows = rows::parseFeatureRows(
        R"({"user_id": 1, "ts": "2026-11-26T09:00:00Z", "clicks": 3})", "clicks.jsonl", schema);
    QVERIFY2(rows.ok(), qPrintable(messageOf(rows.status())));
    QCOMPARE(rows->front().event_timestamp(), kT0);
    // event_timestamp is not a column of this view.
    auto wrong = rows::parseFeatureRows(
        R"({"user_id": 1, "event_timestamp": "2026-11-26T09:00:00Z"})", "clicks.jsonl", schema);
    QVERIFY(!wrong.ok());
    QVERIFY2(messageOf(wrong.status()).contains("unknown column 'event_timestamp'"),
             qPrintable(messageOf(wrong.status())));
    QVERIFY(messageOf(wrong.status()).contains("event time ts"));
}

void TestRowFile::int64BeyondJsonPrecision() {
    const auto catalog = shopCatalog();
    const auto schema = schemaOf(catalog, "all_types");
    auto quoted = rows::parseFeatureRows(
        R"({"user_id": "9007199254740993", "event_timestamp": 1795683600000, "i64": "-9223372036854775808"})",
        "r", schema);
    QVERIFY2(quoted.ok(), qPrintable(messageOf(quoted.status())));
    QCOMPARE(quoted->front().keys().at("user_id").int64_val(), int64_t(9007199254740993));
    QCOMPARE(quoted->front().values().at("i64").int64_val(), std::numeric_limits<int64_t>::min());
    auto bare = rows::parseFeatureRows(
        R"({"user_id": 9007199254740993, "event_timestamp": 1795683600000})", "r", schema);
    QVERIFY(!bare.ok());
    QVERIFY2(messageOf(bare.status()).contains("write it as a string"),
             qPrintable(messageOf(bare.status())));
}

void TestRowFile::featureErrors_data() {
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    const QString ok = R"("user_id": 1, "event_timestamp": 1795683600000)";
    QTest::newRow("double from text")
        << "{" + ok + R"(, "amount": "abc"})"
        << R"(rows.jsonl:1: feature 'amount' expects DOUBLE, got string "abc")";
    QTest::newRow("int from fraction")
        << "{" + ok + R"(, "i64": 1.5})"
        << "rows.jsonl:1: feature 'i64' expects INT64, got number 1.5";
    QTest::newRow("int32 range")
        << "{" + ok + R"(, "i32": 2147483648})"
        << "rows.jsonl:1: feature 'i32' expects INT32, got number 2147483648";
    QTest::newRow("float range") << "{" + ok + R"(, "f": 1e300})"
                                 << "out of FLOAT range";
    QTest::newRow("string from number") << "{" + ok + R"(, "s": 5})"
                                        << "feature 's' expects STRING, got number 5";
    QTest::newRow("bool from text") << "{" + ok + R"(, "flag": "yes"})"
                                    << R"(feature 'flag' expects BOOL, got string "yes")";
    QTest::newRow("bytes not base64") << "{" + ok + R"(, "raw": "%%%"})"
                                      << "that is not base64";
    QTest::newRow("list from scalar") << "{" + ok + R"(, "ids": 3})"
                                      << "feature 'ids' expects INT64_LIST, got number 3";
    QTest::newRow("list element")
        << "{" + ok + R"(, "embedding": [0.1, "x"]})"
        << R"(feature 'embedding' expects FLOAT_LIST, element 2 is string "x")";
    QTest::newRow("null in list") << "{" + ok + R"(, "tags": ["a", null]})"
                                  << "element 2 is null";
    QTest::newRow("object value") << "{" + ok + R"(, "s": {"a": 1}})"
                                  << "got an object";
    QTest::newRow("timestamp text")
        << "{" + ok + R"(, "seen_at": "soon"})"
        << "feature 'seen_at' expects UNIX_TIMESTAMP: 'soon' is not a time";
    QTest::newRow("unknown column")
        << "{" + ok + R"(, "amout": 1})"
        << "rows.jsonl:1: unknown column 'amout' for feature view "
           "'all_types' (did you mean 'amount'?); valid columns: join "
           "keys user_id; event time event_timestamp; features i64, i32, "
           "amount";
    QTest::newRow("missing join key") << R"({"event_timestamp": 1795683600000})"
                                      << "rows.jsonl:1: join key 'user_id' (INT64) is missing";
    QTest::newRow("null join key") << R"({"user_id": null, "event_timestamp": 1795683600000})"
                                   << "join key 'user_id' (INT64) is missing";
    QTest::newRow("join key type") << R"({"user_id": "abc", "event_timestamp": 1795683600000})"
                                   << R"(join key 'user_id' expects INT64, got string "abc")";
    QTest::newRow("missing time") << R"({"user_id": 1})"
                                  << "rows.jsonl:1: event time 'event_timestamp' is missing";
    QTest::newRow("bad time")
        << R"({"user_id": 1, "event_timestamp": "2026-11-26T09:00:00"})"
        << "event time 'event_timestamp': '2026-11-26T09:00:00' is not a time: it has no time zone";
    QTest::newRow("time in seconds") << R"({"user_id": 1, "event_timestamp": 1795683600})"
                                     << "looks like seconds since the epoch";
    QTest::newRow("time as bool")
        << R"({"user_id": 1, "event_timestamp": true})"
        << "expects epoch milliseconds or ISO-8601 text, got boolean true";
    QTest::newRow("not json") << R"({"user_id": 1,)"
                              << "rows.jsonl:1: not valid JSON";
    QTest::newRow("not an object") << "[1, 2]"
                                   << "rows.jsonl:1: expected a JSON object";
    QTest::newRow("long string shortened")
        << "{" + ok + R"(, "amount": ")" + QString(100, 'x') + R"("})"
        << R"(got string ")" + QString(37, 'x') + R"(...")";
}

void TestRowFile::featureErrors() {
    QFETCH(QString, line);
    QFETCH(QString, expected);
    const auto catalog = shopCatalog();
    auto rows =
        rows::parseFeatureRows(line.toStdString(), "rows.jsonl", schemaOf(catalog, "all_types"));
    QVERIFY(!rows.ok());
    QCOMPARE(rows.status().code(), absl::StatusCode::kInvalidArgument);
    QVERIFY2(messageOf(rows.status()).contains(expected), qPrintable(messageOf(rows.status())));
}

void TestRowFile::blankLinesKeepLineNumbers() {
    const auto catalog = shopCatalog();
    const std::string text =
        "{\"user_id\": 1, \"event_timestamp\": 1795683600000}\r\n"
        "\n"
        "   \n"
        "{\"user_id\": 2, \"event_timestamp\": 1795683600000}\n"
        "{\"user_id\": 3, \"event_timestamp\": 1795683600000, \"amount\": \"abc\"}\n";
    auto rows = rows::parseFeatureRows(text, "rows.jsonl", schemaOf(catalog, "all_types"));
    QVERIFY(!rows.ok());
    QVERIFY2(messageOf(rows.status()).startsWith("rows.jsonl:5: feature 'amount'"),
             qPrintable(messageOf(rows.status())));
    auto good = rows::parseFeatureRows(text.substr(0, text.rfind("{\"user_id\": 3")), "rows.jsonl",
                                       schemaOf(catalog, "all_types"));
    QVERIFY(good.ok());
    QCOMPARE(good->size(), size_t(2));

    auto empty = rows::parseFeatureRows("\n \n", "empty.jsonl", schemaOf(catalog, "all_types"));
    QVERIFY(!empty.ok());
    QCOMPARE(messageOf(empty.status()), QStringLiteral("empty.jsonl: no rows (the file is empty)"));
}

void TestRowFile::readsFilesAndNamesThem() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("rows.jsonl");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    // A byte order mark does not hide the first line.
    f.write(
        "\xEF\xBB\xBF{\"user_id\": 1, \"event_timestamp\": 1795683600000, \"s\": \"a\"}\n"
        "{\"user_id\": 2, \"event_timestamp\": 1795683600000, \"s\": 2}\n");
    f.close();
    const auto catalog = shopCatalog();
    auto rows = rows::readFeatureRows(path.toStdString(), schemaOf(catalog, "all_types"));
    QVERIFY(!rows.ok());
    QCOMPARE(messageOf(rows.status()), path + ":2: feature 's' expects STRING, got number 2");

    auto missing = rows::readFeatureRows(dir.filePath("nope.jsonl").toStdString(),
                                         schemaOf(catalog, "all_types"));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.status().code(), absl::StatusCode::kNotFound);
    QVERIFY(messageOf(missing.status()).contains("nope.jsonl"));
}

void TestRowFile::entityRows() {
    const auto catalog = shopCatalog();
    auto keys = rows::joinKeysForRead(catalog, "shop", "scoring", {});
    QVERIFY(keys.ok());
    rows::EntityRowSchema schema{*keys, "event_timestamp"};
    auto rows = rows::parseEntityRows(
        "{\"user_id\": 1, \"merchant_id\": \"m1\", \"event_timestamp\": \"2026-11-26T09:00:00Z\"}\n"
        "{\"user_id\": 2, \"merchant_id\": \"m2\", \"event_timestamp\": 1795683601000}\n",
        "entities.jsonl", schema);
    QVERIFY2(rows.ok(), qPrintable(messageOf(rows.status())));
    QCOMPARE(rows->size(), size_t(2));
    QCOMPARE(rows->at(0).keys().at("merchant_id").string_val(), std::string("m1"));
    QCOMPARE(rows->at(0).event_timestamp(), kT0);
    QCOMPARE(rows->at(1).keys().at("user_id").int64_val(), int64_t(2));
    QCOMPARE(rows->at(1).event_timestamp(), kT0 + 1000);
}

void TestRowFile::entityRowErrors() {
    const auto catalog = shopCatalog();
    auto keys = rows::joinKeysForRead(catalog, "shop", "scoring", {});
    QVERIFY(keys.ok());
    rows::EntityRowSchema schema{*keys, "event_timestamp"};
    auto check = [&](const std::string& text, const QString& expected) {
        auto rows = rows::parseEntityRows(text, "entities.jsonl", schema);
        QVERIFY(!rows.ok());
        QVERIFY2(messageOf(rows.status()).contains(expected), qPrintable(messageOf(rows.status())));
    };
    check(R"({"user_id": 1, "event_timestamp": 1795683600000})",
          "entities.jsonl:1: join key 'merchant_id' (STRING) is missing");
    check(
        R"({"user_id": 1, "merchant_id": "m", "event_timestamp": 1795683600000, "amount": 1})",
        "entities.jsonl:1: unknown column 'amount'; valid columns: join keys user_id, merchant_id; "
        "event time event_timestamp");
    check(
        "\n"
        R"({"user_id": 1, "merchant_id": "m"})",
        "entities.jsonl:2: event time 'event_timestamp' is missing");
    check(R"({"user_id": 1, "merchant_id": 7, "event_timestamp": 1795683600000})",
          "join key 'merchant_id' expects STRING, got number 7");
}

void TestRowFile::entityArgument() {
    const auto catalog = shopCatalog();
    auto keys = rows::joinKeysForRead(catalog, "shop", "scoring", {});
    QVERIFY(keys.ok());
    auto row = rows::parseEntityArgument("user_id=42,merchant_id=m7", *keys);
    QVERIFY2(row.ok(), qPrintable(messageOf(row.status())));
    QCOMPARE(row->keys().at("user_id").int64_val(), int64_t(42));
    QCOMPARE(row->keys().at("merchant_id").string_val(), std::string("m7"));
    // Order does not matter; a value may hold '='.
    auto swapped = rows::parseEntityArgument("merchant_id=a=b,user_id=-1", *keys);
    QVERIFY(swapped.ok());
    QCOMPARE(swapped->keys().at("merchant_id").string_val(), std::string("a=b"));
    QCOMPARE(swapped->keys().at("user_id").int64_val(), int64_t(-1));

    auto userKeys = rows::joinKeysForRead(catalog, "shop", "", {"all_types:*"});
    QVERIFY(userKeys.ok());
    QCOMPARE(userKeys->size(), size_t(1));
    auto single = rows::parseEntityArgument("user_id=7", *userKeys);
    QVERIFY(single.ok());
    QCOMPARE(single->keys().size(), size_t(1));
}

void TestRowFile::entityArgumentErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing key") << "user_id=1"
                                 << "entity 'user_id=1' lacks join key 'merchant_id' (STRING); the "
                                    "selected features need user_id (INT64), merchant_id (STRING)";
    QTest::newRow("unknown key") << "user_id=1,merchant=2"
                                 << "'merchant' is not a join key of the selected features (join "
                                    "keys: user_id (INT64), merchant_id (STRING))";
    QTest::newRow("twice") << "user_id=1,user_id=2,merchant_id=m"
                           << "join key 'user_id' is given twice";
    QTest::newRow("type") << "user_id=abc,merchant_id=m"
                          << "join key 'user_id' expects INT64, got 'abc'";
    QTest::newRow("no equals") << "42"
                               << "'42' is not of the form key=value";
    QTest::newRow("empty") << ""
                           << "is not of the form key=value";
}

void TestRowFile::entityArgumentErrors() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto catalog = shopCatalog();
    auto keys = rows::joinKeysForRead(catalog, "shop", "scoring", {});
    QVERIFY(keys.ok());
    auto row = rows::parseEntityArgument(text.toStdString(), *keys);
    QVERIFY(!row.ok());
    QCOMPARE(row.status().code(), absl::StatusCode::kInvalidArgument);
    QVERIFY2(messageOf(row.status()).contains(expected), qPrintable(messageOf(row.status())));
}

void TestRowFile::joinKeysForRead() {
    const auto catalog = shopCatalog();
    auto both = rows::joinKeysForRead(
        catalog, "shop", "", {"all_types:amount", "merchant_risk:rate", "click_stats:clicks"});
    QVERIFY(both.ok());
    // user_id once, though two views are keyed by it.
    QCOMPARE(both->size(), size_t(2));
    QCOMPARE(both->at(0).name(), std::string("user_id"));
    QCOMPARE(both->at(0).value_type(), v1::INT64);
    QCOMPARE(both->at(1).name(), std::string("merchant_id"));

    auto unknownView = rows::joinKeysForRead(catalog, "shop", "", {"nope:x"});
    QVERIFY(!unknownView.ok());
    QCOMPARE(unknownView.status().code(), absl::StatusCode::kNotFound);
    QVERIFY(messageOf(unknownView.status()).contains("'nope'"));
    auto unknownService = rows::joinKeysForRead(catalog, "shop", "nope", {});
    QCOMPARE(unknownService.status().code(), absl::StatusCode::kNotFound);
    auto badRef = rows::joinKeysForRead(catalog, "shop", "", {"all_types"});
    QCOMPARE(badRef.status().code(), absl::StatusCode::kInvalidArgument);
}

void TestRowFile::valuesToJson() {
    auto value = [](auto set) {
        v1::Value v;
        set(v);
        return rows::valueToJson(v);
    };
    QCOMPARE(value([](v1::Value&) {}), std::string("null"));
    QCOMPARE(value([](v1::Value& v) { v.set_int64_val(42); }), std::string("42"));
    QCOMPARE(value([](v1::Value& v) { v.set_int64_val(9007199254740993); }),
             std::string("\"9007199254740993\""));
    QCOMPARE(value([](v1::Value& v) { v.set_string_val("a\"b"); }), std::string("\"a\\\"b\""));
    QCOMPARE(value([](v1::Value& v) { v.set_bytes_val(std::string("\x00\x01\x02\xff", 4)); }),
             std::string("\"AAEC/w==\""));
    QCOMPARE(value([](v1::Value& v) { v.set_bool_val(true); }), std::string("true"));
    QCOMPARE(value([](v1::Value& v) { v.set_double_val(std::nan("")); }), std::string("\"NaN\""));
    QCOMPARE(value([](v1::Value& v) {
                 v.mutable_float_list_val()->add_val(0.1f);
                 v.mutable_float_list_val()->add_val(-2.5f);
             }),
             std::string("[0.1,-2.5]"));
    QCOMPARE(value([](v1::Value& v) { v.mutable_string_list_val(); }), std::string("[]"));

    // What is written reads back to the same value.
    const auto catalog = shopCatalog();
    const auto schema = schemaOf(catalog, "all_types");
    v1::Value raw;
    raw.set_bytes_val(std::string("\x00\xfe", 2));
    auto back =
        rows::parseFeatureRows(R"({"user_id": 1, "event_timestamp": 1795683600000, "raw": )" +
                                   rows::valueToJson(raw) + "}",
                               "r", schema);
    QVERIFY(back.ok());
    QCOMPARE(back->front().values().at("raw").bytes_val(), raw.bytes_val());
}

QTEST_GUILESS_MAIN(TestRowFile)
#include "tst_rowfile.moc"
