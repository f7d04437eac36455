#pragma once
// Builders shared by the unit tests of the Qt-free core: the demo's regions, typed values,
// small registry objects and a check that a status has the expected code and names a thing.

#include <QtTest>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "meridian/v1/registry.pb.h"
#include "registry/regionset.h"

namespace meridian::test {

// The four regions of resources/demo/deployment.yaml: two in the EU jurisdiction, one each in
// the US and APAC.
inline constexpr const char* kUs = "aws-us-east-1";
inline constexpr const char* kEu = "aws-eu-west-1";
inline constexpr const char* kEu4 = "gcp-europe-west4";
inline constexpr const char* kApac = "azure-southeastasia";

inline registry::RegionSet demoRegions() {
    return registry::RegionSet({
        {kUs, "aws", "us-east-1", "us", "north-america"},
        {kEu, "aws", "eu-west-1", "eu", "europe"},
        {kEu4, "gcp", "europe-west4", "eu", "europe"},
        {kApac, "azure", "southeastasia", "apac", "asia"},
    });
}

inline v1::Value i64(int64_t v) {
    v1::Value out;
    out.set_int64_val(v);
    return out;
}
inline v1::Value i32(int32_t v) {
    v1::Value out;
    out.set_int32_val(v);
    return out;
}
inline v1::Value dbl(double v) {
    v1::Value out;
    out.set_double_val(v);
    return out;
}
inline v1::Value str(const std::string& v) {
    v1::Value out;
    out.set_string_val(v);
    return out;
}
inline v1::Value bytes(const std::string& v) {
    v1::Value out;
    out.set_bytes_val(v);
    return out;
}
inline v1::Value boolean(bool v) {
    v1::Value out;
    out.set_bool_val(v);
    return out;
}

inline v1::RegistryObject projectObject(const std::string& name) {
    v1::RegistryObject o;
    o.mutable_project()->set_name(name);
    return o;
}

inline v1::RegistryObject entityObject(const std::string& project, const std::string& name,
                                       std::vector<std::pair<std::string, v1::ValueType>> keys) {
    v1::RegistryObject o;
    auto* e = o.mutable_entity();
    e->set_project(project);
    e->set_name(name);
    for (const auto& [key, type] : keys) {
        auto* k = e->add_join_keys();
        k->set_name(key);
        k->set_value_type(type);
    }
    return o;
}

inline v1::RegistryObject sourceObject(const std::string& project, const std::string& name,
                                       const std::string& originRegion = {}) {
    v1::RegistryObject o;
    auto* s = o.mutable_data_source();
    s->set_project(project);
    s->set_name(name);
    s->set_kind(v1::DataSource::PUSH);
    s->set_timestamp_field("event_timestamp");
    s->set_origin_region(originRegion);
    return o;
}

inline void addField(google::protobuf::RepeatedPtrField<v1::Field>* fields, const std::string& name,
                     v1::ValueType type) {
    auto* f = fields->Add();
    f->set_name(name);
    f->set_value_type(type);
}

// A LOCAL view in `ownerRegion`, online and offline, with the features given.
inline v1::RegistryObject viewObject(const std::string& project, const std::string& name,
                                     std::vector<std::string> entities,
                                     std::vector<std::pair<std::string, v1::ValueType>> features,
                                     const std::string& ownerRegion = "aws-us-east-1") {
    v1::RegistryObject o;
    auto* v = o.mutable_feature_view();
    v->set_project(project);
    v->set_name(name);
    for (const auto& e : entities)
        v->add_entities(e);
    for (const auto& [f, type] : features)
        addField(v->mutable_features(), f, type);
    v->set_owner_region(ownerRegion);
    v->set_online(true);
    v->set_offline(true);
    v->mutable_replication()->set_mode(v1::ReplicationPolicy::LOCAL);
    return o;
}

// Projections: (view, features); an empty feature list projects the whole view.
inline v1::RegistryObject serviceObject(
    const std::string& project, const std::string& name,
    std::vector<std::pair<std::string, std::vector<std::string>>> projections,
    std::vector<std::string> models = {}) {
    v1::RegistryObject o;
    auto* s = o.mutable_feature_service();
    s->set_project(project);
    s->set_name(name);
    for (const auto& [view, features] : projections) {
        auto* p = s->add_features();
        p->set_feature_view(view);
        for (const auto& f : features)
            p->add_features(f);
    }
    for (const auto& m : models)
        s->add_consumers()->set_model(m);
    return o;
}

inline QByteArray toBytes(const google::protobuf::Message& m) {
    const std::string s = m.SerializeAsString();
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

template <typename M>
M fromBytes(const QByteArray& bytes) {
    M m;
    m.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size()));
    return m;
}

inline QString describe(const absl::Status& st) {
    return QString::fromStdString(st.ToString());
}

}  // namespace meridian::test

namespace QTest {
// Readable failures for QCOMPARE on std::string.
template <>
inline char* toString(const std::string& s) {
    return qstrdup(s.c_str());
}
}  // namespace QTest

// The status has `code` and its message contains every fragment (each names the offending thing).
#define MERIDIAN_EXPECT_ERROR(statusExpr, expectedCode, ...)                                    \
    do {                                                                                        \
        const absl::Status _st = (statusExpr);                                                  \
        QVERIFY2(                                                                               \
            _st.code() == (expectedCode),                                                       \
            qPrintable(QStringLiteral("expected %1, got: %2")                                   \
                           .arg(QString::fromStdString(absl::StatusCodeToString(expectedCode))) \
                           .arg(::meridian::test::describe(_st))));                             \
        for (const std::string& _fragment : std::initializer_list<std::string>{__VA_ARGS__}) {  \
            QVERIFY2(std::string(_st.message()).find(_fragment) != std::string::npos,           \
                     qPrintable(QStringLiteral("message lacks \"%1\": %2")                      \
                                    .arg(QString::fromStdString(_fragment))                     \
                                    .arg(::meridian::test::describe(_st))));                    \
        }                                                                                       \
    } while (0)

#define MERIDIAN_EXPECT_OK(statusExpr)                                   \
    do {                                                                 \
        const absl::Status _st = (statusExpr);                           \
        QVERIFY2(_st.ok(), qPrintable(::meridian::test::describe(_st))); \
    } while (0)
