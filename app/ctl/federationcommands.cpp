// publish, unpublish: share a definition a region owns with other regions (federated control
// plane); discover: every region's registry merged into one view, with owners and copies;
// drift: the conflicts and drifting copies in it, and what to do about them.

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_join.h"
#include "commandgroups.h"
#include "interruptflag.h"
#include "multiregion.h"
#include "objectargs.h"
#include "registry/globalregistry.h"
#include "registry/objectdiff.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct PublishArgs {
    std::string kind;
    std::string name;
    std::vector<std::string> regions;
    bool all = false;
    std::string at;
    bool dryRun = false;
    double waitSeconds = 10;
    std::string deployment;
};

struct DiscoverArgs {
    std::string kind;
    std::string query;
    std::string deployment;
};

struct DriftArgs {
    bool diff = false;
    std::string deployment;
};

std::string nameOf(const registry::ObjectKey& key) {
    return key.project.empty() ? key.name : key.project + "/" + key.name;
}

std::string versionText(int64_t version) {
    return version > 0 ? "v" + std::to_string(version) : "none";
}

// Every answering region's catalogue, merged; the answers are kept for the regions that did
// not answer.
struct Merged {
    std::vector<client::RegionAnswer<v1::DiscoverResponse>> answers;
    registry::GlobalRegistry global;
};

absl::StatusOr<Merged> discoverAll(client::RegionDirectory& regions,
                                   const v1::DiscoverRequest& request) {
    Merged merged;
    merged.answers = regions.askAll<v1::DiscoverResponse>(
        [&request](client::RegionClient& c) { return c.discover(request); });
    if (auto st = requireAnswer(merged.answers, regions); !st.ok())
        return st;
    std::vector<v1::DiscoverResponse> catalogues;
    for (const auto& a : merged.answers)
        if (a.answer.ok())
            catalogues.push_back(*a.answer);
    merged.global = registry::mergeCatalogues(catalogues);
    return merged;
}

void printDisagreement(const registry::GlobalRegistry& global) {
    if (!global.disagreeing.empty())
        std::printf(
            "\nwarning: %s report another control plane than %s (%s%s): were they started with "
            "the same deployment file?\n",
            absl::StrJoin(global.disagreeing, ", ").c_str(), global.answered.front().c_str(),
            global.mode.c_str(),
            global.controlRegion.empty() ? ""
                                         : (", control region " + global.controlRegion).c_str());
}

// The region that owns the object: --at, else the only region whose catalogue says it owns it.
absl::StatusOr<std::string> ownerOf(client::RegionDirectory& regions, const PublishArgs& args,
                                    const v1::ObjectRef& ref) {
    if (!args.at.empty()) {
        if (auto st = regions.checkRegion(args.at); !st.ok())
            return st;
        return args.at;
    }
    v1::DiscoverRequest request;
    request.set_kind(ref.kind());
    request.set_query(ref.kind() == v1::PROJECT ? ref.name() : ref.project() + "/" + ref.name());
    auto merged = discoverAll(regions, request);
    if (!merged.ok())
        return merged.status();
    const auto key = registry::keyOf(ref);
    const auto* object = merged->global.find(key);
    if (!object || object->owners.empty()) {
        std::vector<std::string> silent;
        for (const auto& a : merged->answers)
            if (!a.answer.ok())
                silent.push_back(a.region);
        return absl::NotFoundError("no region owns " + key.toString() +
                                   (silent.empty() ? std::string()
                                                   : " among those answering (not answering: " +
                                                         absl::StrJoin(silent, ", ") +
                                                         "; name the owner with --at)"));
    }
    if (object->owners.size() > 1) {
        std::vector<std::string> owners;
        for (const auto& o : object->owners)
            owners.push_back(o.region);
        return absl::InvalidArgumentError(
            key.toString() + " is owned by " + absl::StrJoin(owners, " and ") +
            " (a conflict: see meridianctl drift); say which with --at");
    }
    return object->owners.front().region;
}

