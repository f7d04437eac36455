// The compact row encoding and row schemas: every value type round-trips, nulls are absent,
// damaged rows are caught, schemas are content-addressed and stored once, and a rolled-back
// schema is forgotten by the cache.

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "meridian/v1/replication.pb.h"
#include "storage/database.h"
#include "storage/rowformat.h"
#include "storage/rowschema.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;
using storage::RowField;
using storage::RowSchema;

namespace {

RowSchema everyType() {
    return RowSchema::make({
        {"i64", v1::INT64},
        {"i32", v1::INT32},
        {"d", v1::DOUBLE},
        {"f", v1::FLOAT},
        {"s", v1::STRING},
        {"b", v1::BYTES},
        {"flag", v1::BOOL},
        {"at", v1::UNIX_TIMESTAMP},
        {"i64s", v1::INT64_LIST},
        {"ds", v1::DOUBLE_LIST},
        {"fs", v1::FLOAT_LIST},
        {"ss", v1::STRING_LIST},
    });
}

std::vector<v1::Value> everyValue() {
    std::vector<v1::Value> v(12);
    v[0].set_int64_val(std::numeric_limits<int64_t>::min());
    v[1].set_int32_val(-7);
    v[2].set_double_val(-0.1);
    v[3].set_float_val(3.25f);
    v[4].set_string_val(std::string("nul\0inside", 10));
    v[5].set_bytes_val(std::string("\xff\x00\x01", 3));
    v[6].set_bool_val(true);
    v[7].set_unix_timestamp_val(1'718'000'000'000);
    for (int64_t x : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::max()})
        v[8].mutable_int64_list_val()->add_val(x);
    v[9].mutable_double_list_val()->add_val(1e300);
    v[9].mutable_double_list_val()->add_val(std::numeric_limits<double>::infinity());
    v[10].mutable_float_list_val();  // empty list: present, not null
    v[11].mutable_string_list_val()->add_val("a");
    v[11].mutable_string_list_val()->add_val("");
    return v;
}

// Every present field of `row`, decoded.
std::map<int, v1::Value> decode(const std::string& row, const RowSchema& schema, bool* ok) {
    std::map<int, v1::Value> out;
    storage::RowReader reader(row, schema);
    int field = -1;
    while (reader.next(field)) {
        if (!reader.read(&out[field]))
            break;
    }
    *ok = reader.ok();
    return out;
}

}  // namespace

class TestRowFormat : public QObject {
    Q_OBJECT

private slots:
    void everyTypeRoundTrips();
    void nullsAreAbsent();
    void skippingMatchesDecoding();
    void damagedRowsAreCaught_data();
    void damagedRowsAreCaught();
    void schemaIdCanBeReplaced();
    void compactAgainstNamedValues();
    void doublesReadBackBitForBit();
    void schemaDigestIsContent();
    void schemaEncodingRoundTrips();
    void schemasStoredOnceAndReloaded();
    void rolledBackSchemaIsForgotten();
};

void TestRowFormat::everyTypeRoundTrips() {
    const auto schema = everyType();
    const auto values = everyValue();
    std::vector<const v1::Value*> in;
    for (const auto& v : values)
        in.push_back(&v);
    const std::string row = storage::encodeRow(300, schema, in);
    uint32_t id = 0;
    QVERIFY(storage::rowSchemaId(row, id));
    QCOMPARE(id, uint32_t(300));
    bool ok = false;
    const auto out = decode(row, schema, &ok);
    QVERIFY(ok);
    QCOMPARE(out.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i)
        QVERIFY2(out.at(int(i)).SerializeAsString() == values[i].SerializeAsString(),
                 qPrintable(QStringLiteral("field %1: %2")
                                .arg(i)
                                .arg(QString::fromStdString(out.at(int(i)).DebugString()))));
}

