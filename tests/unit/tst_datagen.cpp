// The row generator (core/datagen): typed, deterministic, skewed and internally consistent rows
// for every view of the sample repository, a sensible fallback for unknown views, and JSON
// lines that read back through google.protobuf.Struct with the right columns.

#include <QtTest>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "absl/strings/escaping.h"
#include "datagen/jsonline.h"
#include "datagen/rowgenerator.h"
#include "deployment/deployment.h"
#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"
#include "registry/valuetypes.h"

using namespace meridian;
using datagen::RowGenerator;

namespace {

const std::string kSourceDir = MERIDIAN_SOURCE_DIR;
constexpr int64_t kNow = 1'795'683'600'000;  // 2026-11-26T09:00:00Z
constexpr uint64_t kSeed = 20261126;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

double asDouble(const v1::Value& v) {
    return v.has_float_val() ? double(v.float_val()) : v.double_val();
}

std::vector<double> asVector(const v1::Value& v) {
    if (v.has_float_list_val())
        return {v.float_list_val().val().begin(), v.float_list_val().val().end()};
    return {v.double_list_val().val().begin(), v.double_list_val().val().end()};
}

v1::JoinKey joinKey(const std::string& name, v1::ValueType type) {
    v1::JoinKey k;
    k.set_name(name);
    k.set_value_type(type);
    return k;
}

}  // namespace

class TestDatagen : public QObject {
    Q_OBJECT

private:
    registry::Catalog m_catalog;

    const v1::FeatureView& view(const std::string& name) const {
        const auto* v = m_catalog.featureView("commerce", name);
        if (!v)
            qFatal("the sample has no feature view %s", name.c_str());
        return *v;
    }

    std::vector<v1::JoinKey> joinKeysOf(const v1::FeatureView& v) const {
        std::vector<v1::JoinKey> keys;
        for (const auto& e : v.entities()) {
            for (const auto& k : m_catalog.entity(v.project(), e)->join_keys())
                keys.push_back(k);
        }
        return keys;
    }

    RowGenerator generator(const std::string& viewName, uint64_t seed = kSeed) const {
        const auto& v = view(viewName);
        return RowGenerator(v, joinKeysOf(v), seed);
    }

    // `count` rows one second apart, ending at kNow.
    std::vector<v1::FeatureRow> rows(const std::string& viewName, int count,
                                     uint64_t seed = kSeed) const {
        auto g = generator(viewName, seed);
        std::vector<v1::FeatureRow> out;
        for (int i = 0; i < count; ++i)
            out.push_back(g.next(kNow - (count - i) * 1000));
        return out;
    }

private slots:
    void initTestCase() {
        auto deployment =
            deployment::loadDeployment(kSourceDir + "/resources/demo/deployment.yaml");
        QVERIFY2(deployment.ok(), qPrintable(q(deployment.status().ToString())));
        auto repo =
            deployment::loadRepositoryFile(kSourceDir + "/resources/examples/feature_repo.yaml");
        QVERIFY2(repo.ok(), qPrintable(q(repo.status().ToString())));
        registry::ApplyContext context;
        context.region = "aws-us-east-1";
        context.nowMs = kNow;
        auto plan = registry::planApply(registry::Catalog(), registry::objectsOf(*repo),
                                        deployment->regionSet(), context);
        QVERIFY2(plan.ok(), qPrintable(q(plan.status().ToString())));
        std::vector<v1::RegistryObject> objects;
        for (auto& change : *plan)
            objects.push_back(std::move(change.object));
        m_catalog = registry::Catalog(std::move(objects));
        QVERIFY(m_catalog.ofKind(v1::FEATURE_VIEW).size() >= 6);
    }

