#pragma once
// The benchmarks' feature repository: project `bench`, entity `user` (join key `user_id`
// INT64) and the view `user_features` of 20 features f0..f19, even ones DOUBLE, odd ones INT64.

#include <cstdint>
#include <random>
#include <string>

#include "meridian/v1/registry.pb.h"
#include "meridian/v1/serving.pb.h"

namespace meridian::bench {

inline constexpr int kFeatures = 20;
inline constexpr const char* kProject = "bench";
inline constexpr const char* kFeatureView = "user_features";

inline bool isInt64Feature(int f) {
    return f % 2 != 0;
}

inline std::string featureName(int f) {
    return "f" + std::to_string(f);
}

inline v1::ApplyRequest benchRepository() {
    v1::ApplyRequest request;
    request.add_objects()->mutable_project()->set_name(kProject);
    auto* user = request.add_objects()->mutable_entity();
    user->set_name("user");
    user->set_project(kProject);
    auto* key = user->add_join_keys();
    key->set_name("user_id");
    key->set_value_type(v1::INT64);
    auto* view = request.add_objects()->mutable_feature_view();
    view->set_name(kFeatureView);
    view->set_project(kProject);
    view->add_entities("user");
    for (int i = 0; i < kFeatures; ++i) {
        auto* f = view->add_features();
        f->set_name(featureName(i));
        f->set_value_type(isInt64Feature(i) ? v1::INT64 : v1::DOUBLE);
    }
    return request;
}

// Online rows for users first..last (inclusive) at event time `now`, with random values.
inline v1::WriteFeaturesRequest benchRows(int first, int last, int64_t now, std::mt19937_64& rng) {
    v1::WriteFeaturesRequest w;
    w.set_project(kProject);
    w.set_feature_view(kFeatureView);
    w.set_target(v1::ONLINE);
    for (int id = first; id <= last; ++id) {
        auto* row = w.add_rows();
        (*row->mutable_keys())["user_id"].set_int64_val(id);
        row->set_event_timestamp(now);
        for (int f = 0; f < kFeatures; ++f) {
            auto& v = (*row->mutable_values())[featureName(f)];
            if (isInt64Feature(f))
                v.set_int64_val(static_cast<int64_t>(rng() % 1000));
            else
                v.set_double_val(static_cast<double>(rng() % 100000) / 100.0);
        }
    }
    return w;
}

}  // namespace meridian::bench