void TestRowFormat::nullsAreAbsent() {
    const auto schema = everyType();
    const auto values = everyValue();
    v1::Value null;
    // Fields 1, 4 and 11 absent, field 6 an explicit null.
    std::vector<const v1::Value*> in(12, nullptr);
    for (int i : {0, 2, 3, 5, 7, 8, 9, 10})
        in[i] = &values[i];
    in[6] = &null;
    const std::string row = storage::encodeRow(1, schema, in);
    bool ok = false;
    const auto out = decode(row, schema, &ok);
    QVERIFY(ok);
    QCOMPARE(out.size(), size_t(8));
    for (int absent : {1, 4, 6, 11})
        QVERIFY(!out.count(absent));
    // A row with nothing is the id and an empty bitmap.
    const std::string empty = storage::encodeRow(1, schema, {});
    QCOMPARE(empty.size(), size_t(1 + 2));
    QVERIFY(decode(empty, schema, &ok).empty());
    QVERIFY(ok);
}

void TestRowFormat::skippingMatchesDecoding() {
    const auto schema = everyType();
    const auto values = everyValue();
    std::vector<const v1::Value*> in;
    for (const auto& v : values)
        in.push_back(&v);
    const std::string row = storage::encodeRow(2, schema, in);
    // Skip every other field, decode the rest: the decoded ones must still be right.
    storage::RowReader reader(row, schema);
    int field = -1;
    int decoded = 0;
    while (reader.next(field)) {
        if (field % 2) {
            QVERIFY(reader.read(nullptr));
            continue;
        }
        v1::Value v;
        QVERIFY(reader.read(&v));
        QCOMPARE(v.SerializeAsString(), values[field].SerializeAsString());
        ++decoded;
    }
    QVERIFY(reader.ok());
    QCOMPARE(decoded, 6);
}

void TestRowFormat::damagedRowsAreCaught_data() {
    QTest::addColumn<int>("cut");     // bytes cut from the end (-1: one byte appended)
    QTest::addColumn<bool>("whole");  // cut to nothing but the schema id
    QTest::newRow("last byte missing") << 1 << false;
    QTest::newRow("half missing") << 40 << false;
    QTest::newRow("trailing garbage") << -1 << false;
    QTest::newRow("bitmap missing") << 0 << true;
}

void TestRowFormat::damagedRowsAreCaught() {
    QFETCH(int, cut);
    QFETCH(bool, whole);
    const auto schema = everyType();
    const auto values = everyValue();
    std::vector<const v1::Value*> in;
    for (const auto& v : values)
        in.push_back(&v);
    std::string row = storage::encodeRow(5, schema, in);
    if (whole)
        row.resize(1);
    else if (cut < 0)
        row.push_back('\x01');
    else
        row.resize(row.size() - static_cast<size_t>(cut));
    bool ok = true;
    decode(row, schema, &ok);
    QVERIFY(!ok);
}

void TestRowFormat::schemaIdCanBeReplaced() {
    const auto schema = RowSchema::make({{"x", v1::INT64}});
    const auto v = i64(42);
    const std::string row = storage::encodeRow(5, schema, {&v});
    auto moved = storage::withSchemaId(row, 70000);
    QVERIFY(moved.ok());
    uint32_t id = 0;
    QVERIFY(storage::rowSchemaId(*moved, id));
    QCOMPARE(id, uint32_t(70000));
    // The body, what digests hash, is the same under either id.
    QCOMPARE(storage::rowBody(*moved), storage::rowBody(row));
    bool ok = false;
    QCOMPARE(decode(*moved, schema, &ok).at(0).int64_val(), int64_t(42));
    QVERIFY(ok);
}