// Polls the catalogues of `regions` until each holds `key` at `version` (or, withdrawing, no
// longer holds it); prints when each copy arrived.
void waitForCopies(client::RegionDirectory& directory, const registry::ObjectKey& key,
                   const std::string& owner, int64_t version,
                   const std::vector<std::string>& regions, bool withdraw, double seconds) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
    std::set<std::string> pending(regions.begin(), regions.end());
    v1::DiscoverRequest request;
    request.set_kind(key.kind);
    request.set_query(nameOf(key));
    std::printf("\n");
    InterruptFlag interrupt;
    while (!pending.empty() && !interrupt.raised()) {
        for (auto it = pending.begin(); it != pending.end();) {
            auto catalogue = directory.client(*it).discover(request);
            bool done = false;
            if (catalogue.ok()) {
                bool holds = false;
                for (const auto& item : registry::catalogueItems(*catalogue))
                    if (item.key == key && *item.ownerRegion == owner &&
                        item.entry->version() >= version)
                        holds = true;
                done = holds != withdraw;
            }
            if (!done) {
                ++it;
                continue;
            }
            const double after = std::chrono::duration<double>(Clock::now() - start).count();
            std::printf("%s %s %s after %s s\n", withdraw ? "removed from" : "arrived at",
                        it->c_str(), withdraw ? "" : versionText(version).c_str(),
                        formatFixed(after, 2).c_str());
            it = pending.erase(it);
        }
        if (pending.empty() || Clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!pending.empty())
        std::printf(
            "not yet %s %s after %s s: the copies follow the replication links from %s (see "
            "meridianctl lag and meridianctl discover)\n",
            withdraw ? "removed from" : "at", absl::StrJoin(pending, ", ").c_str(),
            formatFixed(seconds, 0).c_str(), owner.c_str());
}

absl::Status runPublish(CtlOptions& options, const PublishArgs& args, bool withdraw) {
    if (args.all == !args.regions.empty())
        return absl::InvalidArgumentError(withdraw ? "name the regions (--from REGION…) or --all"
                                                   : "name the regions (--to REGION…) or --all");
    auto ref = objectRef(options, args.kind, args.name);
    if (!ref.ok())
        return ref.status();
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    auto& directory = **regions;
    auto owner = ownerOf(directory, args, *ref);
    if (!owner.ok())
        return owner.status();
    for (const auto& region : args.regions)
        if (auto st = directory.checkRegion(region); !st.ok())
            return st;
    v1::PublishRequest request;
    *request.mutable_ref() = *ref;
    for (const auto& region : args.regions)
        request.add_regions(region);
    request.set_all_regions(args.all);
    request.set_withdraw(withdraw);
    request.set_dry_run(args.dryRun);
    auto response = directory.client(*owner).publish(request);
    if (!response.ok())
        return response.status();
    if (options.json()) {
        printJson(*response);
        return absl::OkStatus();
    }
    const auto key = registry::keyOf(*ref);
    const std::string named = absl::StrJoin(response->regions(), ", ");
    if (response->changed_size() == 0) {
        std::printf("%s is not published to %s: nothing to withdraw\n", key.toString().c_str(),
                    named.c_str());
        return absl::OkStatus();
    }
    const char* verb = withdraw ? (args.dryRun ? "would withdraw" : "withdrew")
                                : (args.dryRun ? "would publish" : "published");
    std::printf("%s %s %s %s (owner %s)%s\n\n", verb, key.toString().c_str(),
                withdraw ? "from" : "to", named.c_str(), owner->c_str(),
                args.dryRun ? "; nothing was stored (dry run)" : "");
    TextTable table({"", "KIND", "NAME", "VERSION", "PUBLISHED TO"});
    table.alignRight(3);
    auto addRow = [&table](const std::string& what, const v1::ObjectMeta& m) {
        table.addRow(
            {what, std::string(registry::kindName(m.kind())),
             m.kind() == v1::PROJECT ? m.name() : m.project() + "/" + m.name(),
             std::to_string(m.version()),
             m.published_to().empty() ? "(private)" : absl::StrJoin(m.published_to(), ", ")});
    };
    for (const auto& m : response->changed())
        addRow(withdraw ? "withdrawn" : "sent", m);
    for (const auto& m : response->unchanged())
        addRow(withdraw ? "" : "already", m);
    table.print();
    if (!withdraw && !args.dryRun)
        std::printf(
            "\nThe copies are read-only there and follow %s's new versions; change the object "
            "in %s.\n",
            owner->c_str(), owner->c_str());
    if (withdraw && !args.dryRun)
        std::printf(
            "\nWhat it needs (its project, entities, sources) stays published; unpublish those "
            "too if the regions should not see them.\n");
    if (args.dryRun || args.waitSeconds <= 0)
        return absl::OkStatus();
    int64_t version = 0;
    for (const auto& m : response->changed())
        if (registry::ObjectKey{m.kind(), m.kind() == v1::PROJECT ? "" : m.project(), m.name()} ==
            key)
            version = m.version();
    std::vector<std::string> targets(response->regions().begin(), response->regions().end());
    waitForCopies(directory, key, *owner, version, targets, withdraw, args.waitSeconds);
    return absl::OkStatus();
}

