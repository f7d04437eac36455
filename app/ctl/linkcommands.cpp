// link partition | heal | set: the emulated network between two regions (demo and tests),
// changed at both ends, since each region receives from the other.

#include <cstdio>
#include <memory>
#include <optional>

#include "commandgroups.h"
#include "ctlformat.h"
#include "multiregion.h"

namespace meridian::ctl {
namespace {

enum class LinkChange { Partition, Heal, Set };

struct LinkArgs {
    std::string a;
    std::string b;
    int delayMs = -1;  // -1: not given
    int jitterMs = -1;
    std::string loss;
    std::string deployment;
};

absl::StatusOr<std::optional<double>> lossOf(const std::string& text) {
    if (text.empty())
        return std::optional<double>();
    std::string number = text;
    double scale = 1;
    if (number.ends_with("%")) {
        number.pop_back();
        scale = 0.01;
    }
    try {
        size_t used = 0;
        const double value = std::stod(number, &used) * scale;
        if (used == number.size() && value >= 0 && value < 1)
            return std::optional<double>(value);
    } catch (const std::exception&) {
    }
    return absl::InvalidArgumentError("--loss '" + text +
                                      "': expected a probability below 1 (0.05) or a percentage "
                                      "(5%)");
}

absl::Status runLink(CtlOptions& options, const LinkArgs& args, LinkChange change) {
    auto regions = openDeployment(options, args.deployment);
    if (!regions.ok())
        return regions.status();
    for (const auto& r : {args.a, args.b}) {
        if (auto st = (*regions)->checkRegion(r); !st.ok())
            return st;
    }
    if (args.a == args.b)
        return absl::InvalidArgumentError("both ends are '" + args.a +
                                          "': a link joins two different regions");
    auto loss = lossOf(args.loss);
    if (!loss.ok())
        return loss.status();
    // Values not given keep the deployment file's.
    const auto* configured = (*regions)->deployment().link(args.a, args.b);
    v1::LinkEmulationRequest base;
    switch (change) {
        case LinkChange::Partition:
            base.set_partitioned(true);
            break;
        case LinkChange::Heal:
            base.set_reset(true);
            break;
        case LinkChange::Set:
            base.set_delay_ms(args.delayMs >= 0 ? args.delayMs
                                                : (configured ? configured->delayMs : 0));
            base.set_jitter_ms(args.jitterMs >= 0 ? args.jitterMs
                                                  : (configured ? configured->jitterMs : 0));
            base.set_loss(loss->value_or(configured ? configured->loss : 0));
            break;
    }
    struct End {
        std::string receiver, peer;
    };
    const std::vector<End> ends{{args.b, args.a}, {args.a, args.b}};
    std::vector<client::RegionAnswer<v1::LinkEmulationResponse>> answers;
    for (const auto& e : ends) {
        v1::LinkEmulationRequest request = base;
        request.set_peer(e.peer);
        auto& c = (*regions)->client(e.receiver);
        answers.push_back({e.receiver, c.endpoint(), c.setLinkEmulation(request)});
    }
    for (const auto& a : answers) {
        if (!a.answer.ok() && !client::isUnreachable(a.answer.status()))
            return a.answer.status();
    }
    if (auto st = requireAnswer(answers, **regions); !st.ok())
        return st;
    if (options.json()) {
        std::string out = "{\n  \"links\": [";
        bool first = true;
        for (const auto& a : answers) {
            if (!a.answer.ok())
                continue;
            out += std::string(first ? "" : ", ") + "{\"from\": " + jsonString(a.answer->peer()) +
                   ", \"to\": " + jsonString(a.region) +
                   ", \"emulation\": " + jsonString(a.answer->emulation()) + "}";
            first = false;
        }
        out += "],\n  \"down\": " + silentRegionsJson(answers) + "\n}\n";
        std::fputs(out.c_str(), stdout);
        return absl::OkStatus();
    }
    for (size_t i = 0; i < answers.size(); ++i) {
        const auto& a = answers[i];
        if (!a.answer.ok())
            continue;
        const std::string& emulation = a.answer->emulation();
        std::printf("%-40s %s\n", linkName(ends[i].peer, ends[i].receiver).c_str(),
                    emulation.empty() ? "no emulation (full loopback speed)"
                                      : ("emulated: " + emulation).c_str());
    }
    if (change == LinkChange::Heal)
        std::printf(
            "back to the deployment file's settings; replication resumes from where it "
            "stopped (see `meridianctl lag`)\n");
    else if (change == LinkChange::Partition)
        std::printf(
            "nothing crosses the link until `meridianctl link heal %s %s`; watch the lag "
            "grow with `meridianctl lag`\n",
            args.a.c_str(), args.b.c_str());
    printSilentRegions(answers, "the link into it is unchanged");
    return absl::OkStatus();
}

void addEnds(CLI::App* command, LinkArgs& args) {
    command->add_option("a", args.a, "One region")->required();
    command->add_option("b", args.b, "The other region")->required();
    addDeploymentOption(command, args.deployment);
}

}  // namespace

void registerLinkCommands(CLI::App& app, CtlOptions& options) {
    auto* link = addMultiRegionCommand(
        app, "link", "Emulate network trouble between two regions (partition, heal, set)",
        {"meridianctl link partition aws-us-east-1 aws-eu-west-1",
         "meridianctl link heal aws-us-east-1 aws-eu-west-1",
         "meridianctl link set aws-us-east-1 azure-southeastasia --delay 300 --loss 5%"},
        "For demos and tests: the emulated delay, jitter, loss and partition of the link between\n"
        "two regions, in both directions. `lag` always shows a link's emulation. Nothing here\n"
        "touches a real network; heal returns to the deployment file's settings.");
    link->group("Replication");
    link->require_subcommand(1);

    auto partitionArgs = std::make_shared<LinkArgs>();
    auto* partition = addMultiRegionCommand(
        *link, "partition", "Cut the link both ways: nothing replicates until healed",
        {"meridianctl link partition aws-us-east-1 aws-eu-west-1"});
    addEnds(partition, *partitionArgs);
    options.setAction(partition, [&options, partitionArgs] {
        return runLink(options, *partitionArgs, LinkChange::Partition);
    });

    auto healArgs = std::make_shared<LinkArgs>();
    auto* heal =
        addMultiRegionCommand(*link, "heal", "Restore the link to the deployment file's emulation",
                              {"meridianctl link heal aws-us-east-1 aws-eu-west-1"});
    addEnds(heal, *healArgs);
    options.setAction(
        heal, [&options, healArgs] { return runLink(options, *healArgs, LinkChange::Heal); });

    auto setArgs = std::make_shared<LinkArgs>();
    auto* set = addMultiRegionCommand(
        *link, "set", "Set the emulated delay, jitter and loss of the link both ways",
        {"meridianctl link set aws-us-east-1 aws-eu-west-1 --delay 120 --jitter 10",
         "meridianctl link set aws-eu-west-1 gcp-europe-west4 --loss 0.02"},
        "A value not given keeps the deployment file's (0 when the file has none).");
    addEnds(set, *setArgs);
    set->add_option("--delay", setArgs->delayMs, "One-way delay in milliseconds")
        ->type_name("MS")
        ->check(CLI::Range(0, 600000));
    set->add_option("--jitter", setArgs->jitterMs, "Random ± variation of the delay, milliseconds")
        ->type_name("MS")
        ->check(CLI::Range(0, 600000));
    set->add_option("--loss", setArgs->loss, "Share of batches lost and resent: 0.05 or 5%")
        ->type_name("P");
    options.setAction(set,
                      [&options, setArgs] { return runLink(options, *setArgs, LinkChange::Set); });
}

}  // namespace meridian::ctl