void TestRowFormat::compactAgainstNamedValues() {
    // The benchmark's row: 10 DOUBLE and 10 INT64 features with small integers.
    std::vector<RowField> fields;
    std::vector<v1::Value> values;
    v1::RowValues named;
    for (int i = 0; i < 20; ++i) {
        fields.push_back({"f" + std::to_string(i), i % 2 ? v1::INT64 : v1::DOUBLE});
        values.push_back(i % 2 ? i64(i * 37 % 1000) : dbl(i * 123.45));
        auto* nv = named.add_values();
        nv->set_name(fields.back().name);
        *nv->mutable_value() = values.back();
    }
    std::vector<const v1::Value*> in;
    for (const auto& v : values)
        in.push_back(&v);
    const std::string compact = storage::encodeRow(1, RowSchema::make(fields), in);
    qInfo("20-feature row: %zu bytes compact, %zu bytes as named values", compact.size(),
          named.SerializeAsString().size());
    QVERIFY(compact.size() <= 1 + 3 + 10 * 8 + 10 * 2);
    QVERIFY(compact.size() * 2 < named.SerializeAsString().size());
}

void TestRowFormat::doublesReadBackBitForBit() {
    // Short decimals take a few bytes, everything else its eight; all read back to the bit.
    const auto schema = RowSchema::make({{"d", v1::DOUBLE}});
    auto roundTrip = [&](double v, size_t* size) {
        const auto in = dbl(v);
        const std::string row = storage::encodeRow(1, schema, {&in});
        *size = row.size() - 2;  // less the schema id and the bitmap
        bool ok = false;
        const auto out = decode(row, schema, &ok);
        return ok ? out.at(0).double_val() : std::nan("");
    };
    std::mt19937_64 rng(99);
    std::vector<double> values{0.0,
                               -0.0,
                               1.0,
                               -1.0,
                               0.1,
                               251.85,
                               0.0657,
                               1e300,
                               -1e-300,
                               5e-324,
                               1e15,
                               123456789.123456,
                               0.3,
                               2.675,
                               9007199254740993.0,
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::min()};
    for (int i = 0; i < 20000; ++i) {
        // Decimals with up to 8 digits after the point, and arbitrary bit patterns.
        values.push_back(
            static_cast<double>(static_cast<int64_t>(rng() % 2'000'000'000) - 1'000'000'000) /
            std::pow(10.0, static_cast<double>(rng() % 9)));
        uint64_t bits = rng();
        double any = 0;
        std::memcpy(&any, &bits, sizeof any);
        values.push_back(any);
    }
    for (double v : values) {
        size_t size = 0;
        const double back = roundTrip(v, &size);
        uint64_t a = 0, b = 0;
        std::memcpy(&a, &v, sizeof v);
        std::memcpy(&b, &back, sizeof back);
        if (std::isnan(v))
            QVERIFY(std::isnan(back));
        else
            QVERIFY2(
                a == b,
                qPrintable(
                    QStringLiteral("%1 read back as %2").arg(v, 0, 'g', 17).arg(back, 0, 'g', 17)));
        QVERIFY(size <= 9);
    }
    size_t size = 0;
    roundTrip(251.85, &size);
    QCOMPARE(size, size_t(3));
    roundTrip(0.0657, &size);
    QCOMPARE(size, size_t(2));
    roundTrip(-0.0, &size);
    QCOMPARE(size, size_t(9));  // the sign of zero is kept: stored raw
}

void TestRowFormat::schemaDigestIsContent() {
    const auto a = RowSchema::make({{"x", v1::INT64}, {"y", v1::STRING}});
    const auto same = RowSchema::make({{"x", v1::INT64}, {"y", v1::STRING}});
    const auto renamed = RowSchema::make({{"x", v1::INT64}, {"z", v1::STRING}});
    const auto retyped = RowSchema::make({{"x", v1::INT64}, {"y", v1::BYTES}});
    const auto reordered = RowSchema::make({{"y", v1::STRING}, {"x", v1::INT64}});
    QCOMPARE(a.digest, same.digest);
    QVERIFY(a.digest != renamed.digest);
    QVERIFY(a.digest != retyped.digest);
    QVERIFY(a.digest != reordered.digest);
    QCOMPARE(a.indexOf("y"), 1);
    QCOMPARE(a.indexOf("nope"), -1);
    // A view's schema is its features in definition order.
    v1::FeatureView view;
    auto* f = view.add_features();
    f->set_name("x");
    f->set_value_type(v1::INT64);
    f = view.add_features();
    f->set_name("y");
    f->set_value_type(v1::STRING);
    QCOMPARE(RowSchema::of(view).digest, a.digest);
}

void TestRowFormat::schemaEncodingRoundTrips() {
    const auto schema = everyType();
    auto back = RowSchema::decode(schema.encode());
    QVERIFY(back.ok());
    QVERIFY(back->fields == schema.fields);
    QCOMPARE(back->digest, schema.digest);
    QVERIFY(!RowSchema::decode("\x05\x7f").ok());   // name longer than the bytes
    QVERIFY(!RowSchema::decode("\x63\x01x").ok());  // no such value type
}

void TestRowFormat::schemasStoredOnceAndReloaded() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("region.db").toStdString();
    uint32_t first = 0, second = 0;
    {
        auto db = storage::Database::open(path);
        QVERIFY(db.ok());
        auto& schemas = (*db)->dictionaries().schemas;
        MERIDIAN_EXPECT_OK((*db)->write([&](storage::Connection& conn) -> absl::Status {
            auto a = schemas.obtain(conn, everyType());
            auto b = schemas.obtain(conn, everyType());
            auto c = schemas.obtain(conn, RowSchema::make({{"x", v1::INT64}}));
            if (!a.ok() || !b.ok() || !c.ok())
                return absl::InternalError("obtain failed");
            if (*a != *b || *a == *c)
                return absl::InternalError("same schema, different ids, or the reverse");
            first = *a;
            second = *c;
            return absl::OkStatus();
        }));
    }
    auto db = storage::Database::open(path);
    QVERIFY(db.ok());
    auto& schemas = (*db)->dictionaries().schemas;
    QVERIFY(schemas.find(first));
    QCOMPARE(schemas.find(first)->digest, everyType().digest);
    QVERIFY(schemas.find(second));
    QVERIFY(!schemas.find(second + 1));
    MERIDIAN_EXPECT_OK((*db)->write([&](storage::Connection& conn) -> absl::Status {
        auto again = schemas.obtain(conn, everyType());
        return again.ok() && *again == first ? absl::OkStatus()
                                             : absl::InternalError("not the stored id");
    }));
}