std::string stateOf(const registry::GlobalObject& o, bool federated) {
    std::vector<std::string> states;
    if (o.conflict)
        states.push_back("conflict");
    for (const auto& c : o.copies)
        if (!c.drift.empty())
            states.push_back("drift: " + c.region + " " + c.drift);
    if (!states.empty())
        return absl::StrJoin(states, "; ");
    if (federated && o.copies.empty() && o.owners.size() == 1)
        return "private";
    return "ok";
}

absl::Status runDiscover(CtlOptions& options, const DiscoverArgs& args) {
    v1::DiscoverRequest request;
    request.set_kind(args.kind.empty() ? v1::OBJECT_KIND_UNSPECIFIED
                                       : registry::kindFromKeyword(args.kind));
    request.set_query(args.query);
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    auto merged = discoverAll(**regions, request);
    if (!merged.ok())
        return merged.status();
    const auto& global = merged->global;
    if (options.json()) {
        std::string out = "[";
        for (const auto& a : merged->answers) {
            if (!a.answer.ok())
                continue;
            out += std::string(out.size() > 1 ? ",\n  " : "\n  ") + indented(jsonOf(*a.answer), 2);
        }
        std::printf("%s\n]\n", out.c_str());
        return absl::OkStatus();
    }
    const bool federated = global.mode == "federated";
    TextTable table({"KIND", "NAME", "OWNER", "VERSION", "COPIES", "STATE"});
    table.alignRight(3);
    for (const auto& o : global.objects) {
        std::vector<std::string> owners, copies;
        for (const auto& h : o.owners)
            owners.push_back(o.owners.size() > 1 ? h.region + " " + versionText(h.version)
                                                 : h.region);
        // With two owners, whose definition each copy is.
        for (const auto& h : o.copies)
            copies.push_back(h.region + " " + versionText(h.version) +
                             (o.owners.size() > 1 ? " of " + h.ownerRegion : ""));
        table.addRow({std::string(registry::kindName(o.key.kind)), nameOf(o.key),
                      owners.empty() ? "(" + global.controlRegion + " did not answer)"
                                     : absl::StrJoin(owners, ", "),
                      o.owners.size() == 1 ? std::to_string(o.owners.front().version) : "-",
                      copies.empty() ? "-" : absl::StrJoin(copies, ", "), stateOf(o, federated)});
    }
    if (global.objects.empty()) {
        std::printf("no registry object%s in the %zu region(s) answering\n",
                    args.query.empty() ? "" : (" matches '" + args.query + "'").c_str(),
                    global.answered.size());
    } else {
        table.print();
        const int conflicts = global.conflicts();
        const int drifting = global.drifting();
        std::printf(
            "\n%zu object(s) across %zu region(s), %s control plane%s: %d conflict(s), "
            "%d drifting%s\n",
            global.objects.size(), global.answered.size(), global.mode.c_str(),
            global.controlRegion.empty() ? "" : (" (" + global.controlRegion + ")").c_str(),
            conflicts, drifting, conflicts + drifting > 0 ? " (details: meridianctl drift)" : "");
    }
    printDisagreement(global);
    printSilentRegions(merged->answers, "its registry is not shown");
    return absl::OkStatus();
}

