// The canonical entity-key encoding: round trips, ordering, errors and malformed input.

#include <QtTest>

#include <limits>
#include <random>

#include "meridian/v1/replication.pb.h"
#include "storage/entitykey.h"
#include "support/coretestdata.h"

using namespace meridian;
using namespace meridian::test;
using storage::KeyPart;

Q_DECLARE_METATYPE(v1::Value)

namespace {

bool sameValue(const v1::Value& a, const v1::Value& b) {
    return a.SerializeAsString() == b.SerializeAsString();
}

std::string encodeOrFail(std::vector<KeyPart> parts) {
    auto key = storage::encodeEntityKey(std::move(parts));
    if (!key.ok())
        qFatal("encode failed: %s", key.status().ToString().c_str());
    return *key;
}

}  // namespace

class TestEntityKey : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void multiKeySortedByName();
    void sameKeyWhateverTheOrder();
    void typesDistinguishKeys();
    void intOrderIsByteOrder_data();
    void intOrderIsByteOrder();
    void randomIntOrder();
    void encodingErrors_data();
    void encodingErrors();
    void malformedInput_data();
    void malformedInput();
    void truncationsNeverCrash();
    void toString();
};

void TestEntityKey::roundTrip_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<v1::Value>("value");
    using L = std::numeric_limits<int64_t>;
    using L32 = std::numeric_limits<int32_t>;
    QTest::newRow("int64 zero") << "user_id" << i64(0);
    QTest::newRow("int64 positive") << "user_id" << i64(42);
    QTest::newRow("int64 negative") << "user_id" << i64(-42);
    QTest::newRow("int64 -1") << "user_id" << i64(-1);
    QTest::newRow("int64 min") << "user_id" << i64(L::min());
    QTest::newRow("int64 max") << "user_id" << i64(L::max());
    QTest::newRow("int32 zero") << "shard" << i32(0);
    QTest::newRow("int32 negative") << "shard" << i32(-7);
    QTest::newRow("int32 min") << "shard" << i32(L32::min());
    QTest::newRow("int32 max") << "shard" << i32(L32::max());
    QTest::newRow("string") << "country" << str("DE");
    QTest::newRow("empty string") << "country" << str("");
    QTest::newRow("embedded NULs") << "code" << str(std::string("a\0b\0", 4));
    QTest::newRow("unicode") << "city"
                             << str("M\xC3\xBCnchen \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x9A\x80");
    QTest::newRow("long string") << "blob" << str(std::string(1000, 'x'));  // two-byte varint
    QTest::newRow("bytes") << "hash" << bytes(std::string("\x00\xff\x80\x7f", 4));
    QTest::newRow("empty bytes") << "hash" << bytes("");
    QTest::newRow("empty name") << "" << i64(1);
    QTest::newRow("long name") << QString(300, 'k') << i64(1);
}

void TestEntityKey::roundTrip() {
    QFETCH(QString, name);
    QFETCH(v1::Value, value);
    const std::string n = name.toStdString();
    const std::string key = encodeOrFail({{n, value}});
    auto decoded = storage::decodeEntityKey(key);
    QVERIFY2(decoded.ok(), qPrintable(describe(decoded.status())));
    QCOMPARE(decoded->size(), size_t(1));
    QCOMPARE((*decoded)[0].first, n);
    QCOMPARE((*decoded)[0].second.val_case(), value.val_case());
    QVERIFY(sameValue((*decoded)[0].second, value));
    // Encoding is a function of the value: encoding again gives the same bytes.
    QCOMPARE(encodeOrFail({{n, (*decoded)[0].second}}), key);
}

void TestEntityKey::multiKeySortedByName() {
    const std::string key =
        encodeOrFail({{"zone", str("eu")}, {"account", i64(7)}, {"month", i32(3)}});
    auto decoded = storage::decodeEntityKey(key);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->size(), size_t(3));
    QCOMPARE((*decoded)[0].first, std::string("account"));
    QCOMPARE((*decoded)[0].second.int64_val(), int64_t(7));
    QCOMPARE((*decoded)[1].first, std::string("month"));
    QCOMPARE((*decoded)[1].second.int32_val(), 3);
    QCOMPARE((*decoded)[2].first, std::string("zone"));
    QCOMPARE((*decoded)[2].second.string_val(), std::string("eu"));
}

