#pragma once
// Replication inside one process, for the unit tests of its sending and receiving sides: a
// repository whose views reach a peer in each way the sender can decide (sent, never leaving
// the region, not replicated to the peer, refused by residency), rows for them, and the changes
// a batch carries.

#include <QtTest>

#include <string>
#include <utility>
#include <vector>

#include "replication/changefeed.h"
#include "replication/codec.h"
#include "support/servingfixture.h"

namespace meridian::test {

// Project shop, entity user and four views owned by kHere:
//   user_scores  active-active between kHere and kEu
//   kyc_flags    active-active between kHere and kEu, residency limited to those two
//   sessions     local: never leaves kHere
//   apac_offers  active-active between kHere and kApac
inline v1::ApplyRequest linkRepository() {
    using Mode = v1::ReplicationPolicy;
    v1::ApplyRequest request;
    auto add = [&](v1::RegistryObject o) { *request.add_objects() = std::move(o); };
    auto activeActive = [](v1::RegistryObject& o, std::vector<std::string> regions) {
        auto* r = o.mutable_feature_view()->mutable_replication();
        r->set_mode(Mode::ACTIVE_ACTIVE);
        for (const auto& region : regions)
            r->add_regions(region);
    };
    add(projectObject("shop"));
    add(entityObject("shop", "user", {{"user_id", v1::INT64}}));
    auto scores =
        viewObject("shop", "user_scores", {"user"}, {{"score", v1::DOUBLE}, {"label", v1::STRING}});
    activeActive(scores, {kHere, kEu});
    add(scores);
    auto kyc = viewObject("shop", "kyc_flags", {"user"}, {{"verified", v1::BOOL}});
    activeActive(kyc, {kHere, kEu});
    kyc.mutable_feature_view()->mutable_residency()->add_regions(kHere);
    kyc.mutable_feature_view()->mutable_residency()->add_regions(kEu);
    add(kyc);
    add(viewObject("shop", "sessions", {"user"}, {{"open", v1::INT64}}));
    auto offers = viewObject("shop", "apac_offers", {"user"}, {{"offer", v1::STRING}});
    activeActive(offers, {kHere, kApac});
    add(offers);
    return request;
}

inline v1::FeatureRow featureRow(int64_t user, int64_t eventMs,
                                 std::vector<std::pair<std::string, v1::Value>> values) {
    v1::FeatureRow row;
    (*row.mutable_keys())["user_id"] = i64(user);
    row.set_event_timestamp(eventMs);
    for (auto& [name, value] : values)
        (*row.mutable_values())[name] = std::move(value);
    return row;
}

inline v1::FeatureRow scoreRow(int64_t user, int64_t eventMs, double score) {
    return featureRow(user, eventMs,
                      {{"score", dbl(score)}, {"label", str("s" + std::to_string(user))}});
}

inline replication::ChangeFeed::Options feedOptions(int maxChanges = 2000,
                                                    v1::Codec codec = v1::CODEC_ZSTD) {
    replication::ChangeFeed::Options options;
    options.maxChanges = maxChanges;
    options.codec = codec;
    return options;
}

// The changes a batch carries, decompressed and parsed (fatal when they do not decode).
inline std::vector<v1::Change> changesOf(const v1::ChangeBatch& batch) {
    auto raw = replication::decodePayload(batch.payload(), batch.codec(), batch.raw_bytes());
    if (!raw.ok())
        qFatal("payload: %s", raw.status().ToString().c_str());
    v1::ChangeList list;
    if (!list.ParseFromString(*raw))
        qFatal("payload does not parse");
    return {list.changes().begin(), list.changes().end()};
}

}  // namespace meridian::test
