// whoami, token create|list|revoke, audit: who you are to the regions, the bearer tokens that
// let people and services in, and the audit log of what everyone did (and was refused).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

#include "absl/strings/str_join.h"
#include "access/roles.h"
#include "access/tokens.h"
#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"
#include "registry/validation.h"
#include "rows/eventtime.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct AccessArgs {
    std::string deployment;
    // token create
    std::string role;
    std::string name;
    std::string file;
    // token list
    bool all = false;
    // token revoke
    std::string id;
    // audit
    std::string since = "24h";
    std::string principal;
    std::string action;
    bool denied = false;
    int limit = 200;
};

std::string ago(int64_t ms) {
    return ms > 0 ? formatElapsed(std::max<int64_t>(0, rows::nowMs() - ms)) + " ago" : "-";
}

std::string creator() {
    const char* user = std::getenv("USER");
    return "meridianctl (" + std::string(user && *user ? user : "unknown user") + ")";
}

absl::Status runWhoAmI(CtlOptions& options) {
    auto me = options.client().whoAmI();
    if (!me.ok())
        return me.status();
    if (options.json()) {
        printJson(*me);
        return absl::OkStatus();
    }
    if (!me->credentials_required()) {
        std::printf(
            "%s asks for no credentials: you are %s, with every right.\n"
            "(A region without a token file serves loopback addresses only.)\n",
            me->region().c_str(), me->principal().c_str());
        return absl::OkStatus();
    }
    std::printf("You are %s (%s) to %s, by %s.\n", me->principal().c_str(),
                access::roleName(me->role()).c_str(), me->region().c_str(),
                me->authenticated_by().c_str());
    return absl::OkStatus();
}

