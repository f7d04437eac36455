#include "serving/rowcodec.h"

#include "serving/limits.h"

#include "registry/valuetypes.h"
#include "storage/entitykey.h"

namespace meridian::serving {

using registry::valueTypeName;

absl::StatusOr<std::string> entityKeyFor(const std::vector<v1::JoinKey>& joinKeys,
                                         const ValueMap& keys) {
    std::vector<storage::KeyPart> parts;
    parts.reserve(joinKeys.size());
    for (const auto& jk : joinKeys) {
        auto it = keys.find(jk.name());
        if (it == keys.end() || registry::isNull(it->second))
            return absl::InvalidArgumentError("missing join key '" + jk.name() + "'");
        const auto type = registry::typeOfValue(it->second);
        if (type != jk.value_type())
            return absl::InvalidArgumentError("join key '" + jk.name() + "' expects " +
                                              std::string(valueTypeName(jk.value_type())) +
                                              ", got " + std::string(valueTypeName(type)));
        const size_t bytes = it->second.string_val().size() + it->second.bytes_val().size();
        if (bytes > kMaxKeyValueBytes)
            return absl::InvalidArgumentError("join key '" + jk.name() + "' is " +
                                              std::to_string(bytes) + " bytes; at most " +
                                              std::to_string(kMaxKeyValueBytes));
        parts.emplace_back(jk.name(), it->second);
    }
    return storage::encodeEntityKey(std::move(parts));
}

absl::Status onlyJoinKeys(const ValueMap& keys,
                          const std::vector<const std::vector<v1::JoinKey>*>& joinKeys) {
    for (const auto& [name, value] : keys) {
        bool known = false;
        std::string names;
        for (const auto* list : joinKeys) {
            for (const auto& jk : *list) {
                known = known || jk.name() == name;
                if (names.find("'" + jk.name() + "'") == std::string::npos)
                    names += (names.empty() ? "'" : ", '") + jk.name() + "'";
            }
        }
        if (!known)
            return absl::InvalidArgumentError("'" + name + "' is not a join key here (expected " +
                                              names + ")");
    }
    return absl::OkStatus();
}

absl::StatusOr<std::vector<const v1::Value*>> featureValuesFor(const v1::FeatureView& view,
                                                               const ValueMap& values) {
    std::vector<const v1::Value*> out(view.features_size(), nullptr);
    size_t found = 0;
    for (int i = 0; i < view.features_size(); ++i) {
        const auto& f = view.features(i);
        auto it = values.find(f.name());
        if (it == values.end())
            continue;
        ++found;
        if (!registry::valueMatches(it->second, f.value_type()))
            return absl::InvalidArgumentError(
                "feature '" + f.name() + "' expects " + std::string(valueTypeName(f.value_type())) +
                ", got " + std::string(valueTypeName(registry::typeOfValue(it->second))));
        if (const size_t bytes = it->second.ByteSizeLong(); bytes > kMaxFeatureValueBytes)
            return absl::InvalidArgumentError("feature '" + f.name() + "' holds " +
                                              std::to_string(bytes) + " bytes; at most " +
                                              std::to_string(kMaxFeatureValueBytes) + " per value");
        out[i] = &it->second;
    }
    if (found != values.size()) {
        for (const auto& [name, value] : values) {
            bool known = false;
            for (const auto& f : view.features())
                known = known || f.name() == name;
            if (!known)
                return absl::InvalidArgumentError("feature view '" + view.name() +
                                                  "' has no feature '" + name + "'");
        }
    }
    return out;
}

}  // namespace meridian::serving
