#include "rows/rowfile.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "absl/strings/str_join.h"
#include "registry/valuetypes.h"
#include "rows/eventtime.h"
#include "rows/valueconversion.h"
#include "serving/featureselection.h"

namespace meridian::rows {
namespace {

using google::protobuf::Struct;
using JsonValue = google::protobuf::Value;
using ValueMap = google::protobuf::Map<std::string, v1::Value>;

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// The columns a file may have, in the order messages list them.
struct Columns {
    std::vector<v1::JoinKey> joinKeys;
    std::string timeColumn;
    std::vector<v1::Field> features;
    std::string owner;  // "feature view 'user_stats'", or empty for entity rows

    bool known(const std::string& name) const {
        if (name == timeColumn)
            return true;
        for (const auto& k : joinKeys)
            if (k.name() == name)
                return true;
        for (const auto& f : features)
            if (f.name() == name)
                return true;
        return false;
    }

    std::string unknown(const std::string& name) const {
        std::vector<std::string> keys, features;
        std::string nearest;
        size_t best = 3;
        auto consider = [&](const std::string& candidate) {
            const size_t d = editDistance(name, candidate);
            if (d < best) {
                best = d;
                nearest = candidate;
            }
        };
        for (const auto& k : joinKeys) {
            keys.push_back(k.name());
            consider(k.name());
        }
        for (const auto& f : this->features) {
            features.push_back(f.name());
            consider(f.name());
        }
        consider(timeColumn);
        std::string out = "unknown column " + quoted(name);
        if (!owner.empty())
            out += " for " + owner;
        if (!nearest.empty())
            out += " (did you mean " + quoted(nearest) + "?)";
        out += "; valid columns: join keys " + absl::StrJoin(keys, ", ") + "; event time " +
               timeColumn;
        if (!features.empty())
            out += "; features " + absl::StrJoin(features, ", ");
        return out;
    }
};

// Calls `onRow` with each non-blank line parsed as a JSON object; the first failure is returned
// prefixed with "name:line: ".
absl::Status forEachObject(std::string_view text, const std::string& name,
                           const std::function<absl::Status(const Struct&)>& onRow,
                           const ReadProgressFn& progress = {}) {
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);  // a UTF-8 byte order mark
    const size_t totalBytes = text.size();
    google::protobuf::util::JsonParseOptions options;
    size_t lineNumber = 0;
    size_t rows = 0;
    while (!text.empty()) {
        ++lineNumber;
        if (progress && lineNumber % 4096 == 0)
            progress(totalBytes - text.size(), totalBytes);
        const size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.empty())
            continue;
        const std::string where = name + ":" + std::to_string(lineNumber) + ": ";
        if (line.front() != '{')
            return absl::InvalidArgumentError(where + "expected a JSON object {...} on each line");
        Struct row;
        const auto parsed = google::protobuf::util::JsonStringToMessage(
            google::protobuf::StringPiece(line.data(), line.size()), &row, options);
        if (!parsed.ok()) {
            // The parser's message ends with a copy of the line and a caret; the line is known.
            std::string message(parsed.message());
            message = message.substr(0, message.find('\n'));
            return absl::InvalidArgumentError(where + "not valid JSON: " + message);
        }
        if (auto st = onRow(row); !st.ok())
            return absl::Status(st.code(), where + std::string(st.message()));
        ++rows;
    }
    if (rows == 0)
        return absl::InvalidArgumentError(name + ": no rows (the file is empty)");
    return absl::OkStatus();
}

absl::Status checkColumns(const Struct& row, const Columns& columns) {
    std::vector<std::string> unknown;
    for (const auto& [column, value] : row.fields())
        if (!columns.known(column))
            unknown.push_back(column);
    if (unknown.empty())
        return absl::OkStatus();
    std::sort(unknown.begin(), unknown.end());
    return absl::InvalidArgumentError(columns.unknown(unknown.front()));
}

absl::Status readKeys(const Struct& row, const std::vector<v1::JoinKey>& joinKeys, ValueMap& out) {
    for (const auto& key : joinKeys) {
        const std::string what = "join key " + quoted(key.name());
        auto it = row.fields().find(key.name());
        if (it == row.fields().end() || it->second.kind_case() == JsonValue::kNullValue)
            return absl::InvalidArgumentError(
                what + " (" + std::string(registry::valueTypeName(key.value_type())) +
                ") is missing");
        auto value = valueFromJson(it->second, key.value_type(), what);
        if (!value.ok())
            return value.status();
        out[key.name()] = std::move(*value);
    }
    return absl::OkStatus();
}