    // Every key and feature of every sample view is present, non-null and of its declared type,
    // and the generator recognises every sample feature (none falls back to "any value").
    void typesMatchDeclaredTypes() {
        for (const auto* o : m_catalog.ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            auto g = RowGenerator(v, joinKeysOf(v), kSeed);
            for (const auto& plan : g.plans()) {
                QVERIFY2(plan.shape != datagen::FeatureShape::ByType,
                         qPrintable(q(v.name() + "." + plan.name)));
            }
            for (int i = 0; i < 300; ++i) {
                const auto row = g.next(kNow + i * 250);
                QCOMPARE(row.event_timestamp(), kNow + i * 250);
                QCOMPARE(row.keys_size(), int(g.joinKeys().size()));
                for (const auto& k : g.joinKeys()) {
                    QVERIFY2(row.keys().count(k.name()), k.name().c_str());
                    const auto& value = row.keys().at(k.name());
                    QVERIFY(!registry::isNull(value));
                    QVERIFY(registry::valueMatches(value, k.value_type()));
                }
                QCOMPARE(row.values_size(), v.features_size());
                for (const auto& f : v.features()) {
                    const std::string what = v.name() + "." + f.name();
                    QVERIFY2(row.values().count(f.name()), what.c_str());
                    const auto& value = row.values().at(f.name());
                    QVERIFY2(!registry::isNull(value), what.c_str());
                    QVERIFY2(registry::valueMatches(value, f.value_type()), what.c_str());
                }
            }
        }
    }

