#include "demo/demotokens.h"

#include <filesystem>
#include <fstream>

#include "access/tokens.h"
#include "rows/eventtime.h"

namespace meridian::demo {
namespace {

namespace fs = std::filesystem;

absl::Status writePrivateFile(const std::string& path, const std::string& text) {
    std::error_code ec;
    fs::remove(path, ec);
    std::ofstream out(path, std::ios::trunc);
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
    out << text;
    out.close();
    if (!out || ec)
        return absl::FailedPreconditionError("cannot write " + path);
    return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DemoTokens> ensureDemoTokens(
    const std::string& dataDir, const std::vector<std::string>& files,
    const std::function<void(const std::string&)>& progress) {
    DemoTokens out;
    out.adminFile = (fs::path(dataDir) / "admin.token").string();
    out.generatorFile = (fs::path(dataDir) / "generator.token").string();
    std::error_code ec;
    for (const auto& file : files)
        fs::create_directories(fs::path(file).parent_path(), ec);
    if (!fs::exists(out.adminFile, ec) || !fs::exists(out.generatorFile, ec)) {
        const int64_t now = rows::nowMs();
        auto admin = access::makeToken("demo-admin", v1::ROLE_ADMIN, "meridianctl demo up", now);
        auto generator =
            access::makeToken("demo-generator", v1::ROLE_OPERATOR, "meridianctl demo up", now);
        if (!admin.ok())
            return admin.status();
        if (!generator.ok())
            return generator.status();
        for (const auto& file : files) {
            auto tokens = access::TokenFile::open(file);
            if (!tokens.ok())
                return tokens.status();
            for (const auto* t : {&*admin, &*generator})
                if (auto st = (*tokens)->add(t->record); !st.ok())
                    return st;
        }
        if (auto st = writePrivateFile(out.generatorFile, generator->token + "\n"); !st.ok())
            return st;
        if (auto st = writePrivateFile(out.adminFile, admin->token + "\n"); !st.ok())
            return st;
        if (progress)
            progress("tokens: an admin token in " + out.adminFile + ", the generator's in " +
                     out.generatorFile + "; every region keeps their hashes in its tokens.yaml");
    } else {
        // A region new to the deployment starts with the others' tokens.
        std::string existing;
        for (const auto& file : files)
            if (fs::exists(file, ec))
                existing = file;
        for (const auto& file : files)
            if (!existing.empty() && !fs::exists(file, ec))
                fs::copy_file(existing, file, ec);
    }
    std::ifstream in(out.adminFile);
    std::getline(in, out.admin);
    if (out.admin.empty())
        return absl::FailedPreconditionError(out.adminFile + " holds no token");
    return out;
}

}  // namespace meridian::demo
