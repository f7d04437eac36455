#include "deployment/yamljson.h"

#include <google/protobuf/util/json_util.h>

#include <map>
#include <regex>
#include <sstream>

namespace meridian::deployment {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

class Checker {
public:
    explicit Checker(std::string source) : m_source(std::move(source)) {}

    absl::Status error(const YAML::Node& node, const std::string& path,
                       const std::string& what) const {
        std::string where = m_source;
        if (node.Mark().line >= 0)
            where += ":" + std::to_string(node.Mark().line + 1);
        return absl::InvalidArgumentError(where + ": " + (path.empty() ? "" : path + ": ") + what);
    }

    absl::Status message(const YAML::Node& node, const Descriptor* d,
                         const std::string& path) const {
        if (node.IsNull())
            return absl::OkStatus();
        if (!node.IsMap())
            return error(node, path, "expected a mapping of " + d->name() + " fields");
        // YAML keeps the last of two equal keys: one of them would be lost without a word.
        std::map<const FieldDescriptor*, int> seenAt;
        for (const auto& kv : node) {
            const std::string key = kv.first.Scalar();
            const FieldDescriptor* f = d->FindFieldByName(key);
            if (!f)
                f = d->FindFieldByCamelcaseName(key);
            const std::string fieldPath = path.empty() ? key : path + "." + key;
            if (!f)
                return error(kv.first, fieldPath, "unknown field" + suggestion(d, key));
            const int line = kv.first.Mark().line + 1;
            if (auto [at, fresh] = seenAt.emplace(f, line); !fresh)
                return error(kv.first, fieldPath,
                             "given twice (first on line " + std::to_string(at->second) + ")");
            if (auto st = field(kv.second, f, fieldPath); !st.ok())
                return st;
        }
        return absl::OkStatus();
    }

private:
    absl::Status field(const YAML::Node& node, const FieldDescriptor* f,
                       const std::string& path) const {
        if (node.IsNull())
            return absl::OkStatus();
        if (f->is_map()) {
            if (!node.IsMap())
                return error(node, path, "expected a mapping");
            const FieldDescriptor* value = f->message_type()->FindFieldByName("value");
            std::map<std::string, int> seenAt;
            for (const auto& kv : node) {
                if (auto [at, fresh] = seenAt.emplace(kv.first.Scalar(), kv.first.Mark().line + 1);
                    !fresh)
                    return error(kv.first, path + "." + kv.first.Scalar(),
                                 "given twice (first on line " + std::to_string(at->second) + ")");
                if (auto st = single(kv.second, value, path + "." + kv.first.Scalar()); !st.ok())
                    return st;
            }
            return absl::OkStatus();
        }
        if (f->is_repeated()) {
            if (!node.IsSequence())
                return error(node, path, "expected a list");
            for (size_t i = 0; i < node.size(); ++i) {
                if (auto st = single(node[i], f, path + "[" + std::to_string(i) + "]"); !st.ok())
                    return st;
            }
            return absl::OkStatus();
        }
        return single(node, f, path);
    }

    absl::Status single(const YAML::Node& node, const FieldDescriptor* f,
                        const std::string& path) const {
        switch (f->cpp_type()) {
            case FieldDescriptor::CPPTYPE_MESSAGE:
                return message(node, f->message_type(), path);
            case FieldDescriptor::CPPTYPE_ENUM: {
                if (!node.IsScalar())
                    return error(node, path, "expected one of " + enumNames(f));
                if (!f->enum_type()->FindValueByName(node.Scalar()))
                    return error(node, path,
                                 "'" + node.Scalar() + "' is not one of " + enumNames(f));
                return absl::OkStatus();
            }
            case FieldDescriptor::CPPTYPE_BOOL:
                if (!node.IsScalar() || (node.Scalar() != "true" && node.Scalar() != "false"))
                    return error(node, path, "expected true or false");
                return absl::OkStatus();
            case FieldDescriptor::CPPTYPE_STRING:
                if (!node.IsScalar())
                    return error(node, path, "expected a single value");
                return absl::OkStatus();
            default: {
                static const std::regex kNumber(R"(-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?)");
                if (!node.IsScalar() || !std::regex_match(node.Scalar(), kNumber))
                    return error(node, path, "expected a number");
                const bool integral = f->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE &&
                                      f->cpp_type() != FieldDescriptor::CPPTYPE_FLOAT;
                if (integral && node.Scalar().find_first_of(".eE") != std::string::npos)
                    return error(node, path, "expected a whole number");
                return absl::OkStatus();
            }
        }
    }

