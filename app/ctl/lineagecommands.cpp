// lineage: how entities and sources flow into views, services, models and regions.

#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "commandgroups.h"
#include "ctlformat.h"
#include "texttable.h"

namespace meridian::ctl {
namespace {

struct LineageArgs {
    std::string format = "table";
    bool allProjects = false;
};

std::string nodeKindName(v1::LineageNode::Kind kind) {
    switch (kind) {
        case v1::LineageNode::ENTITY:
            return "entity";
        case v1::LineageNode::DATA_SOURCE:
            return "data source";
        case v1::LineageNode::FEATURE_VIEW:
            return "feature view";
        case v1::LineageNode::FEATURE_SERVICE:
            return "feature service";
        case v1::LineageNode::CONSUMER:
            return "model";
        case v1::LineageNode::REGION:
            return "region";
        default:
            return "node";
    }
}

std::string dotShape(v1::LineageNode::Kind kind) {
    switch (kind) {
        case v1::LineageNode::ENTITY:
            return "ellipse";
        case v1::LineageNode::DATA_SOURCE:
            return "cylinder";
        case v1::LineageNode::FEATURE_VIEW:
            return "box";
        case v1::LineageNode::FEATURE_SERVICE:
            return "component";
        case v1::LineageNode::CONSUMER:
            return "oval";
        case v1::LineageNode::REGION:
            return "hexagon";
        default:
            return "plaintext";
    }
}

std::string dotQuoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string dotOf(const v1::LineageResponse& lineage, bool showProject) {
    std::string out =
        "digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n"
        "  edge [color=\"#555555\"];\n";
    for (const auto& n : lineage.nodes()) {
        std::string label = (showProject && !n.project().empty() ? n.project() + "/" : "") +
                            n.name() + "\n" + nodeKindName(n.kind());
        out += "  " + dotQuoted(n.id()) + " [label=" + dotQuoted(label) +
               ", shape=" + dotShape(n.kind()) + "];\n";
    }
    for (const auto& e : lineage.edges()) {
        out += "  " + dotQuoted(e.from()) + " -> " + dotQuoted(e.to());
        if (e.crosses_residency())
            out += " [color=red, fontcolor=red, penwidth=2, label=\"crosses residency\"]";
        out += ";\n";
    }
    return out + "}\n";
}

absl::Status runLineage(CtlOptions& options, const LineageArgs& args) {
    std::string project;
    if (!args.allProjects) {
        auto resolved = options.resolveProject();
        if (!resolved.ok())
            return resolved.status();
        project = *resolved;
    }
    auto lineage = options.client().lineage(project);
    if (!lineage.ok())
        return lineage.status();
    std::set<std::string> projects;
    for (const auto& n : lineage->nodes())
        if (!n.project().empty())
            projects.insert(n.project());
    const bool showProject = projects.size() > 1;
    if (args.format == "dot") {
        std::fputs(dotOf(*lineage, showProject).c_str(), stdout);
        return absl::OkStatus();
    }
    if (options.json()) {
        printJson(*lineage);
        return absl::OkStatus();
    }
    std::map<std::string, const v1::LineageNode*> nodes;
    for (const auto& n : lineage->nodes())
        nodes[n.id()] = &n;
    auto label = [&](const std::string& id) {
        auto it = nodes.find(id);
        if (it == nodes.end())
            return id;
        const auto& n = *it->second;
        return nodeKindName(n.kind()) + " " +
               (showProject && !n.project().empty() ? n.project() + "/" : "") + n.name();
    };
    if (lineage->edges().empty()) {
        std::fprintf(stderr, "no lineage: the registry holds no feature views yet\n");
        return absl::OkStatus();
    }
    TextTable table({"FROM", "TO", "NOTE"});
    int crossing = 0;
    for (const auto& e : lineage->edges()) {
        crossing += e.crosses_residency();
        table.addRow(
            {label(e.from()), label(e.to()), e.crosses_residency() ? "CROSSES RESIDENCY" : ""});
    }
    table.print();
    if (crossing > 0)
        std::printf("\n%d edge%s carry data to a region outside the view's residency\n", crossing,
                    crossing == 1 ? "" : "s");
    return absl::OkStatus();
}

}  // namespace

void registerLineageCommands(CLI::App& app, CtlOptions& options) {
    auto args = std::make_shared<LineageArgs>();
    auto* lineage = addCommand(
        app, "lineage", "Show how data flows from entities and sources to models and regions",
        {"meridianctl lineage", "meridianctl lineage --format dot | dot -Tsvg > lineage.svg",
         "meridianctl lineage --all-projects -o json"},
        "Edges: entity and data source -> feature view -> feature service -> consumer model, and\n"
        "feature view -> each region that stores it. An edge that carries data to a region "
        "outside\n"
        "the view's residency is flagged (red in dot output).");
    lineage->group("Registry");
    lineage
        ->add_option(
            "--format", args->format,
            "table (edges, one per line) or dot (Graphviz; edges crossing residency in red)")
        ->check(CLI::IsMember({"table", "dot"}))
        ->capture_default_str();
    lineage->add_flag("--all-projects", args->allProjects,
                      "Every project, not just the current one");
    options.setAction(lineage, [&options, args] { return runLineage(options, *args); });
}

}  // namespace meridian::ctl
