#include "support/testrepository.h"

#include <QtTest>

#include "deployment/repositoryfile.h"
#include "registry/applyplan.h"

namespace meridian::test {

v1::ApplyRequest testRepositoryRequest() {
    auto repo = deployment::loadRepositoryFile(MERIDIAN_SOURCE_DIR "/tests/data/testrepo.yaml");
    if (!repo.ok())
        qFatal("test repository does not load: %s", std::string(repo.status().message()).c_str());
    v1::ApplyRequest request;
    for (auto& o : registry::objectsOf(*repo))
        *request.add_objects() = std::move(o);
    return request;
}

v1::Value int64Value(int64_t v) {
    v1::Value out;
    out.set_int64_val(v);
    return out;
}

v1::Value doubleValue(double v) {
    v1::Value out;
    out.set_double_val(v);
    return out;
}

v1::Value stringValue(const std::string& v) {
    v1::Value out;
    out.set_string_val(v);
    return out;
}

v1::FeatureRow userStatsRow(int64_t userId, int64_t eventMs, int64_t txnCount, double avgAmount) {
    v1::FeatureRow row;
    (*row.mutable_keys())["user_id"] = int64Value(userId);
    row.set_event_timestamp(eventMs);
    (*row.mutable_values())["txn_count"] = int64Value(txnCount);
    (*row.mutable_values())["avg_amount"] = doubleValue(avgAmount);
    (*row.mutable_values())["country"] = stringValue("DE");
    return row;
}

}  // namespace meridian::test