    static std::string enumNames(const FieldDescriptor* f) {
        std::string out;
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
            const auto& name = f->enum_type()->value(i)->name();
            if (name.ends_with("UNSPECIFIED"))
                continue;
            out += (out.empty() ? "" : ", ") + name;
        }
        return out;
    }

    static std::string suggestion(const Descriptor* d, const std::string& key) {
        // The known field nearest by edit distance, when it is close.
        auto distance = [](const std::string& a, const std::string& b) {
            std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
            for (size_t j = 0; j <= b.size(); ++j)
                prev[j] = j;
            for (size_t i = 1; i <= a.size(); ++i) {
                cur[0] = i;
                for (size_t j = 1; j <= b.size(); ++j)
                    cur[j] = std::min(
                        {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
                std::swap(prev, cur);
            }
            return prev[b.size()];
        };
        std::string best, all;
        size_t bestDistance = 3;
        for (int i = 0; i < d->field_count(); ++i) {
            const auto& name = d->field(i)->name();
            all += (all.empty() ? "" : ", ") + name;
            const size_t dist = distance(key, name);
            if (dist < bestDistance) {
                bestDistance = dist;
                best = name;
            }
        }
        if (!best.empty())
            return " (did you mean '" + best + "'?)";
        return " (expected one of: " + all + ")";
    }

    std::string m_source;
};

void writeJsonString(std::ostringstream& out, const std::string& s) {
    out << '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out << "\\\"";
                break;
            case '\\':
                out << "\\\\";
                break;
            case '\n':
                out << "\\n";
                break;
            case '\t':
                out << "\\t";
                break;
            case '\r':
                out << "\\r";
                break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out << buf;
                } else {
                    out << c;
                }
        }
    }
    out << '"';
}

// `field` is the field the node fills (null for the top-level message), `message` the message
// type a mapping node stands for. The node has passed the Checker, so its keys are known fields.
void toJson(const YAML::Node& node, const FieldDescriptor* field, const Descriptor* message,
            std::ostringstream& out) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            const FieldDescriptor* mapValue = field && field->is_map()
                                                  ? field->message_type()->FindFieldByName("value")
                                                  : nullptr;
            out << '{';
            bool first = true;
            for (const auto& kv : node) {
                if (!first)
                    out << ',';
                first = false;
                writeJsonString(out, kv.first.Scalar());
                out << ':';
                const FieldDescriptor* f = mapValue;
                if (!f && message) {
                    f = message->FindFieldByName(kv.first.Scalar());
                    if (!f)
                        f = message->FindFieldByCamelcaseName(kv.first.Scalar());
                }
                toJson(kv.second, f, f ? f->message_type() : nullptr, out);
            }
            out << '}';
            break;
        }
        case YAML::NodeType::Sequence: {
            out << '[';
            for (size_t i = 0; i < node.size(); ++i) {
                if (i)
                    out << ',';
                toJson(node[i], field, message, out);
            }
            out << ']';
            break;
        }
        case YAML::NodeType::Scalar: {
            // Plain scalars that read as numbers or booleans stay unquoted, unless they fill a
            // string field (`description: 2024`, `tags: {version: 2}`); quoted ones are strings.
            static const std::regex kNumber(R"(-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?)");
            const std::string& s = node.Scalar();
            const bool plain = node.Tag() == "?";
            const bool text = field && field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
            if (plain && !text && (s == "true" || s == "false" || std::regex_match(s, kNumber))) {
                out << s;
            } else {
                writeJsonString(out, s);
            }
            break;
        }
        default:
            out << "null";
            break;
    }
}

}  // namespace

absl::Status yamlToMessage(const YAML::Node& node, google::protobuf::Message& message,
                           const std::string& sourceName) {
    if (auto st = Checker(sourceName).message(node, message.GetDescriptor(), ""); !st.ok())
        return st;
    std::ostringstream json;
    toJson(node, nullptr, message.GetDescriptor(), json);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto st = google::protobuf::util::JsonStringToMessage(json.str(), &message, options);
    if (!st.ok())
        return absl::InvalidArgumentError(sourceName + ": " + std::string(st.message()));
    return absl::OkStatus();
}

}  // namespace meridian::deployment
