#pragma once
// The small test feature repository (tests/data/testrepo.yaml) and rows for it.

#include <string>

#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"

namespace meridian::test {

// The ApplyRequest for tests/data/testrepo.yaml; fails the calling test if it does not load.
v1::ApplyRequest testRepositoryRequest();

v1::Value int64Value(int64_t v);
v1::Value doubleValue(double v);
v1::Value stringValue(const std::string& v);

// A user_stats row for user `userId` at `eventMs`.
v1::FeatureRow userStatsRow(int64_t userId, int64_t eventMs, int64_t txnCount, double avgAmount);

}  // namespace meridian::test
