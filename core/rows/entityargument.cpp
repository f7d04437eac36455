#include "rows/entityargument.h"

#include <set>

#include "absl/strings/str_join.h"
#include "registry/valuetypes.h"
#include "rows/valueconversion.h"
#include "serving/featureselection.h"

namespace meridian::rows {
namespace {

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

std::string keyList(const std::vector<v1::JoinKey>& joinKeys) {
    std::vector<std::string> names;
    for (const auto& k : joinKeys)
        names.push_back(k.name() + " (" + std::string(registry::valueTypeName(k.value_type())) +
                        ")");
    return absl::StrJoin(names, ", ");
}

}  // namespace

absl::StatusOr<std::vector<v1::JoinKey>> joinKeysForRead(const registry::Catalog& catalog,
                                                         const std::string& project,
                                                         const std::string& service,
                                                         const std::vector<std::string>& refs) {
    auto selection = serving::selectFeatures(catalog, project, service, refs);
    if (!selection.ok())
        return selection.status();
    std::vector<v1::JoinKey> keys;
    std::set<std::string> seen;
    for (const auto& view : selection->views) {
        for (const auto& key : view.joinKeys) {
            if (seen.insert(key.name()).second)
                keys.push_back(key);
        }
    }
    return keys;
}

absl::StatusOr<v1::EntityRow> parseEntityArgument(std::string_view text,
                                                  const std::vector<v1::JoinKey>& joinKeys) {
    v1::EntityRow row;
    std::vector<std::string_view> parts;
    for (size_t from = 0;;) {
        const size_t comma = text.find(',', from);
        parts.push_back(
            text.substr(from, comma == std::string_view::npos ? text.npos : comma - from));
        if (comma == std::string_view::npos)
            break;
        from = comma + 1;
    }
    for (std::string_view part : parts) {
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return absl::InvalidArgumentError(
                "entity " + quoted(text) + ": " + quoted(part) +
                " is not of the form key=value (join keys: " + keyList(joinKeys) + ")");
        const std::string name(part.substr(0, eq));
        const std::string_view valueText = part.substr(eq + 1);
        const v1::JoinKey* key = nullptr;
        for (const auto& k : joinKeys)
            if (k.name() == name)
                key = &k;
        if (!key)
            return absl::InvalidArgumentError("entity " + quoted(text) + ": " + quoted(name) +
                                              " is not a join key of the selected features "
                                              "(join keys: " +
                                              keyList(joinKeys) + ")");
        if (row.keys().contains(name))
            return absl::InvalidArgumentError("entity " + quoted(text) + ": join key " +
                                              quoted(name) + " is given twice");
        auto value = valueFromText(valueText, key->value_type(), "join key " + quoted(name));
        if (!value.ok())
            return absl::InvalidArgumentError("entity " + quoted(text) + ": " +
                                              std::string(value.status().message()));
        (*row.mutable_keys())[name] = std::move(*value);
    }
    for (const auto& k : joinKeys) {
        if (!row.keys().contains(k.name()))
            return absl::InvalidArgumentError("entity " + quoted(text) + " lacks join key " +
                                              quoted(k.name()) + " (" +
                                              std::string(registry::valueTypeName(k.value_type())) +
                                              "); the selected features need " + keyList(joinKeys));
    }
    return row;
}

}  // namespace meridian::rows
