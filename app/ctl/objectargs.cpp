#include "objectargs.h"

#include "registry/catalog.h"
#include "texttable.h"

namespace meridian::ctl {

const char* const kKindHelp =
    "Kind of object: projects, entities, data-sources, feature-views or feature-services "
    "(singular works too)";

CLI::Validator kindValidator() {
    return CLI::Validator(
        [](std::string& word) -> std::string {
            if (registry::kindFromKeyword(word) != v1::OBJECT_KIND_UNSPECIFIED)
                return {};
            return "unknown kind '" + word +
                   "'; expected projects, entities, data-sources, feature-views or "
                   "feature-services";
        },
        "KIND");
}

absl::StatusOr<v1::ObjectRef> objectRef(CtlOptions& options, const std::string& kind,
                                        const std::string& name) {
    v1::ObjectRef ref;
    ref.set_kind(registry::kindFromKeyword(kind));
    std::string rest = name;
    if (ref.kind() != v1::PROJECT) {
        if (const size_t slash = rest.find('/'); slash != std::string::npos) {
            ref.set_project(rest.substr(0, slash));
            rest = rest.substr(slash + 1);
        } else {
            auto project = options.resolveProject();
            if (!project.ok())
                return project.status();
            ref.set_project(*project);
        }
    }
    ref.set_name(rest);
    return ref;
}

const char* fieldChangeWord(registry::FieldChange::Kind kind) {
    switch (kind) {
        case registry::FieldChange::Kind::Added:
            return "added";
        case registry::FieldChange::Kind::Removed:
            return "removed";
        default:
            return "changed";
    }
}

namespace {

// A value on one line: a message's fields (printed one per line) joined with ", ".
std::string oneLine(const std::string& value) {
    if (value.empty())
        return "-";
    std::string out;
    for (const char c : value) {
        if (c == '\n') {
            if (!out.empty())
                out += ", ";
        } else {
            out += c;
        }
    }
    while (out.size() >= 2 && out.compare(out.size() - 2, 2, ", ") == 0)
        out.resize(out.size() - 2);
    return out;
}

}  // namespace

void printFieldChanges(const std::vector<registry::FieldChange>& changes, const std::string& before,
                       const std::string& after) {
    TextTable table({"CHANGE", "FIELD", before, after});
    for (const auto& c : changes)
        table.addRow({fieldChangeWord(c.kind), c.path, oneLine(c.oldValue), oneLine(c.newValue)});
    table.print();
}

}  // namespace meridian::ctl