void TestRowFormat::rolledBackSchemaIsForgotten() {
    QTemporaryDir dir;
    auto db = storage::Database::open(dir.filePath("region.db").toStdString());
    QVERIFY(db.ok());
    auto& dict = (*db)->dictionaries();
    uint32_t lost = 0;
    int64_t lostRegion = 0;
    auto st = (*db)->write([&](storage::Connection& conn) -> absl::Status {
        auto id = dict.schemas.obtain(conn, everyType());
        auto region = dict.regions.obtain(conn, "aws-us-east-1");
        if (!id.ok() || !region.ok())
            return absl::InternalError("obtain failed");
        lost = *id;
        lostRegion = *region;
        return absl::AbortedError("changed my mind");
    });
    MERIDIAN_EXPECT_ERROR(st, absl::StatusCode::kAborted, "changed my mind");
    // The rows are gone with the transaction, and so are the cache entries.
    QVERIFY(!dict.schemas.find(lost));
    QVERIFY(dict.regions.name(lostRegion).empty());
    MERIDIAN_EXPECT_OK((*db)->write([&](storage::Connection& conn) -> absl::Status {
        auto id = dict.schemas.obtain(conn, everyType());
        return id.ok() ? absl::OkStatus() : id.status();
    }));
    auto reader = (*db)->read();
    QVERIFY(reader.ok());
    auto& q = (*reader)->prepare("SELECT count(*) FROM row_schemas");
    QVERIFY(q.step());
    QCOMPARE(q.int64(0), int64_t(1));
    q.reset();
}

QTEST_GUILESS_MAIN(TestRowFormat)
#include "tst_rowformat.moc"
