// apply, list, describe, history, diff, delete: the registry of one region.

#include <google/protobuf/struct.pb.h>

#include <cstdio>
#include <memory>
#include <set>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "deployment/repositoryfile.h"
#include "objectargs.h"
#include "objectdetail.h"
#include "registry/applyplan.h"
#include "registry/catalog.h"
#include "registry/objectdiff.h"

namespace meridian::ctl {
namespace {

struct ApplyArgs {
    std::string file;
    bool dryRun = false;
};

struct ObjectArgs {
    std::string kind;
    std::string name;
    int64_t version = 0;
    int64_t otherVersion = 0;
};

// The object a command names: NAME in the current project, or PROJECT/NAME.
absl::StatusOr<v1::ObjectRef> refOf(CtlOptions& options, const ObjectArgs& args) {
    return objectRef(options, args.kind, args.name);
}

std::string refText(const v1::ObjectRef& ref) {
    return registry::keyOf(ref).toString();
}

absl::Status runApply(CtlOptions& options, const ApplyArgs& args) {
    auto repository = deployment::loadRepositoryFile(args.file);
    if (!repository.ok())
        return repository.status();
    v1::ApplyRequest request;
    request.set_dry_run(args.dryRun);
    for (auto& o : registry::objectsOf(*repository))
        *request.add_objects() = std::move(o);
    auto response = options.client().apply(request);
    if (!response.ok())
        return response.status();
    if (options.json()) {
        printJson(*response);
        return absl::OkStatus();
    }
    TextTable table({"ACTION", "KIND", "NAME", "VERSION", "SPEC"});
    table.alignRight(3);
    int counts[4] = {0, 0, 0, 0};
    for (const auto& r : response->results()) {
        const auto& m = r.meta();
        ++counts[r.action() >= 0 && r.action() < 4 ? r.action() : 0];
        const std::string name = m.kind() == v1::PROJECT ? m.name() : m.project() + "/" + m.name();
        table.addRow({actionName(r.action()), std::string(registry::kindName(m.kind())), name,
                      std::to_string(m.version()), shortHash(m.spec_hash())});
    }
    table.print();
    const int created = counts[v1::ApplyResult::CREATED];
    const int updated = counts[v1::ApplyResult::UPDATED];
    const int unchanged = counts[v1::ApplyResult::UNCHANGED];
    if (args.dryRun) {
        std::printf(
            "\ndry run: %d would be created, %d updated, %d unchanged; nothing was stored\n",
            created, updated, unchanged);
    } else if (created + updated == 0) {
        std::printf("\nnothing to change: all %d objects are up to date\n", unchanged);
    } else {
        std::printf("\napplied: %d created, %d updated, %d unchanged\n", created, updated,
                    unchanged);
    }
    return absl::OkStatus();
}

absl::Status runList(CtlOptions& options, const ObjectArgs& args) {
    const v1::ObjectKind kind = registry::kindFromKeyword(args.kind);
    // Without --project every project's objects are listed.
    auto objects = options.client().listObjects(kind, options.project);
    if (!objects.ok())
        return objects.status();
    if (options.json()) {
        v1::ListObjectsResponse response;
        for (auto& o : *objects)
            *response.add_objects() = std::move(o);
        printJson(response);
        return absl::OkStatus();
    }
    if (objects->empty()) {
        const std::string singular(registry::kindName(kind));
        std::string what = kind == v1::ENTITY ? "entities" : singular + "s";
        if (!options.project.empty() && kind != v1::PROJECT)
            what += " in project '" + options.project + "'";
        std::fprintf(stderr, "no %s in the region at %s\n", what.c_str(), options.endpoint.c_str());
        return absl::OkStatus();
    }
    std::set<std::string> projects;
    for (const auto& o : *objects)
        projects.insert(registry::keyOf(o).project);
    objectTable(kind, *objects, projects.size() > 1).print();
    return absl::OkStatus();
}

absl::Status runDescribe(CtlOptions& options, const ObjectArgs& args) {
    auto ref = refOf(options, args);
    if (!ref.ok())
        return ref.status();
    auto object = options.client().getObject(*ref, args.version);
    if (!object.ok())
        return object.status();
    if (options.json()) {
        printJson(*object);
    } else {
        std::fputs(objectDetail(*object).c_str(), stdout);
    }
    return absl::OkStatus();
}

absl::Status runHistory(CtlOptions& options, const ObjectArgs& args) {
    auto ref = refOf(options, args);
    if (!ref.ok())
        return ref.status();
    auto versions = options.client().history(*ref);
    if (!versions.ok())
        return versions.status();
    if (options.json()) {
        v1::GetHistoryResponse response;
        for (auto& o : *versions)
            *response.add_versions() = std::move(o);
        printJson(response);
        return absl::OkStatus();
    }
    TextTable table({"VERSION", "CHANGE", "SPEC", "WHEN", "BY", "REGION"});
    table.alignRight(0);
    std::string previousHash;
    for (const auto& o : *versions) {
        const auto& m = o.meta();
        const std::string change = m.deleted()            ? "deleted"
                                   : previousHash.empty() ? "created"
                                                          : "updated";
        previousHash = m.deleted() ? "" : m.spec_hash();
        table.addRow({std::to_string(m.version()), change, shortHash(m.spec_hash()),
                      formatTime(m.updated_at()), m.applied_by(), m.owner_region()});
    }
    std::printf("%s\n\n", refText(*ref).c_str());
    table.print();
    return absl::OkStatus();
}

absl::Status runDiff(CtlOptions& options, const ObjectArgs& args) {
    auto ref = refOf(options, args);
    if (!ref.ok())
        return ref.status();
    auto before = options.client().getObject(*ref, args.version);
    if (!before.ok())
        return before.status();
    auto after = options.client().getObject(*ref, args.otherVersion);
    if (!after.ok())
        return after.status();
    const auto changes = registry::diffObjects(*before, *after);
    if (options.json()) {
        google::protobuf::Struct out;
        auto& fields = *out.mutable_fields();
        fields["object"].set_string_value(refText(*ref));
        fields["from_version"].set_number_value(static_cast<double>(args.version));
        fields["to_version"].set_number_value(static_cast<double>(args.otherVersion));
        auto* list = fields["changes"].mutable_list_value();
        for (const auto& c : changes) {
            auto& entry = *list->add_values()->mutable_struct_value()->mutable_fields();
            entry["change"].set_string_value(fieldChangeWord(c.kind));
            entry["path"].set_string_value(c.path);
            entry["before"].set_string_value(c.oldValue);
            entry["after"].set_string_value(c.newValue);
        }
        printJson(out);
        return absl::OkStatus();
    }
    std::printf("%s: version %lld -> %lld\n", refText(*ref).c_str(),
                static_cast<long long>(args.version), static_cast<long long>(args.otherVersion));
    if (changes.empty()) {
        std::printf("\nthe two versions have the same spec\n");
        return absl::OkStatus();
    }
    std::printf("\n");
    printFieldChanges(changes);
    return absl::OkStatus();
}

absl::Status runDelete(CtlOptions& options, const ObjectArgs& args) {
    auto ref = refOf(options, args);
    if (!ref.ok())
        return ref.status();
    auto meta = options.client().deleteObject(*ref);
    if (!meta.ok())
        return meta.status();
    if (options.json()) {
        printJson(*meta);
    } else {
        std::printf("deleted %s (version %lld; its history is kept)\n", refText(*ref).c_str(),
                    static_cast<long long>(meta->version()));
    }
    return absl::OkStatus();
}

void addKindAndName(CLI::App* command, ObjectArgs& args) {
    command->add_option("kind", args.kind, kKindHelp)->required()->check(kindValidator());
    command
        ->add_option("name", args.name,
                     "Object name, e.g. user_stats, or PROJECT/NAME for another project")
        ->required();
}

}  // namespace

void registerRegistryCommands(CLI::App& app, CtlOptions& options) {
    const std::string group = "Registry";

    auto applyArgs = std::make_shared<ApplyArgs>();
    auto* apply =
        addCommand(app, "apply", "Create or update the objects of a feature repository file",
                   {"meridianctl apply -f repo.yaml",
                    "meridianctl apply -f repo.yaml --dry-run   # show what would change"},
                   "Every object is validated against the registry as it will be; if one is\n"
                   "wrong, nothing is stored and every problem is listed.");
    apply->group(group);
    apply
        ->add_option("-f,--file", applyArgs->file,
                     "Feature repository file (YAML), e.g. -f features/repo.yaml")
        ->required()
        ->check(CLI::ExistingFile);
    apply->add_flag("--dry-run", applyArgs->dryRun,
                    "Validate and report what would change, store nothing");
    options.setAction(apply, [&options, applyArgs] { return runApply(options, *applyArgs); });

    auto listArgs = std::make_shared<ObjectArgs>();
    auto* list =
        addCommand(app, "list", "List the registry objects of one kind",
                   {"meridianctl list feature-views", "meridianctl list entities --project shop",
                    "meridianctl list projects -o json"});
    list->group(group);
    list->add_option("kind", listArgs->kind, kKindHelp)->required()->check(kindValidator());
    options.setAction(list, [&options, listArgs] { return runList(options, *listArgs); });

    auto describeArgs = std::make_shared<ObjectArgs>();
    auto* describe = addCommand(app, "describe", "Show one registry object in detail",
                                {"meridianctl describe feature-view user_stats",
                                 "meridianctl describe feature-view user_stats --version 1",
                                 "meridianctl describe entity shop/user -o json"});
    describe->group(group);
    addKindAndName(describe, *describeArgs);
    describe
        ->add_option("--version", describeArgs->version,
                     "A past version instead of the current one, e.g. --version 2")
        ->check(CLI::PositiveNumber);
    options.setAction(describe,
                      [&options, describeArgs] { return runDescribe(options, *describeArgs); });

    auto historyArgs = std::make_shared<ObjectArgs>();
    auto* history = addCommand(app, "history", "List every version of a registry object",
                               {"meridianctl history feature-view user_stats"});
    history->group(group);
    addKindAndName(history, *historyArgs);
    options.setAction(history,
                      [&options, historyArgs] { return runHistory(options, *historyArgs); });

    auto diffArgs = std::make_shared<ObjectArgs>();
    auto* diff =
        addCommand(app, "diff", "Show what changed in a registry object between two versions",
                   {"meridianctl diff feature-view user_stats 1 2"});
    diff->group(group);
    addKindAndName(diff, *diffArgs);
    diff->add_option("from", diffArgs->version, "The older version, e.g. 1")
        ->required()
        ->check(CLI::PositiveNumber);
    diff->add_option("to", diffArgs->otherVersion, "The newer version, e.g. 2")
        ->required()
        ->check(CLI::PositiveNumber);
    options.setAction(diff, [&options, diffArgs] { return runDiff(options, *diffArgs); });

    auto deleteArgs = std::make_shared<ObjectArgs>();
    auto* remove = addCommand(app, "delete", "Delete a registry object",
                              {"meridianctl delete feature-service scoring"},
                              "Refused while other objects refer to it. Its history is kept.");
    remove->group(group);
    addKindAndName(remove, *deleteArgs);
    options.setAction(remove, [&options, deleteArgs] { return runDelete(options, *deleteArgs); });
}

}  // namespace meridian::ctl