absl::StatusOr<int64_t> readTime(const Struct& row, const std::string& column) {
    const std::string what = "event time " + quoted(column);
    auto it = row.fields().find(column);
    if (it == row.fields().end() || it->second.kind_case() == JsonValue::kNullValue)
        return absl::InvalidArgumentError(
            what + " is missing (epoch milliseconds or ISO-8601 such as 2026-11-26T09:00:00Z)");
    const JsonValue& json = it->second;
    std::string text;
    if (json.kind_case() == JsonValue::kStringValue) {
        text = json.string_value();
    } else if (json.kind_case() == JsonValue::kNumberValue) {
        const double d = json.number_value();
        if (std::trunc(d) != d || std::fabs(d) > 9.2e18)
            return absl::InvalidArgumentError(what + " expects whole milliseconds, got " +
                                              describeJson(json));
        text = std::to_string(static_cast<int64_t>(d));
    } else {
        return absl::InvalidArgumentError(
            what + " expects epoch milliseconds or ISO-8601 text, got " + describeJson(json));
    }
    auto t = parseTimestamp(text);
    if (!t.ok())
        return absl::InvalidArgumentError(what + ": " + std::string(t.status().message()));
    return *t;
}

// What feature rows and entity rows share: no unknown columns, the join keys and the event time.
template <typename Row>
absl::Status readKeysAndTime(const Struct& json, const Columns& columns, Row& row) {
    if (auto s = checkColumns(json, columns); !s.ok())
        return s;
    if (auto s = readKeys(json, columns.joinKeys, *row.mutable_keys()); !s.ok())
        return s;
    auto time = readTime(json, columns.timeColumn);
    if (!time.ok())
        return time.status();
    row.set_event_timestamp(*time);
    return absl::OkStatus();
}

absl::StatusOr<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return absl::NotFoundError("cannot read row file '" + path + "'");
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        return absl::DataLossError("reading row file '" + path + "' failed");
    return buffer.str();
}

}  // namespace

absl::StatusOr<FeatureRowSchema> featureRowSchema(const registry::Catalog& catalog,
                                                  const v1::FeatureView& view) {
    FeatureRowSchema schema;
    schema.viewName = view.name();
    auto keys = serving::joinKeysOf(catalog, view);
    if (!keys.ok())
        return keys.status();
    schema.joinKeys = std::move(*keys);
    if (!view.sources().empty()) {
        const auto* source = catalog.dataSource(view.project(), view.sources(0));
        if (source && !source->timestamp_field().empty())
            schema.timeColumn = source->timestamp_field();
    }
    schema.features.assign(view.features().begin(), view.features().end());
    return schema;
}

absl::StatusOr<std::vector<v1::FeatureRow>> parseFeatureRows(std::string_view text,
                                                             const std::string& name,
                                                             const FeatureRowSchema& schema,
                                                             const ReadProgressFn& progress) {
    Columns columns{schema.joinKeys, schema.timeColumn, schema.features,
                    schema.viewName.empty() ? "" : "feature view " + quoted(schema.viewName)};
    std::vector<v1::FeatureRow> rows;
    auto st = forEachObject(
        text, name,
        [&](const Struct& json) -> absl::Status {
            v1::FeatureRow row;
            if (auto s = readKeysAndTime(json, columns, row); !s.ok())
                return s;
            for (const auto& feature : schema.features) {
                auto it = json.fields().find(feature.name());
                if (it == json.fields().end())
                    continue;
                auto value = valueFromJson(it->second, feature.value_type(),
                                           "feature " + quoted(feature.name()));
                if (!value.ok())
                    return value.status();
                if (!registry::isNull(*value))
                    (*row.mutable_values())[feature.name()] = std::move(*value);
            }
            rows.push_back(std::move(row));
            return absl::OkStatus();
        },
        progress);
    if (!st.ok())
        return st;
    return rows;
}

absl::StatusOr<std::vector<v1::FeatureRow>> readFeatureRows(const std::string& path,
                                                            const FeatureRowSchema& schema,
                                                            const ReadProgressFn& progress) {
    auto text = readFile(path);
    if (!text.ok())
        return text.status();
    return parseFeatureRows(*text, path, schema, progress);
}

absl::StatusOr<std::vector<v1::EntityRow>> parseEntityRows(std::string_view text,
                                                           const std::string& name,
                                                           const EntityRowSchema& schema) {
    Columns columns{schema.joinKeys, schema.timeColumn, {}, {}};
    std::vector<v1::EntityRow> rows;
    auto st = forEachObject(text, name, [&](const Struct& json) -> absl::Status {
        v1::EntityRow row;
        if (auto s = readKeysAndTime(json, columns, row); !s.ok())
            return s;
        rows.push_back(std::move(row));
        return absl::OkStatus();
    });
    if (!st.ok())
        return st;
    return rows;
}

absl::StatusOr<std::vector<v1::EntityRow>> readEntityRows(const std::string& path,
                                                          const EntityRowSchema& schema) {
    auto text = readFile(path);
    if (!text.ok())
        return text.status();
    return parseEntityRows(*text, path, schema);
}

}  // namespace meridian::rows