    void deterministicPerSeed() {
        const auto a = rows("user_transaction_aggregates", 200, 7);
        const auto b = rows("user_transaction_aggregates", 200, 7);
        const auto c = rows("user_transaction_aggregates", 200, 8);
        int differing = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QVERIFY(google::protobuf::util::MessageDifferencer::Equals(a[i], b[i]));
            if (!google::protobuf::util::MessageDifferencer::Equals(a[i], c[i]))
                ++differing;
        }
        QVERIFY2(differing > 190, qPrintable(QString::number(differing)));
        // JSON lines are deterministic too (column order does not depend on hashing).
        QCOMPARE(datagen::toJsonLine(a[3]), datagen::toJsonLine(b[3]));
    }

    // A few heavy entities and a long tail: the top 1% of users make a large share of the rows,
    // yet most rows come from thousands of different users.
    void keyPopulationsAreSkewed() {
        auto g = generator("user_transaction_aggregates");
        QCOMPARE(g.populations().size(), size_t(1));
        QCOMPARE(g.populations().front().size(), int64_t(100'000));
        std::map<int64_t, int> perUser;
        const int draws = 50'000;
        for (int i = 0; i < draws; ++i) {
            const int64_t id = g.next(kNow + i).keys().at("user_id").int64_val();
            QVERIFY(id >= 1 && id <= 100'000);
            ++perUser[id];
        }
        std::vector<int> counts;
        for (const auto& [id, n] : perUser)
            counts.push_back(n);
        std::sort(counts.rbegin(), counts.rend());
        int top = 0;
        for (size_t i = 0; i < 1000 && i < counts.size(); ++i)
            top += counts[i];
        const double topShare = double(top) / draws;
        QVERIFY2(topShare > 0.25 && topShare < 0.6, qPrintable(QString::number(topShare)));
        QVERIFY2(perUser.size() > 10'000, qPrintable(QString::number(perUser.size())));
        // Hot ids are scattered, not simply the smallest ones.
        const auto& population = g.populations().front();
        QVERIFY(population.idOfRank(1) != 1 || population.idOfRank(2) != 2);
        std::set<int64_t> firstThousand;
        for (int64_t r = 1; r <= 1000; ++r)
            firstThousand.insert(population.idOfRank(r));
        QCOMPARE(firstThousand.size(), size_t(1000));
        for (int64_t r = 1; r <= 1000; ++r)
            QCOMPARE(population.rankOf(population.valueOf(population.idOfRank(r))),
                     std::optional(r));

        auto merchants = generator("merchant_risk");
        QCOMPARE(merchants.populations().front().size(), int64_t(5'000));
        auto items = generator("item_catalog");
        QCOMPARE(items.populations().front().size(), int64_t(50'000));
        static const std::regex kSku("sku-[0-9]{6}");
        for (int i = 0; i < 200; ++i) {
            const std::string id = items.next(kNow).keys().at("item_id").string_val();
            QVERIFY2(std::regex_match(id, kSku), id.c_str());
        }
    }

    void windowCountsAreConsistent() {
        int active = 0;
        for (const auto& row : rows("user_transaction_aggregates", 3000)) {
            const auto& v = row.values();
            const int64_t c1 = v.at("txn_count_1h").int64_val();
            const int64_t c24 = v.at("txn_count_24h").int64_val();
            const int64_t c7 = v.at("txn_count_7d").int64_val();
            QVERIFY(0 <= c1 && c1 <= c24 && c24 <= c7);
            QVERIFY(v.at("distinct_merchants_24h").int64_val() <= c24);
            const double sum = v.at("txn_amount_sum_24h").double_val();
            const double max = v.at("txn_amount_max_24h").double_val();
            if (c24 == 0) {
                QCOMPARE(sum, 0.0);
                QCOMPARE(max, 0.0);
            } else {
                QVERIFY(max > 0 && max <= sum + 0.01);
                ++active;
            }
            const double declined = v.at("declined_ratio_7d").double_val();
            QVERIFY(declined >= 0 && declined <= 1);
            if (c7 == 0)
                QCOMPARE(declined, 0.0);
            const int64_t last = v.at("last_txn_at").unix_timestamp_val();
            QVERIFY(last <= row.event_timestamp());
            if (c1 > 0)
                QVERIFY(row.event_timestamp() - last <= 3'600'000);
            if (c24 == 0)
                QVERIFY(row.event_timestamp() - last > 24 * 3'600'000);
        }
        QVERIFY2(active > 300, qPrintable(QString::number(active)));

        for (const auto& row : rows("item_popularity", 1000)) {
            const auto& v = row.values();
            QVERIFY(v.at("item_views_1h").int64_val() <= v.at("item_views_24h").int64_val());
            QVERIFY(v.at("item_purchases_24h").int64_val() <=
                    v.at("item_purchases_7d").int64_val());
        }
        for (const auto& row : rows("merchant_risk", 1000)) {
            const auto& v = row.values();
            QVERIFY(v.at("merchant_txn_count_1h").int64_val() <=
                    v.at("merchant_txn_count_24h").int64_val());
        }
    }

    void valuesArePlausible() {
        // Amounts are log-normal: positive, a median of tens of dollars, a long right tail.
        std::vector<double> averages;
        for (const auto& row : rows("user_transaction_aggregates", 2000)) {
            const double avg = row.values().at("txn_amount_avg_7d").double_val();
            if (row.values().at("txn_count_7d").int64_val() > 0)
                averages.push_back(avg);
            QVERIFY(row.values().at("last_txn_country").string_val().size() == 2);
        }
        std::sort(averages.begin(), averages.end());
        const double median = averages[averages.size() / 2];
        QVERIFY2(median > 10 && median < 200, qPrintable(QString::number(median)));
        QVERIFY(averages.back() > 3 * median);

        std::map<std::string, std::vector<double>> embeddingOfItem;
        for (const auto& row : rows("item_catalog", 1500)) {
            const auto& v = row.values();
            const auto embedding = asVector(v.at("title_embedding"));
            QCOMPARE(embedding.size(), size_t(32));
            double norm = 0;
            for (double x : embedding)
                norm += x * x;
            QVERIFY2(std::fabs(std::sqrt(norm) - 1) < 1e-4, qPrintable(QString::number(norm)));
            // Attributes of an item are the same on every row of it.
            const std::string item = row.keys().at("item_id").string_val();
            if (embeddingOfItem.count(item))
                QCOMPARE(embeddingOfItem[item], embedding);
            embeddingOfItem[item] = embedding;
            const double price = asDouble(v.at("price"));
            QVERIFY(price > 0 && std::fabs(price * 100 - std::round(price * 100)) < 1e-6);
            const double rating = asDouble(v.at("avg_rating"));
            QVERIFY(rating >= 1 && rating <= 5);
            QVERIFY(v.at("listed_at").unix_timestamp_val() < row.event_timestamp());
            const auto& keywords = v.at("keywords").string_list_val().val();
            QVERIFY(keywords.size() >= 1 && keywords.size() <= 5);
        }
        QVERIFY(embeddingOfItem.size() < 1500);  // some items came back

        std::map<int64_t, std::string> countryOfUser;
        static const std::set<std::string> kEu = {"AT", "BE", "CZ", "DE", "DK", "ES", "FI",
                                                  "FR", "IE", "IT", "NL", "PL", "PT", "SE"};
        for (const auto& row : rows("eu_user_profile", 1500)) {
            const auto& v = row.values();
            const std::string country = v.at("home_country").string_val();
            QVERIFY2(kEu.count(country), country.c_str());
            const int64_t user = row.keys().at("user_id").int64_val();
            if (countryOfUser.count(user))
                QCOMPARE(countryOfUser[user], country);
            countryOfUser[user] = country;
            QVERIFY(v.at("account_age_days").int64_val() >= 0);
            const int64_t consent = v.at("consent_updated_at").unix_timestamp_val();
            QVERIFY(consent <= row.event_timestamp());
        }

        for (const auto& row : rows("merchant_risk", 500)) {
            const auto& v = row.values();
            for (const char* share : {"chargeback_rate_90d", "refund_rate_30d", "risk_score"}) {
                const double x = v.at(share).double_val();
                QVERIFY2(x >= 0 && x <= 1, share);
            }
        }

        for (const auto& row : rows("user_session_features", 500)) {
            const auto& v = row.values();
            QCOMPARE(v.at("session_intent_embedding").double_list_val().val_size(), 16);
            QVERIFY(v.at("session_cart_items").int64_val() <=
                    v.at("session_page_views").int64_val());
            QCOMPARE(v.at("session_started_at").unix_timestamp_val(),
                     row.event_timestamp() - v.at("session_duration_seconds").int64_val() * 1000);
            for (const auto& sku : v.at("session_recent_items").string_list_val().val())
                QVERIFY(sku.starts_with("sku-"));
        }
    }

    // A row for a given entity has the attributes the drawn rows of that entity have.
    void rowsForGivenEntities() {
        auto g = generator("user_profile");
        const auto drawn = g.next(kNow);
        auto again = g.rowFor(drawn.keys(), kNow + 60'000);
        QVERIFY2(again.ok(), qPrintable(q(again.status().ToString())));
        QCOMPARE(again->event_timestamp(), kNow + 60'000);
        for (const char* stable : {"home_country", "kyc_level", "loyalty_tier", "signup_at"}) {
            QVERIFY2(google::protobuf::util::MessageDifferencer::Equals(again->values().at(stable),
                                                                        drawn.values().at(stable)),
                     stable);
        }
        google::protobuf::Map<std::string, v1::Value> wrong;
        wrong["user_id"].set_string_val("42");
        QCOMPARE(g.rowFor(wrong, kNow).status().code(), absl::StatusCode::kInvalidArgument);
        QVERIFY(std::string(g.rowFor({}, kNow).status().message()).find("user_id") !=
                std::string::npos);
        // An id outside the population is still served.
        google::protobuf::Map<std::string, v1::Value> stranger;
        stranger["user_id"].set_int64_val(987'654'321);
        QVERIFY(g.rowFor(stranger, kNow).ok());
    }

    // A view the generator knows nothing about still gets values of the right types.
    void fallsBackByType() {
        v1::FeatureView v;
        v.set_name("device_signals");
        const std::pair<const char*, v1::ValueType> features[] = {
            {"alpha", v1::INT64},       {"beta", v1::INT32},           {"gamma", v1::DOUBLE},
            {"delta", v1::FLOAT},       {"epsilon", v1::STRING},       {"zeta", v1::BYTES},
            {"eta", v1::BOOL},          {"theta", v1::UNIX_TIMESTAMP}, {"iota", v1::INT64_LIST},
            {"kappa", v1::DOUBLE_LIST}, {"lambda", v1::FLOAT_LIST},    {"mu", v1::STRING_LIST}};
        for (const auto& [name, type] : features) {
            auto* f = v.add_features();
            f->set_name(name);
            f->set_value_type(type);
        }
        RowGenerator g(v, {joinKey("device_id", v1::STRING), joinKey("shard", v1::INT32)}, 1);
        for (int i = 0; i < 200; ++i) {
            const auto row = g.next(kNow);
            QVERIFY(row.keys().at("device_id").string_val().starts_with("device-"));
            QVERIFY(row.keys().at("shard").has_int32_val());
            for (const auto& [name, type] : features) {
                const auto& value = row.values().at(name);
                QVERIFY2(!registry::isNull(value) && registry::valueMatches(value, type), name);
            }
            QCOMPARE(row.values().at("zeta").bytes_val().size(), size_t(16));
        }
    }

    // Each line is one flat object: join keys, the time column, every feature, read back to the
    // same values.
    void jsonLinesRoundTripThroughStruct() {
        QCOMPARE(datagen::isoTimestamp(0), std::string("1970-01-01T00:00:00.000Z"));
        QCOMPARE(datagen::isoTimestamp(kNow + 250), std::string("2026-11-26T09:00:00.250Z"));

        for (const auto* o : m_catalog.ofKind(v1::FEATURE_VIEW)) {
            const auto& v = o->feature_view();
            auto g = RowGenerator(v, joinKeysOf(v), kSeed);
            const std::string timeColumn = "event_timestamp";
            for (int i = 0; i < 50; ++i) {
                const auto row = g.next(kNow + i * 1000 + 7);
                const std::string line = datagen::toJsonLine(row, timeColumn);
                QVERIFY(line.find('\n') == std::string::npos);
                QVERIFY2(line.starts_with("{\"" + g.joinKeys().front().name() + "\":"),
                         line.c_str());
                google::protobuf::Struct object;
                QVERIFY2(google::protobuf::util::JsonStringToMessage(line, &object).ok(),
                         line.c_str());
                QCOMPARE(object.fields_size(), row.keys_size() + 1 + v.features_size());
                QCOMPARE(object.fields().at(timeColumn).string_value(),
                         datagen::isoTimestamp(row.event_timestamp()));
                for (const auto& [name, key] : row.keys()) {
                    const auto& json = object.fields().at(name);
                    if (key.has_string_val())
                        QCOMPARE(json.string_value(), key.string_val());
                    else
                        QCOMPARE(json.number_value(), double(key.int64_val()));
                }
                for (const auto& f : v.features()) {
                    const auto& value = row.values().at(f.name());
                    const auto& json = object.fields().at(f.name());
                    const std::string what = v.name() + "." + f.name() + " in " + line;
                    switch (f.value_type()) {
                        case v1::INT64:
                            QCOMPARE(json.number_value(), double(value.int64_val()));
                            break;
                        case v1::DOUBLE:
                            QCOMPARE(json.number_value(), value.double_val());
                            break;
                        case v1::STRING:
                            QCOMPARE(json.string_value(), value.string_val());
                            break;
                        case v1::BOOL:
                            QCOMPARE(json.bool_value(), value.bool_val());
                            break;
                        case v1::UNIX_TIMESTAMP:
                            QCOMPARE(json.string_value(),
                                     datagen::isoTimestamp(value.unix_timestamp_val()));
                            break;
                        case v1::FLOAT_LIST:
                        case v1::DOUBLE_LIST: {
                            const auto expected = asVector(value);
                            QCOMPARE(json.list_value().values_size(), int(expected.size()));
                            for (int k = 0; k < json.list_value().values_size(); ++k) {
                                const double x = json.list_value().values(k).number_value();
                                if (f.value_type() == v1::FLOAT_LIST)
                                    QCOMPARE(float(x), float(expected[size_t(k)]));
                                else
                                    QCOMPARE(x, expected[size_t(k)]);
                            }
                            break;
                        }
                        case v1::STRING_LIST: {
                            const auto& expected = value.string_list_val().val();
                            QCOMPARE(json.list_value().values_size(), expected.size());
                            for (int k = 0; k < expected.size(); ++k)
                                QCOMPARE(json.list_value().values(k).string_value(), expected[k]);
                            break;
                        }
                        default:
                            QFAIL(what.c_str());
                    }
                }
            }
        }
    }

    void jsonLinesKeepWhatJsonCannot() {
        v1::FeatureRow row;
        row.set_event_timestamp(kNow);
        (*row.mutable_keys())["account_id"].set_int64_val(int64_t{1} << 60);
        (*row.mutable_values())["payload"].set_bytes_val(std::string("\x00\xff\x10 \"q\"", 7));
        (*row.mutable_values())["note"].set_string_val("line\nbreak \"quoted\" \\ é");
        (*row.mutable_values())["weight"].set_float_val(0.1f);
        row.mutable_values()->insert({"empty", v1::Value()});  // null: left out
        const std::string line = datagen::toJsonLine(row, "ts");
        QVERIFY2(line.find('\n') == std::string::npos, line.c_str());
        QVERIFY2(line.find("\"weight\":0.1") != std::string::npos, line.c_str());
        google::protobuf::Struct object;
        QVERIFY2(google::protobuf::util::JsonStringToMessage(line, &object).ok(), line.c_str());
        QCOMPARE(object.fields_size(), 5);
        QCOMPARE(object.fields().at("account_id").string_value(), std::to_string(int64_t{1} << 60));
        std::string bytes;
        QVERIFY(absl::Base64Unescape(object.fields().at("payload").string_value(), &bytes));
        QCOMPARE(bytes, row.values().at("payload").bytes_val());
        QCOMPARE(object.fields().at("note").string_value(), row.values().at("note").string_val());
        QCOMPARE(object.fields().at("ts").string_value(), std::string("2026-11-26T09:00:00.000Z"));
    }
};

QTEST_APPLESS_MAIN(TestDatagen)
#include "tst_datagen.moc"