std::string driftReason(const registry::Holding& copy, bool federated) {
    if (copy.drift == "behind")
        return "newer versions from " + copy.ownerRegion +
               " have not arrived: is the link cut or behind? (meridianctl lag)";
    if (copy.drift == "missing")
        return federated ? "published here, not arrived yet (meridianctl lag)"
                         : "not replicated here yet (meridianctl lag)";
    if (copy.drift == "withdrawn")
        return "unpublished by " + copy.ownerRegion + "; the copy goes when the withdrawal arrives";
    if (copy.drift == "deleted")
        return "deleted in " + copy.ownerRegion + "; the copy goes when the deletion arrives";
    if (copy.drift == "differs")
        return "same version as " + copy.ownerRegion +
               " with another spec (changed behind the "
               "registry's back?)";
    return copy.drift;
}

void printConflictDiff(client::RegionDirectory& directory, const registry::GlobalObject& o) {
    v1::ObjectRef ref;
    ref.set_kind(o.key.kind);
    ref.set_project(o.key.project);
    ref.set_name(o.key.name);
    const auto& a = o.owners[0];
    const auto& b = o.owners[1];
    auto left = directory.client(a.region).getObject(ref);
    auto right = directory.client(b.region).getObject(ref);
    if (!left.ok() || !right.ok()) {
        std::printf("  (specs not shown: %s)\n",
                    std::string((!left.ok() ? left : right).status().message()).c_str());
        return;
    }
    std::printf("\n");
    printFieldChanges(registry::diffObjects(*left, *right), "IN " + a.region, "IN " + b.region);
}

void printDriftDiff(client::RegionDirectory& directory, const registry::GlobalObject& o,
                    const registry::Holding& copy) {
    if (copy.drift != "behind" || copy.version <= 0)
        return;
    v1::ObjectRef ref;
    ref.set_kind(o.key.kind);
    ref.set_project(o.key.project);
    ref.set_name(o.key.name);
    auto& owner = directory.client(copy.ownerRegion);
    auto held = owner.getObject(ref, copy.version);
    auto latest = owner.getObject(ref, copy.ownerVersion);
    if (!held.ok() || !latest.ok())
        return;
    std::printf("\n%s at %s: %s → %s\n", o.key.toString().c_str(), copy.region.c_str(),
                versionText(copy.version).c_str(), versionText(copy.ownerVersion).c_str());
    printFieldChanges(registry::diffObjects(*held, *latest),
                      "IN " + copy.region + " (" + versionText(copy.version) + ")",
                      "IN " + copy.ownerRegion + " (" + versionText(copy.ownerVersion) + ")");
}

