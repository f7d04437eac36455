#include "demo/demostatefile.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace meridian::demo {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr int kFormatVersion = 1;

Value text(const std::string& s) {
    Value v;
    v.set_string_value(s);
    return v;
}

Value number(double n) {
    Value v;
    v.set_number_value(n);
    return v;
}

std::string textOf(const Struct& s, const std::string& key) {
    const auto it = s.fields().find(key);
    return it != s.fields().end() && it->second.has_string_value() ? it->second.string_value()
                                                                   : std::string();
}

int64_t numberOf(const Struct& s, const std::string& key) {
    const auto it = s.fields().find(key);
    return it != s.fields().end() && it->second.has_number_value()
               ? static_cast<int64_t>(it->second.number_value())
               : 0;
}

}  // namespace

absl::StatusOr<DemoState> readDemoState(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        if (errno == ENOENT)
            return absl::NotFoundError("no demo state file at " + path);
        return absl::PermissionDeniedError("cannot read " + path + ": " + std::strerror(errno));
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    Struct root;
    if (auto st = google::protobuf::util::JsonStringToMessage(buffer.str(), &root); !st.ok())
        return absl::InvalidArgumentError(
            path + " is not a demo state file (expected the JSON " +
            "object meridianctl demo up writes): " + std::string(st.message()));
    DemoState state;
    state.deploymentPath = textOf(root, "deployment");
    state.dataDir = textOf(root, "data_dir");
    state.generatorPid = static_cast<int>(numberOf(root, "generator_pid"));
    state.startedAtMs = numberOf(root, "started_at_ms");
    if (const auto it = root.fields().find("regions");
        it != root.fields().end() && it->second.has_list_value()) {
        for (const auto& item : it->second.list_value().values()) {
            if (!item.has_struct_value())
                continue;
            const Struct& r = item.struct_value();
            DemoRegion region;
            region.name = textOf(r, "name");
            region.cloud = textOf(r, "cloud");
            region.providerRegion = textOf(r, "provider_region");
            region.endpoint = textOf(r, "endpoint");
            region.pid = static_cast<int>(numberOf(r, "pid"));
            region.log = textOf(r, "log");
            state.regions.push_back(std::move(region));
        }
    }
    return state;
}

absl::Status writeDemoState(const std::string& path, const DemoState& state) {
    Struct root;
    auto& fields = *root.mutable_fields();
    fields["format"] = number(kFormatVersion);
    fields["deployment"] = text(state.deploymentPath);
    fields["data_dir"] = text(state.dataDir);
    fields["generator_pid"] = number(state.generatorPid);
    fields["started_at_ms"] = number(static_cast<double>(state.startedAtMs));
    auto* regions = fields["regions"].mutable_list_value();
    for (const auto& r : state.regions) {
        Struct s;
        auto& f = *s.mutable_fields();
        f["name"] = text(r.name);
        f["cloud"] = text(r.cloud);
        f["provider_region"] = text(r.providerRegion);
        f["endpoint"] = text(r.endpoint);
        f["pid"] = number(r.pid);
        f["log"] = text(r.log);
        *regions->add_values()->mutable_struct_value() = std::move(s);
    }
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    std::string json;
    if (auto st = google::protobuf::util::MessageToJsonString(root, &json, options); !st.ok())
        return absl::InternalError("cannot encode the demo state: " + std::string(st.message()));

    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec)
        return absl::PermissionDeniedError(
            "cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << json;
        out.flush();
        if (!out)
            return absl::PermissionDeniedError("cannot write " + temporary + ": " +
                                               std::strerror(errno));
    }
    fs::rename(temporary, path, ec);
    if (ec)
        return absl::PermissionDeniedError("cannot replace " + path + ": " + ec.message());
    return absl::OkStatus();
}

}  // namespace meridian::demo