absl::Status runTokenCreate(CtlOptions& options, const AccessArgs& args) {
    const auto role = access::tokenRoleFromName(args.role);
    if (!role)
        return absl::InvalidArgumentError("--role '" + args.role +
                                          "': a token is a viewer, operator or admin");
    auto made = access::makeToken(args.name, *role, creator(), rows::nowMs());
    if (!made.ok())
        return made.status();
    if (!args.file.empty()) {
        // Straight into a region's token file: how the first admin token is made.
        auto file = access::TokenFile::open(args.file);
        if (!file.ok())
            return file.status();
        if (auto st = (*file)->add(made->record); !st.ok())
            return st;
        std::fprintf(stderr,
                     "Added token %s (%s, %s) to %s; a running meridian-store reads it when it "
                     "restarts.\n",
                     made->record.id().c_str(), args.name.c_str(), args.role.c_str(),
                     args.file.c_str());
        std::printf("%s\n", made->token.c_str());
        return absl::OkStatus();
    }
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const v1::TokenRecord record = made->record;
    auto answers = (*regions)->askAll<v1::CreateTokenResponse>(
        [&record](client::RegionClient& c) { return c.createToken(record); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    std::vector<std::string> in;
    for (const auto& a : answers)
        if (a.answer.ok())
            in.push_back(a.region);
    if (in.empty()) {
        printSilentRegions(answers, "");
        return answers.front().answer.status();
    }
    std::fprintf(
        stderr, "Token %s for %s (%s), valid in %zu of %zu regions. It is shown only now:\n",
        record.id().c_str(), args.name.c_str(), args.role.c_str(), in.size(), answers.size());
    std::printf("%s\n", made->token.c_str());
    if (in.size() < answers.size()) {
        printSilentRegions(answers, "the token is not valid there", stderr);
        std::fprintf(stderr,
                     "Revoke it (meridianctl token revoke --id %s) and create another once every "
                     "region answers, or use it only where it is valid.\n",
                     record.id().c_str());
        return absl::FailedPreconditionError("the token is not valid in every region");
    }
    return absl::OkStatus();
}

absl::Status runTokenList(CtlOptions& options, const AccessArgs& args) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    const bool all = args.all;
    auto answers = (*regions)->askAll<v1::ListTokensResponse>(
        [all](client::RegionClient& c) { return c.listTokens(all); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    // One row per token, with the regions that know it.
    struct Row {
        v1::TokenRecord record;
        std::vector<std::string> regions;
    };
    std::vector<Row> rows;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        for (const auto& t : a.answer->tokens()) {
            auto it = std::find_if(rows.begin(), rows.end(),
                                   [&](const Row& r) { return r.record.id() == t.id(); });
            if (it == rows.end())
                rows.push_back({t, {a.region}});
            else
                it->regions.push_back(a.region);
        }
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        if (a.record.name() != b.record.name())
            return a.record.name() < b.record.name();
        return a.record.created_at() < b.record.created_at();
    });
    if (options.json()) {
        std::string out = "{\n  \"tokens\": [";
        for (size_t i = 0; i < rows.size(); ++i) {
            std::string t = jsonOf(rows[i].record);
            std::string list;
            for (const auto& r : rows[i].regions)
                list += (list.empty() ? "" : ", ") + jsonString(r);
            t.insert(1, "\n  \"regions\": [" + list + "],");
            out += std::string(i ? ", " : "") + indented(t, 4);
        }
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    if (rows.empty()) {
        std::printf("No tokens%s.\n", all ? "" : " in force");
    } else {
        TextTable t({"ID", "NAME", "ROLE", "CREATED", "BY", "STATE", "REGIONS"});
        for (const auto& r : rows) {
            const auto& rec = r.record;
            const std::string regionsText = r.regions.size() == answers.size()
                                                ? "all " + std::to_string(r.regions.size())
                                                : absl::StrJoin(r.regions, ", ");
            t.addRow({rec.id(), rec.name(), access::roleName(rec.role()), ago(rec.created_at()),
                      rec.created_by(),
                      rec.revoked_at()
                          ? "revoked " + ago(rec.revoked_at()) + " by " + rec.revoked_by()
                          : "in force",
                      regionsText});
        }
        t.print();
    }
    printSilentRegions(answers, "its tokens are not listed");
    return absl::OkStatus();
}

absl::Status runTokenRevoke(CtlOptions& options, const AccessArgs& args) {
    if (args.id.empty() == args.name.empty())
        return absl::InvalidArgumentError(
            "give --id ID (one token) or --name NAME (every token of a person or service)");
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    v1::RevokeTokenRequest request;
    request.set_id(args.id);
    request.set_name(args.name);
    auto answers = (*regions)->askAll<v1::RevokeTokenResponse>(
        [&request](client::RegionClient& c) { return c.revokeToken(request); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    int revokedIn = 0;
    for (const auto& a : answers) {
        if (!a.answer.ok())
            continue;
        ++revokedIn;
        for (const auto& t : a.answer->revoked())
            std::printf("%s: revoked token %s (%s, %s)\n", a.region.c_str(), t.id().c_str(),
                        t.name().c_str(), access::roleName(t.role()).c_str());
    }
    printSilentRegions(answers, "the token may still be valid there");
    if (revokedIn < static_cast<int>(answers.size()))
        return absl::FailedPreconditionError(
            "revoked in " + std::to_string(revokedIn) + " of " + std::to_string(answers.size()) +
            " regions: run the command again once the others answer");
    return absl::OkStatus();
}

absl::Status runAudit(CtlOptions& options, const AccessArgs& args) {
    const long long sinceSeconds = registry::parseDurationSeconds(args.since);
    if (sinceSeconds <= 0)
        return absl::InvalidArgumentError("--since '" + args.since +
                                          "': expected a duration such as 90m, 24h or 7d");
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    v1::ListAuditRequest request;
    request.set_since(rows::nowMs() - sinceSeconds * 1000);
    request.set_principal(args.principal);
    request.set_action(args.action);
    request.set_denied_only(args.denied);
    request.set_limit(args.limit);
    auto answers = (*regions)->askAll<v1::ListAuditResponse>(
        [&request](client::RegionClient& c) { return c.listAudit(request); });
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    std::vector<v1::AuditRecord> records;
    for (const auto& a : answers)
        if (a.answer.ok())
            records.insert(records.end(), a.answer->records().begin(), a.answer->records().end());
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return a.at() > b.at(); });
    if (records.size() > static_cast<size_t>(args.limit))
        records.resize(static_cast<size_t>(args.limit));
    if (options.json()) {
        std::string out = "{\n  \"records\": [";
        for (size_t i = 0; i < records.size(); ++i)
            out += std::string(i ? ", " : "") + indented(jsonOf(records[i]), 4);
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    if (records.empty()) {
        std::printf("No audit entries in the last %s%s.\n", args.since.c_str(),
                    args.denied ? " of refused calls" : "");
    } else {
        TextTable t({"TIME", "REGION", "PRINCIPAL", "ACTION", "TARGET", "RESULT", "REQUEST"});
        for (const auto& r : records)
            t.addRow({formatTime(r.at()), r.region(), r.principal(),
                      (r.denied() ? "DENIED " : "") + r.action(), ellipsize(r.target(), 40),
                      ellipsize(r.result(), 60), r.request_id()});
        t.print();
    }
    printSilentRegions(answers, "its audit log is not listed");
    return absl::OkStatus();
}

}  // namespace

void registerAccessCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<AccessArgs>();

    auto* whoami = addCommand(app, "whoami", "Who the region at --endpoint takes you for",
                              {"meridianctl whoami", "MERIDIAN_TOKEN=mrd_… meridianctl whoami"},
                              "Your principal and role as the region sees them: the name of your "
                              "token, or of your\ncertificate.");
    whoami->group("Access");
    options.setAction(whoami, [&options] { return runWhoAmI(options); });

    auto* token = addCommand(
        app, "token", "Bearer tokens: create, list, revoke", {},
        "Regions started with --tokens FILE require a token on every call. A token has a role:\n"
        "viewer (read the registry, features, figures, jobs, alerts, costs, the audit log),\n"
        "operator (+ write rows, syncs, cancel, materialize, link emulation, integrity checks)\n"
        "or admin (+ registry changes, residency purges, tokens, erasure). Regions keep only an\n"
        "HMAC-SHA256 of each token; the token itself is printed once, when it is made.");
    token->group("Access");
    token->require_subcommand(1);

    auto* create = addMultiRegionCommand(
        *token, "create", "Make a token and register it with every region",
        {"meridianctl token create --role operator --name alice",
         "meridianctl token create --role admin --name ops --file /srv/meridian/tokens.yaml"},
        "Prints the token (only now) on standard output. Needs an admin token. --file writes\n"
        "the token's hash straight into a region's token file instead, with no region asked:\n"
        "how the first admin token of a region is made.");
    create->add_option("--role", args->role, "viewer, operator or admin")
        ->required()
        ->check(CLI::IsMember({"viewer", "operator", "admin"}));
    create
        ->add_option("--name", args->name,
                     "The person or service it is for: the principal in the audit log")
        ->required();
    create->add_option("--file", args->file, "Write it into this token file instead")
        ->type_name("FILE");
    addDeploymentOption(create, args->deployment);
    options.setAction(create, [&options, args] { return runTokenCreate(options, *args); });

    auto* list = addMultiRegionCommand(*token, "list", "The tokens every region knows",
                                       {"meridianctl token list", "meridianctl token list --all"},
                                       "Ids, names, roles and who made them; never the tokens.");
    list->add_flag("--all", args->all, "Include revoked tokens");
    addDeploymentOption(list, args->deployment);
    options.setAction(list, [&options, args] { return runTokenList(options, *args); });

    auto* revoke = addMultiRegionCommand(
        *token, "revoke", "Revoke a token, or every token of a name, in every region",
        {"meridianctl token revoke --id 3f9a1c0b7d2e", "meridianctl token revoke --name alice"},
        "Takes effect at once: the next call with the token is refused.");
    revoke->add_option("--id", args->id, "The token's id (the 12 hex digits after mrd_)");
    revoke->add_option("--name", args->name, "Every token of this name");
    addDeploymentOption(revoke, args->deployment);
    options.setAction(revoke, [&options, args] { return runTokenRevoke(options, *args); });

    auto* audit = addMultiRegionCommand(
        app, "audit", "What everyone did, and was refused, in every region",
        {"meridianctl audit", "meridianctl audit --denied --since 7d",
         "meridianctl audit --principal alice -o json"},
        "Every state-changing call (registry changes, syncs, cancels, link changes, purges,\n"
        "materializations, token changes) and every refused call, newest first, with the\n"
        "principal who made it as its region authenticated them.");
    audit->group("Access");
    audit->add_option("--since", args->since, "How far back: 90m, 24h, 7d…")->capture_default_str();
    audit->add_option("--principal", args->principal, "Only this principal's entries");
    audit->add_option("--action", args->action,
                      "Only this action (e.g. registry.apply, sync, token_create, "
                      "Registry.Apply for refusals)");
    audit->add_flag("--denied", args->denied, "Only refused calls");
    audit->add_option("--limit", args->limit, "Most entries to show")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    addDeploymentOption(audit, args->deployment);
    options.setAction(audit, [&options, args] { return runAudit(options, *args); });
}

}  // namespace meridian::ctl