absl::Status runDrift(CtlOptions& options, const DriftArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    auto merged = discoverAll(**regions, {});
    if (!merged.ok())
        return merged.status();
    const auto& global = merged->global;
    const bool federated = global.mode == "federated";
    if (options.json()) {
        std::string out = "{\"mode\": " + jsonString(global.mode) + ", \"conflicts\": [";
        bool first = true;
        for (const auto& o : global.objects) {
            if (!o.conflict)
                continue;
            out += std::string(first ? "" : ", ") + "{\"object\": " + jsonString(o.key.toString()) +
                   ", \"owners\": [";
            for (size_t i = 0; i < o.owners.size(); ++i)
                out +=
                    std::string(i ? ", " : "") + "{\"region\": " + jsonString(o.owners[i].region) +
                    ", \"version\": " + std::to_string(o.owners[i].version) +
                    ", \"spec_hash\": " + jsonString(registry::specHashText(o.owners[i].specHash)) +
                    "}";
            out += "]}";
            first = false;
        }
        out += "], \"drift\": [";
        first = true;
        for (const auto& o : global.objects)
            for (const auto& c : o.copies) {
                if (c.drift.empty())
                    continue;
                out += std::string(first ? "" : ", ") +
                       "{\"object\": " + jsonString(o.key.toString()) +
                       ", \"region\": " + jsonString(c.region) +
                       ", \"version\": " + std::to_string(c.version) +
                       ", \"owner\": " + jsonString(c.ownerRegion) +
                       ", \"owner_version\": " + std::to_string(c.ownerVersion) +
                       ", \"why\": " + jsonString(c.drift) + "}";
                first = false;
            }
        out += "], \"not_answering\": " + silentRegionsJson(merged->answers) + "}";
        std::printf("%s\n", out.c_str());
    } else {
        const int conflicts = global.conflicts();
        if (conflicts > 0) {
            std::printf("CONFLICTS: regions owning different definitions under one name\n\n");
            for (const auto& o : global.objects) {
                if (!o.conflict)
                    continue;
                TextTable table({"OBJECT", "OWNER", "VERSION", "SPEC", "UPDATED"});
                table.alignRight(2);
                for (size_t i = 0; i < o.owners.size(); ++i)
                    table.addRow({i == 0 ? o.key.toString() : "", o.owners[i].region,
                                  std::to_string(o.owners[i].version),
                                  registry::specHashText(o.owners[i].specHash),
                                  formatTime(o.owners[i].updatedAtMs)});
                table.print();
                if (args.diff)
                    printConflictDiff(**regions, o);
                std::printf(
                    "\nResolve: keep one name per definition. Apply one of them under another "
                    "name in its owner region and delete the old name there "
                    "(meridianctl delete %s %s --endpoint <that region>); or, if only one "
                    "should be shared, stop publishing the other (meridianctl unpublish %s %s "
                    "--all --at <its owner>).\n\n",
                    std::string(registry::kindKeyword(o.key.kind)).c_str(), nameOf(o.key).c_str(),
                    std::string(registry::kindKeyword(o.key.kind)).c_str(), nameOf(o.key).c_str());
            }
        }
        int drifting = 0;
        TextTable table({"OBJECT", "REGION", "HOLDS", "OWNER", "OWNER HOLDS", "WHY"});
        for (const auto& o : global.objects)
            for (const auto& c : o.copies) {
                if (c.drift.empty())
                    continue;
                ++drifting;
                table.addRow({o.key.toString(), c.region, versionText(c.version), c.ownerRegion,
                              versionText(c.ownerVersion), driftReason(c, federated)});
            }
        if (drifting > 0) {
            std::printf("DRIFT: copies %s\n\n",
                        federated ? "behind the definition they follow"
                                  : ("behind the control region " + global.controlRegion).c_str());
            table.print();
            if (args.diff)
                for (const auto& o : global.objects)
                    for (const auto& c : o.copies)
                        printDriftDiff(**regions, o, c);
        }
        if (conflicts == 0 && drifting == 0)
            std::printf("no conflict and no drift across %zu region(s) (%s control plane)\n",
                        global.answered.size(), global.mode.c_str());
        printDisagreement(global);
        printSilentRegions(merged->answers, "its registry is not compared");
    }
    const int conflicts = global.conflicts();
    int copies = 0;
    for (const auto& o : global.objects)
        for (const auto& c : o.copies)
            copies += c.drift.empty() ? 0 : 1;
    if (conflicts + copies > 0)
        return client::markFromRegion(
            absl::FailedPreconditionError(std::to_string(conflicts) + " conflict(s), " +
                                          std::to_string(copies) + " drifting cop" +
                                          (copies == 1 ? "y" : "ies")),
            "");
    return absl::OkStatus();
}

void addPublishOptions(CLI::App* command, PublishArgs& args, bool withdraw) {
    command->add_option("kind", args.kind, kKindHelp)->required()->check(kindValidator());
    command
        ->add_option("name", args.name,
                     "Object name, e.g. user_stats, or PROJECT/NAME for another project")
        ->required();
    command
        ->add_option(withdraw ? "--from" : "--to", args.regions,
                     withdraw ? "Regions to withdraw the copies from"
                              : "Regions to publish to (one or more)")
        ->type_name("REGION…");
    command->add_flag("--all", args.all,
                      withdraw ? "Withdraw it from every region" : "Every other region");
    command->add_option("--at", args.at, "The owner region (default: found by asking every region)")
        ->type_name("REGION");
    command->add_flag("--dry-run", args.dryRun, "Say what would be sent, store nothing");
    command
        ->add_option("--wait", args.waitSeconds,
                     "Seconds to watch for the copies to arrive (or go); 0: do not watch")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    addDeploymentOption(command, args.deployment);
}

}  // namespace