void TestEntityKey::sameKeyWhateverTheOrder() {
    std::vector<KeyPart> parts{
        {"b", str("x")}, {"a", i64(1)}, {"c", bytes("\x01")}, {"aa", i32(-2)}};
    const std::string reference = encodeOrFail(parts);
    std::sort(parts.begin(), parts.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    int permutations = 0;
    do {
        QCOMPARE(encodeOrFail(parts), reference);
        ++permutations;
    } while (std::next_permutation(parts.begin(), parts.end(),
                                   [](const auto& x, const auto& y) { return x.first < y.first; }));
    QCOMPARE(permutations, 24);
}

void TestEntityKey::typesDistinguishKeys() {
    // The same number as INT64 and INT32, or the same text as STRING and BYTES, are different keys.
    QVERIFY(encodeOrFail({{"id", i64(5)}}) != encodeOrFail({{"id", i32(5)}}));
    QVERIFY(encodeOrFail({{"id", str("5")}}) != encodeOrFail({{"id", bytes("5")}}));
    QVERIFY(encodeOrFail({{"id", str("5")}}) != encodeOrFail({{"ID", str("5")}}));
    // Length prefixes keep ("ab", "c") apart from ("a", "bc").
    QVERIFY(encodeOrFail({{"k1", str("ab")}, {"k2", str("c")}}) !=
            encodeOrFail({{"k1", str("a")}, {"k2", str("bc")}}));
}

void TestEntityKey::intOrderIsByteOrder_data() {
    QTest::addColumn<qlonglong>("smaller");
    QTest::addColumn<qlonglong>("larger");
    using L = std::numeric_limits<int64_t>;
    QTest::newRow("min < -1") << qlonglong(L::min()) << -1LL;
    QTest::newRow("-1 < 0") << -1LL << 0LL;
    QTest::newRow("0 < 1") << 0LL << 1LL;
    QTest::newRow("255 < 256") << 255LL << 256LL;
    QTest::newRow("-256 < -255") << -256LL << -255LL;
    QTest::newRow("1 < max") << 1LL << qlonglong(L::max());
    QTest::newRow("min < max") << qlonglong(L::min()) << qlonglong(L::max());
    QTest::newRow("int32 range edge") << 2147483647LL << 2147483648LL;
}

void TestEntityKey::intOrderIsByteOrder() {
    QFETCH(qlonglong, smaller);
    QFETCH(qlonglong, larger);
    QVERIFY(encodeOrFail({{"id", i64(smaller)}}) < encodeOrFail({{"id", i64(larger)}}));
    if (smaller >= std::numeric_limits<int32_t>::min() &&
        larger <= std::numeric_limits<int32_t>::max()) {
        QVERIFY(encodeOrFail({{"id", i32(int32_t(smaller))}}) <
                encodeOrFail({{"id", i32(int32_t(larger))}}));
    }
}

void TestEntityKey::randomIntOrder() {
    std::mt19937_64 rng(20240611);
    for (int i = 0; i < 2000; ++i) {
        const auto a = static_cast<int64_t>(rng());
        const auto b = static_cast<int64_t>(rng());
        const bool bytesLess = encodeOrFail({{"id", i64(a)}}) < encodeOrFail({{"id", i64(b)}});
        QCOMPARE(bytesLess, a < b);
        const auto a32 = static_cast<int32_t>(a), b32 = static_cast<int32_t>(b);
        const bool bytesLess32 =
            encodeOrFail({{"id", i32(a32)}}) < encodeOrFail({{"id", i32(b32)}});
        QCOMPARE(bytesLess32, a32 < b32);
    }
}

void TestEntityKey::encodingErrors_data() {
    QTest::addColumn<QByteArray>("parts");  // a RowValues holding the parts
    QTest::addColumn<QString>("fragment");
    auto row = [](std::vector<KeyPart> parts) {
        v1::RowValues r;
        for (auto& [n, v] : parts) {
            auto* nv = r.add_values();
            nv->set_name(n);
            *nv->mutable_value() = v;
        }
        return toBytes(r);
    };
    v1::Value floatValue;
    floatValue.set_float_val(1.5f);
    v1::Value listValue;
    listValue.mutable_int64_list_val()->add_val(1);
    v1::Value stringList;
    stringList.mutable_string_list_val()->add_val()->assign("tag");
    QTest::newRow("empty key") << row({}) << "entity key has no join keys";
    QTest::newRow("null value") << row({{"user_id", v1::Value()}}) << "join key 'user_id' is null";
    QTest::newRow("null among others")
        << row({{"a", i64(1)}, {"b", v1::Value()}}) << "join key 'b' is null";
    QTest::newRow("repeated name")
        << row({{"user_id", i64(1)}, {"user_id", i64(2)}}) << "join key 'user_id' given twice";
    QTest::newRow("repeated name, other types")
        << row({{"k", str("x")}, {"a", i64(1)}, {"k", bytes("y")}}) << "join key 'k' given twice";
    QTest::newRow("double") << row({{"score", dbl(1.0)}}) << "join key 'score' has type DOUBLE";
    QTest::newRow("float") << row({{"score", floatValue}}) << "join key 'score' has type FLOAT";
    QTest::newRow("bool") << row({{"flag", boolean(true)}}) << "join key 'flag' has type BOOL";
    QTest::newRow("int64 list") << row({{"ids", listValue}})
                                << "join key 'ids' has type INT64_LIST";
    QTest::newRow("string list") << row({{"tags", stringList}})
                                 << "join key 'tags' has type STRING_LIST";
}

void TestEntityKey::encodingErrors() {
    QFETCH(QByteArray, parts);
    QFETCH(QString, fragment);
    const auto row = fromBytes<v1::RowValues>(parts);
    std::vector<KeyPart> keyParts;
    for (const auto& nv : row.values())
        keyParts.emplace_back(nv.name(), nv.value());
    auto key = storage::encodeEntityKey(keyParts);
    MERIDIAN_EXPECT_ERROR(key.status(), absl::StatusCode::kInvalidArgument, fragment.toStdString());
}

void TestEntityKey::malformedInput_data() {
    QTest::addColumn<QByteArray>("bytes");
    const std::string good = encodeOrFail({{"user_id", i64(42)}, {"country", str("DE")}});
    QTest::newRow("unknown tag") << QByteArray(
        "\x01"
        "a"
        "\x09"
        "xxxxxxxx",
        11);
    QTest::newRow("tag zero") << QByteArray(
        "\x01"
        "a"
        "\x00",
        3);
    QTest::newRow("name longer than input") << QByteArray(
        "\x10"
        "abc",
        4);
    QTest::newRow("name without tag") << QByteArray(
        "\x01"
        "a",
        2);
    QTest::newRow("short int64") << QByteArray(
        "\x01"
        "a"
        "\x01"
        "\x80\x00\x00",
        6);
    QTest::newRow("short int32") << QByteArray(
        "\x01"
        "a"
        "\x02"
        "\x80",
        4);
    QTest::newRow("string longer than input") << QByteArray(
        "\x01"
        "a"
        "\x03"
        "\x05"
        "ab",
        6);
    QTest::newRow("unterminated varint") << QByteArray("\xff\xff\xff", 3);
    QTest::newRow("overlong varint") << QByteArray(12, '\xff');
    QTest::newRow("huge length") << QByteArray("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
    QTest::newRow("trailing garbage") << QByteArray::fromStdString(good) + QByteArray("\x05", 1);
}

void TestEntityKey::malformedInput() {
    QFETCH(QByteArray, bytes);
    auto decoded = storage::decodeEntityKey(std::string_view(bytes.constData(), bytes.size()));
    MERIDIAN_EXPECT_ERROR(decoded.status(), absl::StatusCode::kDataLoss, "malformed entity key");
    QCOMPARE(storage::entityKeyToString(std::string_view(bytes.constData(), bytes.size())),
             std::string("<malformed key>"));
}

void TestEntityKey::truncationsNeverCrash() {
    const std::string key = encodeOrFail({{"user_id", i64(-5)},
                                          {"shard", i32(9)},
                                          {"country", str("FR")},
                                          {"h", bytes("\x00\x01")}});
    for (size_t n = 0; n < key.size(); ++n) {
        auto decoded = storage::decodeEntityKey(std::string_view(key.data(), n));
        // A prefix at a part boundary is a valid shorter key; anything else is DataLoss.
        if (!decoded.ok())
            QCOMPARE(decoded.status().code(), absl::StatusCode::kDataLoss);
    }
    std::mt19937 rng(7);
    for (int i = 0; i < 5000; ++i) {
        std::string noise(rng() % 24, '\0');
        for (auto& c : noise)
            c = static_cast<char>(rng());
        auto decoded = storage::decodeEntityKey(noise);
        if (!decoded.ok())
            QCOMPARE(decoded.status().code(), absl::StatusCode::kDataLoss);
    }
    QVERIFY(storage::decodeEntityKey("").ok());
    QVERIFY(storage::decodeEntityKey("")->empty());
}

void TestEntityKey::toString() {
    QCOMPARE(
        storage::entityKeyToString(encodeOrFail({{"user_id", i64(42)}, {"country", str("DE")}})),
        std::string("country=DE, user_id=42"));
    QCOMPARE(storage::entityKeyToString(encodeOrFail({{"shard", i32(-3)}})),
             std::string("shard=-3"));
    QCOMPARE(storage::entityKeyToString(encodeOrFail({{"h", bytes("abc")}})),
             std::string("h=<3 bytes>"));
}

QTEST_APPLESS_MAIN(TestEntityKey)
#include "tst_entitykey.moc"