void registerFederationCommands(CLI::App& app, CtlOptions& options) {
    const std::string group = "Registry";
    auto publishArgs = std::make_shared<PublishArgs>();
    auto* publish = addMultiRegionCommand(
        app, "publish", "Share a definition its region owns with other regions (federated)",
        {"meridianctl publish feature-view growth/user_activity --to gcp-europe-west4",
         "meridianctl publish feature-service growth/churn_model --all",
         "meridianctl publish entity risk/merchant --to aws-us-east-1 --at aws-eu-west-1"},
        "Under a federated control plane each region owns what it creates and keeps it to\n"
        "itself until published. Publishing sends the object, and what it needs (its project;\n"
        "a view's entities and sources; a service's views), to the regions named, as read-only\n"
        "copies that follow the owner's new versions. The owner is found by asking every\n"
        "region, unless --at names it. A view whose residency forbids a region is refused\n"
        "before anything is sent. Publishing again re-sends the object (a copy that a region\n"
        "refused while it owned the same name arrives then).");
    publish->group(group);
    addPublishOptions(publish, *publishArgs, false);
    options.setAction(publish,
                      [&options, publishArgs] { return runPublish(options, *publishArgs, false); });

    auto unpublishArgs = std::make_shared<PublishArgs>();
    auto* unpublish = addMultiRegionCommand(
        app, "unpublish", "Withdraw a published definition from other regions (federated)",
        {"meridianctl unpublish feature-view growth/user_activity --from gcp-europe-west4",
         "meridianctl unpublish feature-view growth/user_activity --all"},
        "The copies in those regions are removed when the withdrawal reaches them (their\n"
        "history stays). Refused while a view replicates its data to a region (it needs the\n"
        "definition there) or while another published object there needs it.");
    unpublish->group(group);
    addPublishOptions(unpublish, *unpublishArgs, true);
    options.setAction(
        unpublish, [&options, unpublishArgs] { return runPublish(options, *unpublishArgs, true); });

    auto discoverArgs = std::make_shared<DiscoverArgs>();
    auto* discover = addMultiRegionCommand(
        app, "discover", "Every region's registry in one view: owners, copies, conflicts, drift",
        {"meridianctl discover", "meridianctl discover --kind feature-views --query growth/",
         "meridianctl discover --query aws-eu-west-1 -o json"},
        "Asks each region for its catalogue (names, versions, spec hashes, owner and where it\n"
        "is published; no specs) and merges them. OWNER is the region whose definition it is\n"
        "(centralized: the control region); COPIES, the regions holding one, at their version.\n"
        "A conflict is two regions owning different definitions under one name; drift, a copy\n"
        "behind its owner (meridianctl drift shows what to do about both).");
    discover->group(group);
    discover->add_option("--kind", discoverArgs->kind, kKindHelp)->check(kindValidator());
    discover->add_option("--query", discoverArgs->query,
                         "Only objects whose project/name or owner region contains this text "
                         "(case-insensitive)");
    addDeploymentOption(discover, discoverArgs->deployment);
    options.setAction(discover,
                      [&options, discoverArgs] { return runDiscover(options, *discoverArgs); });

    auto driftArgs = std::make_shared<DriftArgs>();
    auto* drift = addMultiRegionCommand(
        app, "drift", "List registry conflicts and copies behind their owner, and how to fix them",
        {"meridianctl drift", "meridianctl drift --diff", "meridianctl drift -o json"},
        "Exits 1 when it finds a conflict or a drifting copy, 0 when every copy is current.");
    drift->group(group);
    drift->add_flag("--diff", driftArgs->diff,
                    "Show the two specs of each conflict, and what a drifting copy misses, "
                    "field by field");
    addDeploymentOption(drift, driftArgs->deployment);
    options.setAction(drift, [&options, driftArgs] { return runDrift(options, *driftArgs); });
}

}  // namespace meridian::ctl
